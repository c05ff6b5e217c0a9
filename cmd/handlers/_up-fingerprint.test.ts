import { afterEach, expect, test } from "bun:test";
import { mkdirSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeTempDir } from "../../test/git-fixtures.ts";
import { fingerprintFolder } from "./_up-fingerprint.ts";

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

test("fingerprintFolder() is stable, and changes with content, new files, deletions and symlink targets", async () => {
  const root = tree();
  const first = await fingerprintFolder(root);
  expect(first).toMatch(/^[0-9a-f]+$/);
  expect(await fingerprintFolder(root)).toBe(first);

  writeFileSync(join(root, "src", "a.txt"), "b"); // same size: the modification time tells
  utimesSync(join(root, "src", "a.txt"), new Date(2000, 1, 1), new Date(2000, 1, 1));
  const edited = await fingerprintFolder(root);
  expect(edited).not.toBe(first);

  writeFileSync(join(root, "new.txt"), "");
  const added = await fingerprintFolder(root);
  expect(added).not.toBe(edited);
  rmSync(join(root, "new.txt"));
  symlinkSync("src/a.txt", join(root, "link"));
  const linked = await fingerprintFolder(root);
  rmSync(join(root, "link"));
  symlinkSync("src", join(root, "link"));
  expect(await fingerprintFolder(root)).not.toBe(linked);
});

test("fingerprintFolder() sees the repo's own .git but not nested ones, as the sync does", async () => {
  const root = tree();
  const first = await fingerprintFolder(root);
  writeFileSync(join(root, "src", "vendor", ".git", "index"), "changed, and longer");
  expect(await fingerprintFolder(root)).toBe(first);
  writeFileSync(join(root, ".git", "HEAD"), "ref: refs/heads/other\n");
  expect(await fingerprintFolder(root)).not.toBe(first);
});

test("fingerprintFolder() gives no fingerprint for a missing folder or a file", async () => {
  const root = tree();
  expect(await fingerprintFolder(join(root, "nope"))).toBeUndefined();
  expect(await fingerprintFolder(join(root, "src", "a.txt"))).toBeUndefined();
});

test("fingerprintFolder() follows a commit through the repo's refs, and ignores .git's objects and hooks", async () => {
  const root = tree();
  mkdirSync(join(root, ".git", "refs", "heads"), { recursive: true });
  mkdirSync(join(root, ".git", "objects", "ab"), { recursive: true });
  writeFileSync(join(root, ".git", "refs", "heads", "main"), "1111\n");
  const first = await fingerprintFolder(root);
  writeFileSync(join(root, ".git", "objects", "ab", "cdef"), "blob");
  expect(await fingerprintFolder(root)).toBe(first);
  writeFileSync(join(root, ".git", "refs", "heads", "main"), "2222\n");
  utimesSync(join(root, ".git", "refs", "heads", "main"), new Date(2001, 1, 1), new Date(2001, 1, 1));
  expect(await fingerprintFolder(root)).not.toBe(first);
});
