import { describe, expect, test } from "bun:test";
import type { EnvironmentState } from "../../../platform/environment-state.ts";
import type { ProjectContainer } from "../../../platform/project-containers.ts";
import { changedRepos, isUnchanged, stateOf, type UpInputs } from "./_up-unchanged.ts";

const INPUTS: UpInputs = { project: "dusty", configHash: "h1", repos: { "/src/web": "r1", "/src/lib": "r2" }, services: ["dustyInternalNginx", "web"] };
const PREVIOUS: EnvironmentState = { version: 1, ...stateOf(INPUTS) } as EnvironmentState;
const running = (service: string, id = service): ProjectContainer => ({ id, name: `dusty-${service}-1`, service, state: "running", running: true, composeHash: "c", image: "i", status: "Up 1 second", ports: "" });
const RUNNING = [running("dustyInternalNginx"), running("web")];

describe("isUnchanged()", () => {
  test("isUnchanged() is true only when config, repos and running containers all match", () => {
    expect(isUnchanged(INPUTS, PREVIOUS, RUNNING)).toBe(true);
    expect(isUnchanged(INPUTS, undefined, RUNNING)).toBe(false);
    expect(isUnchanged({ ...INPUTS, configHash: "h2" }, PREVIOUS, RUNNING)).toBe(false);
    expect(isUnchanged({ ...INPUTS, project: "other" }, PREVIOUS, RUNNING)).toBe(false);
    expect(isUnchanged({ ...INPUTS, repos: { ...INPUTS.repos, "/src/web": "r9" } }, PREVIOUS, RUNNING)).toBe(false);
  });

  test("isUnchanged() is false when a container is stopped, missing, doubled or an orphan runs", () => {
    expect(isUnchanged(INPUTS, PREVIOUS, [running("dustyInternalNginx")])).toBe(false);
    expect(isUnchanged(INPUTS, PREVIOUS, [running("dustyInternalNginx"), { ...running("web"), state: "exited", running: false }])).toBe(false);
    expect(isUnchanged(INPUTS, PREVIOUS, [...RUNNING, running("web", "second")])).toBe(false);
    expect(isUnchanged(INPUTS, PREVIOUS, [...RUNNING, running("old-app")])).toBe(false);
  });

  test("isUnchanged() never trusts a repo it could not fingerprint", () => {
    const unreadable = { ...INPUTS, repos: { ...INPUTS.repos, "/src/lib": undefined } };
    expect(isUnchanged(unreadable, { ...PREVIOUS, ...stateOf(unreadable) } as EnvironmentState, RUNNING)).toBe(false);
  });
});

test("changedRepos() lists repos whose fingerprint differs or is unknown, and all of them without a previous state", () => {
  expect(changedRepos(INPUTS, PREVIOUS)).toEqual([]);
  expect(changedRepos({ ...INPUTS, repos: { "/src/web": "r9", "/src/lib": undefined, "/src/new": "r3" } }, PREVIOUS)).toEqual(["/src/web", "/src/lib", "/src/new"]);
  expect(changedRepos(INPUTS, undefined)).toEqual(["/src/web", "/src/lib"]);
});

test("stateOf() records the inputs without unknown fingerprints, with a time", () => {
  const state = stateOf({ ...INPUTS, repos: { "/src/web": "r1", "/src/lib": undefined } });
  expect(state).toEqual({ project: "dusty", configHash: "h1", repos: { "/src/web": "r1" }, services: INPUTS.services, startedAt: expect.any(String) });
  expect(Number.isNaN(Date.parse(state.startedAt))).toBe(false);
});

test("stateOf() after --no-recreate records no config, so the next up is never called unchanged", () => {
  const state = { version: 1, ...stateOf(INPUTS, { recreated: false }) } as EnvironmentState;
  expect(state.configHash).toBe("");
  expect(state.repos).toEqual(INPUTS.repos as Record<string, string>);
  expect(isUnchanged(INPUTS, state, RUNNING)).toBe(false);
});
