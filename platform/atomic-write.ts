/**
 * Durable whole-file writes: readers see either the old file or the new one, never a mix, even when
 * dusty is killed or the machine loses power mid-write. The original Dusty truncated and rewrote
 * /etc/hosts and its config in place, so a crash could leave either of them empty.
 *
 * The daemon writes as root, so nothing here follows a symlink: a link planted where dusty writes
 * (config.yml → /etc/shadow) would otherwise make root overwrite, chmod or create whatever it names.
 * New files are created with O_EXCL|O_NOFOLLOW, a target that is not a regular file is refused, and
 * reads use O_NOFOLLOW too. This file is the one place for that; the daemon's start check
 * (platform/strict-modes.ts) makes sure nobody else can plant such a link in its folders.
 */
import { randomBytes } from "node:crypto";
import { constants } from "node:fs";
import { link, lstat, open, readdir, rename, unlink, type FileHandle } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { UserError } from "./errors.ts";

/** How to create the file; by default an existing target keeps its mode and owner. */
export interface AtomicWriteOptions {
  /** Permission bits of the new file (umask does not apply). Default: the target's, else 0o644. */
  mode?: number;
  uid?: number;
  gid?: number;
  /** Fail with EEXIST instead of replacing an existing file (the check and the write are one step). */
  noReplace?: boolean;
}

const TEMP_SUFFIX = ".dusty-tmp";

// O_EXCL alone already fails on any existing name, a dangling link included; O_NOFOLLOW says so twice.
const CREATE_NEW = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
// O_NONBLOCK so that a FIFO planted under the name cannot hang the reader; regular files ignore it.
const READ_NO_FOLLOW = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;
const READ_WRITE_NO_FOLLOW = constants.O_RDWR | constants.O_NOFOLLOW | constants.O_NONBLOCK;

/** A path dusty writes or reads is a symlink or something else than a regular file: refused, nothing changed. */
export class NotRegularFileError extends UserError {
  override name = "NotRegularFileError";
  constructor(
    readonly path: string,
    what: string,
    access: "read" | "write",
  ) {
    super(
      `Cannot ${access} ${path}: it is ${what}, not a regular file, and dusty never follows links or opens special files where it works as root. ` +
        "Nothing was changed. Replace it with a regular file (a copy of the file it points at, if the link is yours) and run the command again",
    );
  }
}

/** The temp file name for a target: hidden, in the same folder, with our pid so stale ones can be told apart. */
export function tempNameFor(target: string, pid: number = process.pid): string {
  return `.${basename(target)}.${pid}.${randomBytes(6).toString("hex")}${TEMP_SUFFIX}`;
}

/** The pid that created a temp file of `target`, or undefined when `name` is not one of ours. */
export function parseTempName(target: string, name: string): number | undefined {
  const prefix = `.${basename(target)}.`;
  if (!name.startsWith(prefix) || !name.endsWith(TEMP_SUFFIX)) return undefined;
  const match = /^(\d+)\.[0-9a-f]{12}$/.exec(name.slice(prefix.length, -TEMP_SUFFIX.length));
  return match ? Number(match[1]) : undefined;
}

/** Writes `data` to `path` atomically and durably: temp file, fsync, rename, fsync of the folder. */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  options: AtomicWriteOptions = {},
): Promise<void> {
  const target = path;
  const dir = dirname(target);
  // lstat, not stat: the mode and owner to keep are the file's, never those of what a link names.
  const existing = await regularFileInfo(target);
  await removeStaleTempFiles(target);

  const temp = join(dir, tempNameFor(target));
  try {
    // 0600 until the final mode is set, so a config holding secrets is never readable by others meanwhile.
    const handle = await createNewFile(temp, 0o600);
    try {
      await handle.writeFile(data);
      const uid = options.uid ?? existing?.uid;
      const gid = options.gid ?? existing?.gid;
      if ((uid !== undefined && uid !== process.getuid?.()) || (gid !== undefined && gid !== process.getgid?.())) {
        await handle.chown(uid ?? -1, gid ?? -1);
      }
      // After chown, which clears setuid and setgid bits.
      await handle.chmod(options.mode ?? (existing ? existing.mode & 0o7777 : 0o644));
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (options.noReplace) {
      // link() fails with EEXIST if the name is taken, where rename() would silently replace it.
      await link(temp, target);
      await unlink(temp);
    } else {
      // rename() replaces a name, never what a link there points at: a link planted since the check
      // above is replaced, not followed.
      await rename(temp, target);
    }
  } catch (error) {
    await unlink(temp).catch(() => {});
    throw error;
  }
  await syncFolder(dir);
}

/**
 * Removes temp files of `target` left by dusty processes that died mid-write (SIGKILL, power loss).
 * Files of live processes stay: another dusty may be writing right now.
 */
export async function removeStaleTempFiles(target: string): Promise<string[]> {
  const dir = dirname(target);
  const removed: string[] = [];
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    const pid = parseTempName(target, name);
    if (pid === undefined || isAlive(pid)) continue;
    await unlink(join(dir, name)).then(
      () => removed.push(name),
      () => {},
    );
  }
  return removed;
}

/** Makes a rename or a new file in `dir` survive a power loss. */
export async function syncFolder(dir: string): Promise<void> {
  const handle = await open(dir, "r");
  try {
    await handle.sync();
  } catch (error) {
    // Some file systems cannot fsync a folder (EINVAL); the data itself is already synced.
    if (!isErrno(error, "EINVAL", "EISDIR", "EBADF", "ENOTSUP")) throw error;
  } finally {
    await handle.close();
  }
}

/** True when `error` is a system error with one of the given codes. */
export function isErrno(error: unknown, ...codes: string[]): boolean {
  return error instanceof Error && codes.includes((error as NodeJS.ErrnoException).code ?? "");
}

/** Creates `path`, which must not exist under any form (file, link, dangling link), for writing. */
export function createNewFile(path: string, mode: number): Promise<FileHandle> {
  return open(path, CREATE_NEW, mode);
}

/** Creates `path` (which must not exist) with `data` and `mode`, without the fsyncs of writeFileAtomic: for fresh staging folders. */
export async function writeNewFile(path: string, data: string | Uint8Array, mode: number): Promise<void> {
  const handle = await createNewFile(path, mode);
  try {
    await handle.writeFile(data);
    await handle.chmod(mode); // the umask narrowed the mode given to open()
  } finally {
    await handle.close();
  }
}

/** Opens an existing regular file without following a symlink; a link, FIFO or folder is a NotRegularFileError. */
export async function openRegularFile(path: string, access: "read" | "write" = "read"): Promise<FileHandle> {
  const flags = access === "read" ? READ_NO_FOLLOW : READ_WRITE_NO_FOLLOW;
  let handle: FileHandle;
  try {
    handle = await open(path, flags);
  } catch (error) {
    if (isErrno(error, "ELOOP")) throw new NotRegularFileError(path, "a symbolic link", access);
    throw error;
  }
  const info = await handle.stat();
  if (!info.isFile()) {
    await handle.close();
    throw new NotRegularFileError(path, kindOf(info), access);
  }
  return handle;
}

/** The bytes of the regular file at `path`, read without following a symlink; undefined when there is none. */
export async function readRegularFile(path: string): Promise<Buffer | undefined> {
  let handle: FileHandle;
  try {
    handle = await openRegularFile(path);
  } catch (error) {
    if (isErrno(error, "ENOENT")) return undefined;
    throw error;
  }
  try {
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}

/** lstat of a file about to be replaced: undefined when missing, a NotRegularFileError when a link or anything but a file. */
async function regularFileInfo(path: string) {
  try {
    const info = await lstat(path);
    if (!info.isFile()) throw new NotRegularFileError(path, kindOf(info), "write");
    return info;
  } catch (error) {
    if (isErrno(error, "ENOENT")) return undefined;
    throw error;
  }
}

function kindOf(info: { isSymbolicLink(): boolean; isDirectory(): boolean; isFIFO(): boolean; isSocket(): boolean }): string {
  if (info.isSymbolicLink()) return "a symbolic link";
  if (info.isDirectory()) return "a folder";
  if (info.isFIFO()) return "a FIFO";
  if (info.isSocket()) return "a socket";
  return "a device or other special file";
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return isErrno(error, "EPERM");
  }
}
