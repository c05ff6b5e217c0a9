/**
 * Code sync with real rsync (rsync.test.ts beside it): a folder's contents (or one file) mirrored at a destination,
 * locally or into a VM over ssh. Files missing at the source are deleted at the destination, as in Dusty.
 */
import { mkdir, stat } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { UserError } from "./errors.ts";
import { CommandFailedError, run, type RunOptions, type RunResult } from "./run.ts";

/** Starts one program: platform/run.ts's `run`, or a recorder in tests. */
export type Runner = (argv: string[], options?: RunOptions) => Promise<RunResult>;

/** How rsync is called. */
export interface RsyncFlags {
  /** Delete files at the destination that the source lacks (default true): `--delete`, which with rsync 3 on both ends is Dusty's `--del` (`--delete-during`). */
  delete?: boolean;
  /** Skip nested repos' `.git` with Dusty's `--exclude '*&#47;.git'`, keeping the synced folder's own `.git`. */
  excludeNestedGit?: boolean;
  /** The `-e` program, as argv (e.g. ssh with its key); set, the destination (or source) is `user@host:path`. */
  remoteShell?: string[];
  /** `--rsync-path`, the rsync run at the remote end (e.g. "sudo rsync"). */
  rsyncPath?: string;
  /** `-z`: worth it over a network, not on one machine. */
  compress?: boolean;
  /**
   * Compare modification times to the nanosecond (`--modify-window=-1`, receiver rsync ≥ 3.1.3): by
   * default rsync compares whole seconds, so an edit that keeps the size within the same second is missed.
   */
  exactTimes?: boolean;
  /**
   * Mirror only these folders of the source folder, each at the same name under `dest`
   * (`--include=/NAME/***`, then `--exclude=*`): everything else under `dest` is excluded, and rsync's
   * `--delete` never removes an excluded file, so it stays.
   */
  only?: readonly string[];
}

/** Options of `syncFolder()`, `syncFile()` and `syncFromRemote()`. */
export interface SyncOptions extends RsyncFlags {
  signal?: AbortSignal;
  /** Every line rsync prints, stdout and stderr alike. */
  onLine?: (line: string) => void;
  /** Runs rsync (default: platform/run.ts's `run`); the VM drivers pass theirs so the call is demoted or recorded. */
  runner?: Runner;
}

/** The rsync argv; a folder source gets its trailing "/" so that its contents, not the folder, land at `dest`. */
export function rsyncArgv(source: string, dest: string, options: RsyncFlags & { sourceIsDir: boolean }): string[] {
  const argv = ["rsync"];
  if (options.remoteShell) argv.push("-e", formatRemoteShell(options.remoteShell));
  argv.push(options.compress ? "-az" : "-a");
  if (options.delete ?? true) argv.push("--delete");
  argv.push("--force");
  if (options.rsyncPath) argv.push("--rsync-path", options.rsyncPath);
  if (options.exactTimes) argv.push("--modify-window=-1");
  if (options.excludeNestedGit) argv.push("--exclude", "*/.git");
  if (options.only) argv.push(...onlyFilters(options.only));
  argv.push(options.sourceIsDir ? `${source.replace(/\/+$/, "")}/` : source, dest);
  return argv;
}

// A name is a filter pattern here: only plain names, so none can widen what --delete may reach.
function onlyFilters(names: readonly string[]): string[] {
  const bad = names.filter((name) => !/^[\w.-]+$/.test(name) || name === "." || name === "..");
  if (names.length === 0 || bad.length > 0) throw new Error(`Refusing to sync folders named ${JSON.stringify(bad)}: only plain folder names may be mirrored`);
  return [...names.flatMap((name) => ["--include", `/${name}/***`]), "--exclude", "*"];
}

/**
 * Mirrors a local folder's contents at `dest` (or, given a file, copies it to the file path `dest`).
 * With `remoteShell`, `dest` is `user@host:path` and the caller has created it; else dest's parent is created here.
 */
export async function syncFolder(source: string, dest: string, options: SyncOptions = {}): Promise<void> {
  const from = resolve(source);
  const kind = await localKind(from);
  if (kind === "missing") throw new UserError(`Cannot sync "${source}": no such file or folder. Check the path`);
  const to = options.remoteShell ? dest : resolve(dest);
  if (!options.remoteShell) await prepareLocalDest(to, kind === "dir");
  await runRsync(rsyncArgv(from, to, { ...options, sourceIsDir: kind === "dir" }), options);
}

/** Copies one local file to the file path `dest` (rsync's rules otherwise as `syncFolder()`). */
export async function syncFile(source: string, dest: string, options: SyncOptions = {}): Promise<void> {
  if ((await localKind(resolve(source))) === "dir") {
    throw new UserError(`Cannot sync "${source}" as a file: it is a folder. Sync it as a folder instead`);
  }
  await syncFolder(source, dest, options);
}

/**
 * The rsync argv that brings only `paths` (relative to both roots, read NUL-separated from stdin) from
 * `sourceRoot` to `destRoot`: a listed folder is sent whole, its extra files deleted; a listed path the
 * source no longer has is deleted at the destination (`--delete-missing-args`), so deletions and renames
 * carry over. `--ignore-times`: each listed file is known to have changed, whatever its size and time say.
 */
export function rsyncPathsArgv(sourceRoot: string, destRoot: string, options: RsyncFlags): string[] {
  const argv = ["rsync"];
  if (options.remoteShell) argv.push("-e", formatRemoteShell(options.remoteShell));
  argv.push(options.compress ? "-az" : "-a", "--recursive", "--ignore-times", "--delete", "--force", "--delete-missing-args", "--from0", "--files-from=-");
  if (options.rsyncPath) argv.push("--rsync-path", options.rsyncPath);
  if (options.excludeNestedGit) argv.push("--exclude", "*/.git");
  argv.push(`${sourceRoot.replace(/\/+$/, "")}/`, `${destRoot.replace(/\/+$/, "")}/`);
  return argv;
}

/** Syncs the listed paths of a folder into a folder that a full sync has made already (see `rsyncPathsArgv()`). */
export async function syncPaths(sourceRoot: string, destRoot: string, paths: readonly string[], options: SyncOptions = {}): Promise<void> {
  if (paths.length === 0) return;
  if (paths.some((p) => p === "" || p.startsWith("/") || p.split("/").includes(".."))) {
    throw new Error(`Refusing to sync paths outside ${sourceRoot}: ${paths.filter((p) => p === "" || p.startsWith("/") || p.includes("..")).join(", ")}`);
  }
  const argv = rsyncPathsArgv(resolve(sourceRoot), options.remoteShell ? destRoot : resolve(destRoot), options);
  const runner = options.runner ?? run;
  const result = await runner(argv, { signal: options.signal, input: paths.join("\0"), onLine: options.onLine && ((line) => options.onLine!(line)) });
  if (result.exitCode !== 0) throw new CommandFailedError(result);
}

/** Copies `user@host:path` to a local path over `remoteShell`; the remote end cannot be stat'ed here, so the caller says what it is. */
export async function syncFromRemote(source: string, dest: string, options: SyncOptions & { sourceIsDir: boolean }): Promise<void> {
  const to = resolve(dest);
  await prepareLocalDest(to, options.sourceIsDir);
  await runRsync(rsyncArgv(source, to, options), options);
}

/**
 * rsync splits `-e` on spaces itself (no shell), honouring single and double quotes, where a doubled
 * quote stands for one: so quote each argument that needs it that way.
 */
export function formatRemoteShell(argv: readonly string[]): string {
  return argv.map((arg) => (/^[^\s'"]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "''")}'`)).join(" ");
}

async function runRsync(argv: string[], options: SyncOptions): Promise<void> {
  const runner = options.runner ?? run;
  const onLine = options.onLine;
  const result = await runner(argv, { signal: options.signal, onLine: onLine && ((line) => onLine(line)) });
  if (result.exitCode !== 0) throw new CommandFailedError(result);
}

/** Whether a local path is a folder, something else, or absent (symlinks followed, as rsync does with a trailing "/"). */
export async function localKind(path: string): Promise<"dir" | "file" | "missing"> {
  try {
    return (await stat(path)).isDirectory() ? "dir" : "file";
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return "missing";
    throw error;
  }
}

async function prepareLocalDest(dest: string, sourceIsDir: boolean): Promise<void> {
  // rsync would put a file INTO an existing folder of that name; dusty promises a file at exactly `dest`.
  if (!sourceIsDir && (await localKind(dest)) === "dir") {
    throw new UserError(`Cannot copy a file to "${dest}": a folder is there. Give the path of the file to write`);
  }
  // rsync creates only the last path component, so make the parents.
  const parent = dirname(dest);
  await mkdir(parent, { recursive: true }).catch((error: NodeJS.ErrnoException) => {
    const why = error.code === "EEXIST" || error.code === "ENOTDIR" ? "a file is in the way" : error.message;
    throw new UserError(`Cannot sync to "${dest}": cannot create the folder "${parent}": ${why}. Remove what blocks it or choose another path`);
  });
}
