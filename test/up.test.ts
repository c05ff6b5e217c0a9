// `dusty up`, `status`, `restart` and `stop` end to end on the real Docker Engine with Compose v2: the
// built-in example in its own compose project, with free random ports, torn down in afterAll whatever happened.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { execInContainer } from "../platform/docker.ts";
import { projectNetworks, startExampleEnvironment, type ExampleEnvironment } from "./up-example.ts";

let env: ExampleEnvironment;
beforeAll(async () => {
  env = await startExampleEnvironment({ compose: "docker compose" });
});
afterAll(async () => {
  await env?.cleanup();
});

const composeFile = () => join(env.configDir, "compose", "docker-compose.yml");
const stateFile = () => join(env.configDir, "compose", "state.json");

describe("dusty up on the example (Compose v2)", () => {
  test("dusty up starts the example and prints each app's URLs and direct ports", async () => {
    const result = await env.dusty(["up"]);
    expect(result.stderr).toContain("Updating managed copy of specs-repo before loading specs");
    expect(result.stderr).toContain("Starting 4 containers with Compose");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Your local environment is now started!");
    expect(result.stdout).toContain(`http://local.website.com:${env.httpPort}`);
    expect(result.stdout).toContain(`local.api.website.com:${env.streamPort}`);
    expect(result.stdout).toContain(`127.0.0.1:${env.portBase + 2} -> 8000`);
    const containers = await env.containers();
    expect(Object.keys(containers).sort()).toEqual(["api", "cache", "dustyInternalNginx", "website"]);
    expect(Object.values(containers).every((c) => c.running)).toBe(true);
  });

  test("the website's page is served through nginx by host name", async () => {
    const page = await env.fetchPage("local.website.com");
    expect(page.status).toBe(200);
    expect(page.text).toContain("<h1>Hello from the Dusty example website</h1>");
  });

  test("the api serves the greeting its lib's install step put on the PATH", async () => {
    const page = await env.fetchPage("local.api.website.com", "/greeting.txt");
    expect(page).toEqual({ status: 200, text: "Hello, dusty, from the greeting lib!\n" });
  });

  test("the hosts file maps every host name to 127.0.0.1 and keeps the user's lines", () => {
    const hosts = readFileSync(env.hostsFile, "utf8");
    expect(hosts).toStartWith("127.0.0.1 localhost\n");
    expect(hosts).toContain("# BEGIN section for Dusty\n127.0.0.1 local.api.website.com\n127.0.0.1 local.website.com\n# END section for Dusty\n");
  });

  test("the api reaches the cache service by its name", async () => {
    const { api } = await env.containers();
    const result = await execInContainer(api!.id, ["sh", "-c", "nc cache 7000 < /dev/null"]);
    expect(result.stdout.trim()).toBe("PONG");
  });

  test("the website reaches the api by its host name, through nginx", async () => {
    const { website } = await env.containers();
    const result = await execInContainer(website!.id, ["wget", "-qO-", `http://local.api.website.com:${env.httpPort}/greeting.txt`]);
    expect(result.stdout).toBe("Hello, dusty, from the greeting lib!\n");
  });

  test("dusty status lists nginx, the apps, the lib and the service with their container states", async () => {
    const result = await env.dusty(["status"]);
    expect(result.code).toBe(0);
    // Name, type and state; then the uptime, the image, the URLs and published ports.
    // The Container column is as wide as its longest uptime ("up 5 seconds", "up About a minute"): only dashes.
    const rows = result.stdout.split("\n").map((l) => l.split(/\s+/).filter(Boolean).slice(0, 3));
    expect(rows[1]!.map((cell) => cell.replace(/^-+$/, "-"))).toEqual(["-", "-", "-"]);
    expect(rows.filter((_, i) => i !== 1)).toEqual([
      ["Name", "Type", "Container"],
      ["nginx", "nginx", "running,"],
      ["api", "app", "running,"],
      ["website", "app", "running,"],
      ["greeting", "lib", "-"],
      ["cache", "service", "running,"],
      [],
    ]);
    expect(result.stdout).toMatch(new RegExp(`\\nwebsite +app +running, up .+ dusty-example/busybox:latest +http://local\\.website\\.com:${env.httpPort}, 127\\.0\\.0\\.1:\\d+->8000\\n`));
  });

  test("a second dusty up with nothing changed skips everything and keeps every container", async () => {
    const before = await env.containers();
    const result = await env.dusty(["up", "--no-pull"]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("Nothing changed since the last up: 4 containers running");
    expect(result.stderr).not.toContain("Syncing");
    expect(result.stdout).toContain("Your local environment is running.");
    expect(await env.containers()).toEqual(before);
  });

  test("dusty restart website syncs a changed file of its repo and serves it", async () => {
    writeFileSync(join(env.repos.website!.path, "public", "index.html"), "<h1>changed by the restart test</h1>\n");
    expect((await env.fetchPage("local.website.com")).text).toContain("Hello from the Dusty example website");
    const before = await env.containers();
    const result = await env.dusty(["restart", "website"]);
    expect(result.stderr).toContain("Restarting the following apps or services: website");
    expect(result.stderr).toContain("Syncing overridden repo /usr/local/share/dusty/example/website");
    expect(result.stderr).not.toContain("example/api");
    expect(result.code).toBe(0);
    expect((await env.fetchPage("local.website.com")).text).toBe("<h1>changed by the restart test</h1>\n");
    expect((await env.containers()).website!.id).toBe(before.website!.id);
  });

  test("dusty up after a code change syncs it and restarts only the app that mounts it", async () => {
    writeFileSync(join(env.repos.api!.path, "public", "index.html"), "api page, second edition\n");
    const before = await env.containers();
    const result = await env.dusty(["up", "--no-pull"]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("Restarting");
    expect(result.stderr).toContain("its code changed");
    expect((await env.fetchPage("local.api.website.com")).text).toBe("api page, second edition\n");
    const after = await env.containers();
    // Same containers (restarted, not recreated), and the website was left alone.
    expect(after).toEqual(before);
    expect(result.stderr).not.toContain(`${before.website!.name}: its code changed`);
  });

  test("dusty up after a spec change recreates only the app whose command changed", async () => {
    const website = readFileSync(join(env.specs.path, "apps", "website.yml"), "utf8");
    env.specs.commit({ "apps/website.yml": website.replace("httpd -f -p 8000", "echo restarted by the spec test; httpd -f -p 8000") });
    const before = await env.containers();
    const result = await env.dusty(["up"]);
    expect(result.code).toBe(0);
    const after = await env.containers();
    expect(after.website!.id).not.toBe(before.website!.id);
    expect(after.api!.id).toBe(before.api!.id);
    expect(after.cache!.id).toBe(before.cache!.id);
    expect(after.dustyInternalNginx!.id).toBe(before.dustyInternalNginx!.id);
    expect((await env.fetchPage("local.website.com")).status).toBe(200);
  });

  test("dusty up refuses a spec with a key of the wrong shape and keeps the app, its host name and its container", async () => {
    const website = readFileSync(join(env.specs.path, "apps", "website.yml"), "utf8");
    const hostsBefore = readFileSync(env.hostsFile);
    const before = await env.containers();
    // Used to make the app vanish from the specs: `up` then removed it and its host names, with exit 0.
    env.specs.commit({ "apps/website.yml": website.replace(/^commands:\n {2}always:\n/m, "commands:\n") });
    try {
      const result = await env.dusty(["up"]);
      expect(result.stderr).toMatch(/apps\/website\.yml:\d+:\d+: commands: expected a mapping, got a list/);
      expect(result.code).toBe(1);
      expect(readFileSync(env.hostsFile)).toEqual(hostsBefore);
      expect((await env.containers()).website).toEqual(before.website);
    } finally {
      env.specs.commit({ "apps/website.yml": website });
    }
  });

  test("dusty up --no-recreate keeps a container whose config changed, a plain up then recreates it", async () => {
    const website = readFileSync(join(env.specs.path, "apps", "website.yml"), "utf8");
    env.specs.commit({ "apps/website.yml": website.replace("echo restarted by the spec test", "echo changed again") });
    const before = await env.containers();
    const kept = await env.dusty(["up", "--no-recreate"]);
    expect(kept.code).toBe(0);
    expect((await env.containers()).website!.id).toBe(before.website!.id);
    const recreated = await env.dusty(["up", "--no-pull"]);
    expect(recreated.code).toBe(0);
    expect((await env.containers()).website!.id).not.toBe(before.website!.id);
  });

  test("a failing dusty up names the step and leaves the hosts file and compose file byte for byte", async () => {
    const hostsBefore = readFileSync(env.hostsFile);
    const composeBefore = readFileSync(composeFile());
    const stateBefore = readFileSync(stateFile());
    const bundle = readFileSync(join(env.specs.path, "bundles", "everything.yml"), "utf8");
    env.specs.commit({
      "apps/broken.yml": "image: dusty-test/does-not-exist:latest\nhost_forwarding:\n  - host_name: local.broken.com\n    host_port: {PORT}\n    container_port: 80\n".replace("{PORT}", String(env.httpPort)),
      "bundles/everything.yml": bundle.replace("  - api\n", "  - api\n  - broken\n"),
    });
    try {
      const result = await env.dusty(["up"]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain("dusty up stopped while starting the containers: `docker compose up` exited with code");
      expect(result.stderr).toContain("The previous environment was restored: api, cache, nginx and website run again as before");
      expect(result.stderr).toContain("The hosts file, the compose file and the config are as they were");
      expect(readFileSync(env.hostsFile)).toEqual(hostsBefore);
      expect(readFileSync(composeFile())).toEqual(composeBefore);
      expect(readFileSync(stateFile())).toEqual(stateBefore);
    } finally {
      env.specs.commit({ "bundles/everything.yml": bundle });
    }
    // The failed up put back the command files and nginx.conf it had copied to the Docker host; the next one starts cleanly.
    const repaired = await env.dusty(["up"]);
    expect(repaired.code).toBe(0);
    expect((await env.fetchPage("local.website.com")).status).toBe(200);
  });

  test("dusty restart refuses an app whose linked service is not running, with Dusty's message", async () => {
    const stopped = await env.dusty(["stop", "cache"]);
    expect(stopped.code).toBe(0);
    expect((await env.containers()).cache!.running).toBe(false);
    const status = await env.dusty(["status", "--json"]);
    expect(JSON.parse(status.stdout).rows).toContainEqual(expect.objectContaining({ name: "cache", type: "service", state: "exited", container: expect.any(String) }));

    const result = await env.dusty(["restart", "--no-sync", "api"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("No running containers [cache], which are linked to by api.  Cannot restart api");
    // Restarting everything starts the service first, so the api's link is up by its turn.
    const all = await env.dusty(["restart"]);
    expect(all.code).toBe(0);
    expect(all.stderr.indexOf("cache-1")).toBeLessThan(all.stderr.indexOf("api-1"));
    expect(Object.values(await env.containers()).every((c) => c.running)).toBe(true);
  });

  test("dusty stop nginx stops dusty's proxy by its Dusty name", async () => {
    const result = await env.dusty(["stop", "nginx"]);
    expect(result.code).toBe(0);
    expect((await env.containers()).dustyInternalNginx!.running).toBe(false);
    const unknown = await env.dusty(["stop", "nope"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("Cannot stop nope: no such app or service in the environment. It has: api, cache, nginx, website");
  });

  test("dusty stop --rm leaves no container, network or hosts line of the project behind", async () => {
    const result = await env.dusty(["stop", "--rm"]);
    expect(result.code).toBe(0);
    expect(await env.containers()).toEqual({});
    expect(await projectNetworks(env.project)).toEqual([]);
    expect(readFileSync(env.hostsFile, "utf8")).toBe("127.0.0.1 localhost\n");
    expect(existsSync(stateFile())).toBe(false);
  });
});
