import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readPortAssignments, writePortAssignments } from "./port-assignments.ts";

const dir = mkdtempSync(join(tmpdir(), "dusty-ports-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("port assignments round-trip through the file, written with mode 0644", async () => {
  const path = join(dir, "ports.json");
  expect(await readPortAssignments(path)).toEqual({});
  await writePortAssignments(path, { web: { "8000": 65000 }, api: { "9000": 65001, "7001": 65002 } });
  expect(await readPortAssignments(path)).toEqual({ web: { "8000": 65000 }, api: { "9000": 65001, "7001": 65002 } });
  expect(statSync(path).mode & 0o777).toBe(0o644);
});

test("a torn, foreign or out-of-range file means nothing remembered", async () => {
  const path = join(dir, "bad.json");
  for (const text of ['{"web": {"8000": 650', "[]", '{"web": {"8000": "65000"}}', '{"web": {"http": 65000}}', '{"web": {"8000": 70000}}', '{"web": null}']) {
    writeFileSync(path, text);
    expect(await readPortAssignments(path)).toEqual({});
  }
});
