import { describe, expect, test } from "bun:test";
import { KeyedLocks } from "./_test-lock.ts";

/** Resolves once every pending promise callback has run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("KeyedLocks", () => {
  test("acquire() lets one holder per key through, in arrival order, and other keys at once", async () => {
    const locks = new KeyedLocks();
    const order: string[] = [];
    const first = await locks.acquire(["image:web"]);
    const second = locks.acquire(["image:web"]).then((release) => (order.push("second"), release));
    const third = locks.acquire(["image:web"]).then((release) => (order.push("third"), release));
    const other = await locks.acquire(["image:api"]);
    order.push("other");
    await settle();
    expect(order).toEqual(["other"]);
    first();
    (await second)();
    (await third)();
    other();
    expect(order).toEqual(["other", "second", "third"]);
    expect(locks.isBusy("image:web")).toBe(false);
  });

  test("acquire() takes several keys in sorted order, so crossed requests never deadlock", async () => {
    const locks = new KeyedLocks();
    const a = locks.acquire(["repo:b", "repo:a"]);
    const b = locks.acquire(["repo:a", "repo:b"]);
    (await a)();
    (await b)();
    expect(locks.isBusy("repo:a") || locks.isBusy("repo:b")).toBe(false);
  });

  test("acquire() rejects a waiter whose signal aborts, and the next waiter still waits for the holder", async () => {
    const locks = new KeyedLocks();
    const holder = await locks.acquire(["k"]);
    const controller = new AbortController();
    const aborted = locks.acquire(["k"], controller.signal);
    let thirdIn = false;
    const third = locks.acquire(["k"]).then((release) => ((thirdIn = true), release));
    controller.abort(new Error("client gone"));
    await expect(aborted).rejects.toThrow("client gone");
    await settle();
    expect(thirdIn).toBe(false);
    holder();
    (await third)();
    expect(thirdIn).toBe(true);
  });
});
