import { afterEach, expect, test } from "bun:test";
import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeTempDir } from "../test/git-fixtures.ts";
import { waitUntil } from "../test/harness.ts";
import { eventsMayBeLost, FLOOD_EVENTS, outermostPaths, watchTree, type TreeWatcher } from "./tree-watcher.ts";

const temps: { remove(): void }[] = [];
const watchers: TreeWatcher[] = [];
afterEach(() => {
  watchers.splice(0).forEach((w) => w.close());
  temps.splice(0).forEach((t) => t.remove());
});

test("outermostPaths() drops paths inside another listed path, and only those", () => {
  expect(outermostPaths(["a/c", "a b", "a", "a/c/d", "b/x", "b/x", "bx"])).toEqual(["a", "a b", "b/x", "bx"]);
});

test("watchTree() reports edits, renames and deletes at any depth, in folders made after it started, and never .git", async () => {
  const dir = makeTempDir("dusty-watch-tree-");
  temps.push(dir);
  mkdirSync(join(dir.path, "src", ".git"), { recursive: true });
  mkdirSync(join(dir.path, ".git"));
  const seen = new Set<string>();
  const lost: string[] = [];
  watchers.push(watchTree(dir.path, { onPath: (p) => seen.add(p), onLost: (r) => lost.push(r), onFailed: (r) => lost.push(r) }));
  writeFileSync(join(dir.path, ".git", "index"), "x");
  writeFileSync(join(dir.path, "src", ".git", "index"), "x");
  writeFileSync(join(dir.path, "src", "é a.txt"), "1");
  mkdirSync(join(dir.path, "new"));
  await waitUntil(() => seen.has("new"), 5000, () => `no event for new/: ${[...seen].join(", ")}`);
  writeFileSync(join(dir.path, "new", "b.txt"), "1");
  await waitUntil(() => seen.has("new/b.txt"), 5000, () => `no event for new/b.txt: ${[...seen].join(", ")}`);
  renameSync(join(dir.path, "src", "é a.txt"), join(dir.path, "src", "moved.txt"));
  rmSync(join(dir.path, "new"), { recursive: true });
  await waitUntil(() => ["src/é a.txt", "src/moved.txt"].every((p) => seen.has(p)), 5000, () => `events: ${[...seen].join(", ")}`);
  expect([...seen].filter((p) => p.includes(".git"))).toEqual([]);
  expect(lost).toEqual([]);
});

test("watchTree() refuses a folder that does not exist, saying what to check", () => {
  expect(() => watchTree("/nonexistent/dusty-watch", { onPath() {}, onLost() {}, onFailed() {} })).toThrow(
    "Cannot watch /nonexistent/dusty-watch: no such folder. Check the repo's override with `dusty repos list`",
  );
});

test("eventsMayBeLost() holds from a quarter of the kernel's default queue on", () => {
  expect(eventsMayBeLost(FLOOD_EVENTS - 1)).toBe(false);
  expect(eventsMayBeLost(FLOOD_EVENTS)).toBe(true);
  expect(FLOOD_EVENTS).toBe(16384 / 4);
});
