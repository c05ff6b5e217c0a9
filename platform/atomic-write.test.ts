import { afterEach, beforeEach, expect, test } from "bun:test";
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  NotRegularFileError,
  parseTempName,
  readRegularFile,
  removeStaleTempFiles,
  tempNameFor,
  writeFileAtomic,
  writeNewFile,
} from "./atomic-write.ts";

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

test.skipIf(!IS_ROOT)("writeFileAtomic() refuses a symlink target: the link and the file it names stay as they were", async () => {
  const victim = join(dir, "victim");
  const link = join(dir, "config.yml");
  writeFileSync(victim, "root:secret\n");
  chmodSync(victim, 0o640);
  chownSync(victim, 65534, 65534);
  symlinkSync(victim, link);
  const error = await writeFileAtomic(link, "owned\n", { mode: 0o600 }).catch((e) => e);
  expect(error).toBeInstanceOf(NotRegularFileError);
  expect(error.message).toStartWith(`Cannot write ${link}: it is a symbolic link, not a regular file`);
  expect(error.message).toContain("Nothing was changed");
  expect(readlinkSync(link)).toBe(victim);
  expect(readFileSync(victim, "utf8")).toBe("root:secret\n");
  const info = statSync(victim);
  expect([info.mode & 0o7777, info.uid, info.gid]).toEqual([0o640, 65534, 65534]);
  expect(readdirSync(dir).sort()).toEqual(["config.yml", "victim"]);
});

test("writeFileAtomic() refuses a dangling symlink and creates nothing where it points", async () => {
  const link = join(dir, "hosts");
  symlinkSync(join(dir, "created-through-link"), link);
  const error = await writeFileAtomic(link, "x").catch((e) => e);
  expect(error).toBeInstanceOf(NotRegularFileError);
  expect(readdirSync(dir)).toEqual(["hosts"]);
});

test("writeNewFile() creates a file with its mode and refuses a name that is taken, even by a dangling link", async () => {
  const path = join(dir, "nginx.conf");
  await writeNewFile(path, "events {}\n", 0o644);
  expect(readFileSync(path, "utf8")).toBe("events {}\n");
  expect(statSync(path).mode & 0o7777).toBe(0o644);
  const link = join(dir, "command.sh");
  symlinkSync(join(dir, "elsewhere"), link);
  expect((await writeNewFile(link, "x", 0o644).catch((e) => e)).code).toBe("EEXIST");
  expect(existsSync(join(dir, "elsewhere"))).toBe(false);
});

test("readRegularFile() reads a file, gives undefined for a missing one, and refuses a symlink, a folder and a FIFO", async () => {
  const file = join(dir, "config.yml");
  writeFileSync(file, "bundles: []\n");
  expect((await readRegularFile(file))?.toString()).toBe("bundles: []\n");
  expect(await readRegularFile(join(dir, "missing"))).toBeUndefined();
  const link = join(dir, "link.yml");
  symlinkSync(file, link);
  const fifo = join(dir, "fifo.yml");
  expect(Bun.spawnSync(["mkfifo", fifo]).exitCode).toBe(0);
  for (const [path, what] of [[link, "a symbolic link"], [dir, "a folder"], [fifo, "a FIFO"]] as const) {
    const error = await readRegularFile(path).catch((e) => e);
    expect(error).toBeInstanceOf(NotRegularFileError);
    expect(error.message).toStartWith(`Cannot read ${path}: it is ${what}, not a regular file`);
  }
});

test("writeFileAtomic() with noReplace fails on an existing file and leaves it and no temp file", async () => {
  const path = join(dir, "hosts.dusty-backup");
  writeFileSync(path, "first\n");
  const error = await writeFileAtomic(path, "second\n", { noReplace: true }).catch((e) => e);
  expect(error.code).toBe("EEXIST");
  expect(readFileSync(path, "utf8")).toBe("first\n");
  expect(readdirSync(dir)).toEqual(["hosts.dusty-backup"]);
});

test("writeFileAtomic() refuses a folder at the target's name and leaves no temp file", async () => {
  const path = join(dir, "taken");
  mkdirSync(path);
  writeFileSync(join(path, "inside"), "x");
  const error = await writeFileAtomic(path, "data").catch((e) => e);
  expect(error).toBeInstanceOf(NotRegularFileError);
  expect(error.message).toStartWith(`Cannot write ${path}: it is a folder`);
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
