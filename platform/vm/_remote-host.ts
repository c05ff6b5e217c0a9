/**
 * What dusty does on a Docker host on another machine once ssh reaches it, for the ssh driver and both
 * VM drivers alike: docker and compose through the connection's forwarded engine socket, rsync and
 * commands over its one master, disk usage of dusty's folder there. The drivers differ only in how they
 * find (or start) the host and which folders are dusty's on it.
 */
import { posix } from "node:path";
import { UserError } from "../errors.ts";
import { localKind, syncFolder, syncFromRemote, syncPaths, type Runner, type SyncOptions } from "../rsync.ts";
import { CommandFailedError, run, type RunResult } from "../run.ts";
import type { SshConnection } from "../ssh.ts";
import { shellCommand } from "./_vm-shell.ts";
import { parseDfOutput } from "./disk-usage.ts";
import type { DockerHost, HostSyncOptions, LogLine } from "./driver.ts";

/** Where the remote engine listens (the socket the connection forwards). */
export const REMOTE_DOCKER_SOCKET = "/var/run/docker.sock";

/** How one remote host is used. */
export interface RemoteHostSettings {
  connection: SshConnection;
  /** Folders of dusty's own there: every sync destination must be inside one, since syncs delete. */
  roots: readonly string[];
  /** The folder whose filesystem `diskUsage()` reports. */
  persistDir: string;
  /**
   * Run commands and the remote rsync through sudo (the VMs: the files there are root's, as the
   * containers that use them run as root, while ssh logs in as the "docker" user).
   */
  sudo?: boolean;
  /** What to do when rsync is missing there, for the error message. */
  rsyncFix: string;
  /** What to do when the engine does not answer there, for the error message. */
  engineFix: string;
  /** Environment for rsync (the client's SSH_AUTH_SOCK). */
  env?: Record<string, string | undefined>;
  /** Starts rsync (default platform/run.ts's `run`); tests wrap it to see which programs run. */
  runner?: Runner;
}

/** The part of a DockerHost that is the same on every remote host, and the checks of its `ensureUp()`. */
export interface RemoteHostCore extends Pick<DockerHost, "dockerEnv" | "syncIn" | "syncPathsIn" | "syncOut" | "runOnHost" | "diskUsage">, Required<Pick<DockerHost, "dockerEnvFor" | "syncFoldersIn">> {
  /** The error for "rsync is not installed there", naming the host and `rsyncFix`. */
  rsyncMissing(): UserError;
  /** Throws a UserError naming the host and `rsyncFix` when rsync is not there. */
  checkRsync(): Promise<void>;
  /** Asks the engine through the forward for its version and logs it; throws a UserError naming the host and `engineFix`. */
  checkEngine(log: LogLine): Promise<void>;
  /** Runs argv there (with sudo when set); a non-zero exit throws a CommandFailedError. */
  runChecked(argv: string[]): Promise<RunResult>;
}

/** The shared remote-host code over one connection. */
export function remoteHostCore(settings: RemoteHostSettings): RemoteHostCore {
  const { connection } = settings;
  const roots = settings.roots.map((root) => posix.normalize(root).replace(/\/+$/, ""));
  const sudo = settings.sudo ? ["sudo"] : [];
  const runner = settings.runner ?? run;
  const onHost = (argv: string[]) => connection.run([...sudo, ...argv]);
  const runChecked = async (argv: string[]): Promise<RunResult> => {
    const result = await onHost(argv);
    if (result.exitCode !== 0) throw new CommandFailedError(result);
    return result;
  };

  async function dockerEnv(): Promise<Record<string, string>> {
    if (!(await connection.isOpen())) await connection.open();
    return { DOCKER_HOST: `unix://${connection.dockerSocket}` };
  }

  // Every sync is destructive (--delete), so a wrong path must never reach rsync.
  function inside(hostPath: string): string {
    const path = posix.normalize(hostPath).replace(/\/+$/, "");
    if (!roots.some((root) => path === root || path.startsWith(`${root}/`))) {
      throw new Error(`Refusing to sync "${hostPath}": it is outside dusty's folders (${roots.join(", ")}) on ${connection.label}`);
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
      rsyncPath: settings.sudo ? "sudo rsync" : undefined,
      compress: true,
      runner: (argv, runOptions) => runner(argv, { ...runOptions, env: { ...settings.env, ...runOptions?.env } }),
    };
  }

  function rsyncMissing(): UserError {
    return new UserError(`Cannot sync code to the Docker host ${connection.label}: rsync is not installed there. ${settings.rsyncFix}`);
  }

  // ensureUp() checks rsync once per connection; one removed since then shows here, in the same words.
  async function rsyncThere(sync: Promise<void>): Promise<void> {
    try {
      await sync;
    } catch (error) {
      if (error instanceof CommandFailedError && (await remoteRsyncMayBeMissing(error))) throw rsyncMissing();
      throw error;
    }
  }

  /**
   * rsync says "remote command not found" (exit 127) only when it reaped the remote end first; as often it
   * just sees the stream close (exit 12, "error in rsync protocol data stream"). Either way, ask the host.
   */
  async function remoteRsyncMayBeMissing(error: CommandFailedError): Promise<boolean> {
    if (/rsync error: remote command (not found|could not be run)/.test(error.stderrTail)) return true;
    if (![12, 126, 127].includes(error.exitCode)) return false;
    return (await rsyncInstalled().catch(() => true)) === false;
  }

  /** Whether the host's shell finds rsync; 255 is ssh's own failure, which says nothing about rsync. */
  async function rsyncInstalled(): Promise<boolean> {
    const { exitCode } = await connection.run(["sh", "-c", "command -v rsync"]);
    if (exitCode === 255) throw new UserError(`Cannot reach the Docker host ${connection.label} to look for rsync there`);
    return exitCode === 0;
  }

  /**
   * A socket of the user's own: the client's docker runs as that user, who may not open the daemon's
   * root-only one. It reaches the same engine as the daemon's, which is what `dusty shell` gives on a
   * native host too (a user allowed to use the daemon runs containers there through it anyway).
   */
  async function dockerEnvFor(owner: { uid: number; gid: number }): Promise<Record<string, string>> {
    if (owner.uid === 0) return dockerEnv();
    return { DOCKER_HOST: `unix://${await connection.forwardSocketFor(owner)}` };
  }

  const remote = (path: string) => `${connection.rsyncTarget()}:${path}`;

  return {
    dockerEnv,
    dockerEnvFor,
    runChecked,
    rsyncMissing,
    checkRsync: async () => {
      if (!(await rsyncInstalled())) throw rsyncMissing();
    },
    checkEngine: async (log) => {
      const version = await run(["docker", "version", "--format", "{{.Server.Version}}"], { env: await dockerEnv(), timeoutMs: 30_000 }).catch((error: Error) => ({ exitCode: -1, stdout: "", stderr: error.message }));
      if (version.exitCode !== 0) {
        // Through the forward the CLI sees only a closed stream ("EOF"): say what is missing there if we can.
        const socketThere = (await connection.run(["test", "-S", REMOTE_DOCKER_SOCKET])).exitCode === 0;
        const detail = socketThere ? version.stderr.trim().split("\n").at(-1) ?? "" : `no engine socket at ${REMOTE_DOCKER_SOCKET} there`;
        throw new UserError(`Cannot reach the Docker Engine on ${connection.label}: ${detail}. ${settings.engineFix}`);
      }
      log(`Docker Engine ${version.stdout.trim()} is running on ${connection.label}`);
    },
    syncIn: async (localPath, hostPath, syncOptions = {}) => {
      const to = inside(hostPath);
      const kind = await localKind(localPath);
      if (kind === "missing") throw new UserError(`Cannot sync "${localPath}": no such file or folder. Check the path`);
      // rsync makes only the last component; the folders above come from a mkdir in the same remote
      // command as rsync's server, not a session of its own (a fork and a shell there: ~20% of a
      // no-change resync, bench/remote-resync.ts).
      const rsyncPath = `${shellCommand([...sudo, "mkdir", "-p", "--", kind === "dir" ? to : posix.dirname(to)])} && ${sudo.length > 0 ? "sudo rsync" : "rsync"}`;
      await rsyncThere(syncFolder(localPath, remote(to), { ...rsyncOptions(syncOptions), rsyncPath }));
    },
    syncFoldersIn: async (localRoot, hostRoot, names, syncOptions = {}) => {
      const to = inside(hostRoot);
      // rsync's filters keep --delete to these folders; each must be one of dusty's too.
      for (const name of names) inside(posix.join(to, name));
      if ((await localKind(localRoot)) !== "dir") throw new UserError(`Cannot sync "${localRoot}": no such folder. Check the path`);
      const rsyncPath = `${shellCommand([...sudo, "mkdir", "-p", "--", to])} && ${sudo.length > 0 ? "sudo rsync" : "rsync"}`;
      await rsyncThere(syncFolder(localRoot, remote(to), { ...rsyncOptions(syncOptions), rsyncPath, only: names }));
    },
    syncPathsIn: (localRoot, hostRoot, relPaths, syncOptions = {}) => rsyncThere(syncPaths(localRoot, remote(inside(hostRoot)), relPaths, rsyncOptions(syncOptions))),
    syncOut: async (hostPath, localPath, syncOptions = {}) => {
      const from = inside(hostPath);
      const sourceIsDir = (await onHost(["test", "-d", from])).exitCode === 0;
      await syncFromRemote(remote(from), localPath, { ...rsyncOptions(syncOptions), sourceIsDir });
    },
    diskUsage: async () => parseDfOutput((await runChecked(["env", "LC_ALL=C", "df", "-P", "-h", "--", settings.persistDir])).stdout),
    runOnHost: (argv, runOptions) => connection.run([...sudo, ...argv], runOptions),
  };
}
