/**
 * Local file steps of `cp` and `disk`, each run with a user's rights (see as-caller.ts): what is at a
 * path (and, as root, whether it is a folder), make a folder, copy a file or a folder's contents without ever deleting anything at the
 * destination (Dusty's rsync --del wiped the rest of an existing folder).
 */
import { randomUUID } from "node:crypto";
import { chown, lstat, mkdir, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { UserError } from "./errors.ts";
import { CommandFailedError, run, runChecked } from "./run.ts";
import { asUserArgv, type FileUser } from "./as-caller.ts";

/** What a path holds, symlinks followed. */
export type PathKind = "dir" | "file" | "missing";

/** What `path` holds as `user` sees it; a path the user may not look at is a UserError, not "missing". */
export async function localKindAs(user: FileUser, path: string): Promise<PathKind> {
  // LC_ALL=C: the error text is matched below, and %F is "directory" in every locale only then.
  const result = await run(await asUserArgv(user, ["stat", "-L", "--format=%F", "--", path]), { env: { LC_ALL: "C" } });
  if (result.exitCode === 0) return result.stdout.trim() === "directory" ? "dir" : "file";
  if (/permission denied/i.test(result.stderr)) {
    throw new UserError(`Cannot read "${path}": permission denied. Copy only files you can read yourself`);
  }
  return "missing";
}

/** `mkdir -p` as `user`; a failure (no rights, a file in the way) is a UserError naming the folder. */
export async function makeDirAs(user: FileUser, path: string): Promise<void> {
  const result = await run(await asUserArgv(user, ["mkdir", "-p", "--", path]), { env: { LC_ALL: "C" } });
  if (result.exitCode !== 0) {
    const why = result.stderr.trim().split("\n").at(-1)?.replace(/^mkdir: /, "") || `mkdir exited with code ${result.exitCode}`;
    throw new UserError(`Cannot create the folder "${path}": ${why}. Choose a folder you can write to`);
  }
}

/**
 * Copies a file to the file path `dest`, or a folder's contents into the folder `dest` (made if missing),
 * as `user`. Files of the same name are replaced; nothing else at `dest` is touched: no --delete, and no
 * --force, so a folder in the way of a file makes rsync fail rather than be removed.
 */
export async function copyTreeAs(user: FileUser, options: { source: string; dest: string; sourceIsDir: boolean; signal?: AbortSignal }): Promise<void> {
  const { source, dest, sourceIsDir } = options;
  const argv = ["rsync", "-a", ...(sourceIsDir ? [`${source}/`, `${dest}/`] : [source, dest])];
  const result = await run(await asUserArgv(user, argv), { signal: options.signal, env: { LC_ALL: "C" } });
  if (result.exitCode !== 0) {
    const why = result.stderr.trim().split("\n").filter((line) => !line.startsWith("rsync error:")).slice(-3).join("; ");
    throw new UserError(`Cannot copy "${source}" to "${dest}": ${why || `rsync exited with code ${result.exitCode}`}`);
  }
}

/** Gives a whole tree to uid:gid (symlinks themselves, never what they point at). */
export async function chownTree(path: string, owner: { uid: number; gid: number }): Promise<void> {
  await runChecked(["chown", "-R", "--no-dereference", `${owner.uid}:${owner.gid}`, "--", path]);
}

/** Lets the owner read every file and enter every folder of a tree, so a demoted copy can read all of it. */
export async function makeOwnerReadable(path: string): Promise<void> {
  try {
    await runChecked(["chmod", "-R", "u+rwX", "--", path]);
  } catch (error) {
    // A dangling symlink makes chmod complain though the rest got done; the copy reports what matters.
    if (!(error instanceof CommandFailedError)) throw error;
  }
}

/** True when `path` is a folder itself (not a link to one) owned by `user` (any owner when user is null). */
export async function isOwnFolder(user: FileUser, path: string): Promise<boolean> {
  const info = await lstat(path);
  return info.isDirectory() && (user === null || info.uid === user.uid);
}

/** True when `path` is a folder (symlinks followed); false when it is anything else or cannot be looked at. */
export async function isFolder(path: string): Promise<boolean> {
  return stat(path).then(
    (info) => info.isDirectory(),
    () => false,
  );
}

/** True when `user` may read `path` and enter it. */
export async function canReadAs(user: FileUser, path: string): Promise<boolean> {
  return (await run(await asUserArgv(user, ["test", "-r", path, "-a", "-x", path]))).exitCode === 0;
}

/** When `path` last changed. */
export async function modifiedAt(path: string): Promise<Date> {
  return (await stat(path)).mtime;
}

/** A fresh folder under `root` only root and `user` can enter; `root` itself only lets others pass through. */
export async function createStaging(root: string, user: FileUser): Promise<string> {
  await mkdir(root, { recursive: true, mode: 0o711 });
  const path = join(root, randomUUID());
  await mkdir(path, { mode: 0o700 });
  if (user) await chown(path, user.uid, user.gid);
  return path;
}

/** Removes a staging folder and all in it; gone already is fine. */
export async function removeStaging(path: string): Promise<void> {
  await rm(path, { recursive: true, force: true });
}
