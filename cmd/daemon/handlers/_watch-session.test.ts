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
import { runWatchSession } from "./_watch-session.ts";

const QUIET_MS = 500;
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
  const lines: string[] = [];
  const controller = new AbortController();
  let batches = 0;
  let allSynced!: () => void;
  const synced = new Promise<void>((resolve) => (allSynced = resolve));
  const session = runWatchSession([{ url: "repo", name: "repo", local, dest }], {
    host,
    signal: controller.signal,
    report: (line) => lines.push(line),
    // What follows the held sync has this long to join its batch; the sync is held three times longer, so
    // the files written during it are due for their batch (their quiet window has passed) before it ends.
    quietMs: QUIET_MS,
    maxWaitMs: 5000,
    afterBatch: async () => {
      if (++batches === 2) allSynced();
    },
  });
  try {
    while (!lines.some((line) => line.includes("watching for changes"))) await Bun.sleep(10);
    writeFileSync(join(local, "index.html"), "edit\n");
    while (listedSyncs.length === 0) await Bun.sleep(10);
    write("during", 20);
    await Bun.sleep(3 * QUIET_MS);
    release();
    await synced;
  } finally {
    controller.abort();
    await session;
  }
  expect(listedSyncs[0]).toEqual(["index.html"]);
  // One batch after the held one: the files written during it and those written as it ended.
  expect(listedSyncs).toHaveLength(2);
  expect(listedSyncs[1]).toHaveLength(40);
  expect(readdirSync(dest).sort()).toEqual(readdirSync(local).sort());
});
