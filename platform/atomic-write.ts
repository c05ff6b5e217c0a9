/**
 * Durable whole-file writes: readers see either the old file or the new one, never a mix, even when
 * dusty is killed or the machine loses power mid-write. The original Dusty truncated and rewrote
 * /etc/hosts and its config in place, so a crash could leave either of them empty.
 */
import { randomBytes } from "node:crypto";
import { link, lstat, open, readdir, readlink, realpath, rename, stat, unlink } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";

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
  const target = await resolveTarget(path);
  const dir = dirname(target);
  const existing = await statOrUndefined(target);
  await removeStaleTempFiles(target);

  const temp = join(dir, tempNameFor(target));
  try {
    // 0600 until the final mode is set, so a config holding secrets is never readable by others meanwhile.
    const handle = await open(temp, "wx", 0o600);
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
export async function removeStaleTempFiles(path: string): Promise<string[]> {
  const target = await resolveTarget(path);
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

// Renaming over a symlink would replace the link with a plain file; write where it points instead.
async function resolveTarget(path: string): Promise<string> {
  const info = await lstat(path).catch(() => undefined);
  if (!info?.isSymbolicLink()) return path;
  // A dangling link has no realpath: create the file it names.
  return realpath(path).catch(async () => resolve(dirname(path), await readlink(path)));
}

async function statOrUndefined(path: string) {
  try {
    return await stat(path);
  } catch (error) {
    if (isErrno(error, "ENOENT")) return undefined;
    throw error;
  }
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
