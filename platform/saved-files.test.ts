import { afterEach, beforeEach, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { putBackFile, readFileIfAny, readRegularFileIfAny, writeFileIfChanged } from "./saved-files.ts";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "dusty-saved-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test("readFileIfAny() follows a link and gives undefined for a missing file; readRegularFileIfAny() refuses the link", async () => {
  const file = join(dir, "docker-compose.yml");
  writeFileSync(file, "services: {}\n");
  symlinkSync(file, join(dir, "link.yml"));
  expect((await readFileIfAny(join(dir, "link.yml")))?.toString()).toBe("services: {}\n");
  expect(await readFileIfAny(join(dir, "missing.yml"))).toBeUndefined();
  expect(await readRegularFileIfAny(join(dir, "link.yml"))).toBeUndefined();
  expect((await readRegularFileIfAny(file))?.toString()).toBe("services: {}\n");
});

test("writeFileIfChanged() leaves a file that holds the bytes already, and replaces one that does not", async () => {
  const file = join(dir, "docker-compose.yml");
  writeFileSync(file, "same\n", { mode: 0o600 });
  const inode = statSync(file).ino;
  await writeFileIfChanged(file, "same\n");
  expect(statSync(file).ino).toBe(inode);
  await writeFileIfChanged(file, new TextEncoder().encode("new\n"));
  expect(readFileSync(file, "utf8")).toBe("new\n");
  expect(statSync(file).mode & 0o777).toBe(0o644);
  await writeFileIfChanged(join(dir, "fresh.yml"), "fresh\n");
  expect(readFileSync(join(dir, "fresh.yml"), "utf8")).toBe("fresh\n");
});

test("putBackFile() restores the previous bytes, or removes a file that did not exist before", async () => {
  const file = join(dir, "state.json");
  writeFileSync(file, "after\n");
  await putBackFile(file, new TextEncoder().encode("before\n"));
  expect(readFileSync(file, "utf8")).toBe("before\n");
  await putBackFile(file, undefined);
  expect(existsSync(file)).toBe(false);
  // Nothing to remove is fine.
  await putBackFile(file, undefined);
  expect(existsSync(file)).toBe(false);
});
