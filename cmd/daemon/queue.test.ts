import { expect, test } from "bun:test";
import { CommandQueue } from "./queue.ts";

const live = () => new AbortController().signal;

test("CommandQueue.acquire() runs commands one at a time in arrival order", async () => {
  const queue = new CommandQueue();
  const order: string[] = [];
  const waitedFor: string[] = [];
  const first = await queue.acquire("up", { signal: live() });
  const second = queue.acquire("stop", { signal: live(), onWait: (running) => waitedFor.push(`stop waits for ${running}`) });
  const third = queue.acquire("restart", { signal: live(), onWait: (running) => waitedFor.push(`restart waits for ${running}`) });
  void second.then(() => order.push("stop"));
  void third.then(() => order.push("restart"));
  expect(waitedFor).toEqual(["stop waits for up", "restart waits for up"]);
  await Promise.resolve();
  expect(order).toEqual([]);

  first();
  (await second)();
  (await third)();
  expect(order).toEqual(["stop", "restart"]);
  expect(queue.running).toBeUndefined();
});

test("CommandQueue.acquire() drops a waiter whose signal aborts, and the next one runs", async () => {
  const queue = new CommandQueue();
  const release = await queue.acquire("up", { signal: live() });
  const controller = new AbortController();
  const abandoned = queue.acquire("stop", { signal: controller.signal });
  const next = queue.acquire("restart", { signal: live() });
  controller.abort(new Error("client went away"));
  await expect(abandoned).rejects.toThrow("client went away");
  expect(queue.waiting).toBe(1);
  release();
  await next;
  expect(queue.running).toBe("restart");
});

test("CommandQueue release functions are idempotent", async () => {
  const queue = new CommandQueue();
  const release = await queue.acquire("up", { signal: live() });
  const second = queue.acquire("stop", { signal: live() });
  release();
  await second;
  release();
  // A second release of "up" must not free the lock "stop" now holds.
  expect(queue.running).toBe("stop");
});
