/**
 * Which Docker Engine a command uses, and how `status`, `dump` and errors name it: the config's
 * `docker_endpoint` pin, else the engine the client sent (its DOCKER_HOST or Docker context), else the
 * daemon's own default (core/docker-engine.ts). Only the native driver follows it; the other drivers
 * reach their own host's engine.
 */
import { chooseEngine, describeEngineSource, type EngineChoice } from "../../../core/docker-engine.ts";
import type { DockerHost } from "../../../platform/vm/index.ts";
import type { DaemonState } from "./_state.ts";

/** The engine a command uses: its endpoint, and where that choice came from, in words. */
export interface EngineInUse {
  /** DOCKER_HOST as docker and compose get it, e.g. "unix:///var/run/docker.sock". */
  endpoint: string;
  /** E.g. `your Docker context "colima" (DOCKER_CONTEXT)`, "the config key docker_endpoint", "the default socket". */
  source: string;
}

/** The engine the native driver uses for this command. */
export function engineChoiceFor(state: DaemonState): EngineChoice {
  return chooseEngine({ pinned: state.config.docker_endpoint, client: state.clientEngine });
}

/** What `engineInUse()` may be given. */
export interface EngineInUseOptions {
  /** `host.dockerEnv()` when the caller has it already (on an ssh host each call asks the connection). */
  hostEnv?: Record<string, string>;
  daemonEnv?: Record<string, string | undefined>;
}

/** The engine `host` uses for this command; the VM and ssh drivers name their own. */
export async function engineInUse(state: DaemonState, host: DockerHost, options: EngineInUseOptions = {}): Promise<EngineInUse> {
  const daemonEnv = options.daemonEnv ?? process.env;
  const fallback = daemonEnv.DOCKER_HOST || "unix:///var/run/docker.sock";
  if (host.name === "native") {
    const choice = engineChoiceFor(state);
    return { endpoint: choice.host ?? fallback, source: describeEngineSource(choice, daemonEnv.DOCKER_HOST) };
  }
  const env = options.hostEnv ?? (await host.dockerEnv().catch(() => ({}) as Record<string, string>));
  return { endpoint: env.DOCKER_HOST ?? fallback, source: `the ${host.name} driver` };
}

/** "unix:///x.sock (from the config key docker_endpoint)". */
export function formatEngine(engine: EngineInUse): string {
  return `${engine.endpoint} (from ${engine.source})`;
}

/** Where host names point and whether the engine runs on another machine, for the compile options. */
export async function hostPlacement(host: DockerHost): Promise<{ hostAddress: string; remoteHost: boolean }> {
  const [hostAddress, elsewhere] = await Promise.all([host.hostAddress(), host.engineElsewhere?.()]);
  return { hostAddress, remoteHost: host.name !== "native" || elsewhere !== undefined };
}
