// The main `dusty up` path again under docker-compose v1 (1.29, Python): other container names, other
// output, same results. The full scenario runs under v2 in up.test.ts.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { execInContainer } from "../platform/docker.ts";
import { projectNetworks, startExampleEnvironment, type ExampleEnvironment } from "./up-example.ts";

let env: ExampleEnvironment;
beforeAll(async () => {
  env = await startExampleEnvironment({ compose: "docker-compose" });
});
afterAll(async () => {
  await env?.cleanup();
});

describe("dusty up on the example (docker-compose v1)", () => {
  test("dusty up starts the example with docker-compose and serves both apps through nginx", async () => {
    const result = await env.dusty(["up"]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`Creating ${env.project}_website_1`);
    expect(result.stderr).toContain("Compose (docker-compose 1.");
    expect((await env.fetchPage("local.website.com")).text).toContain("<h1>Hello from the Dusty example website</h1>");
    expect(await env.fetchPage("local.api.website.com", "/greeting.txt")).toEqual({ status: 200, text: "Hello, dusty, from the greeting lib!\n" });
    expect(readFileSync(env.hostsFile, "utf8")).toContain("127.0.0.1 local.api.website.com\n127.0.0.1 local.website.com\n");
  });

  test("containers reach a service by name and an app by its host name", async () => {
    const { api, website } = await env.containers();
    expect(api!.name).toBe(`${env.project}_api_1`);
    expect((await execInContainer(api!.id, ["sh", "-c", "nc cache 7000 < /dev/null"])).stdout.trim()).toBe("PONG");
    const greeting = await execInContainer(website!.id, ["wget", "-qO-", `http://local.api.website.com:${env.httpPort}/greeting.txt`]);
    expect(greeting.stdout).toBe("Hello, dusty, from the greeting lib!\n");
  });

  test("a second dusty up with nothing changed skips compose", async () => {
    const before = await env.containers();
    const result = await env.dusty(["up", "--no-pull"]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("Nothing changed since the last up: 4 containers running");
    expect(await env.containers()).toEqual(before);
  });

  test("a spec change recreates only the changed app under docker-compose too", async () => {
    const website = readFileSync(join(env.specs.path, "apps", "website.yml"), "utf8");
    env.specs.commit({ "apps/website.yml": website.replace("httpd -f -p 8000", "echo v1; httpd -f -p 8000") });
    const before = await env.containers();
    const result = await env.dusty(["up"]);
    expect(result.code).toBe(0);
    const after = await env.containers();
    expect(after.website!.id).not.toBe(before.website!.id);
    for (const service of ["api", "cache", "dustyInternalNginx"]) expect(after[service]!.id).toBe(before[service]!.id);
  });

  test("a failing docker-compose leaves the hosts file and compose file byte for byte", async () => {
    const composeFile = join(env.configDir, "compose", "docker-compose.yml");
    const hostsBefore = readFileSync(env.hostsFile);
    const composeBefore = readFileSync(composeFile);
    env.specs.commit({ "services/cache.yml": "image: dusty-test/does-not-exist:latest\n" });
    const result = await env.dusty(["up"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("dusty up stopped while starting the containers: `docker-compose up` exited with code");
    expect(result.stderr).toContain("The previous environment was restored: api, cache, nginx and website run again as before");
    expect(readFileSync(env.hostsFile)).toEqual(hostsBefore);
    expect(readFileSync(composeFile)).toEqual(composeBefore);
  });

  test("dusty stop --rm takes the project down under docker-compose", async () => {
    const result = await env.dusty(["stop", "--rm"]);
    expect(result.code).toBe(0);
    expect(await env.containers()).toEqual({});
    expect(await projectNetworks(env.project)).toEqual([]);
    expect(readFileSync(env.hostsFile, "utf8")).toBe("127.0.0.1 localhost\n");
    expect(existsSync(join(env.configDir, "compose", "state.json"))).toBe(false);
  });
});
