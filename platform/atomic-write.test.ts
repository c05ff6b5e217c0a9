import { afterEach, beforeEach, expect, test } from "bun:test";
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseTempName, removeStaleTempFiles, tempNameFor, writeFileAtomic } from "./atomic-write.ts";

// Changing a file's owner needs root; the daemon that uses these options always is.
const IS_ROOT = process.getuid?.() === 0;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "dusty-atomic-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test("writeFileAtomic() creates a new file with mode 0644 and leaves no temp file", async () => {
  const path = join(dir, "hosts");
  await writeFileAtomic(path, "127.0.0.1 a\n");
  expect(readFileSync(path, "utf8")).toBe("127.0.0.1 a\n");
  expect(statSync(path).mode & 0o7777).toBe(0o644);
  expect(readdirSync(dir)).toEqual(["hosts"]);
});

test.skipIf(!IS_ROOT)("writeFileAtomic() replaces a file and keeps its mode and owner", async () => {
  const path = join(dir, "hosts");
  writeFileSync(path, "old contents that are longer\n");
  chmodSync(path, 0o640);
  chownSync(path, 1234, 2345);
  await writeFileAtomic(path, new TextEncoder().encode("new\n"));
  const info = statSync(path);
  expect(readFileSync(path, "utf8")).toBe("new\n");
  expect([info.mode & 0o7777, info.uid, info.gid]).toEqual([0o640, 1234, 2345]);
});

test.skipIf(!IS_ROOT)("writeFileAtomic() applies an explicit mode and owner regardless of umask", async () => {
  const path = join(dir, "config.yml");
  writeFileSync(path, "x");
  chmodSync(path, 0o644);
  await writeFileAtomic(path, "y", { mode: 0o600, uid: 4321, gid: 5432 });
  const info = statSync(path);
  expect([info.mode & 0o7777, info.uid, info.gid]).toEqual([0o600, 4321, 5432]);
});

test("writeFileAtomic() writes through a symlink instead of replacing it", async () => {
  const real = join(dir, "real-hosts");
  const link = join(dir, "hosts");
  writeFileSync(real, "old\n");
  symlinkSync("real-hosts", link);
  await writeFileAtomic(link, "new\n");
  expect(lstatSync(link).isSymbolicLink()).toBe(true);
  expect(readFileSync(real, "utf8")).toBe("new\n");
});

test("writeFileAtomic() with noReplace fails on an existing file and leaves it and no temp file", async () => {
  const path = join(dir, "hosts.dusty-backup");
  writeFileSync(path, "first\n");
  const error = await writeFileAtomic(path, "second\n", { noReplace: true }).catch((e) => e);
  expect(error.code).toBe("EEXIST");
  expect(readFileSync(path, "utf8")).toBe("first\n");
  expect(readdirSync(dir)).toEqual(["hosts.dusty-backup"]);
});

test("writeFileAtomic() removes its temp file when the write fails", async () => {
  // A folder at the target's name makes rename() fail after the temp file is complete.
  const path = join(dir, "taken");
  mkdirSync(path);
  writeFileSync(join(path, "inside"), "x");
  const error = await writeFileAtomic(path, "data").catch((e) => e);
  expect(error.code).toBe("EISDIR");
  expect(readdirSync(dir)).toEqual(["taken"]);
});

test("writeFileAtomic() fails with ENOENT when the folder does not exist", async () => {
  const error = await writeFileAtomic(join(dir, "missing", "file"), "x").catch((e) => e);
  expect(error.code).toBe("ENOENT");
});

test("tempNameFor() names a hidden file that parseTempName() maps back to the pid", () => {
  const target = join(dir, "hosts");
  const name = tempNameFor(target, 4242);
  expect(name.startsWith(".hosts.4242.")).toBe(true);
  expect(parseTempName(target, name)).toBe(4242);
  expect(parseTempName(target, "hosts")).toBeUndefined();
  expect(parseTempName(target, ".hosts.dusty-backup")).toBeUndefined();
  expect(parseTempName(join(dir, "other"), name)).toBeUndefined();
});

test("removeStaleTempFiles() removes temp files of dead processes only", async () => {
  const target = join(dir, "hosts");
  const dead = Bun.spawnSync(["true"]).pid; // exited and reaped, so its pid is free
  const stale = tempNameFor(target, dead);
  const live = tempNameFor(target, process.pid);
  const unrelated = ".hosts.swp";
  for (const name of [stale, live, unrelated]) writeFileSync(join(dir, name), "x");
  expect(await removeStaleTempFiles(target)).toEqual([stale]);
  expect(existsSync(join(dir, stale))).toBe(false);
  expect(readdirSync(dir).sort()).toEqual([live, unrelated].sort());
});
