/**
 * Read-only commands run concurrently (only mutating ones wait their turn, see cmd/daemon/queue.ts).
 * These two keep 200 concurrent `dusty status` from becoming 200 copies of the same heavy work: a cap
 * on how many heavy jobs run at once, and one call shared by every caller that arrives while it waits.
 */

/** Runs at most `slots` jobs at once; the others wait in arrival order, so none is starved. */
export class WorkLimiter {
  readonly #slots: number;
  #busy = 0;
  #waiting: (() => void)[] = [];

  constructor(slots: number) {
    this.#slots = Math.max(1, slots);
  }

  /** How many jobs run now. */
  get busy(): number {
    return this.#busy;
  }

  /** How many jobs wait for a slot. */
  get waiting(): number {
    return this.#waiting.length;
  }

  /** Runs `job` once a slot is free, and frees the slot when it settles. */
  async run<T>(job: () => Promise<T>): Promise<T> {
    if (this.#busy >= this.#slots) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    else this.#busy++;
    try {
      return await job();
    } finally {
      // The slot passes straight to the next waiter, so a new arrival cannot overtake it.
      const next = this.#waiting.shift();
      if (next) next();
      else this.#busy--;
    }
  }
}

/**
 * Shares calls per key, but only calls that have not started yet: a caller gets the result of a call
 * that started after it arrived, never the older answer of one already under way (`status` right after
 * `up` must see the containers `up` made). While a call runs, later callers of that key all wait for
 * the one next call; so at most two run per key, whatever the number of callers.
 */
export class NextCallSharing {
  readonly #running = new Map<string, Promise<unknown>>();
  readonly #next = new Map<string, Promise<unknown>>();

  /** The result of the next `call()` for `key` to start. */
  run<T>(key: string, call: () => Promise<T>): Promise<T> {
    const next = this.#next.get(key);
    if (next) return next as Promise<T>;
    const start = () => this.#start(key, call);
    // Even with nothing running the call starts a microtask later, so callers of the same moment join it.
    const running = this.#running.get(key) ?? Promise.resolve();
    const queued = running.then(start, start);
    this.#next.set(key, queued);
    return queued;
  }

  #start<T>(key: string, call: () => Promise<T>): Promise<T> {
    this.#next.delete(key);
    // A call that throws before its first await still settles the promise every sharer holds.
    const result = Promise.resolve().then(call);
    this.#running.set(key, result);
    const done = () => {
      if (this.#running.get(key) === result) this.#running.delete(key);
    };
    result.then(done, done);
    return result;
  }
}
