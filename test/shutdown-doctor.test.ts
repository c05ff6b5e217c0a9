// `dusty shutdown` and `dusty doctor` on the native driver, against a real daemon and Docker Engine.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { composeProjectContainers } from "../platform/docker.ts";
import { startContainersEnv, type ContainersEnv } from "./containers-env.ts";

const SPECS = {
  "apps/app_one.yml": "image: dusty-example/busybox:latest\ncommands:\n  always:\n    - exec sleep 3600\n",
  "bundles/main.yml": "apps:\n  - app_one\n",
};

let env: ContainersEnv;
beforeAll(async () => {
  env = await startContainersEnv({ specs: SPECS, bundles: ["main"] });
}, 120_000);
afterAll(async () => {
  await env?.stop();
}, 60_000);

describe("dusty doctor and shutdown (native)", () => {
  test("doctor checks the engine, the bind address and the port plan, and finds no problem", async () => {
    const result = await env.run(["doctor"]);
    expect(result.stdout).toMatch(/^OK {3}Docker Engine \S+ answers$/m);
    expect(result.stdout).toContain("OK   bind address 127.0.0.1 is usable");
    expect(result.stdout).toContain("OK   0 planned ports on 127.0.0.1 free or held by dusty's containers");
    expect(result.stdout).toContain("Doctor found no problems");
    expect(result.code).toBe(0);
  }, 30_000);

  test("shutdown stops the environment's containers and says there is no VM to shut down", async () => {
    const before = await composeProjectContainers(env.project);
    expect(before.filter((c) => c.running).map((c) => c.composeService).sort()).toEqual(["app_one", "dustyInternalNginx"]);
    const result = await env.run(["shutdown"], { timeoutMs: 60_000 });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("Stopping all running containers associated with Dusty");
    expect(result.stdout).toContain("There is no Dusty VM to shut down: the native driver uses this machine's Docker Engine");
    const after = await composeProjectContainers(env.project);
    expect(after.map((c) => c.id).sort()).toEqual(before.map((c) => c.id).sort());
    expect(after.filter((c) => c.running)).toEqual([]);
  }, 60_000);
});
