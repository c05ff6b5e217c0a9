import { afterEach, expect, test } from "bun:test";
import { mkdirSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeTempDir } from "../test/git-fixtures.ts";
import { run } from "./run.ts";
import { folderFingerprint } from "./folder-fingerprint.ts";

const temps: { remove(): void }[] = [];
afterEach(() => temps.splice(0).forEach((t) => t.remove()));
function tree(): string {
  const dir = makeTempDir("dusty-fingerprint-");
  temps.push(dir);
  mkdirSync(join(dir.path, "src", "vendor", ".git"), { recursive: true });
  mkdirSync(join(dir.path, ".git"), { recursive: true });
  writeFileSync(join(dir.path, "src", "a.txt"), "a");
  writeFileSync(join(dir.path, ".git", "HEAD"), "ref: refs/heads/main\n");
  writeFileSync(join(dir.path, "src", "vendor", ".git", "index"), "x");
  return dir.path;
}

test("folderFingerprint() is stable, and changes with content, new files, deletions, modes and symlink targets", async () => {
  const root = tree();
  const first = await folderFingerprint(root);
  expect(first).toMatch(/^[0-9a-f]{64}$/);
  expect(await folderFingerprint(root)).toBe(first);

  writeFileSync(join(root, "src", "a.txt"), "b"); // same size: the modification time tells
  utimesSync(join(root, "src", "a.txt"), new Date(2000, 1, 1), new Date(2000, 1, 1));
  const edited = await folderFingerprint(root);
  expect(edited).not.toBe(first);

  writeFileSync(join(root, "new.txt"), "");
  const added = await folderFingerprint(root);
  expect(added).not.toBe(edited);
  rmSync(join(root, "new.txt"));
  expect(await folderFingerprint(root)).toBe(edited);
  symlinkSync("src/a.txt", join(root, "link"));
  const linked = await folderFingerprint(root);
  rmSync(join(root, "link"));
  symlinkSync("src", join(root, "link"));
  expect(await folderFingerprint(root)).not.toBe(linked);
});

test("folderFingerprint() ignores every .git, the repo's own included", async () => {
  const root = tree();
  const first = await folderFingerprint(root);
  writeFileSync(join(root, "src", "vendor", ".git", "index"), "changed, and longer");
  writeFileSync(join(root, ".git", "HEAD"), "ref: refs/heads/other\n");
  mkdirSync(join(root, ".git", "refs", "heads"), { recursive: true });
  writeFileSync(join(root, ".git", "FETCH_HEAD"), "1111\n");
  expect(await folderFingerprint(root)).toBe(first);
});

test("folderFingerprint() stays the same across a real git fetch, commit and pull that change no file", async () => {
  const dir = makeTempDir("dusty-fingerprint-git-");
  temps.push(dir);
  const git = async (cwd: string, ...args: string[]) => {
    const result = await run(["git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "init.defaultBranch=main", ...args], { cwd });
    if (result.exitCode !== 0) throw new Error(result.stderr);
  };
  const origin = join(dir.path, "origin");
  const clone = join(dir.path, "clone");
  mkdirSync(origin);
  writeFileSync(join(origin, "index.html"), "v1\n");
  await git(origin, "init", "-q");
  await git(origin, "add", ".");
  await git(origin, "commit", "-q", "-m", "one");
  await git(dir.path, "clone", "-q", origin, clone);
  const first = await folderFingerprint(clone);
  await git(origin, "commit", "-q", "--allow-empty", "-m", "two");
  await git(clone, "pull", "-q", "--ff-only");
  await git(clone, "status");
  expect(await folderFingerprint(clone)).toBe(first);
});

test("folderFingerprint() gives no fingerprint for a missing folder or a file", async () => {
  const root = tree();
  expect(await folderFingerprint(join(root, "nope"))).toBeUndefined();
  expect(await folderFingerprint(join(root, "src", "a.txt"))).toBeUndefined();
});
