// End-to-end: the --json answer of every read command has the shape docs/json.md documents (strict:
// no key more, none less), against a real daemon running the built-in example; -q prints the names.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import * as v from "valibot";
import { startExampleEnvironment, type ExampleEnvironment } from "./up-example.ts";

const nullable = <T extends v.GenericSchema>(schema: T) => v.nullable(schema);
const PORT = v.strictObject({ address: v.string(), hostPort: v.number(), containerPort: v.number(), protocol: v.string() });
const SHAPES = {
  status: v.strictObject({
    project: v.string(),
    bundles: v.array(v.string()),
    engine: v.strictObject({ endpoint: v.string(), source: v.string() }),
    rows: v.array(
      v.strictObject({
        name: v.string(),
        type: v.picklist(["nginx", "app", "lib", "service"]),
        state: nullable(v.string()),
        container: nullable(v.string()),
        status: nullable(v.string()),
        exitCode: nullable(v.number()),
        uptime: nullable(v.string()),
        image: nullable(v.string()),
        urls: v.array(v.string()),
        ports: v.array(PORT),
      }),
    ),
  }),
  bundles: v.strictObject({ bundles: v.array(v.strictObject({ name: v.string(), description: v.string(), activated: v.boolean() })) }),
  repos: v.strictObject({ repos: v.array(v.strictObject({ url: v.string(), shortName: v.string(), override: nullable(v.string()) })) }),
  config: v.strictObject({ settings: v.array(v.strictObject({ key: v.string(), description: v.string(), value: v.unknown() })) }),
  env: v.strictObject({ overrides: v.array(v.strictObject({ name: v.string(), variable: v.string(), value: v.string(), active: v.boolean() })) }),
  assetsActive: v.strictObject({
    assets: v.array(v.strictObject({ name: v.string(), set: v.boolean(), usedBy: v.array(v.string()), requiredBy: v.array(v.string()) })),
  }),
  assetsOne: v.strictObject({ assets: v.array(v.strictObject({ name: v.string(), set: v.boolean(), required: v.boolean(), path: v.string() })) }),
  test: v.strictObject({
    kind: v.picklist(["app", "lib"]),
    name: v.string(),
    suites: v.array(v.strictObject({ name: v.string(), description: v.string(), defaultArgs: v.string() })),
  }),
  disk: v.strictObject({
    host: v.string(),
    persistDir: v.string(),
    disk: v.strictObject({ total: v.string(), used: v.string(), free: v.string(), usagePercent: v.string(), low: v.boolean() }),
    docker: v.array(v.strictObject({ type: v.string(), total: v.number(), active: v.number(), size: v.string(), reclaimable: v.string() })),
  }),
  version: v.strictObject({
    client: v.strictObject({ version: v.string(), commit: v.string(), target: v.string() }),
    daemon: nullable(v.strictObject({ version: v.string() })),
  }),
};

let env: ExampleEnvironment;

/** Runs a command with --json, checks exit 0 and the shape, returns the parsed answer. */
async function jsonOf<T extends v.GenericSchema>(args: string[], shape: T): Promise<v.InferOutput<T>> {
  const result = await env.dusty(args);
  if (result.code !== 0) throw new Error(`dusty ${args.join(" ")} exited ${result.code}: ${result.stderr}`);
  const parsed = v.safeParse(shape, JSON.parse(result.stdout));
  if (!parsed.success) throw new Error(`dusty ${args.join(" ")}: ${v.summarize(parsed.issues)}\n${result.stdout}`);
  return parsed.output;
}

async function namesOf(args: string[]): Promise<string[]> {
  const result = await env.dusty(args);
  expect(result.code).toBe(0);
  return result.stdout.split("\n").filter(Boolean);
}

beforeAll(async () => {
  env = await startExampleEnvironment({ compose: "docker compose" });
  expect((await env.dusty(["up"])).code).toBe(0);
  expect((await env.dusty(["env", "set", "website", "GREETING", "hi"])).code).toBe(0);
}, 180_000);
afterAll(() => env?.cleanup());

describe("--json shapes", () => {
  test("status: state, exit code, uptime, image, URLs and published ports of each row", async () => {
    const status = await jsonOf(["status", "--json"], SHAPES.status);
    expect(status.project).toBe(env.project);
    expect(status.rows.map((r) => r.name)).toEqual(["nginx", "api", "website", "greeting", "cache"]);
    const website = status.rows.find((r) => r.name === "website")!;
    expect(website).toMatchObject({ type: "app", state: "running", exitCode: null, image: "dusty-example/busybox:latest" });
    expect(website.uptime).toEqual(expect.any(String));
    expect(website.urls).toEqual([`http://local.website.com:${env.httpPort}`]);
    expect(website.ports).toEqual([{ address: "127.0.0.1", hostPort: expect.any(Number), containerPort: 8000, protocol: "tcp" }]);
    expect(status.rows.find((r) => r.name === "nginx")!.ports.map((p) => p.hostPort)).toContain(env.httpPort);
    expect(status.rows.find((r) => r.name === "greeting")).toMatchObject({ type: "lib", state: null, image: null, urls: [], ports: [] });
    expect(await namesOf(["status", "-q"])).toEqual(["nginx", "api", "website", "greeting", "cache"]);
  });

  test("status of a stopped container gives its exit code and no uptime", async () => {
    expect((await env.dusty(["stop", "cache"])).code).toBe(0);
    const cache = (await jsonOf(["status", "--json"], SHAPES.status)).rows.find((r) => r.name === "cache")!;
    expect(cache.state).toBe("exited");
    expect(cache.exitCode).toEqual(expect.any(Number));
    expect(cache.uptime).toBeNull();
    expect((await env.dusty(["status"])).stdout).toMatch(new RegExp(`\\ncache +service +exited, code ${cache.exitCode} `));
    expect((await env.dusty(["restart", "cache"])).code).toBe(0);
  });

  test("bundles list, repos list, config list, env list", async () => {
    const bundles = await jsonOf(["bundles", "list", "--json"], SHAPES.bundles);
    expect(bundles.bundles).toContainEqual({ name: "everything", description: expect.any(String), activated: true });
    expect(await namesOf(["bundles", "list", "-q"])).toEqual(["everything", "website"]);
    const repos = await jsonOf(["repos", "list", "--json"], SHAPES.repos);
    expect(repos.repos.find((r) => r.shortName === "website")!.override).toBe(env.repos.website!.path);
    expect(await namesOf(["repos", "list", "--quiet"])).toEqual(repos.repos.map((r) => r.url));
    const config = await jsonOf(["config", "list", "--json"], SHAPES.config);
    expect(config.settings).toContainEqual({ key: "bundles", description: expect.any(String), value: ["everything"] });
    expect(await namesOf(["config", "list", "-q"])).toEqual(config.settings.map((s) => s.key));
    expect((await jsonOf(["env", "list", "--json"], SHAPES.env)).overrides).toEqual([{ name: "website", variable: "GREETING", value: "hi", active: true }]);
    expect((await jsonOf(["env", "list", "api", "--json"], SHAPES.env)).overrides).toEqual([]);
  });

  test("assets list, test APP, disk inspect, version", async () => {
    expect((await jsonOf(["assets", "list", "--json"], SHAPES.assetsActive)).assets).toEqual([]);
    expect((await jsonOf(["assets", "list", "website", "--json"], SHAPES.assetsOne)).assets).toEqual([]);
    const suites = await jsonOf(["test", "--json", "website"], SHAPES.test);
    expect(suites).toEqual({ kind: "app", name: "website", suites: [{ name: "pages", description: "Check that every page has a title", defaultArgs: "public" }] });
    expect(await namesOf(["test", "-q", "website"])).toEqual(["pages"]);
    const disk = await jsonOf(["disk", "inspect", "--json"], SHAPES.disk);
    expect(disk.docker.map((row) => row.type)).toContain("Images");
    const version = await jsonOf(["version", "--json"], SHAPES.version);
    expect(version.daemon).toEqual({ version: version.client.version });
  });

  test("--json and -q together, and --json with a suite to run, are refused", async () => {
    const both = await env.dusty(["bundles", "list", "--json", "-q"]);
    expect(both.code).toBe(1);
    expect(both.stderr).toContain("Cannot use --json and --quiet together");
    const suite = await env.dusty(["test", "--json", "website", "pages"]);
    expect(suite.code).toBe(1);
    expect(suite.stderr).toContain("Leave out the suite name to list them");
  });
});
