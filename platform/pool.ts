/**
 * Bounded concurrency: run one task per item, at most N at a time, and wait for all of them. Every
 * task is settled, so one failure never hides the others (the original stopped reporting at the first).
 */
import { availableParallelism } from "node:os";

/** How many tasks may run at once, and when to stop starting new ones. */
export interface PoolOptions {
  /** At most this many tasks run at once. Default: `defaultConcurrency()`. */
  concurrency?: number;
  /** Once aborted, tasks not yet started are settled as rejected with the abort reason instead of run. */
  signal?: AbortSignal;
}

/** The default bound: one task per CPU, and at least two so a slow repo never holds up all the others. */
export function defaultConcurrency(): number {
  return Math.max(2, availableParallelism());
}

/**
 * Runs `task` for every item with at most `options.concurrency` running at once and returns every
 * outcome in input order. Never rejects: failures come back as `{ status: "rejected" }` entries.
 */
export async function mapSettledBounded<T, R>(
  items: readonly T[],
  task: (item: T, index: number) => Promise<R>,
  options: PoolOptions = {},
): Promise<PromiseSettledResult<R>[]> {
  const limit = Math.max(1, Math.floor(options.concurrency ?? defaultConcurrency()));
  const results: PromiseSettledResult<R>[] = new Array(items.length);
  let next = 0;
  // Each worker takes the next index until none is left; JS runs one at a time, so `next++` needs no lock.
  async function work(): Promise<void> {
    while (next < items.length) {
      const index = next++;
      try {
        options.signal?.throwIfAborted();
        results[index] = { status: "fulfilled", value: await task(items[index] as T, index) };
      } catch (reason) {
        results[index] = { status: "rejected", reason };
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, work));
  return results;
}
