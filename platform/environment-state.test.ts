import { afterEach, expect, test } from "bun:test";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeTempDir } from "../test/git-fixtures.ts";
import { environmentStatePath, readEnvironmentState, removeEnvironmentState, writeEnvironmentState } from "./environment-state.ts";

const temps: { remove(): void }[] = [];
afterEach(() => temps.splice(0).forEach((t) => t.remove()));
function tempPath(): string {
  const dir = makeTempDir("dusty-env-state-");
  temps.push(dir);
  return join(dir.path, "state.json");
}

const STATE = { project: "dusty", configHash: "0123456789abcdef", repos: { "/src/web": "fedcba9876543210" }, services: ["web", "dustyInternalNginx"], startedAt: "2024-01-01T00:00:00.000Z" };

test("environmentStatePath() puts the state beside the compose file", () => {
  expect(environmentStatePath({ composeDir: "/etc/dusty/compose" })).toBe("/etc/dusty/compose/state.json");
});

test("writeEnvironmentState() and readEnvironmentState() round-trip, readable by all", async () => {
  const path = tempPath();
  await writeEnvironmentState(path, STATE);
  expect(await readEnvironmentState(path)).toEqual({ version: 1, ...STATE });
  expect(statSync(path).mode & 0o777).toBe(0o644);
  expect(JSON.parse(readFileSync(path, "utf8")).configHash).toBe(STATE.configHash);
});

test("readEnvironmentState() treats a missing, broken or foreign file as no state", async () => {
  const path = tempPath();
  expect(await readEnvironmentState(path)).toBeUndefined();
  writeFileSync(path, "{ not json");
  expect(await readEnvironmentState(path)).toBeUndefined();
  writeFileSync(path, JSON.stringify({ ...STATE, version: 2 }));
  expect(await readEnvironmentState(path)).toBeUndefined();
  writeFileSync(path, JSON.stringify({ version: 1, ...STATE, repos: { a: 1 } }));
  expect(await readEnvironmentState(path)).toBeUndefined();
});

test("removeEnvironmentState() deletes the file and accepts that it is already gone", async () => {
  const path = tempPath();
  await writeEnvironmentState(path, STATE);
  await removeEnvironmentState(path);
  expect(existsSync(path)).toBe(false);
  await removeEnvironmentState(path);
});
