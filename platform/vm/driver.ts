/**
 * What `dusty up` needs from wherever the Docker Engine runs: this machine (native, Linux), another
 * machine over ssh, or a VirtualBox VM on macOS (boot2docker at 0.4, docker-machine at final), which is
 * an ssh host that dusty also starts. core/ sees only `paths()`.
 */
import type { HostPaths } from "../../core/compile.ts";
import type { Runner } from "../rsync.ts";
import type { RunOptions, RunResult } from "../run.ts";
import type { DiskUsage } from "./disk-usage.ts";

export type { HostPaths } from "../../core/compile.ts";
export type { Runner } from "../rsync.ts";
export type { DiskUsage } from "./disk-usage.ts";

/** The drivers `selectDriver()` knows. */
export type DriverName = "native" | "boot2docker" | "docker-machine" | "ssh";

/** Where dusty logs progress lines (the daemon streams them to the client). */
export type LogLine = (line: string) => void;

/** Options of `syncIn()` and `syncOut()`. */
export interface HostSyncOptions {
  /** Delete what the source lacks at the destination (default true). */
  delete?: boolean;
  /** Skip nested repos' `.git` folders, keeping the top-level one (Dusty's repo sync). */
  excludeNestedGit?: boolean;
  signal?: AbortSignal;
  onLine?: LogLine;
}

/** A Docker Engine and the filesystem its containers mount. */
export interface DockerHost {
  readonly name: DriverName;
  /** Where the engine runs, for messages, when it is on another machine reached by address (ssh: `user@host`). */
  readonly label?: string;
  /** Makes sure the engine answers and dusty's folders exist there; throws a UserError saying how to fix it. */
  ensureUp(log: LogLine): Promise<void>;
  /** The address host names point at in the hosts file. */
  hostAddress(): Promise<string>;
  /**
   * Native only: the address of the machine its engine runs on when that is not this one (a tcp:// or
   * ssh:// endpoint elsewhere), else undefined. The other drivers are elsewhere by nature.
   */
  engineElsewhere?(): Promise<string | undefined>;
  /** Variables the docker CLI and compose need to reach the engine ({} when the default works). */
  dockerEnv(): Promise<Record<string, string>>;
  /**
   * Variables for a docker CLI that another user runs (the client's `shell`, `logs`), when dockerEnv()'s
   * way in is root's alone (ssh: a forwarded socket in a root-only folder). Absent: dockerEnv() serves all.
   */
  dockerEnvFor?(owner: { uid: number; gid: number }): Promise<Record<string, string>>;
  /** dusty's folders as the engine (and so the compose file) sees them. */
  paths(): HostPaths;
  /** Mirrors a local file or folder at `hostPath` on the engine's host. */
  syncIn(localPath: string, hostPath: string, options?: HostSyncOptions): Promise<void>;
  /**
   * Mirrors the folders `names` of the local folder `localRoot` at `hostRoot/NAME` in one sync, leaving
   * everything else in `hostRoot` alone. Only where one sync instead of several is worth it (a remote
   * host: each is a session there); absent, each folder is a `syncIn()` of its own.
   */
  syncFoldersIn?(localRoot: string, hostRoot: string, names: readonly string[], options?: HostSyncOptions): Promise<void>;
  /**
   * Brings only `paths` (relative, changed since the last sync) of a local folder to a folder on the
   * engine's host that a full `syncIn()` has made: deleted paths are deleted there. For `dusty watch`.
   */
  syncPathsIn(localRoot: string, hostRoot: string, paths: readonly string[], options?: HostSyncOptions): Promise<void>;
  /** Mirrors a file or folder on the engine's host at a local path. */
  syncOut(hostPath: string, localPath: string, options?: HostSyncOptions): Promise<void>;
  /**
   * The host's listening TCP sockets as `ss -Htln` prints them (undefined when ss is not there), for a
   * host that is not this machine (ssh): ensureUp() reads them in its own session, for the port check of
   * the same command.
   */
  tcpListeners?(): Promise<string | undefined>;
  /** Free space where dusty's persistent files live. */
  diskUsage(): Promise<DiskUsage>;
  /** Runs a program on the engine's host (mkdir, ls, rm of the persist area); resolves whatever its exit code. */
  runOnHost(argv: string[], options?: RunOptions): Promise<RunResult>;
  /** Stops the VM (VM drivers only; containers must be stopped first). */
  shutdown?(log: LogLine): Promise<void>;
  /**
   * Repairs the VM's networking (docker-machine only, `dusty doctor`): shut down, drop the
   * host-only interface, start, regenerate the TLS certificates, and leave the VM shut down.
   */
  doctor?(log: LogLine): Promise<void>;
}

/** Folders inside the VM, as Dusty laid them out. */
export const VM_PATHS: HostPaths = {
  reposDir: "/persist/repos",
  commandFilesDir: "/command_files",
  cpDir: "/cp",
  assetsDir: "/persist/dusty_assets",
  nginxDir: "/persist/dustyNginx",
};

/** The VM user that ssh and rsync log in as (dusty's files there are root's, reached through sudo). */
export const VM_SSH_USER = "docker";

/** Settings both VM drivers take. */
export interface VmDriverOptions {
  /** Starts programs: platform/run.ts's `run`, or the recorder of platform/vm/recorder.ts in tests. */
  runner: Runner;
  /**
   * `mac_username`: VM commands run as this user through `sudo -u <user> -H --`, since the VM, its
   * VirtualBox registry and its ssh keys belong to them. Leave unset when dusty already runs as that user.
   */
  user?: string;
  /** That user's home folder, where the ssh keys live (default `/Users/<user>`, else $HOME). */
  home?: string;
  /** `vm_memory_size` in MB (default 2048). */
  memoryMb?: number | string;
  /**
   * A root-only folder for the ssh connection to the VM and the known_hosts file pinning the VM's host
   * keys (default `DEFAULT_VM_CONTROL_DIR`).
   */
  controlDir?: string;
}

/** Where the VM drivers keep their ssh connection and the VM's pinned host keys by default. */
export const DEFAULT_VM_CONTROL_DIR = "/var/run/dusty/vm-ssh";
