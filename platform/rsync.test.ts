import { afterEach, beforeEach, expect, test } from "bun:test";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { makeTempDir } from "../test/git-fixtures.ts";
import { UserError } from "./errors.ts";
import { formatRemoteShell, rsyncArgv, syncFile, syncFolder, syncFromRemote, syncPaths } from "./rsync.ts";
import { CommandFailedError } from "./run.ts";

let temp: ReturnType<typeof makeTempDir>;
beforeEach(() => (temp = makeTempDir("dusty-rsync-")));
afterEach(() => temp.remove());

/** Writes files (path → text) under `root`, making folders as needed. */
function writeTree(root: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}

/** Every file under `root`, as sorted relative paths. */
function listTree(root: string): string[] {
  return (readdirSync(root, { recursive: true, withFileTypes: true }) as import("node:fs").Dirent[])
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(root.length + 1))
    .sort();
}

test("syncFolder() mirrors a folder's contents and deletes what the source lacks", async () => {
  const src = join(temp.path, "src");
  const dest = join(temp.path, "deep", "er", "dest");
  writeTree(src, { "a.txt": "a", "sub/b.txt": "b" });
  await syncFolder(src, dest);
  expect(listTree(dest)).toEqual(["a.txt", "sub/b.txt"]);

  writeTree(dest, { "stale.txt": "old", "gone/c.txt": "c" });
  writeTree(src, { "a.txt": "a2" });
  await syncFolder(`${src}/`, dest);
  expect(listTree(dest)).toEqual(["a.txt", "sub/b.txt"]);
  expect(readFileSync(join(dest, "a.txt"), "utf8")).toBe("a2");
});

test("syncFolder() with only mirrors just those folders of the source and leaves everything else at the destination", async () => {
  const src = join(temp.path, "src");
  const dest = join(temp.path, "dest");
  writeTree(src, { "a/new.txt": "new", "b/b.txt": "b", "c/not-sent.txt": "c", "top.txt": "not sent" });
  writeTree(dest, { "a/gone.txt": "old", "repos/kept.txt": "kept", "top.txt": "kept" });
  await syncFolder(src, dest, { only: ["a", "b"] });
  expect(readFileSync(join(dest, "top.txt"), "utf8")).toBe("kept");
  expect(listTree(dest)).toEqual(["a/new.txt", "b/b.txt", "repos/kept.txt", "top.txt"]);
});

test("rsyncArgv() refuses an only name that is a pattern or leaves the folder", () => {
  for (const name of ["*", "a/b", "..", ".", "[ab]", ""]) {
    expect(() => rsyncArgv("/s", "/d", { sourceIsDir: true, only: [name] })).toThrow("Refusing to sync folders named");
  }
  expect(() => rsyncArgv("/s", "/d", { sourceIsDir: true, only: [] })).toThrow("Refusing to sync folders named");
  expect(rsyncArgv("/s", "/d", { sourceIsDir: true, only: ["command_files", "nginx"] })).toEqual(
    ["rsync", "-a", "--delete", "--force", "--include", "/command_files/***", "--include", "/nginx/***", "--exclude", "*", "/s/", "/d"],
  );
});

test("syncFolder() keeps extra destination files with delete: false", async () => {
  const src = join(temp.path, "src");
  const dest = join(temp.path, "dest");
  writeTree(src, { "a.txt": "a" });
  writeTree(dest, { "keep.txt": "k" });
  await syncFolder(src, dest, { delete: false });
  expect(listTree(dest)).toEqual(["a.txt", "keep.txt"]);
});

test("syncFolder() with excludeNestedGit skips nested .git folders at any depth but keeps the top-level one", async () => {
  const src = join(temp.path, "repo");
  writeTree(src, {
    ".git/HEAD": "top",
    "vendor/lib/.git/HEAD": "nested",
    "vendor/lib/x.txt": "x",
    "a/b/c/.git/HEAD": "deeper",
    "a/b/c/y.txt": "y",
    "a/.gitignore": "kept",
  });
  const dest = join(temp.path, "dest");
  writeTree(dest, { "vendor/lib/.git/HEAD": "already there" });
  await syncFolder(src, dest, { excludeNestedGit: true });
  // Excluded paths are also protected from --delete, so a nested .git already there stays untouched.
  expect(listTree(dest)).toEqual([".git/HEAD", "a/.gitignore", "a/b/c/y.txt", "vendor/lib/.git/HEAD", "vendor/lib/x.txt"]);
  expect(readFileSync(join(dest, "vendor/lib/.git/HEAD"), "utf8")).toBe("already there");

  const plain = join(temp.path, "plain");
  await syncFolder(src, plain);
  expect(listTree(plain)).toContain("a/b/c/.git/HEAD");
});

test("syncFolder() copies a file source to the file path given", async () => {
  writeTree(temp.path, { "one.conf": "conf" });
  const dest = join(temp.path, "out", "nginx", "dusty.conf");
  await syncFolder(join(temp.path, "one.conf"), dest);
  expect(readFileSync(dest, "utf8")).toBe("conf");
});

test("syncFile() refuses a folder source and a folder at the destination", async () => {
  writeTree(temp.path, { "f.txt": "f", "dir/x": "x" });
  await expect(syncFile(join(temp.path, "dir"), join(temp.path, "d2"))).rejects.toThrow(/it is a folder/);
  await expect(syncFile(join(temp.path, "f.txt"), join(temp.path, "dir"))).rejects.toThrow(/a folder is there/);
  await syncFile(join(temp.path, "f.txt"), join(temp.path, "copy.txt"));
  expect(readFileSync(join(temp.path, "copy.txt"), "utf8")).toBe("f");
});

test("syncFolder() handles spaces, quotes and unicode in names", async () => {
  const src = join(temp.path, "my src é");
  writeTree(src, { "hello world.txt": "1", "naïve 'quote\".txt": "2", "日本/ファイル.txt": "3", "-dash.txt": "4" });
  const dest = join(temp.path, "dést ination");
  await syncFolder(src, dest);
  expect(listTree(dest)).toEqual(listTree(src));
  expect(readFileSync(join(dest, "日本/ファイル.txt"), "utf8")).toBe("3");
});

test("syncFolder() rejects a missing source with a UserError naming it", async () => {
  const missing = join(temp.path, "nope");
  const error = await syncFolder(missing, join(temp.path, "dest")).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(UserError);
  expect((error as Error).message).toBe(`Cannot sync "${missing}": no such file or folder. Check the path`);
  expect(existsSync(join(temp.path, "dest"))).toBe(false);
});

test("syncFolder() reports a blocked destination as a UserError and an rsync failure as a CommandFailedError", async () => {
  writeTree(temp.path, { "src/a": "a", "blocker": "a file where a folder must go" });
  const error = await syncFolder(join(temp.path, "src"), join(temp.path, "blocker", "dest")).catch((e: unknown) => e);
  // The parent cannot be made: a file is in the way (found before rsync runs).
  expect(error).toBeInstanceOf(UserError);
  expect((error as Error).message).toContain("a file is in the way");

  const lines: string[] = [];
  const failed = await syncFolder(join(temp.path, "src"), "/proc/dusty-cannot-write-here", { onLine: (l) => lines.push(l) }).catch((e: unknown) => e);
  expect(failed).toBeInstanceOf(CommandFailedError);
  expect(lines.join("\n")).toContain("rsync");
});

test("rsyncArgv() builds the reference's VM argv", () => {
  const argv = rsyncArgv("/Users/al/code/web", "docker@localhost:/persist/repos/github.com/org/web", {
    sourceIsDir: true,
    remoteShell: ["ssh", "-p", "2022", "-o", "StrictHostKeyChecking=no", "-i", "/Users/al/.ssh/id_boot2docker"],
    compress: true,
    rsyncPath: "sudo rsync",
    excludeNestedGit: true,
  });
  expect(argv).toEqual([
    "rsync", "-e", "ssh -p 2022 -o StrictHostKeyChecking=no -i /Users/al/.ssh/id_boot2docker",
    "-az", "--delete", "--force", "--rsync-path", "sudo rsync", "--exclude", "*/.git",
    "/Users/al/code/web/", "docker@localhost:/persist/repos/github.com/org/web",
  ]);
  expect(rsyncArgv("/a/file", "/b/file", { sourceIsDir: false, delete: false })).toEqual(["rsync", "-a", "--force", "/a/file", "/b/file"]);
});

test("formatRemoteShell() quotes so that rsync hands the remote shell the exact arguments", async () => {
  // A stand-in "remote shell" that records one argument, then runs the rsync server locally.
  const record = join(temp.path, "recorded");
  const value = `a b'c"d`;
  const shell = ["env", `DUSTY_VALUE=${value}`, "sh", "-c", `printf %s "$DUSTY_VALUE" > ${record}; shift; exec "$@"`, "rsh"];
  expect(formatRemoteShell(shell)).toContain(`'DUSTY_VALUE=a b''c"d'`);
  writeTree(temp.path, { "src/a.txt": "a" });
  const dest = join(temp.path, "remote-dest");
  mkdirSync(dest);
  await syncFolder(join(temp.path, "src"), `localhost:${dest}`, { remoteShell: shell });
  expect(readFileSync(record, "utf8")).toBe(value);
  expect(listTree(dest)).toEqual(["a.txt"]);

  const back = join(temp.path, "back", "here");
  await syncFromRemote(`localhost:${dest}`, back, { remoteShell: shell, sourceIsDir: true });
  expect(listTree(back)).toEqual(["a.txt"]);
});

test("syncPaths() carries edits, new files, deletions, renames, folder deletes and links of only the listed paths", async () => {
  const src = join(temp.path, "src");
  const dest = join(temp.path, "dest");
  writeTree(src, { "a.txt": "a1", "dir/b.txt": "b1", "gone/c.txt": "c1", "name with space é.txt": "s1", "other.txt": "o1" });
  await syncFolder(src, dest);
  writeFileSync(join(src, "a.txt"), "a2"); // same size, same second: only told, never seen by rsync's quick check
  renameSync(join(src, "name with space é.txt"), join(src, "dir", "renamé.txt"));
  rmSync(join(src, "gone"), { recursive: true });
  writeTree(src, { "new/deep/d.txt": "d1" });
  symlinkSync("a.txt", join(src, "link"));
  writeFileSync(join(dest, "other.txt"), "changed at the destination, not listed");
  await syncPaths(src, dest, ["a.txt", "name with space é.txt", "dir/renamé.txt", "gone", "new", "link"]);
  expect(listTree(dest)).toEqual(["a.txt", "dir/b.txt", "dir/renamé.txt", "new/deep/d.txt", "other.txt"]);
  expect(readFileSync(join(dest, "a.txt"), "utf8")).toBe("a2");
  expect(readFileSync(join(dest, "link"), "utf8")).toBe("a2");
  expect(readFileSync(join(dest, "other.txt"), "utf8")).toBe("changed at the destination, not listed");
});

test("syncPaths() refuses paths that leave the folder", async () => {
  await expect(syncPaths(temp.path, join(temp.path, "x"), ["../etc"])).rejects.toThrow("Refusing to sync paths outside");
  await expect(syncPaths(temp.path, join(temp.path, "x"), ["/etc"])).rejects.toThrow("Refusing to sync paths outside");
});

test("syncFolder() with exactTimes sees an edit that keeps the size within the same second", async () => {
  const src = join(temp.path, "src");
  const dest = join(temp.path, "dest");
  writeTree(src, { "a.txt": "a1" });
  const second = new Date(Math.floor(Date.now() / 1000) * 1000);
  utimesSync(join(src, "a.txt"), second, second);
  await syncFolder(src, dest);
  writeFileSync(join(src, "a.txt"), "a2");
  utimesSync(join(src, "a.txt"), second, new Date(second.getTime() + 500));
  await syncFolder(src, dest);
  expect(readFileSync(join(dest, "a.txt"), "utf8")).toBe("a1"); // rsync's default: whole seconds
  await syncFolder(src, dest, { exactTimes: true });
  expect(readFileSync(join(dest, "a.txt"), "utf8")).toBe("a2");
});
