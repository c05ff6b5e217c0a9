// The native driver follows the user's Docker context: a second dockerd on a socket of its own, chosen by
// `docker context use` in a test-owned DOCKER_CONFIG, runs the project, and the default engine runs
// nothing of it. DOCKER_HOST wins over the context, DOCKER_CONTEXT over `docker context use`, and the
// config key docker_endpoint over all of them. Under compose v2 and v1.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { COMPOSE_PROJECT_LABEL } from "../platform/docker.ts";
import { runChecked } from "../platform/run.ts";
import { BUSYBOX_IMAGE, NGINX_IMAGE, ensureTestImages } from "../platform/test-images.ts";
import { makeTempDir } from "./git-fixtures.ts";
import { projectContainers, startExampleEnvironment, type ComposeCommand, type ExampleEnvironment } from "./up-example.ts";
import { hostBridges, startSecondEngine, type SecondEngine } from "./second-engine.ts";

const DEFAULT_ENGINE = "unix:///var/run/docker.sock";
let engine: SecondEngine;
const dockerConfig = makeTempDir("dusty-docker-config-");
let bridgesBefore: string[] = [];

beforeAll(async () => {
  await ensureTestImages();
  bridgesBefore = await hostBridges();
  engine = await startSecondEngine();
  for (const image of [BUSYBOX_IMAGE, NGINX_IMAGE]) await engine.loadImage(image);
  // The user's own docker CLI makes the context, in the user's DOCKER_CONFIG: the files dusty reads are the CLI's.
  const asUser = { env: { DOCKER_CONFIG: dockerConfig.path, DOCKER_HOST: "", DOCKER_CONTEXT: "" } };
  await runChecked(["docker", "context", "create", "second", "--docker", `host=${engine.dockerHost}`], asUser);
  await runChecked(["docker", "context", "create", "gone", "--docker", `host=unix://${join(dockerConfig.path, "gone.sock")}`], asUser);
  await runChecked(["docker", "context", "use", "second"], asUser);
}, 120_000);
afterAll(async () => {
  await engine?.stop();
  dockerConfig.remove();
});

/** The client's environment: the test's DOCKER_CONFIG, and no DOCKER_HOST or DOCKER_CONTEXT unless given. */
function client(extra: Record<string, string> = {}): Record<string, string> {
  return { DOCKER_CONFIG: dockerConfig.path, DOCKER_HOST: "", DOCKER_CONTEXT: "", ...extra };
}

/** Service → running, of the project's containers on the second engine. */
async function onSecondEngine(project: string): Promise<Record<string, boolean>> {
  const result = await engine.docker(["ps", "-a", "--filter", `label=${COMPOSE_PROJECT_LABEL}=${project}`, "--format", '{{.Label "com.docker.compose.service"}}\t{{.State}}']);
  return Object.fromEntries(result.stdout.split("\n").filter(Boolean).map((line) => [line.split("\t")[0], line.split("\t")[1] === "running"]));
}

describe.each(["docker compose", "docker-compose"] as ComposeCommand[])("the native driver on the client's Docker context (%s)", (compose) => {
  let env: ExampleEnvironment;
  const dusty = (args: string[], extra: Record<string, string> = {}) => env.daemon.run(args, { env: client(extra), timeoutMs: 110_000 });

  beforeAll(async () => {
    env = await startExampleEnvironment({ compose, bundles: ["website"] });
  }, 60_000);
  afterAll(async () => {
    await env?.cleanup(); // the default engine: nothing should be there, and nothing stays
  });

  test("dusty up runs the project on the context's engine and not on the default one", async () => {
    const result = await dusty(["up", "--no-pull"]);
    expect(result.stderr).toContain(`The Docker Engine answers at ${engine.dockerHost} (from your Docker context "second" (\`docker context use\`))\n`);
    expect(result.code).toBe(0);
    expect(await onSecondEngine(env.project)).toEqual({ dustyInternalNginx: true, website: true });
    expect(await projectContainers(env.project)).toEqual({});
    // The second engine's networks are in its own namespace: this machine's bridges (docker0 among them) are untouched.
    const network = (await engine.docker(["network", "ls", "-q", "--filter", `label=${COMPOSE_PROJECT_LABEL}=${env.project}`])).stdout.trim();
    expect(network).not.toBe("");
    const bridges = await hostBridges();
    expect(bridges).not.toContain(`br-${network}`);
    expect(bridgesBefore.filter((name) => !name.startsWith("br-")).every((name) => bridges.includes(name))).toBe(true);
  });

  test("dusty status names the context's engine and shows its containers", async () => {
    const result = await dusty(["status"]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe(`Docker Engine: ${engine.dockerHost} (from your Docker context "second" (\`docker context use\`))\n`);
    expect(result.stdout).toMatch(/\nwebsite +app +running, up /);
    const json = JSON.parse((await dusty(["status", "--json"])).stdout);
    expect(json.engine).toEqual({ endpoint: engine.dockerHost, source: 'your Docker context "second" (`docker context use`)' });
    // Through nginx, published by the second engine on its own 127.0.0.1.
    const page = await engine.execInNetwork(["curl", "-s", "-m", "20", "--retry", "20", "--retry-all-errors", "--retry-delay", "1", "-H", "Host: local.website.com", `http://127.0.0.1:${env.httpPort}/`]);
    expect(page.stdout).toContain("<h1>Hello from the Dusty example website</h1>");
  });

  test("dusty exec runs docker in the client against the same engine, and dump names it", async () => {
    const exec = await dusty(["exec", "website", "--", "cat", "/srv/website/public/index.html"]);
    expect(exec.code).toBe(0);
    expect(exec.stdout).toContain("<h1>Hello from the Dusty example website</h1>");
    const dump = await dusty(["dump"]);
    expect(dump.stdout).toContain(`COMMAND: Docker Engine\nOUTPUT:\n${engine.dockerHost} (from your Docker context "second" (\`docker context use\`))\n\n`);
    // Both engines are the same dockerd binary, so `docker version` reads alike: only that it ran is checked.
    expect(dump.stdout).toMatch(/COMMAND: docker version\nOUTPUT:\n[^]*Server:/);
  });

  test("the client's DOCKER_HOST wins over its context, and DOCKER_CONTEXT over `docker context use`", async () => {
    const viaHost = JSON.parse((await dusty(["status", "--json"], { DOCKER_HOST: DEFAULT_ENGINE })).stdout);
    expect(viaHost.engine).toEqual({ endpoint: DEFAULT_ENGINE, source: "your DOCKER_HOST" });
    expect(viaHost.rows.find((row: { name: string }) => row.name === "website").state).toBe("none");
    const viaContext = JSON.parse((await dusty(["status", "--json"], { DOCKER_CONTEXT: "default" })).stdout);
    expect(viaContext.engine).toEqual({ endpoint: DEFAULT_ENGINE, source: 'your Docker context "default" (DOCKER_CONTEXT)' });
    expect(viaContext.rows.find((row: { name: string }) => row.name === "website").state).toBe("none");
    // A second up with the same context has nothing to do: the choice is stable from command to command.
    const again = await dusty(["up", "--no-pull"]);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain("Nothing changed since the last up");
  });

  test("a context whose engine is gone, or no such context, fails naming it and the fix", async () => {
    const gone = await dusty(["status"], { DOCKER_CONTEXT: "gone" });
    expect(gone.code).toBe(1);
    expect(gone.stderr).toBe(
      `Cannot use the Docker Engine at "unix://${join(dockerConfig.path, "gone.sock")}" from your Docker context "gone" (DOCKER_CONTEXT): ` +
        `no such socket "${join(dockerConfig.path, "gone.sock")}" (is the engine running?). ` +
        "Start that engine, or set DOCKER_CONTEXT to a working context (`docker context ls`), or unset it\n",
    );
    const missing = await dusty(["up", "--no-pull"], { DOCKER_CONTEXT: "nosuch" });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(
      `Cannot use your Docker context "nosuch" (DOCKER_CONTEXT): no such context in ${join(dockerConfig.path, "contexts")}. Set DOCKER_CONTEXT to a working context (\`docker context ls\`), or unset it`,
    );
    expect(await onSecondEngine(env.project)).toEqual({ dustyInternalNginx: true, website: true });
  });

  test("the config key docker_endpoint wins over the client's DOCKER_HOST and context", async () => {
    expect((await dusty(["config", "set", "docker_endpoint", engine.dockerHost])).code).toBe(0);
    try {
      // The client points at the default engine twice over; the pin sends `stop --rm` to the second one.
      const status = JSON.parse((await dusty(["status", "--json"], { DOCKER_HOST: DEFAULT_ENGINE, DOCKER_CONTEXT: "default" })).stdout);
      expect(status.engine).toEqual({ endpoint: engine.dockerHost, source: "the config key docker_endpoint" });
      const stop = await dusty(["stop", "--rm"], { DOCKER_HOST: DEFAULT_ENGINE });
      expect(stop.code).toBe(0);
      expect(await onSecondEngine(env.project)).toEqual({});
    } finally {
      expect((await dusty(["config", "set", "docker_endpoint", ""])).code).toBe(0);
    }
    expect(await projectContainers(env.project)).toEqual({});
  });
});

test("dusty config set docker_endpoint refuses what is not a unix://, tcp:// or ssh:// endpoint", async () => {
  const env = await startExampleEnvironment({ compose: "docker compose", bundles: ["website"] });
  try {
    for (const [value, problem] of [
      ["npipe:////./pipe/docker_engine", "dusty uses only unix://PATH, tcp://HOST[:PORT] and ssh://[USER@]HOST[:PORT] endpoints"],
      ["ssh://-oProxyCommand=touch /tmp/x", "expected tcp://HOST[:PORT] or ssh://[USER@]HOST[:PORT], with a plain host name or address"],
      ["unix://docker.sock", "a unix:// endpoint needs an absolute socket path, as in unix:///var/run/docker.sock"],
    ] as const) {
      const result = await env.daemon.run(["config", "set", "docker_endpoint", value]);
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(`Cannot set docker_endpoint to "${value}": expected a Docker endpoint (${problem}), got ${JSON.stringify(value)}\n`);
    }
    expect((await env.daemon.run(["config", "set", "docker_endpoint", "tcp://127.0.0.1:2375"])).code).toBe(0);
    expect((await env.daemon.run(["config", "listvalues"])).stdout).toContain("docker_endpoint: tcp://127.0.0.1:2375\n");
  } finally {
    await env.cleanup();
  }
});
