/**
 * The watches running in this daemon, so that `dusty stop` can end them: a watch that outlived the
 * containers it feeds would go on writing into their folders. Each entry says which apps it serves.
 */

interface RunningWatch {
  apps: readonly string[];
  controller: AbortController;
}

const RUNNING = new Set<RunningWatch>();

/** Registers a watch for `apps`; its signal aborts when `endWatches()` picks it. Call `done()` when it ends. */
export function registerWatch(apps: readonly string[]): { signal: AbortSignal; done(): void } {
  const entry: RunningWatch = { apps, controller: new AbortController() };
  RUNNING.add(entry);
  return { signal: entry.controller.signal, done: () => RUNNING.delete(entry) };
}

/** Ends every watch (no names) or those serving any of the named apps; returns how many were ended. */
export function endWatches(names: readonly string[], reason: string): number {
  let ended = 0;
  for (const entry of RUNNING) {
    if (names.length > 0 && !entry.apps.some((app) => names.includes(app))) continue;
    entry.controller.abort(new Error(reason));
    RUNNING.delete(entry);
    ended++;
  }
  return ended;
}
