/**
 * The asset store: each asset is one file, `<persistDir>/assets/<KEY>`, the folder containers mount
 * read-only at /dusty_assets, where their command files copy each asset to its spec's path. Folder 0700
 * and files 0600, owned by the daemon (root): assets are secrets, readable by root only. A symlink or a
 * folder where an asset should be is refused, never followed.
 */
import { chmod, lstat, mkdir, readdir, unlink } from "node:fs/promises";
import { dirname, join } from "node:path";
import { checkAssetKey } from "../core/load-names.ts";
import { isErrno, readRegularFile, writeFileAtomic } from "./atomic-write.ts";
import { UserError } from "./errors.ts";
import type { Locations } from "./locations.ts";

// The rule lives in core, so the daemon's argument check (core/command-args.ts) applies it too.
export { checkAssetKey };
import { nativePaths } from "./vm/native.ts";

/** The assets folder: root only, so that not even the names of the secrets show. */
export const ASSETS_DIR_MODE = 0o700;
/** Each asset file: readable by root only. */
export const ASSET_FILE_MODE = 0o600;

/** The folder holding the assets: `<persistDir>/assets`, the native Docker host's assetsDir. */
export function assetsDir(locations: Pick<Locations, "persistDir">): string {
  return nativePaths(locations.persistDir).assetsDir;
}

/** The keys of the assets that are set, sorted. */
export async function listSetAssets(locations: Pick<Locations, "persistDir">): Promise<string[]> {
  const names = await readdir(assetsDir(locations)).catch((error) => {
    if (isErrno(error, "ENOENT")) return [] as string[];
    throw error;
  });
  // Hidden names are atomic-write temp files, never keys.
  return names.filter((n) => !n.startsWith(".")).sort();
}

/** The asset's bytes, or undefined when it is not set. */
export async function readAsset(locations: Pick<Locations, "persistDir">, key: string): Promise<Buffer | undefined> {
  const path = await assetFile(locations, key);
  if (!path) return undefined;
  // Opened without following a link: one swapped in since the check above is refused, not read as root.
  return (await readRegularFile(path)) ?? undefined;
}

/** Writes the asset atomically, mode 0600, owned by the daemon whoever owned an older file. */
export async function writeAsset(locations: Pick<Locations, "persistDir">, key: string, content: Uint8Array): Promise<void> {
  const path = join(await ensureAssetsDir(locations), key);
  await refuseNonFile(path, key);
  await writeFileAtomic(path, content, { mode: ASSET_FILE_MODE, uid: process.getuid?.(), gid: process.getgid?.() });
}

/** Removes the asset; false when it was not set. */
export async function removeAsset(locations: Pick<Locations, "persistDir">, key: string): Promise<boolean> {
  const path = join(assetsDir(locations), key);
  // unlink removes a symlink itself, never what it points at, so anything but a folder may go.
  const info = await lstat(path).catch(() => undefined);
  if (!info) return false;
  if (info.isDirectory()) throw new UserError(`Cannot unset asset ${key}: ${path} is a directory, not an asset`);
  await unlink(path);
  return true;
}

/** The asset's file when it is set; a symlink or folder there is refused, never followed. */
async function assetFile(locations: Pick<Locations, "persistDir">, key: string): Promise<string | undefined> {
  const path = join(assetsDir(locations), key);
  const info = await lstat(path).catch((error) => {
    if (isErrno(error, "ENOENT", "ENOTDIR")) return undefined;
    throw error;
  });
  if (!info) return undefined;
  if (!info.isFile()) throw new UserError(`Cannot use asset ${key}: ${path} is not a regular file. Remove it and set the asset again`);
  return path;
}

async function refuseNonFile(path: string, key: string): Promise<void> {
  const info = await lstat(path).catch(() => undefined);
  if (info && !info.isFile()) throw new UserError(`Cannot set asset ${key}: ${path} is not a regular file. Remove it and try again`);
}

// The folder may come from an older install or `dusty up` with another mode: tighten it every time.
async function ensureAssetsDir(locations: Pick<Locations, "persistDir">): Promise<string> {
  const dir = assetsDir(locations);
  // Only the assets folder itself is private: a recursive mkdir would give the persist dir 0700 too.
  await mkdir(dirname(dir), { recursive: true });
  await mkdir(dir, { mode: ASSETS_DIR_MODE }).catch((error) => {
    if (!isErrno(error, "EEXIST")) throw error;
  });
  const info = await lstat(dir);
  if (!info.isDirectory()) throw new UserError(`Cannot store assets in ${dir}: it is not a directory. Remove it and try again`);
  await chmod(dir, ASSETS_DIR_MODE);
  return dir;
}
