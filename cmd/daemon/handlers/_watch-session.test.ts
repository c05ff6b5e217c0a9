/**
 * runWatchSession() against real files, a real watcher and real rsync (the native host, in a temp
 * folder); the host is wrapped only to hold one sync open while the test writes.
 */
import { afterAll, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createNativeHost } from "../../../platform/vm/native.ts";
import type { DockerHost } from "../../../platform/vm/index.ts";
import { FLOOD_EVENTS } from "../../../platform/tree-watcher.ts";
import { FULL_SYNC_PATHS, runWatchSession, type WatchedRepo } from "./_watch-session.ts";

const QUIET_MS = 500;

/** A session on one repo until stop(); `twoBatches` settles once two batches after the start's full sync are done. */
async function startSession(repo: WatchedRepo, host: DockerHost, timing: { quietMs?: number; maxWaitMs?: number } = {}) {
  const lines: string[] = [];
  const controller = new AbortController();
  let batches = 0;
  let second!: () => void;
  const twoBatches = new Promise<void>((resolve) => (second = resolve));
  const session = runWatchSession([repo], {
    host,
    signal: controller.signal,
    report: (line) => lines.push(line),
    ...timing,
    afterBatch: async () => {
      if (++batches === 2) second();
    },
  });
  while (!lines.some((line) => line.includes("watching for changes"))) await Bun.sleep(10);
  return { twoBatches, stop: () => (controller.abort(), session) };
}
const dir = mkdtempSync(join(tmpdir(), "dusty-watch-session-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("runWatchSession() gathers the events of a sync and those right after it into one batch, not one batch each", async () => {
  const local = join(dir, "repo");
  mkdirSync(local);
  writeFileSync(join(local, "index.html"), "start\n");
  const native = createNativeHost({ persistDir: join(dir, "persist") });
  const dest = join(native.paths().reposDir, "repo");
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  const listedSyncs: string[][] = [];
  const write = (name: string, count: number) => {
    for (let i = 0; i < count; i++) writeFileSync(join(local, `${name}${i}.txt`), `${name} ${i}\n`);
  };
  // The first listed sync is held open while files are written; as it ends, more are written in the same
  // tick, so their events can only reach the session after the sync has finished.
  const host: DockerHost = {
    ...native,
    syncPathsIn: async (localRoot, hostRoot, paths, options) => {
      listedSyncs.push([...paths].sort());
      if (listedSyncs.length === 1) await held;
      await native.syncPathsIn(localRoot, hostRoot, paths, options);
      if (listedSyncs.length === 1) write("after", 20);
    },
  };
  // What follows the held sync has QUIET_MS to join its batch; the sync is held three times longer, so
  // the files written during it are due for their batch (their quiet window has passed) before it ends.
  const session = await startSession({ url: "repo", name: "repo", local, dest }, host, { quietMs: QUIET_MS, maxWaitMs: 5000 });
  try {
    writeFileSync(join(local, "index.html"), "edit\n");
    while (listedSyncs.length === 0) await Bun.sleep(10);
    write("during", 20);
    await Bun.sleep(3 * QUIET_MS);
    release();
    await session.twoBatches;
  } finally {
    await session.stop();
  }
  expect(listedSyncs[0]).toEqual(["index.html"]);
  // One batch after the held one: the files written during it and those written as it ended.
  expect(listedSyncs).toHaveLength(2);
  expect(listedSyncs[1]).toHaveLength(40);
  expect(readdirSync(dest).sort()).toEqual(readdirSync(local).sort());
});

test("runWatchSession() lists the paths of a batch that gathered many events during a slow sync: they were received, not lost", async () => {
  const local = join(dir, "flood");
  mkdirSync(local);
  writeFileSync(join(local, "index.html"), "start\n");
  const native = createNativeHost({ persistDir: join(dir, "persist") });
  const dest = join(native.paths().reposDir, "flood");
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  const listed: number[] = [];
  let full = 0;
  const host: DockerHost = {
    ...native,
    syncIn: async (...args) => {
      full++;
      await native.syncIn(...args);
    },
    syncPathsIn: async (localRoot, hostRoot, paths, options) => {
      listed.push(paths.length);
      if (listed.length === 1) await held;
      await native.syncPathsIn(localRoot, hostRoot, paths, options);
    },
  };
  const session = await startSession({ url: "flood", name: "flood", local, dest }, host);
  // Chunks of files a second apart while the first sync is held: more than FLOOD_EVENTS events in all
  // (a new file is two or more), never that many close together, and fewer paths than FULL_SYNC_PATHS.
  const CHUNKS = 3;
  const FILES = 1200;
  try {
    const startFull = full;
    writeFileSync(join(local, "index.html"), "edit\n");
    while (listed.length === 0) await Bun.sleep(10);
    for (let c = 0; c < CHUNKS; c++) {
      for (let i = 0; i < FILES; i++) writeFileSync(join(local, `c${c}-${i}.txt`), `${c} ${i}\n`);
      await Bun.sleep(1000);
    }
    release();
    await session.twoBatches;
    expect(CHUNKS * FILES * 2).toBeGreaterThan(FLOOD_EVENTS);
    expect(CHUNKS * FILES).toBeLessThan(FULL_SYNC_PATHS);
    expect(full - startFull).toBe(0);
    expect(listed).toEqual([1, CHUNKS * FILES]);
  } finally {
    await session.stop();
  }
  expect(readdirSync(dest).sort()).toEqual(readdirSync(local).sort());
}, 30_000);
