import { expect, test } from "bun:test";
import { runExclusive } from "./_exclusive.ts";

test("runExclusive() runs tasks of one key in order and keeps going after a failure", async () => {
  const log: string[] = [];
  const step = (name: string, fail = false) => async () => {
    log.push(`start ${name}`);
    await Bun.sleep(1);
    log.push(`end ${name}`);
    if (fail) throw new Error(name);
    return name;
  };
  const results = await Promise.allSettled([
    runExclusive("k", step("a")),
    runExclusive("k", step("b", true)),
    runExclusive("k", step("c")),
  ]);
  expect(results.map((r) => (r.status === "fulfilled" ? r.value : (r.reason as Error).message))).toEqual(["a", "b", "c"]);
  expect(log).toEqual(["start a", "end a", "start b", "end b", "start c", "end c"]);
});

test("runExclusive() lets tasks of different keys overlap", async () => {
  const log: string[] = [];
  const step = (name: string) => async () => {
    log.push(`start ${name}`);
    await Bun.sleep(1);
    log.push(`end ${name}`);
  };
  await Promise.all([runExclusive("x", step("x")), runExclusive("y", step("y"))]);
  expect(log.slice(0, 2)).toEqual(["start x", "start y"]);
});
