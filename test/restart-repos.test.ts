// `up` and `restart` on a small environment of their own: names with "_", a lib shared by one app,
// a repo dusty manages itself (cloned and pulled), a required asset, and `restart --repos`.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { execInContainer } from "../platform/docker.ts";
import { BUSYBOX_IMAGE } from "../platform/test-images.ts";
import { projectNetworks, startTestEnvironment, type ExampleEnvironment } from "./up-example.ts";

const SPECS = {
  "libs/shared_lib.yml": "repo: /srv/dusty-test/shared_lib\nmount: /shared\ninstall:\n  - cp /shared/VERSION /lib-version\n",
  "apps/my_app.yml": [
    "repo: /srv/dusty-test/my_app",
    "mount: /app",
    `image: ${BUSYBOX_IMAGE}`,
    "depends:\n  libs:\n    - shared_lib",
    "host_forwarding:\n  - host_name: local.my-app.test\n    host_port: {HTTP_PORT}\n    container_port: 8000",
    "commands:\n  always:\n    - mkdir -p /www && cp /app/index.html /lib-version /www/\n    - httpd -f -p 8000 -h /www",
    "",
  ].join("\n"),
  "apps/other.yml": [
    "repo: {MANAGED:other}",
    "mount: /other",
    `image: ${BUSYBOX_IMAGE}`,
    "assets:\n  - name: OTHER_KEY\n    path: /other-key",
    "host_forwarding:\n  - host_name: local.other.test\n    host_port: {HTTP_PORT}\n    container_port: 8000",
    "commands:\n  always:\n    - mkdir -p /www && cp /other/index.html /www/\n    - httpd -f -p 8000 -h /www",
    "",
  ].join("\n"),
  "bundles/all.yml": "apps:\n  - my_app\n  - other\n",
};

let env: ExampleEnvironment;
beforeAll(async () => {
  env = await startTestEnvironment({
    compose: "docker compose",
    specFiles: SPECS,
    repos: { "/srv/dusty-test/my_app": { "index.html": "my_app v1\n" }, "/srv/dusty-test/shared_lib": { VERSION: "lib v1\n" } },
    managedRepos: { other: { "index.html": "other v1\n" } },
    bundles: ["all"],
  });
});
afterAll(async () => {
  await env?.cleanup();
});

const config = () => JSON.parse(readFileSync(join(env.configDir, "config.yml"), "utf8")) as Record<string, unknown>;
// The config is JSON (which is YAML) until a dusty command rewrites it; these tests only ever write it this way.
const writeConfig = (change: Record<string, unknown>) => writeFileSync(join(env.configDir, "config.yml"), JSON.stringify({ ...config(), ...change }));

describe("up and restart on apps with a lib, a managed repo and an asset", () => {
  test("dusty up with no active bundle says how to activate one", async () => {
    writeConfig({ bundles: [] });
    try {
      const result = await env.dusty(["up", "--no-pull"]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain("No bundles are activated.");
    } finally {
      writeConfig({ bundles: ["all"] });
    }
  });

  test("dusty up refuses to start while a required asset is missing, and changes nothing", async () => {
    const hostsBefore = readFileSync(env.hostsFile, "utf8");
    const result = await env.dusty(["up"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("dusty up stopped while checking required assets: Assets OTHER_KEY is specified as required but is not set. Set them with `dusty assets set");
    expect(readFileSync(env.hostsFile, "utf8")).toBe(hostsBefore);
    expect(await env.containers()).toEqual({});
    // As in Dusty, repos are brought up to date before the asset check: the managed one is cloned already.
    expect(result.stderr).toContain(`Cloning ${env.repos.other!.url}`);
  });

  test("dusty up syncs the managed clone, runs the lib's install and copies the asset in", async () => {
    mkdirSync(join(env.persistDir, "assets"), { recursive: true });
    writeFileSync(join(env.persistDir, "assets", "OTHER_KEY"), "secret\n");
    const result = await env.dusty(["up"]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(`Syncing Dusty-managed repo ${env.repos.other!.url}`);
    expect((await env.fetchPage("local.my-app.test", "/index.html")).text).toBe("my_app v1\n");
    expect((await env.fetchPage("local.my-app.test", "/lib-version")).text).toBe("lib v1\n");
    expect((await env.fetchPage("local.other.test")).text).toBe("other v1\n");
    const { other } = await env.containers();
    expect((await execInContainer(other!.id, ["cat", "/other-key"])).stdout).toBe("secret\n");
  });

  test("dusty restart --repos restarts only the apps that mount the repo, found by its short name", async () => {
    writeFileSync(join(env.repos.shared_lib!.path, "VERSION"), "lib v2\n");
    const before = await env.containers();
    const result = await env.dusty(["restart", "--repos", "shared_lib"]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("Restarting the following apps or services: my_app");
    expect(result.stderr).toContain(`Restarting ${before.my_app!.name}`);
    expect(result.stderr).not.toContain(before.other!.name);
    // The lib's install ran again on restart: the app copies what it installed.
    expect((await env.fetchPage("local.my-app.test", "/lib-version")).text).toBe("lib v2\n");
  });

  test("dusty restart by a name with an underscore finds the container", async () => {
    writeFileSync(join(env.repos.my_app!.path, "index.html"), "my_app v2\n");
    const result = await env.dusty(["restart", "my_app"]);
    expect(result.code).toBe(0);
    expect((await env.fetchPage("local.my-app.test", "/index.html")).text).toBe("my_app v2\n");
  });

  test("dusty restart rejects unknown repos and apps, and names mixed with --repos", async () => {
    const repo = await env.dusty(["restart", "--repos", "nope"]);
    expect(repo.code).toBe(1);
    expect(repo.stderr).toContain("Short repo name nope does not match any known repos");
    const app = await env.dusty(["restart", "nope"]);
    expect(app.code).toBe(1);
    expect(app.stderr).toContain("Cannot restart nope: not an active app or service. Active apps and services: my_app, other");
    const both = await env.dusty(["restart", "--repos", "shared_lib", "other"]);
    expect(both.code).toBe(1);
    expect(both.stderr).toContain("repeat it for each repo: --repos a --repos b");
  });

  test("dusty up pulls a pushed change of a managed repo and restarts the app; --no-pull does not pull", async () => {
    env.repos.other!.commit({ "index.html": "other v2\n" });
    const kept = await env.dusty(["up", "--no-pull"]);
    expect(kept.code).toBe(0);
    expect((await env.fetchPage("local.other.test")).text).toBe("other v1\n");
    const pulled = await env.dusty(["up"]);
    expect(pulled.code).toBe(0);
    expect(pulled.stderr).toContain("its code changed");
    expect((await env.fetchPage("local.other.test")).text).toBe("other v2\n");
  });

  test("dusty stop takes several names and leaves the rest running", async () => {
    const result = await env.dusty(["stop", "my_app", "other"]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("Stopping the following apps or services: my_app, other");
    const containers = await env.containers();
    expect([containers.my_app!.running, containers.other!.running, containers.dustyInternalNginx!.running]).toEqual([false, false, true]);
  });

  test("dusty stop --rm without a compose file still removes the project's containers and network by their labels", async () => {
    rmSync(join(env.configDir, "compose", "docker-compose.yml"));
    const result = await env.dusty(["stop", "--rm"]);
    expect(result.code).toBe(0);
    expect(await env.containers()).toEqual({});
    expect(await projectNetworks(env.project)).toEqual([]);
    expect(readFileSync(env.hostsFile, "utf8")).not.toContain("section for Dusty");
  });
});
