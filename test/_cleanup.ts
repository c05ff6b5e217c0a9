/**
 * What tests started and must not outlive the test run: daemons (test/harness.ts), namespace hosts
 * (test/remote-host.ts). `bun test` fires no `exit` handlers, so a file that fails before its own
 * afterAll (or forgets one) would leave them running; test/_preload.ts (bunfig.toml [test] preload)
 * drains this registry in an afterAll of the whole run instead.
 */

const pending = new Set<() => Promise<void>>();

/** Registers a clean-up for the end of the run; the returned function unregisters it (call it from your own stop). */
export function cleanUpAtRunEnd(cleanUp: () => Promise<void>): () => void {
  pending.add(cleanUp);
  return () => void pending.delete(cleanUp);
}

/** Runs every registered clean-up (all of them, even when one fails), then throws the failures together. */
export async function runPendingCleanUps(): Promise<void> {
  const cleanUps = [...pending];
  pending.clear();
  const failed = (await Promise.allSettled(cleanUps.map((cleanUp) => cleanUp()))).flatMap((r) => (r.status === "rejected" ? [String(r.reason)] : []));
  if (failed.length > 0) throw new Error(`Cleaning up after the tests failed: ${failed.join("; ")}`);
}
