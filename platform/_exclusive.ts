/**
 * One task at a time per key inside this process. The daemon serves requests concurrently, and two
 * overlapping read-modify-write updates of the same file would silently lose one of the changes.
 */

const tails = new Map<string, Promise<unknown>>();

/** Runs `task` after every earlier task with the same key has settled; resolves with its result. */
export function runExclusive<T>(key: string, task: () => Promise<T>): Promise<T> {
  const result = (tails.get(key) ?? Promise.resolve()).then(task);
  const settled = result.catch(() => {});
  tails.set(key, settled);
  void settled.then(() => {
    if (tails.get(key) === settled) tails.delete(key);
  });
  return result;
}
