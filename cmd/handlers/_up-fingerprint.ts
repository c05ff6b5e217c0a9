/**
 * A folder's fingerprint: one hash over every entry's path, type, size, mode and modification time
 * (nanoseconds), the facts rsync's quick check compares. Equal fingerprints mean a sync would change
 * nothing a container cares about, so an unchanged `up` can skip the sync. Walking costs what rsync's
 * own walk costs, without starting a program per repo.
 */
import { lstat, readdir, readlink } from "node:fs/promises";
import { join } from "node:path";

/**
 * The parts of a repo's own `.git` that change whenever its state does (commit, checkout, add, fetch,
 * reset); objects, hooks and logs only ever change along with them, and are most of its entries.
 */
const GIT_STATE = ["HEAD", "index", "packed-refs", "FETCH_HEAD", "ORIG_HEAD", "MERGE_HEAD", "refs"];

/** The fingerprint of the tree at `root` (nested repos' `.git` left out, as the sync leaves them out), or undefined when it cannot be read. */
export async function fingerprintFolder(root: string): Promise<string | undefined> {
  const lines: string[] = [];
  try {
    const top = await lstat(root);
    if (!top.isDirectory()) return undefined;
    await walk(root, "", lines);
  } catch {
    return undefined; // missing or unreadable: "unknown", so the caller syncs
  }
  lines.sort();
  return Bun.hash(lines.join("\n")).toString(16);
}

async function walk(root: string, rel: string, lines: string[], only?: readonly string[]): Promise<void> {
  const entries = await readdir(join(root, rel), { withFileTypes: true });
  await Promise.all(
    entries.map(async (entry) => {
      if (only && !only.includes(entry.name)) return;
      const path = rel === "" ? entry.name : `${rel}/${entry.name}`;
      // rsync's `--exclude '*/.git'`: every .git below the top level, never the repo's own.
      if (entry.name === ".git" && rel !== "") return;
      const info = await lstat(join(root, path), { bigint: true });
      const target = info.isSymbolicLink() ? await readlink(join(root, path)) : "";
      lines.push(`${path}\0${info.mode}\0${info.size}\0${info.mtimeNs}\0${target}`);
      if (!info.isDirectory()) return;
      if (path === ".git") await walk(root, path, lines, GIT_STATE);
      else await walk(root, path, lines);
    }),
  );
}
