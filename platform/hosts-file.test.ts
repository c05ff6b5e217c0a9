import { afterEach, beforeEach, expect, test } from "bun:test";
import { chmodSync, chownSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { tempNameFor } from "./atomic-write.ts";
import { updateHostsFile } from "./hosts-file.ts";

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

const append = (line: string) => (current: string) => current + line;

test("updateHostsFile() writes the planned text and backs up the original once", async () => {
  writeFileSync(hosts, ORIGINAL);
  const first = await updateHostsFile(hosts, (current) => current + SECTION);
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
  let seen = "";
  const result = await updateHostsFile(hosts, (current) => (seen = current));
  expect(seen).toBe(ORIGINAL);
  expect(result.changed).toBe(false);
  expect(statSync(hosts).ino).toBe(before.ino);
  expect(readdirSync(dir)).toEqual(["hosts"]);
});

test("updateHostsFile() creates a missing file from an empty text, without a backup", async () => {
  let seen: string | undefined;
  const result = await updateHostsFile(hosts, (current) => (seen = current) + SECTION);
  expect(seen).toBe("");
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
  const result = await updateHostsFile(hosts, (current) => current);
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
    const result = await updateHostsFile(hosts, () => ORIGINAL + SECTION);
    expect(result).toEqual({ changed: true, inPlace: true, backupPath: `${hosts}.dusty-backup` });
    expect(readFileSync(hosts, "utf8")).toBe(ORIGINAL + SECTION);
    expect(readFileSync(source, "utf8")).toBe(ORIGINAL + SECTION);
    expect(readdirSync(dir).sort()).toEqual(["hosts", "hosts.dusty-backup", "runtime-hosts"]);
  } finally {
    Bun.spawnSync(["umount", hosts]);
  }
});
