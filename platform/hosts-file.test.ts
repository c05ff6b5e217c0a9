import { afterEach, beforeEach, expect, test } from "bun:test";
import { chmodSync, chownSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { planHostsFile } from "../core/hosts.ts";
import { NotRegularFileError, tempNameFor } from "./atomic-write.ts";
import { checkHostsFile, HostsFileError, updateHostsFile } from "./hosts-file.ts";

const IS_ROOT = process.getuid?.() === 0;
const ORIGINAL = "127.0.0.1 localhost\n::1 localhost\n";
const SECTION = "# BEGIN section for Dusty\n127.0.0.1 web.local\n# END section for Dusty\n";

let dir: string;
let hosts: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "dusty-hosts-"));
  hosts = join(dir, "hosts");
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A plan that returns `text` whatever the file holds. */
const always = (text: string) => () => ({ bytes: Buffer.from(text) });
/** A plan that appends `line` to the current bytes. */
const append = (line: string) => (current: Uint8Array) => ({ bytes: Buffer.concat([current, Buffer.from(line)]) });
/** A plan that leaves the file as it is, and records what it saw. */
const seeing = (seen: Uint8Array[]) => (current: Uint8Array) => (seen.push(current), { bytes: current });

test("updateHostsFile() writes the planned text and backs up the original once", async () => {
  writeFileSync(hosts, ORIGINAL);
  const first = await updateHostsFile(hosts, append(SECTION));
  expect(first).toEqual({ changed: true, inPlace: false, backupPath: `${hosts}.dusty-backup` });
  expect(readFileSync(hosts, "utf8")).toBe(ORIGINAL + SECTION);

  const second = await updateHostsFile(hosts, append("10.0.0.1 other\n"));
  expect(second).toEqual({ changed: true, inPlace: false, backupPath: undefined });
  expect(readFileSync(`${hosts}.dusty-backup`, "utf8")).toBe(ORIGINAL);
  expect(readdirSync(dir).sort()).toEqual(["hosts", "hosts.dusty-backup"]);
});

test("updateHostsFile() does not write when the plan changes nothing", async () => {
  writeFileSync(hosts, ORIGINAL);
  const before = statSync(hosts);
  const seen: Uint8Array[] = [];
  const result = await updateHostsFile(hosts, seeing(seen));
  expect(seen.map((b) => Buffer.from(b).toString())).toEqual([ORIGINAL]);
  expect(result.changed).toBe(false);
  expect(statSync(hosts).ino).toBe(before.ino);
  expect(readdirSync(dir)).toEqual(["hosts"]);
});

test("updateHostsFile() creates a missing file from an empty text, without a backup", async () => {
  const seen: Uint8Array[] = [];
  const result = await updateHostsFile(hosts, (current) => (seen.push(current), append(SECTION)(current)));
  expect(seen.map((b) => b.length)).toEqual([0]);
  expect(result).toEqual({ changed: true, inPlace: false, backupPath: undefined });
  expect(readdirSync(dir)).toEqual(["hosts"]);
});

test("updateHostsFile() never replaces an existing backup and honours backupSuffix", async () => {
  writeFileSync(hosts, ORIGINAL);
  writeFileSync(`${hosts}.orig`, "the first original\n");
  const result = await updateHostsFile(hosts, append(SECTION), { backupSuffix: ".orig" });
  expect(result.backupPath).toBeUndefined();
  expect(readFileSync(`${hosts}.orig`, "utf8")).toBe("the first original\n");
});

test.skipIf(!IS_ROOT)("updateHostsFile() keeps the mode and owner of the file and gives them to the backup", async () => {
  writeFileSync(hosts, ORIGINAL);
  chmodSync(hosts, 0o604);
  chownSync(hosts, 1000, 1001);
  await updateHostsFile(hosts, append(SECTION));
  for (const path of [hosts, `${hosts}.dusty-backup`]) {
    const info = statSync(path);
    expect([info.mode & 0o7777, info.uid, info.gid]).toEqual([0o604, 1000, 1001]);
  }
});

test("updateHostsFile() removes stale temp files of itself and of the backup, even without a change", async () => {
  writeFileSync(hosts, ORIGINAL);
  const dead = Bun.spawnSync(["true"]).pid;
  writeFileSync(join(dir, tempNameFor(hosts, dead)), "half a hosts fi");
  writeFileSync(join(dir, tempNameFor(`${hosts}.dusty-backup`, dead)), "half a back");
  const result = await updateHostsFile(hosts, seeing([]));
  expect(result.changed).toBe(false);
  expect(readdirSync(dir)).toEqual(["hosts"]);
});

test("updateHostsFile() runs overlapping updates of one file one after the other", async () => {
  writeFileSync(hosts, ORIGINAL);
  const lines = Array.from({ length: 8 }, (_, i) => `10.0.0.${i} host${i}\n`);
  await Promise.all(lines.map((line) => updateHostsFile(hosts, append(line))));
  expect(readFileSync(hosts, "utf8")).toBe(ORIGINAL + lines.join(""));
});

test("updateHostsFile() passes on a failing plan and leaves the file alone", async () => {
  writeFileSync(hosts, ORIGINAL);
  const error = await updateHostsFile(hosts, () => {
    throw new Error("bad plan");
  }).catch((e) => e);
  expect(error.message).toBe("bad plan");
  expect(readdirSync(dir)).toEqual(["hosts"]);
});

// Docker bind-mounts /etc/hosts into containers; a real bind mount reproduces the EBUSY on rename.
test.skipIf(!IS_ROOT)("updateHostsFile() rewrites a bind-mounted file in place", async () => {
  const source = join(dir, "runtime-hosts");
  writeFileSync(source, ORIGINAL + "# a long comment that the shorter new text must not leave behind\n");
  writeFileSync(hosts, "");
  const mounted = Bun.spawnSync(["mount", "--bind", source, hosts]);
  if (mounted.exitCode !== 0) throw new Error(`mount --bind failed: ${mounted.stderr.toString()}`);
  try {
    const result = await updateHostsFile(hosts, always(ORIGINAL + SECTION));
    expect(result).toEqual({ changed: true, inPlace: true, backupPath: `${hosts}.dusty-backup` });
    expect(readFileSync(hosts, "utf8")).toBe(ORIGINAL + SECTION);
    expect(readFileSync(source, "utf8")).toBe(ORIGINAL + SECTION);
    expect(readdirSync(dir).sort()).toEqual(["hosts", "hosts.dusty-backup", "runtime-hosts"]);
  } finally {
    Bun.spawnSync(["umount", hosts]);
  }
});

test("updateHostsFile() keeps every byte outside dusty's section: Latin-1, NUL, CRLF and no final newline", async () => {
  const outside = (text: string) => Buffer.from(text, "latin1");
  const before = outside("# caf\xe9\r\n127.0.0.1 localhost\x00\r\n");
  const after = outside("# \xff no newline");
  writeFileSync(hosts, Buffer.concat([before, outside(SECTION.replaceAll("\n", "\r\n")), after]));
  const next = "# BEGIN section for Dusty\n127.0.0.1 api.local\n# END section for Dusty\n";
  await updateHostsFile(hosts, (current) => planHostsFile(current, next));
  expect(readFileSync(hosts).equals(Buffer.concat([before, outside(next.replaceAll("\n", "\r\n")), after]))).toBe(true);
  await updateHostsFile(hosts, (current) => planHostsFile(current, ""));
  expect(readFileSync(hosts).equals(Buffer.concat([before, after]))).toBe(true);
});

test("updateHostsFile() refuses a BEGIN without END with the file and line, and leaves the file byte for byte", async () => {
  const torn = Buffer.from(`${ORIGINAL}# BEGIN section for Dusty\n127.0.0.1 web.local\n# mine \xe9\n10.0.0.1 nas\n`, "latin1");
  writeFileSync(hosts, torn);
  const before = statSync(hosts);
  const error = await updateHostsFile(hosts, (current) => planHostsFile(current, SECTION)).catch((e) => e);
  expect(error).toBeInstanceOf(HostsFileError);
  expect(error.message.split("\n")[0]).toBe(`${hosts}:3: "# BEGIN section for Dusty" without a "# END section for Dusty" after it`);
  expect(error.message).toContain("left exactly as it was");
  expect(error.message).toContain("Fix line 3 by hand");
  expect(readFileSync(hosts).equals(torn)).toBe(true);
  expect([statSync(hosts).ino, statSync(hosts).mtimeMs]).toEqual([before.ino, before.mtimeMs]);
  expect(readdirSync(dir)).toEqual(["hosts"]);
  expect(await checkHostsFile(hosts).catch((e) => e)).toBeInstanceOf(HostsFileError);
  expect(await checkHostsFile(join(dir, "missing"))).toBeUndefined();
});

// /proc/self/io counts the bytes this process handed to write(): the throwaway copy is a full second write.
test("updateHostsFile() writes the backup only when it is missing", async () => {
  const big = `${ORIGINAL}${"# padding so the copy shows in the counters\n".repeat(50_000)}`;
  writeFileSync(hosts, big);
  writeFileSync(`${hosts}.dusty-backup`, "the first original\n");
  const written = () => Number(/^wchar: (\d+)$/m.exec(readFileSync("/proc/self/io", "utf8"))?.[1]);
  const start = written();
  await updateHostsFile(hosts, append(SECTION));
  const delta = written() - start;
  expect(delta).toBeGreaterThanOrEqual(big.length);
  expect(delta).toBeLessThan(big.length * 1.5);
  expect(readFileSync(`${hosts}.dusty-backup`, "utf8")).toBe("the first original\n");
});

test("updateHostsFile() refuses a hosts file that was swapped for a symlink, and leaves the link's target alone", async () => {
  const victim = join(dir, "victim");
  writeFileSync(victim, "precious\n");
  symlinkSync(victim, hosts);
  const error = await updateHostsFile(hosts, always(SECTION)).catch((e) => e);
  expect(error).toBeInstanceOf(NotRegularFileError);
  expect(error.message).toStartWith(`Cannot read ${hosts}: it is a symbolic link`);
  expect(readFileSync(victim, "utf8")).toBe("precious\n");
  expect(lstatSync(hosts).isSymbolicLink()).toBe(true);
});
