/**
 * A folder's fingerprint: one hash over every entry's path, type, size, mode, modification time
 * (nanoseconds) and link target, the facts rsync's quick check compares, without reading any file.
 * `.git` folders are left out at every level: git touches them on every fetch, status and pull that
 * changes no file, and no app runs its own `.git`, so they must not make `up` sync and restart an app
 * or make `dusty test` rebuild an image.
 */
import { createHash } from "node:crypto";
import { lstat, readdir, readlink } from "node:fs/promises";
import { join } from "node:path";

/** The fingerprint of the tree at `root` without any `.git`; undefined when `root` is not a readable folder. */
export async function folderFingerprint(root: string, options: { signal?: AbortSignal } = {}): Promise<string | undefined> {
  const lines: string[] = [];
  try {
    if (!(await lstat(root)).isDirectory()) return undefined;
    await walk(root, "", lines, options.signal);
  } catch (error) {
    if (options.signal?.aborted) throw error;
    return undefined; // missing or unreadable: "unknown", so the caller syncs
  }
  // Entries arrive in whatever order the parallel walk finishes; sorting makes the hash depend on content only.
  lines.sort();
  return createHash("sha256").update(lines.join("\n")).digest("hex");
}

async function walk(root: string, rel: string, lines: string[], signal: AbortSignal | undefined): Promise<void> {
  signal?.throwIfAborted();
  const entries = await readdir(join(root, rel), { withFileTypes: true });
  await Promise.all(
    entries.map(async (entry) => {
      if (entry.name === ".git") return;
      const path = rel === "" ? entry.name : `${rel}/${entry.name}`;
      const info = await lstat(join(root, path), { bigint: true });
      const target = info.isSymbolicLink() ? await readlink(join(root, path)) : "";
      lines.push(`${path}\0${info.mode}\0${info.size}\0${info.mtimeNs}\0${target}`);
      if (info.isDirectory()) await walk(root, path, lines, signal);
    }),
  );
}
