// End-to-end: an app keeps its direct 127.0.0.1 port while other bundles are switched on and off (the
// daemon remembers the assignments in <configDir>/ports.json); a fresh install numbers from port_base.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { startExampleEnvironment, type ExampleEnvironment } from "./up-example.ts";

let env: ExampleEnvironment;
beforeAll(async () => {
  env = await startExampleEnvironment({ compose: "docker compose", bundles: ["website"] });
}, 120_000);
afterAll(() => env?.cleanup());

/** app → its container's published host ports by container port, as docker reports them. */
async function publishedPorts(): Promise<Record<string, Record<number, number>>> {
  const status = await env.dusty(["status", "--json"]);
  expect(status.code).toBe(0);
  const rows = JSON.parse(status.stdout).rows as { name: string; type: string; ports: { containerPort: number; hostPort: number }[] }[];
  return Object.fromEntries(rows.filter((r) => r.type === "app").map((r) => [r.name, Object.fromEntries(r.ports.map((p) => [p.containerPort, p.hostPort]))]));
}

async function up(): Promise<void> {
  const result = await env.dusty(["up", "--no-pull"]);
  if (result.code !== 0) throw new Error(`up failed: ${result.stderr}`);
}

test("the website keeps its port when the api (sorting before it) is switched on and off again", async () => {
  await up();
  const alone = await publishedPorts();
  // A fresh install: the first port of the plan.
  expect(alone).toEqual({ website: { 8000: env.portBase } });
  expect(JSON.parse(readFileSync(join(env.configDir, "ports.json"), "utf8"))).toEqual({ website: { "8000": env.portBase } });

  expect((await env.dusty(["bundles", "activate", "everything"])).code).toBe(0);
  await up();
  const both = await publishedPorts();
  expect(both.website).toEqual({ 8000: env.portBase });
  expect(Object.values(both.api!).sort()).toEqual([env.portBase + 1, env.portBase + 2]);
  expect((await env.fetchPage("local.website.com")).text).toContain("Hello from the Dusty example website");

  expect((await env.dusty(["bundles", "activate", "--only", "website"])).code).toBe(0);
  await up();
  expect(await publishedPorts()).toEqual({ website: { 8000: env.portBase } });
  // The api is off but keeps its ports for when it comes back.
  expect((await env.dusty(["bundles", "activate", "everything"])).code).toBe(0);
  await up();
  expect(await publishedPorts()).toEqual(both);
}, 300_000);
