/**
 * Named locks inside the daemon. `test` is not a mutating command (two apps' tests run at once), yet two
 * runs must not build the same app's image, nor pull or sync the same repo, at the same time.
 */

/** FIFO locks by name. */
export class KeyedLocks {
  readonly #tails = new Map<string, Promise<void>>();

  /**
   * Takes every lock in `keys` (in sorted order, so two callers never wait on each other in a cycle) and
   * resolves with a function that releases them all. Aborting while waiting rejects with the signal's reason.
   */
  async acquire(keys: readonly string[], signal?: AbortSignal): Promise<() => void> {
    const releases: (() => void)[] = [];
    const releaseAll = () => {
      for (const release of releases.splice(0).reverse()) release();
    };
    try {
      for (const key of [...new Set(keys)].sort()) releases.push(await this.#acquireOne(key, signal));
    } catch (error) {
      releaseAll();
      throw error;
    }
    return releaseAll;
  }

  /** True while someone holds or waits for `key` (for tests). */
  isBusy(key: string): boolean {
    return this.#tails.has(key);
  }

  async #acquireOne(key: string, signal: AbortSignal | undefined): Promise<() => void> {
    signal?.throwIfAborted();
    const previous = this.#tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    // The next caller waits for this one whether it gets the lock, gives up while waiting, or finishes.
    const tail = previous.then(() => mine);
    this.#tails.set(key, tail);
    const done = () => {
      release();
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    };
    if (signal) {
      let onAbort!: () => void;
      const aborted = new Promise<never>((_, reject) => {
        onAbort = () => reject(signal.reason);
        signal.addEventListener("abort", onAbort, { once: true });
      });
      try {
        await Promise.race([previous, aborted]);
      } catch (error) {
        done();
        throw error;
      } finally {
        signal.removeEventListener("abort", onAbort);
      }
    } else {
      await previous;
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      done();
    };
  }
}

/** The daemon's locks for test runs: `image:<name>` and `repo:<url>`. */
export const TEST_LOCKS = new KeyedLocks();
