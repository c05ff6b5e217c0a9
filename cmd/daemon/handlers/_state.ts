/**
 * What most daemon commands start from: the config, the configured specs (cmd/daemon/handlers/_specs-cache.ts) and
 * the compile options they imply. One place, so every handler reads them the same way.
 */
import { publishAddress } from "../../../core/publish-address.ts";
import type { AssembledSpecs } from "../../../core/assemble.ts";
import { assembleSpecs } from "../../../core/assemble.ts";
import { defaultCompileOptions, type CompileOptions, type HostPaths } from "../../../core/compile.ts";
import type { DustyConfig } from "../../../core/config.ts";
import type { ClientEngine } from "../../../core/docker-engine.ts";
import type { PortAssignments } from "../../../core/ports.ts";
import { repoUrlsOf } from "../../../core/repos.ts";
import type { Specs } from "../../../core/specs.ts";
import { loadConfig } from "../../../platform/config-file.ts";
import { UserError } from "../../../platform/errors.ts";
import type { Locations } from "../../../platform/locations.ts";
import { localRepoPath } from "../../../platform/repos.ts";
import { NextCallSharing } from "../../../platform/work-sharing.ts";
import type { CheckedSpecs, CheckOptions } from "../../_specs.ts";
import { readDaemonSpecs } from "./_specs-cache.ts";
import type { CommandContext } from "./_types.ts";

/** The config as this command sees it. */
export interface DaemonState {
  config: DustyConfig;
  locations: Locations;
  /** The client's checked SSH agent socket (CommandContext.sshAuthSock): every ssh to the Docker host uses it. */
  sshAuthSock?: string;
  /** The engine the client sent (core/docker-engine.ts); the native driver uses it unless the config pins one. */
  clientEngine?: ClientEngine;
  /** The client, so the engine's socket or TLS folder must be its own (or root's). */
  caller?: CommandContext["caller"];
}

// Every command parses the config first: 200 arriving together share one read, one that started after
// they all arrived (so none sees a config older than its request), instead of parsing it 200 times.
const configReads = new NextCallSharing();

/** Reads the config (warnings go to the client). */
export async function readState(ctx: CommandContext): Promise<DaemonState> {
  const file = ctx.locations.configFile;
  const { config, warnings } = await configReads.run(file, () => loadConfig(file));
  for (const w of warnings) ctx.warn(w);
  return { config, locations: ctx.locations, sshAuthSock: ctx.sshAuthSock, clientEngine: ctx.clientEngine, caller: ctx.caller };
}

/** The folder the specs are read from: the override of the specs repo, else its managed clone. */
export function specsRepoPath(state: DaemonState): string {
  const url = state.config.specs_repo;
  if (!url) {
    throw new UserError("No specs repo is configured: run `dusty setup --default_specs_repo=<url or path>` (or `dusty setup` for the built-in example)");
  }
  return localRepoPath(url, state.config, state.locations);
}

/** Reads and validates the configured specs; warnings go to the client, errors (of the specs `options.bundles` use, if given) throw a SpecError. */
export async function readConfiguredSpecs(state: DaemonState, ctx: CommandContext, options: CheckOptions = {}): Promise<CheckedSpecs> {
  const path = specsRepoPath(state);
  const checked = await readDaemonSpecs(path, options);
  for (const w of checked.warnings) ctx.warn(w);
  return checked;
}

/** The active closure of the configured bundles; throws Dusty's message when none is active. */
export function assembleActive(specs: Specs, config: DustyConfig): AssembledSpecs {
  const assembled = assembleSpecs(specs, config.bundles);
  if (assembled.bundles.length === 0) {
    throw new UserError("No bundles are activated. Use `dusty bundles activate <name>` to activate bundles before running `dusty up`");
  }
  return assembled;
}

/** Compile options from the config, the Docker host's layout and where each repo's checkout lives. */
export function compileOptionsFor(
  state: DaemonState,
  specs: Specs,
  host: { paths: HostPaths; hostAddress: string; remoteHost: boolean; previousPorts: PortAssignments },
): CompileOptions {
  const { config, locations } = state;
  const repoPaths = Object.fromEntries(repoUrlsOf(specs).map((url) => [url, localRepoPath(url, config, locations)]));
  return {
    ...defaultCompileOptions(),
    bundles: config.bundles,
    hostAddress: host.hostAddress,
    bindAddress: publishAddress({ bindAddress: config.bind_address, remoteHost: host.remoteHost, hostAddress: host.hostAddress }),
    portBase: config.port_base,
    previousPorts: host.previousPorts,
    paths: host.paths,
    repoPaths,
    nginxImage: config.nginx_image,
    envOverrides: config.dusty_env_overrides,
  };
}
