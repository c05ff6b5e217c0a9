/**
 * The files `up` hands to containers (command files, nginx.conf) and the compose file it starts them
 * with. Each set is written whole to a staging folder and mirrored into place with rsync --delete, so
 * files that no longer belong (a deactivated app's command files) disappear, and a container never
 * sees a half-written folder: rsync replaces each file by rename. `test` writes its command files with
 * writeFreshFolder() too.
 */
import { mkdir, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { writeNewFile } from "./atomic-write.ts";
import type { DockerHost } from "./vm/index.ts";

/** dusty's staging area for one `up`; mutating commands run one at a time, so one fixed folder is enough. */
export function stagingDir(composeDir: string): string {
  return join(composeDir, "staging");
}

/** Makes `composeDir` (where `up` keeps its compose file) if missing, and returns the staging area inside it. */
export async function prepareComposeDir(composeDir: string): Promise<string> {
  await mkdir(composeDir, { recursive: true });
  return stagingDir(composeDir);
}

/** Writes `files` (relative path → text) into a fresh `dir`, removing whatever was there before. */
export async function writeFreshFolder(dir: string, files: Record<string, string>): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  for (const [relative, text] of Object.entries(files)) {
    const path = join(dir, relative);
    await mkdir(dirname(path), { recursive: true });
    await writeNewFile(path, text, 0o644); // O_EXCL|O_NOFOLLOW: the folder is fresh, so nothing can be in the way
  }
}

/** Puts exactly `files` at `hostDir` on the Docker host, by way of the local folder `staging`. */
export async function publishFolder(host: DockerHost, staging: string, hostDir: string, files: Record<string, string>, signal?: AbortSignal): Promise<void> {
  await writeFreshFolder(staging, files);
  await host.syncIn(staging, hostDir, { delete: true, signal });
}

/** A folder `up` puts on the Docker host whole: exactly `files` (relative path → text) at `hostDir`. */
export interface PublishedFolder {
  hostDir: string;
  files: Record<string, string>;
}

/**
 * Puts each folder's files at its `hostDir`, by way of a local staging folder under `staging`: in one
 * sync where the host offers it (`syncFoldersIn`: a remote host, where each sync is a session of its
 * own) and the folders share a parent; else one `syncIn()` per folder, side by side.
 */
export async function publishFolders(host: DockerHost, staging: string, folders: readonly PublishedFolder[], signal?: AbortSignal): Promise<void> {
  // Each folder is staged under its own name, so the staged tree mirrors the host's parent folder.
  const names = folders.map((folder) => basename(folder.hostDir));
  if (new Set(names).size !== names.length) throw new Error(`publishFolders(): two folders share a name: ${folders.map((f) => f.hostDir).join(", ")}`);
  const root = join(staging, "published");
  const parent = dirname(folders[0]?.hostDir ?? "");
  if (!host.syncFoldersIn || folders.length < 2 || folders.some((f) => dirname(f.hostDir) !== parent)) {
    await Promise.all(folders.map((folder, i) => publishFolder(host, join(root, names[i]!), folder.hostDir, folder.files, signal)));
    return;
  }
  await rm(root, { recursive: true, force: true });
  for (const [i, folder] of folders.entries()) await writeFreshFolder(join(root, names[i]!), folder.files);
  await host.syncFoldersIn(root, parent, names, { delete: true, signal });
}

/** Where `up` keeps a copy of the host's command files and nginx.conf before it replaces them. */
export interface HostFilesBackup {
  commandFiles: string;
  nginx: string;
}

/** Copies the command files and nginx.conf from the Docker host to the staging area, to put back if `up` fails. */
export async function backUpHostFiles(host: DockerHost, composeDir: string): Promise<HostFilesBackup> {
  const dir = join(stagingDir(composeDir), "previous");
  const backup = { commandFiles: join(dir, "command_files"), nginx: join(dir, "nginx") };
  const paths = host.paths();
  await mkdir(dir, { recursive: true });
  await host.syncOut(paths.commandFilesDir, backup.commandFiles, { delete: true });
  await host.syncOut(paths.nginxDir, backup.nginx, { delete: true });
  return backup;
}
