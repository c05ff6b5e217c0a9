/**
 * The Docker host on another machine, reached over ssh (`docker_host_driver: ssh`, `docker_host:
 * ssh://USER@HOST[:PORT]`): one ControlMaster carries every call, the remote engine's socket is
 * forwarded to a local one, and code is rsynced (destructively) into dusty's own folder there.
 */
import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import { posix } from "node:path";
import { UserError } from "../errors.ts";
import { localKind, syncFolder, syncFromRemote, syncPaths, type Runner, type SyncOptions } from "../rsync.ts";
import { CommandFailedError, run, type RunResult } from "../run.ts";
import { createSshConnection, parseSshUrl, type SshConnection } from "../ssh.ts";
import { shellCommand } from "./_vm-shell.ts";
import { parseDfOutput } from "./disk-usage.ts";
import type { DockerHost, HostSyncOptions, LogLine } from "./driver.ts";
import { nativePaths } from "./native.ts";

/** dusty's folder on the remote host when the config names none. */
export const DEFAULT_REMOTE_PERSIST_DIR = "/var/lib/dusty";

/** Where the remote engine listens (the socket the connection forwards). */
const REMOTE_DOCKER_SOCKET = "/var/run/docker.sock";

/** Settings of the ssh driver. */
export interface SshHostOptions {
  /** `docker_host`: ssh://USER@HOST[:PORT]. */
  dockerHost: string;
  /** `docker_host_ssh_config`: an ssh_config file for every ssh dusty runs. */
  sshConfigFile?: string;
  /** `docker_host_address`: written to the hosts file (default: the host part of docker_host, resolved once). */
  hostAddress?: string;
  /** dusty's folder on the remote host (default /var/lib/dusty). */
  remotePersistDir?: string;
  /** A root-only local folder for the connection's sockets (e.g. under the daemon's run dir). */
  controlDir: string;
  /** Environment for ssh and rsync (the client's SSH_AUTH_SOCK). */
  env?: Record<string, string | undefined>;
  /** Starts ssh and rsync (default platform/run.ts's `run`); tests wrap it to see which programs run. */
  runner?: Runner;
}

/** A DockerHost on a remote machine's engine. */
export function createSshHost(options: SshHostOptions): DockerHost & { readonly connection: SshConnection } {
  const target = parseSshUrl(options.dockerHost);
  const runner = options.runner ?? run;
  const connection = createSshConnection({ target, configFile: options.sshConfigFile, controlDir: options.controlDir, env: options.env, remoteDockerSocket: REMOTE_DOCKER_SOCKET, runner });
  const persistDir = posix.normalize(options.remotePersistDir ?? DEFAULT_REMOTE_PERSIST_DIR).replace(/\/+$/, "");
  if (!persistDir.startsWith("/") || persistDir === "/") {
    throw new UserError(`Cannot use "${persistDir}" as dusty's folder on ${connection.label}: give an absolute folder of dusty's own, like ${DEFAULT_REMOTE_PERSIST_DIR}`);
  }
  const paths = nativePaths(persistDir);
  let address: Promise<string> | undefined;

  const onHost = async (argv: string[]): Promise<RunResult> => {
    const result = await connection.run(argv);
    if (result.exitCode !== 0) throw new CommandFailedError(result);
    return result;
  };

  async function ensureUp(log: LogLine): Promise<void> {
    await connection.open();
    log(`Connected to the Docker host ${connection.label}`);
    const rsync = await connection.run(["sh", "-c", "command -v rsync"]);
    if (rsync.exitCode !== 0) {
      throw new UserError(`Cannot sync code to the Docker host ${connection.label}: rsync is not installed there. Install it on that host (\`apt-get install rsync\`)`);
    }
    const version = await run(["docker", "version", "--format", "{{.Server.Version}}"], { env: await dockerEnv(), timeoutMs: 30_000 }).catch((error: Error) => ({ exitCode: -1, stdout: "", stderr: error.message }));
    if (version.exitCode !== 0) {
      // Through the forward the CLI sees only a closed stream ("EOF"): say what is missing there if we can.
      const socketThere = (await connection.run(["test", "-S", REMOTE_DOCKER_SOCKET])).exitCode === 0;
      const detail = socketThere ? version.stderr.trim().split("\n").at(-1) ?? "" : `no engine socket at ${REMOTE_DOCKER_SOCKET} there`;
      throw new UserError(`Cannot reach the Docker Engine on ${connection.label}: ${detail}. Start it there (\`sudo systemctl start docker\`), and check that ${target.user ?? "the ssh user"} may use ${REMOTE_DOCKER_SOCKET}`);
    }
    log(`Docker Engine ${version.stdout.trim()} is running on ${connection.label}`);
    await onHost(["mkdir", "-p", ...Object.values(paths)]);
    // Assets hold secrets: only the remote user may read them.
    await onHost(["chmod", "700", paths.assetsDir]);
  }

  async function dockerEnv(): Promise<Record<string, string>> {
    if (!(await connection.isOpen())) await connection.open();
    return { DOCKER_HOST: `unix://${connection.dockerSocket}` };
  }

  // Every sync is destructive (--delete), so a wrong path must never reach rsync.
  function insidePersist(hostPath: string): string {
    const path = posix.normalize(hostPath).replace(/\/+$/, "");
    if (path !== persistDir && !path.startsWith(`${persistDir}/`)) {
      throw new Error(`Refusing to sync "${hostPath}": it is outside dusty's folder "${persistDir}" on ${connection.label}`);
    }
    return path;
  }

  function rsyncOptions(syncOptions: HostSyncOptions): SyncOptions {
    return {
      delete: syncOptions.delete,
      excludeNestedGit: syncOptions.excludeNestedGit,
      signal: syncOptions.signal,
      onLine: syncOptions.onLine,
      remoteShell: connection.remoteShell(),
      compress: true,
      runner: (argv, runOptions) => runner(argv, { ...runOptions, env: { ...options.env, ...runOptions?.env } }),
    };
  }

  const remote = (path: string) => `${connection.rsyncTarget()}:${path}`;

  return {
    name: "ssh",
    connection,
    ensureUp,
    hostAddress: () => (address ??= options.hostAddress ? Promise.resolve(options.hostAddress) : resolveHost(target.host, connection.label)),
    dockerEnv,
    paths: () => ({ ...paths }),
    syncIn: async (localPath, hostPath, syncOptions = {}) => {
      const to = insidePersist(hostPath);
      const kind = await localKind(localPath);
      if (kind === "missing") throw new UserError(`Cannot sync "${localPath}": no such file or folder. Check the path`);
      // rsync makes only the last component; the folders above come from a mkdir in the same remote
      // command as rsync's server (not a round trip of its own: that cost a resync ~20%, bench/remote-resync.ts).
      const rsyncPath = `${shellCommand(["mkdir", "-p", "--", kind === "dir" ? to : posix.dirname(to)])} && rsync`;
      await syncFolder(localPath, remote(to), { ...rsyncOptions(syncOptions), rsyncPath });
    },
    syncPathsIn: (localRoot, hostRoot, relPaths, syncOptions = {}) => syncPaths(localRoot, remote(insidePersist(hostRoot)), relPaths, rsyncOptions(syncOptions)),
    syncOut: async (hostPath, localPath, syncOptions = {}) => {
      const from = insidePersist(hostPath);
      const sourceIsDir = (await connection.run(["test", "-d", from])).exitCode === 0;
      await syncFromRemote(remote(from), localPath, { ...rsyncOptions(syncOptions), sourceIsDir });
    },
    diskUsage: async () => parseDfOutput((await onHost(["env", "LC_ALL=C", "df", "-P", "-h", "--", persistDir])).stdout),
    runOnHost: (argv, runOptions) => connection.run(argv, runOptions),
  };
}

/** The host part of docker_host as an address, looked up once. */
async function resolveHost(host: string, label: string): Promise<string> {
  if (isIP(host)) return host;
  try {
    return (await lookup(host, { family: 4 })).address;
  } catch (error) {
    throw new UserError(`Cannot resolve the Docker host ${label}: ${(error as Error).message}. Set docker_host_address to its IP address`);
  }
}
