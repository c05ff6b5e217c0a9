/**
 * Writes the hosts file (normally /etc/hosts). What the new bytes are comes from a pure plan function
 * (core/hosts.ts `planHostsFile`); this file only makes the change safe: atomic, mode and owner kept,
 * the user's original kept once as `<path>.dusty-backup`, no write at all when nothing changed, and
 * none either when the plan finds the file's markers malformed. The file is read and written as bytes
 * and never through a symlink (see atomic-write.ts).
 */
import { lstat } from "node:fs/promises";
import { planHostsFile, type HostsPlan, type HostsProblem } from "../core/hosts.ts";
import { runExclusive } from "./_exclusive.ts";
import { isErrno, openRegularFile, readRegularFile, removeStaleTempFiles, writeFileAtomic } from "./atomic-write.ts";
import { UserError } from "./errors.ts";

/** The hosts file's dusty markers do not pair up; nothing was written. */
export class HostsFileError extends UserError {
  override name = "HostsFileError";
  constructor(
    readonly path: string,
    readonly problem: HostsProblem,
  ) {
    super(
      `${path}:${problem.line}: ${problem.message}\n` +
        `Cannot update the hosts file ${path}: its dusty section is malformed, so it was left exactly as it was. ` +
        `Fix line ${problem.line} by hand (keep one "# BEGIN section for Dusty" line and one "# END section for Dusty" line below it, ` +
        "or delete both with dusty's entries between them) and run the command again",
    );
  }
}

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

/** Plans the new hosts file from the current bytes ("" for a missing file). */
export type HostsPlanner = (current: Uint8Array) => HostsPlan;

/**
 * Rewrites the hosts file at `path` with `plan(current)`, safely, if that differs from the current bytes.
 * A plan with a problem is a HostsFileError, and the file is not touched.
 */
export function updateHostsFile(path: string, plan: HostsPlanner, options: HostsUpdateOptions = {}): Promise<HostsUpdateResult> {
  return runExclusive(`hosts:${path}`, () => applyPlan(path, plan, options));
}

/**
 * Throws the HostsFileError an update of `path` would meet, without writing: so a command can refuse
 * before it touches anything else. The markers are checked the same whatever the new section is.
 */
export async function checkHostsFile(path: string): Promise<void> {
  const planned = planHostsFile((await readRegularFile(path)) ?? new Uint8Array(), "");
  if ("problem" in planned) throw new HostsFileError(path, planned.problem);
}

async function applyPlan(path: string, plan: HostsPlanner, options: HostsUpdateOptions): Promise<HostsUpdateResult> {
  // Before the no-change check: a writer killed mid-write leaves a temp file even when its change landed.
  const backupSuffix = options.backupSuffix ?? DEFAULT_BACKUP_SUFFIX;
  await removeStaleTempFiles(path);
  await removeStaleTempFiles(path + backupSuffix);
  const original = await readRegularFile(path);
  const planned = plan(original ?? new Uint8Array());
  if ("problem" in planned) throw new HostsFileError(path, planned.problem);
  const wanted = planned.bytes;
  if (original && Buffer.compare(wanted, original) === 0) return { changed: false, inPlace: false };
  if (!original && wanted.length === 0) return { changed: false, inPlace: false };

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
  // Only when missing: writing a full copy only to find the name taken cost a write and an fsync per update.
  if (await exists(backupPath)) return undefined;
  const info = await lstat(path);
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
async function writeInPlace(path: string, data: Uint8Array): Promise<void> {
  const handle = await openRegularFile(path, "write");
  try {
    await handle.write(data, 0, data.length, 0);
    await handle.truncate(data.length);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (error) {
    if (isErrno(error, "ENOENT")) return false;
    throw error;
  }
}
