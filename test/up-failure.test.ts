// A failed `dusty up` must not break what was running, and must say only what is true: a taken port
// stops it before any container is touched; a compose that fails half-way is undone with the previous
// compose file. The example in its own project on the real engine, under Compose v2 and v1.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { run } from "../platform/run.ts";
import { dustyArgv } from "./harness.ts";
import { freePorts, startExampleEnvironment, type ComposeCommand, type ExampleEnvironment } from "./up-example.ts";

const UNCHANGED = "The hosts file, the compose file and the config are as they were before this `dusty up`";
const COMM = readFileSync("/proc/self/comm", "utf8").trim();

/** Listens on 127.0.0.1:port from this test process, as a program that is not dusty would. */
function holdPort(port: number): { stop(): void } {
  const listener = Bun.listen({ hostname: "127.0.0.1", port, socket: { data() {} } });
  return { stop: () => listener.stop(true) };
}

describe.each(["docker compose", "docker-compose"] as ComposeCommand[])("a failed dusty up (%s)", (compose) => {
  let env: ExampleEnvironment;
  beforeAll(async () => {
    env = await startExampleEnvironment({ compose });
  }, 120_000);
  afterAll(async () => {
    await env?.cleanup();
  }, 120_000);

  /** Runs `dusty up` and calls `then` as soon as its output first matches `pattern`. */
  const upAndThen = async (pattern: RegExp, then: () => void) => {
    const child = Bun.spawn(dustyArgv(["up"]), { env: { ...process.env, ...env.daemon.env }, stdout: "pipe", stderr: "pipe" });
    let stderr = "";
    let done = false;
    const decoder = new TextDecoder();
    for await (const chunk of child.stderr) {
      stderr += decoder.decode(chunk, { stream: true });
      if (!done && pattern.test(stderr)) {
        done = true;
        then();
      }
    }
    const [stdout, code] = await Promise.all([new Response(child.stdout).text(), child.exited]);
    expect(done).toBe(true);
    return { code, stdout, stderr };
  };
  const composeFile = () => join(env.configDir, "compose", "docker-compose.yml");
  const stateFile = () => join(env.configDir, "compose", "state.json");
  const held = (port: number) => `${port} (held by ${COMM} (pid ${process.pid}))`;
  /** Each case starts from a running environment, whatever the case before it left. */
  const ensureRunning = async () => expect((await env.dusty(["up"])).code).toBe(0);
  /**
   * Runs `dusty up` with an app docker creates but cannot start (its repo mounted onto a file of the
   * image) and a new host name for nginx, expects it to fail, and takes the app out again afterwards.
   */
  const upWithBrokenApp = async (check: (stderr: string) => Promise<void>) => {
    const bundle = readFileSync(join(env.specs.path, "bundles", "everything.yml"), "utf8");
    env.specs.commit({
      "apps/broken.yml": [
        "repo: /usr/local/share/dusty/example/website",
        "mount: /bin/busybox",
        "image: dusty-example/busybox:latest",
        "host_forwarding:",
        "  - host_name: local.broken.com",
        `    host_port: ${env.httpPort}`,
        "    container_port: 80",
        "commands:",
        "  always:",
        "    - sleep 3600",
        "",
      ].join("\n"),
      "bundles/everything.yml": bundle.replace("  - api\n", "  - api\n  - broken\n"),
    });
    try {
      const result = await env.dusty(["up"]);
      expect(result.code).toBe(1);
      await check(result.stderr);
    } finally {
      env.specs.commit({ "bundles/everything.yml": bundle });
    }
  };
  const ids = async () => Object.fromEntries(Object.entries(await env.containers()).map(([service, c]) => [service, { id: c.id, running: c.running }]));

  test("a port taken before the first up stops it before any container exists, naming the port and its holder", async () => {
    const hostsBefore = readFileSync(env.hostsFile);
    const port = holdPort(env.httpPort);
    try {
      const result = await env.dusty(["up"]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`dusty up stopped while checking the host ports: port ${held(env.httpPort)} on 127.0.0.1 is not free. Stop what holds it, or change port_base`);
      expect(result.stderr).toContain("No container was touched");
      expect(result.stderr).toContain(UNCHANGED);
      expect(result.stderr).not.toContain("Starting 4 containers");
      expect(await env.containers()).toEqual({});
      expect(readFileSync(env.hostsFile)).toEqual(hostsBefore);
      expect(existsSync(composeFile())).toBe(false);
    } finally {
      port.stop();
    }
  }, 240_000);

  test("a spec change that forwards a taken port fails before touching anything: the old URLs still answer", async () => {
    await ensureRunning();
    const before = await ids();
    expect(Object.values(before).every((c) => c.running)).toBe(true);
    const hostsBefore = readFileSync(env.hostsFile);
    const composeBefore = readFileSync(composeFile());
    const stateBefore = readFileSync(stateFile());
    const [taken] = freePorts(1) as [number];
    const port = holdPort(taken);
    const website = readFileSync(join(env.specs.path, "apps", "website.yml"), "utf8");
    const extra = `host_forwarding:\n  - host_name: local.extra.website.com\n    host_port: ${taken}\n    container_port: 8001\n`;
    env.specs.commit({ "apps/website.yml": website.replace("host_forwarding:\n", extra) });
    try {
      const result = await env.dusty(["up"]);
      expect(result.code).toBe(1);
      expect(await ids()).toEqual(before);
      expect((await env.fetchPage("local.website.com")).text).toContain("<h1>Hello from the Dusty example website</h1>");
      expect(readFileSync(env.hostsFile)).toEqual(hostsBefore);
      expect(readFileSync(composeFile())).toEqual(composeBefore);
      expect(readFileSync(stateFile())).toEqual(stateBefore);
      expect(result.stderr).toContain(`dusty up stopped while checking the host ports: port ${held(taken)} on 127.0.0.1 is not free`);
      // nginx's own port (held by the environment's nginx) does not count as taken.
      expect(result.stderr).not.toContain(`${env.httpPort} (held`);
      expect(result.stderr).toContain("No container was touched");
      expect(result.stderr).toContain(UNCHANGED);
    } finally {
      port.stop();
      env.specs.commit({ "apps/website.yml": website });
    }
  }, 240_000);

  test("compose failing after it touched containers: the previous containers are restored, and the message says so", async () => {
    await ensureRunning();
    const before = await ids();
    const hostsBefore = readFileSync(env.hostsFile);
    const composeBefore = readFileSync(composeFile());
    const stateBefore = readFileSync(stateFile());
    const nginxConf = join(env.persistDir, "nginx", "nginx.conf");
    const nginxBefore = readFileSync(nginxConf);
    // Compose creates the broken app and recreates nginx (its nginx.conf changed) before it fails.
    await upWithBrokenApp(async (stderr) => {
      const after = await env.containers();
      expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort());
      expect(Object.values(after).every((c) => c.running)).toBe(true);
      expect((await env.fetchPage("local.website.com")).text).toContain("<h1>Hello from the Dusty example website</h1>");
      expect(await env.fetchPage("local.api.website.com", "/greeting.txt")).toEqual({ status: 200, text: "Hello, dusty, from the greeting lib!\n" });
      expect(readFileSync(nginxConf)).toEqual(nginxBefore);
      expect(readFileSync(env.hostsFile)).toEqual(hostsBefore);
      expect(readFileSync(composeFile())).toEqual(composeBefore);
      expect(readFileSync(stateFile())).toEqual(stateBefore);
      expect(stderr).toContain("dusty up stopped while starting the containers:");
      expect(stderr).toContain("The command files and nginx.conf on the Docker host were put back as they were");
      expect(stderr).toContain("The previous environment was restored: api, cache, nginx and website run again as before");
      expect(stderr).toContain(UNCHANGED);
    });
  }, 240_000);

  test("compose succeeding but the hosts file failing to save: the previous compose file and containers are put back", async () => {
    await ensureRunning();
    const composeBefore = readFileSync(composeFile());
    const stateBefore = readFileSync(stateFile());
    const hostsBefore = readFileSync(env.hostsFile);
    const website = readFileSync(join(env.specs.path, "apps", "website.yml"), "utf8");
    env.specs.commit({ "apps/website.yml": website.replace("httpd -f -p 8000", "echo save test; httpd -f -p 8000") });
    // A folder where the hosts file should be, put there once compose has begun (`up` checks the hosts
    // file before it starts): compose has recreated the website by the time the file cannot be written.
    try {
      const result = await upAndThen(/containers with Compose/, () => {
        rmSync(env.hostsFile);
        mkdirSync(env.hostsFile);
      });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain("Saving the compose file and the hosts file");
      expect(readFileSync(composeFile())).toEqual(composeBefore);
      expect(readFileSync(stateFile())).toEqual(stateBefore);
      const labelled = parse(composeBefore.toString("utf8")).services.website.labels["dusty.config-hash"];
      const { website: container } = await env.containers();
      expect(container!.running).toBe(true);
      expect((await run(["docker", "inspect", "--format", '{{index .Config.Labels "dusty.config-hash"}}', container!.id])).stdout.trim()).toBe(labelled);
      expect(result.stderr).toContain("The previous environment was restored: api, cache, nginx and website run again as before");
      expect(result.stderr).toContain("the compose file and the config");
    } finally {
      rmSync(env.hostsFile, { recursive: true, force: true });
      writeFileSync(env.hostsFile, hostsBefore);
      env.specs.commit({ "apps/website.yml": website });
    }
    expect((await env.fetchPage("local.website.com")).text).toContain("<h1>Hello from the Dusty example website</h1>");
  }, 240_000);

  test("compose failing half-way after `dusty stop`: nothing it started keeps running, and the message says so", async () => {
    await ensureRunning();
    expect((await env.dusty(["stop"])).code).toBe(0);
    const stopped = await env.containers();
    expect(Object.values(stopped).some((c) => c.running)).toBe(false);
    await upWithBrokenApp(async (stderr) => {
      const after = await env.containers();
      expect(Object.keys(after).sort()).toEqual(Object.keys(stopped).sort());
      expect(Object.values(after).some((c) => c.running)).toBe(false);
      expect(stderr).toContain("The previous environment was restored: no container ran before this `dusty up`, and none runs now");
    });
  }, 240_000);

  test("a first up failing half-way names which of its containers run and which are down", async () => {
    expect((await env.dusty(["stop", "--rm"])).code).toBe(0);
    rmSync(composeFile(), { force: true });
    await upWithBrokenApp(async (stderr) => {
      const after = await env.containers();
      const names = (running: boolean) =>
        Object.entries(after)
          .filter(([, c]) => c.running === running)
          .map(([service]) => (service === "dustyInternalNginx" ? "nginx" : service))
          .sort();
      expect(names(false)).toContain("broken");
      const up = names(true);
      const listed = up.length <= 1 ? up.join("") : `${up.slice(0, -1).join(", ")} and ${up.at(-1)}`;
      expect(stderr).toContain(`There was no previous environment to restore: of this up's containers, ${listed} run${up.length === 1 ? "s" : ""}; down: `);
      expect(stderr).toMatch(/down: [^\n]*broken \((created|exited)\)/);
      expect(stderr).not.toContain("was restored");
      expect(stderr).toContain("The command files and nginx.conf on the Docker host are this up's");
    });
  }, 240_000);
});
