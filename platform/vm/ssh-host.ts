/**
 * The Docker host on another machine, reached over ssh (`docker_host_driver: ssh`, `docker_host:
 * ssh://USER@HOST[:PORT]`): one ControlMaster carries every call, the remote engine's socket is
 * forwarded to a local one, and code is rsynced (destructively) into dusty's own folder there.
 */
import { lookup } from "node:dns/promises";
import { chmod, mkdir } from "node:fs/promises";
import { isIP } from "node:net";
import { posix } from "node:path";
import { UserError } from "../errors.ts";
import { localKind, syncFolder, syncFromRemote, syncPaths, type SyncOptions } from "../rsync.ts";
import { CommandFailedError, run, type RunResult } from "../run.ts";
import { createSshConnection, parseSshUrl, type SshConnection } from "../ssh.ts";
import { shellCommand } from "./_vm-shell.ts";
import { parseDfOutput } from "./disk-usage.ts";
import type { DiskUsage, DockerHost, HostSyncOptions, LogLine } from "./driver.ts";
import { nativePaths } from "./native.ts";

/** dusty's folder on the remote host when the config names none. */
export const DEFAULT_REMOTE_PERSIST_DIR = "/var/lib/dusty";

/** The exit code PREPARE_SCRIPT gives when rsync is not on the host's PATH (a shell's "not found"). */
const RSYNC_MISSING = 127;

/**
 * Run on the host by ensureUp(): `sh -c SCRIPT sh PERSIST_DIR ASSETS_DIR FOLDER...`. Checks rsync, makes
 * dusty's folders (assets hold secrets: only the remote user may read them) and prints `df -P -h` of the
 * persist folder. Paths are arguments, never part of the script.
 */
const PREPARE_SCRIPT = [
  `command -v rsync >/dev/null 2>&1 || exit ${RSYNC_MISSING}`,
  'persist=$1 assets=$2; shift 2',
  'mkdir -p -- "$@" && chmod 700 -- "$assets" || exit 1',
  'LC_ALL=C exec df -P -h -- "$persist"',
].join("\n");

/** How long a successful PREPARE_SCRIPT holds for the same master connection. */
const PREPARED_FOR_MS = 60_000;
/** The last successful PREPARE_SCRIPT per connection (by its forwarded socket) and persist folder, with the master's pid it ran on. */
const PREPARED = new Map<string, { master: number; at: number; result: RunResult }>();

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
  /**
   * Where the per-user engine sockets go (`dockerEnvFor`): a folder others may pass through but not list
   * (made 0711 here); default a sibling "ssh-clients" of controlDir.
   */
  clientSocketDir?: string;
  /** Environment for ssh and rsync (the client's SSH_AUTH_SOCK). */
  env?: Record<string, string | undefined>;
}

/** A DockerHost on a remote machine's engine. */
export function createSshHost(options: SshHostOptions): DockerHost & { readonly connection: SshConnection } {
  const target = parseSshUrl(options.dockerHost);
  const connection = createSshConnection({ target, configFile: options.sshConfigFile, controlDir: options.controlDir, env: options.env, remoteDockerSocket: REMOTE_DOCKER_SOCKET });
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

  // What ensureUp() read of the folder's filesystem: `up` asks for it right after, in the same command.
  let usageSeen: Promise<DiskUsage> | undefined;

  async function ensureUp(log: LogLine): Promise<void> {
    await connection.open();
    log(`Connected to the Docker host ${connection.label}`);
    const master = await connection.masterPid();
    const preparedKey = `${connection.dockerSocket} ${persistDir}`;
    const fresh = PREPARED.get(preparedKey);
    const recent = fresh !== undefined && fresh.master === master && Date.now() - fresh.at < PREPARED_FOR_MS;
    // Each command on the host is a session of its own (a fork and a shell there, about as slow as a
    // docker call is fast): rsync's presence, dusty's folders and the free space are one session, asked
    // while the engine answers through the forwarded socket, and not asked again on the same connection
    // for a minute (an unchanged `up` is then only docker calls).
    const [prepared, version] = await Promise.all([
      recent ? { ...fresh.result } : connection.run(["sh", "-c", PREPARE_SCRIPT, "sh", persistDir, paths.assetsDir, ...Object.values(paths)]),
      run(["docker", "version", "--format", "{{.Server.Version}}"], { env: await dockerEnv(), timeoutMs: 30_000 }).catch((error: Error) => ({ exitCode: -1, stdout: "", stderr: error.message })),
    ]);
    if (prepared.exitCode === RSYNC_MISSING) throw rsyncMissing();
    if (prepared.exitCode !== 0) throw new CommandFailedError(prepared);
    if (version.exitCode !== 0) {
      // Through the forward the CLI sees only a closed stream ("EOF"): say what is missing there if we can.
      const socketThere = (await connection.run(["test", "-S", REMOTE_DOCKER_SOCKET])).exitCode === 0;
      const detail = socketThere ? version.stderr.trim().split("\n").at(-1) ?? "" : `no engine socket at ${REMOTE_DOCKER_SOCKET} there`;
      throw new UserError(`Cannot reach the Docker Engine on ${connection.label}: ${detail}. Start it there (\`sudo systemctl start docker\`), and check that ${target.user ?? "the ssh user"} may use ${REMOTE_DOCKER_SOCKET}`);
    }
    usageSeen = Promise.resolve(parseDfOutput(prepared.stdout));
    if (!recent && master !== undefined) PREPARED.set(preparedKey, { master, at: Date.now(), result: prepared });
    log(`Docker Engine ${version.stdout.trim()} is running on ${connection.label}`);
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
      runner: (argv, runOptions) => run(argv, { ...runOptions, env: { ...options.env, ...runOptions?.env } }),
    };
  }

  /**
   * A socket of the user's own: the client's docker runs as that user, who may not open the daemon's
   * root-only one. It reaches the same engine as the daemon's, which is what `dusty shell` gives on a
   * native host too (a user allowed to use the daemon runs containers there through it anyway).
   */
  async function dockerEnvFor(owner: { uid: number; gid: number }): Promise<Record<string, string>> {
    if (owner.uid === 0) return dockerEnv();
    const dir = options.clientSocketDir ?? posix.join(posix.dirname(options.controlDir), "ssh-clients");
    await mkdir(dir, { recursive: true, mode: 0o711 });
    await chmod(dir, 0o711);
    const path = posix.join(dir, `${posix.basename(connection.dockerSocket, ".docker.sock")}.${owner.uid}.sock`);
    await connection.forwardSocketFor(path, owner);
    return { DOCKER_HOST: `unix://${path}` };
  }

  // ensureUp() checks rsync once per connection; one removed since then shows here, in the same words.
  async function rsyncThere(sync: Promise<void>): Promise<void> {
    try {
      await sync;
    } catch (error) {
      // rsync's own words when the rsync it started over ssh could not run there (127: not found, 126: not executable).
      if (error instanceof CommandFailedError && /rsync error: remote command (not found|could not be run)/.test(error.stderrTail)) throw rsyncMissing();
      throw error;
    }
  }

  function rsyncMissing(): UserError {
    return new UserError(`Cannot sync code to the Docker host ${connection.label}: rsync is not installed there. Install it on that host (\`apt-get install rsync\`)`);
  }

  const remote = (path: string) => `${connection.rsyncTarget()}:${path}`;

  return {
    name: "ssh",
    label: connection.label,
    connection,
    ensureUp,
    hostAddress: () => (address ??= options.hostAddress ? Promise.resolve(options.hostAddress) : resolveHost(target.host, connection.label)),
    dockerEnv,
    dockerEnvFor,
    paths: () => ({ ...paths }),
    syncIn: async (localPath, hostPath, syncOptions = {}) => {
      const to = insidePersist(hostPath);
      const kind = await localKind(localPath);
      if (kind === "missing") throw new UserError(`Cannot sync "${localPath}": no such file or folder. Check the path`);
      // The folder is made by the rsync session itself: a session of its own would cost a second fork and shell there.
      const rsyncPath = `${shellCommand(["mkdir", "-p", "--", kind === "dir" ? to : posix.dirname(to)])} && rsync`;
      await rsyncThere(syncFolder(localPath, remote(to), { ...rsyncOptions(syncOptions), rsyncPath }));
    },
    syncPathsIn: (localRoot, hostRoot, relPaths, syncOptions = {}) => rsyncThere(syncPaths(localRoot, remote(insidePersist(hostRoot)), relPaths, rsyncOptions(syncOptions))),
    syncOut: async (hostPath, localPath, syncOptions = {}) => {
      const from = insidePersist(hostPath);
      const sourceIsDir = (await connection.run(["test", "-d", from])).exitCode === 0;
      await syncFromRemote(remote(from), localPath, { ...rsyncOptions(syncOptions), sourceIsDir });
    },
    diskUsage: () => usageSeen ?? onHost(["env", "LC_ALL=C", "df", "-P", "-h", "--", persistDir]).then((result) => parseDfOutput(result.stdout)),
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
