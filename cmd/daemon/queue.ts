/**
 * The one-at-a-time rule for commands that change state: they run in arrival order (FIFO), while
 * read-only commands never wait. The original daemon served one connection at a time, so `dusty status`
 * hung behind a ten-minute `dusty up`.
 */

/** Called at once, with the name of the running command, when a command has to wait its turn. */
export type OnWait = (runningCommand: string) => void;

interface Waiter {
  command: string;
  start: () => void;
}

/** A FIFO lock for mutating commands. */
export class CommandQueue {
  #running: string | undefined;
  #waiters: Waiter[] = [];

  /** The command holding the lock, if any. */
  get running(): string | undefined {
    return this.#running;
  }

  /** How many commands wait for their turn. */
  get waiting(): number {
    return this.#waiters.length;
  }

  /**
   * Resolves with a release function when `command` may run. If the signal aborts while it waits, it
   * leaves the queue and the promise rejects with the signal's reason.
   */
  acquire(command: string, options: { signal: AbortSignal; onWait?: OnWait }): Promise<() => void> {
    const { signal, onWait } = options;
    if (signal.aborted) return Promise.reject(signal.reason);
    if (this.#running === undefined) {
      this.#running = command;
      return Promise.resolve(this.#releaser());
    }
    onWait?.(this.#running);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        command,
        start: () => {
          signal.removeEventListener("abort", onAbort);
          this.#running = command;
          resolve(this.#releaser());
        },
      };
      const onAbort = () => {
        this.#waiters = this.#waiters.filter((w) => w !== waiter);
        reject(signal.reason);
      };
      signal.addEventListener("abort", onAbort, { once: true });
      this.#waiters.push(waiter);
    });
  }

  #releaser(): () => void {
    let released = false;
    return () => {
      // Releasing twice would let two mutating commands run together.
      if (released) return;
      released = true;
      this.#running = undefined;
      this.#waiters.shift()?.start();
    };
  }
}
