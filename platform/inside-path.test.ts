// resolveInside() on real symlinks in a temp folder.
import { afterEach, beforeEach, expect, test } from "bun:test";
import { closeSync, mkdirSync, openSync, realpathSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeTempDir } from "../test/git-fixtures.ts";
import { isInside, MAX_LINK_HOPS, openedInside, resolveInside } from "./inside-path.ts";

let temp: ReturnType<typeof makeTempDir>;
let root: string;

beforeEach(() => {
  temp = makeTempDir("dusty-inside-path-test-");
  root = join(realpathSync(temp.path), "root");
  mkdirSync(join(root, "a"), { recursive: true });
  writeFileSync(join(root, "a", "file"), "x");
  writeFileSync(join(temp.path, "outside"), "x");
});
afterEach(() => temp.remove());

test("resolveInside() follows links inside and reports where they really lead", async () => {
  symlinkSync("a/file", join(root, "to-file"));
  symlinkSync("a", join(root, "to-a"));
  symlinkSync(join(root, "a"), join(root, "to-a-absolute"));
  for (const path of ["a/file", "to-file", "to-a/file", "to-a-absolute/file", "a/../a/./file"]) {
    const found = await resolveInside(root, path);
    expect(found.kind === "found" && found.path).toBe(join(root, "a", "file"));
  }
});

test("resolveInside() calls a step above the root, or an absolute target elsewhere, outside", async () => {
  symlinkSync("../outside", join(root, "up"));
  symlinkSync(join(temp.path, "outside"), join(root, "absolute"));
  symlinkSync("../../outside", join(root, "a", "up-twice"));
  symlinkSync("/", join(root, "slash"));
  for (const path of ["up", "absolute", "a/up-twice", "slash", "..", "a/../../outside"]) {
    expect(await resolveInside(root, path)).toEqual({ kind: "outside" });
  }
});

test("resolveInside() tells a missing path from a broken link, and stops a chain longer than the kernel's limit", async () => {
  expect(await resolveInside(root, "nothing")).toEqual({ kind: "missing", viaLink: false });
  expect(await resolveInside(root, "a/file/below")).toEqual({ kind: "missing", viaLink: false });
  symlinkSync("nothing", join(root, "broken"));
  expect(await resolveInside(root, "broken")).toEqual({ kind: "missing", viaLink: true });
  for (let i = 0; i < MAX_LINK_HOPS + 1; i++) symlinkSync(`l${i + 1}`, join(root, `l${i}`));
  writeFileSync(join(root, `l${MAX_LINK_HOPS + 1}`), "x");
  expect(await resolveInside(root, "l0")).toEqual({ kind: "loop" });
  expect((await resolveInside(root, "l1")).kind).toBe("found");
});

test("isInside() matches whole path components only", () => {
  expect(isInside("/srv/repo", "/srv/repo")).toBe(true);
  expect(isInside("/srv/repo", "/srv/repo/apps/web.yml")).toBe(true);
  expect(isInside("/srv/repo", "/srv/repo-evil/x")).toBe(false);
  expect(isInside("/", "/etc/shadow")).toBe(true);
});

test.skipIf(process.platform !== "linux")("openedInside() tells where an open descriptor really is, whatever path opened it", async () => {
  symlinkSync(temp.path, join(root, "a", "swapped")); // a folder replaced by a link after the checks
  const inside = openSync(join(root, "a", "file"), "r");
  const through = openSync(join(root, "a", "swapped", "outside"), "r");
  try {
    expect(await openedInside(root, inside)).toBe(true);
    expect(await openedInside(root, through)).toBe(false);
  } finally {
    closeSync(inside);
    closeSync(through);
  }
});
