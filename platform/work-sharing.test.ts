import { describe, expect, test } from "bun:test";
import { NextCallSharing, WorkLimiter } from "./work-sharing.ts";

/** A promise and the function that settles it. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

describe("WorkLimiter", () => {
  test("WorkLimiter.run() runs at most its slots at once and every job to the end, in arrival order", async () => {
    const limiter = new WorkLimiter(2);
    let running = 0;
    let most = 0;
    const started: number[] = [];
    const jobs = Array.from({ length: 20 }, (_, i) =>
      limiter.run(async () => {
        started.push(i);
        most = Math.max(most, ++running);
        await Bun.sleep(1);
        running--;
        return i;
      }),
    );
    expect(await Promise.all(jobs)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(most).toBe(2);
    expect(started).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(limiter.busy).toBe(0);
    expect(limiter.waiting).toBe(0);
  });

  test("WorkLimiter.run() frees the slot of a job that fails", async () => {
    const limiter = new WorkLimiter(1);
    await expect(limiter.run(async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(await limiter.run(async () => "next")).toBe("next");
    expect(limiter.busy).toBe(0);
  });
});

describe("NextCallSharing", () => {
  test("NextCallSharing.run() shares a call among callers that arrive before it starts", async () => {
    const sharing = new NextCallSharing();
    let calls = 0;
    const results = await Promise.all(Array.from({ length: 10 }, () => sharing.run("ps", async () => ++calls)));
    expect(results).toEqual(Array(10).fill(1));
    expect(calls).toBe(1);
  });

  test("NextCallSharing.run() never hands a caller the result of a call that started before it arrived", async () => {
    const sharing = new NextCallSharing();
    const first = gate();
    let calls = 0;
    const call = async () => {
      const n = ++calls;
      if (n === 1) await first.opened;
      return n;
    };
    const early = sharing.run("ps", call);
    await Bun.sleep(1); // the first call is under way now
    const late = Array.from({ length: 10 }, () => sharing.run("ps", call));
    first.open();
    expect(await early).toBe(1);
    expect(await Promise.all(late)).toEqual(Array(10).fill(2));
    expect(calls).toBe(2);
    // Once everything settled, a new caller starts a new call.
    expect(await sharing.run("ps", call)).toBe(3);
  });

  test("NextCallSharing.run() keeps keys apart and gives a failure to every sharer", async () => {
    const sharing = new NextCallSharing();
    const failing = () => Promise.all([sharing.run("a", async () => Promise.reject(new Error("engine down"))), sharing.run("a", async () => 0)]);
    await expect(failing()).rejects.toThrow("engine down");
    expect(await sharing.run("b", async () => "b")).toBe("b");
    expect(await sharing.run("a", async () => "a again")).toBe("a again");
  });
});
