/**
 * Writes the hosts file (normally /etc/hosts). What the new text is comes from a pure plan function
 * (core/hosts.ts `planHostsFile`); this file only makes the change safe: atomic, mode and owner kept,
 * the user's original kept once as `<path>.dusty-backup`, and no write at all when nothing changed.
 */
import { open, readFile, stat } from "node:fs/promises";
import { runExclusive } from "./_exclusive.ts";
import { isErrno, removeStaleTempFiles, writeFileAtomic } from "./atomic-write.ts";

/** Options of `updateHostsFile`. */
export interface HostsUpdateOptions {
  /** Suffix of the one-time backup of the original file. Default `.dusty-backup`. */
  backupSuffix?: string;
}

/** What `updateHostsFile` did. */
export interface HostsUpdateResult {
  changed: boolean;
  /** True when the file is a mount point and was rewritten in place instead of replaced. */
  inPlace: boolean;
  /** The backup written by this call, if this was the first change dusty ever made. */
  backupPath?: string;
}

export const DEFAULT_BACKUP_SUFFIX = ".dusty-backup";

/** Rewrites the hosts file at `path` with `plan(current)`, safely, if that differs from the current text. */
export function updateHostsFile(
  path: string,
  plan: (current: string) => string,
  options: HostsUpdateOptions = {},
): Promise<HostsUpdateResult> {
  return runExclusive(`hosts:${path}`, () => applyPlan(path, plan, options));
}

async function applyPlan(
  path: string,
  plan: (current: string) => string,
  options: HostsUpdateOptions,
): Promise<HostsUpdateResult> {
  // Before the no-change check: a writer killed mid-write leaves a temp file even when its change landed.
  const backupSuffix = options.backupSuffix ?? DEFAULT_BACKUP_SUFFIX;
  await removeStaleTempFiles(path);
  await removeStaleTempFiles(path + backupSuffix);
  const original = await readOrUndefined(path);
  const current = original?.toString("utf8") ?? "";
  const wanted = plan(current);
  if (wanted === current) return { changed: false, inPlace: false };

  const backupPath = original ? await backUpOnce(path, original, backupSuffix) : undefined;
  try {
    await writeFileAtomic(path, wanted);
    return { changed: true, inPlace: false, backupPath };
  } catch (error) {
    // In containers /etc/hosts is usually a bind mount of a file the runtime owns (Docker does this),
    // and rename() onto a mount point fails with EBUSY. Replacing it is impossible there, so write
    // in place: not atomic, but the only way, and the backup above still holds the original.
    if (!isErrno(error, "EBUSY", "EXDEV")) throw error;
    await writeInPlace(path, wanted);
    return { changed: true, inPlace: true, backupPath };
  }
}

/** Saves the original beside the file the first time dusty changes it; an existing backup is never replaced. */
async function backUpOnce(path: string, original: Buffer, suffix: string): Promise<string | undefined> {
  const backupPath = path + suffix;
  const info = await stat(path);
  try {
    await writeFileAtomic(backupPath, original, { mode: info.mode & 0o7777, uid: info.uid, gid: info.gid, noReplace: true });
    return backupPath;
  } catch (error) {
    if (isErrno(error, "EEXIST")) return undefined;
    throw error;
  }
}

// New bytes first, then cut the old tail: a crash in between leaves every new entry in the file
// (plus some stale tail), where truncating first could leave it empty.
async function writeInPlace(path: string, text: string): Promise<void> {
  const data = Buffer.from(text, "utf8");
  const handle = await open(path, "r+");
  try {
    await handle.write(data, 0, data.length, 0);
    await handle.truncate(data.length);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function readOrUndefined(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (error) {
    if (isErrno(error, "ENOENT")) return undefined;
    throw error;
  }
}
