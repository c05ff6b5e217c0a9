/**
 * A dusty environment whose Docker host is a real second machine (test/remote-host.ts) reached with the
 * ssh driver: a real daemon (test/harness.ts) configured with `docker_host_driver: ssh`, `docker_host` the
 * namespace host and `docker_host_ssh_config` its ssh config; a specs repo of the test's own. The remote
 * host cannot see the daemon's folder (a tmpfs over it there), so a bind mount of a client path fails.
 *
 *   const env = await startRemoteEnv({ specs, bundles: ["main"], compose: "docker-compose" });
 *   afterAll(() => env.stop());
 *   await env.up();
 */
import { join } from "node:path";
import { run } from "../platform/run.ts";
import { BUSYBOX_IMAGE, ensureTestImages, NGINX_IMAGE } from "../platform/test-images.ts";
import { makeGitRepo } from "./git-fixtures.ts";
import { runClient, writeTestConfig, type ClientEnv } from "./client-env.ts";
import { startDaemon, type DaemonHandle, type RunOptions, type RunResult } from "./harness.ts";
import { startRemoteHost, type RemoteHost } from "./remote-host.ts";

/** Which compose the daemon runs. */
export type ComposeChoice = "docker-compose" | "docker compose";

/** ensure-docker.sh installs Compose v2 when Debian's archive is reachable; without it only v1 runs. */
export const HAS_COMPOSE_V2 = Bun.spawnSync(["docker", "compose", "version"], { stdout: "ignore", stderr: "ignore" }).exitCode === 0;

/** Options of `startRemoteEnv()`. */
export interface RemoteEnvOptions {
  specs: Record<string, string>;
  bundles: string[];
  compose?: ComposeChoice;
  /** Local folders the remote host must not see, besides the daemon's own. */
  hide?: string[];
  /** Config keys added to (or replacing) the ssh driver's. */
  config?: Record<string, unknown>;
}

/** What a test gets. */
export interface RemoteEnv extends ClientEnv {
  host: RemoteHost;
  project: string;
  specsPath: string;
  /** dusty's folder on the remote host (`docker_host_persist_dir`). */
  remotePersistDir: string;
  /** `dusty up --no-pull`; throws with its output when it fails. */
  up(extra?: string[]): Promise<RunResult>;
  /** The ids of every container of the project on this machine's engine (there should be none). */
  localContainers(): Promise<string[]>;
  /** Ends the daemon's ssh master (as `ControlPersist` expiring would), so the next command logs in anew. */
  closeMaster(): Promise<void>;
  /** Rewrites the config file (the daemon reads it per command). */
  writeConfig(extra?: Record<string, unknown>): void;
  /** Stops the daemon, ends its ssh master, removes the remote host and everything of the project locally. */
  stop(): Promise<void>;
}

/** Starts the remote host and the daemon, writes the config and the specs; nothing runs until `up()`. */
export async function startRemoteEnv(options: RemoteEnvOptions): Promise<RemoteEnv> {
  await ensureTestImages();
  const project = `dustyremote${crypto.randomUUID().replaceAll("-", "").slice(0, 10)}`;
  const daemon = await startDaemon();
  let host: RemoteHost | undefined;
  // The master outlives the daemon (ControlPersist): end it by its control socket.
  const closeMaster = async () => {
    const controlDir = join(daemon.dir, "run", "ssh");
    await run(["sh", "-c", 'for s in "$1"/*.ctl; do [ -S "$s" ] && ssh -o ControlPath="$s" -O exit x; done; true', "sh", controlDir]);
  };
  const stop = async () => {
    if (host) await closeMaster().catch(() => {});
    await daemon.stop().catch(() => {});
    for (const id of await localProjectContainers(project)) await run(["docker", "rm", "-f", "-v", id]);
    await host?.stop();
  };
  try {
    host = await startRemoteHost({ hide: [daemon.dir, ...(options.hide ?? [])] });
    await host.loadImage(BUSYBOX_IMAGE);
    await host.loadImage(NGINX_IMAGE);
    const remoteHost = host;
    const specsPath = join(daemon.dir, "specs");
    const specsRepo = makeGitRepo(specsPath, options.specs);
    const remotePersistDir = join(host.remoteRoot, "dusty");
    const writeConfig = (extra: Record<string, unknown> = {}) =>
      writeTestConfig(daemon, { bundles: options.bundles, specsUrl: specsRepo.url, specsPath, project }, {
        compose_command: options.compose ?? "docker-compose",
        docker_host_driver: "ssh",
        docker_host: remoteHost.dockerHostUrl,
        docker_host_ssh_config: remoteHost.sshConfigFile,
        docker_host_persist_dir: remotePersistDir,
        ...options.config,
        ...extra,
      });
    writeConfig();
    const containerId = async (service: string) => {
      const ps = await remoteHost.docker(["ps", "-q", "--filter", `label=com.docker.compose.project=${project}`, "--filter", `label=com.docker.compose.service=${service}`]);
      const id = ps.stdout.trim().split("\n").filter(Boolean)[0];
      if (!id) throw new Error(`no running container for ${service} in project ${project} on the remote host`);
      return id;
    };
    const runAsRoot = (args: string[], runOptions: RunOptions = {}) => daemon.run(args, { timeoutMs: 120_000, ...runOptions });
    return {
      host,
      daemon,
      project,
      specsPath,
      remotePersistDir,
      run: runAsRoot,
      runAsNobody: (args, runOptions = {}) => runClient(daemon, args, { ...runOptions, asNobody: true }),
      up: async (extra = []) => {
        const result = await runAsRoot(["up", "--no-pull", ...extra], { timeoutMs: 180_000 });
        if (result.code !== 0) throw new Error(`dusty up failed with exit code ${result.code}:\n${result.stdout}${result.stderr}\n${daemon.log().slice(-3000)}`);
        return result;
      },
      containerId,
      exec: async (service, command) => {
        const result = await remoteHost.docker(["exec", await containerId(service), ...command]);
        if (result.exitCode !== 0) throw new Error(`exec in ${service} failed (${result.exitCode}): ${result.stderr}`);
        return result.stdout;
      },
      localContainers: () => localProjectContainers(project),
      writeConfig,
      closeMaster,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function localProjectContainers(project: string): Promise<string[]> {
  const ps = await run(["docker", "ps", "-aq", "--filter", `label=com.docker.compose.project=${project}`]);
  return ps.stdout.split("\n").filter(Boolean);
}
