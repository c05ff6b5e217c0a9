import { expect, test } from "bun:test";
import { defaultConcurrency, mapSettledBounded } from "./pool.ts";

/** Tasks that stay running until released by hand, so concurrency is observed without timing. */
function makeGate() {
  let active = 0;
  let maxActive = 0;
  const waiting: (() => void)[] = [];
  const started: number[] = [];
  async function task(item: number): Promise<number> {
    active++;
    maxActive = Math.max(maxActive, active);
    started.push(item);
    await new Promise<void>((resolve) => waiting.push(resolve));
    active--;
    if (item < 0) throw new Error(`bad item ${item}`);
    return item * 10;
  }
  // Releases the running tasks one turn at a time until the pool is done.
  async function drain(done: Promise<unknown>): Promise<void> {
    let finished = false;
    done.then(() => (finished = true));
    while (!finished) {
      await Bun.sleep(0);
      waiting.splice(0).forEach((release) => release());
    }
  }
  return { task, drain, started, max: () => maxActive, waiting };
}

test("mapSettledBounded() never runs more tasks at once than the bound, and reaches it", async () => {
  const gate = makeGate();
  const done = mapSettledBounded([1, 2, 3, 4, 5, 6], gate.task, { concurrency: 2 });
  await Bun.sleep(0);
  expect(gate.waiting.length).toBe(2);
  await gate.drain(done);
  expect(gate.max()).toBe(2);
  expect(gate.started).toEqual([1, 2, 3, 4, 5, 6]);
});

test("mapSettledBounded() returns every outcome in input order, failures included", async () => {
  const gate = makeGate();
  const done = mapSettledBounded([3, -1, 2, -4], gate.task, { concurrency: 3 });
  await gate.drain(done);
  const results = await done;
  expect(results.map((r) => (r.status === "fulfilled" ? r.value : (r.reason as Error).message))).toEqual([
    30,
    "bad item -1",
    20,
    "bad item -4",
  ]);
});

test("mapSettledBounded() does not start tasks after the signal aborts", async () => {
  const controller = new AbortController();
  const ran: number[] = [];
  const results = await mapSettledBounded(
    [1, 2, 3, 4],
    async (item) => {
      ran.push(item);
      if (item === 2) controller.abort(new Error("stopped"));
      return item;
    },
    { concurrency: 1, signal: controller.signal },
  );
  expect(ran).toEqual([1, 2]);
  expect(results.map((r) => r.status)).toEqual(["fulfilled", "fulfilled", "rejected", "rejected"]);
});

test("mapSettledBounded() handles an empty list and defaultConcurrency() is at least two", async () => {
  expect(await mapSettledBounded([], async () => 1)).toEqual([]);
  expect(defaultConcurrency()).toBeGreaterThanOrEqual(2);
});
