// `dusty up` over an app whose command crashes: it waits for the containers to stay up, names the one that
// exited with its exit code and last log lines, and exits 1; the app that runs is left running.
// The real engine, its own compose project and free ports (test/up-example.ts).
import { afterAll, beforeAll, expect, test } from "bun:test";
import { startTestEnvironment, type ExampleEnvironment } from "./up-example.ts";

const SPECS = {
  "apps/crasher.yml": [
    "image: dusty-example/busybox:latest",
    "commands:",
    "  always:",
    "    - echo booting crasher",
    "    - echo 'config file /etc/crasher.yml missing' >&2",
    "    - exit 3",
    "",
  ].join("\n"),
  "apps/steady.yml": "image: dusty-example/busybox:latest\ncommands:\n  always:\n    - echo steady started\n    - exec sleep 3600\n",
  "bundles/main.yml": "apps:\n  - crasher\n  - steady\n",
};

let env: ExampleEnvironment;
beforeAll(async () => {
  env = await startTestEnvironment({ compose: "docker compose", specFiles: SPECS, repos: {}, bundles: ["main"] });
}, 120_000);
afterAll(() => env?.cleanup(), 120_000);

test("up names the app that exited, its exit code and last log lines, and exits 1", async () => {
  const result = await env.dusty(["up", "--wait", "20"]);
  expect(result.stderr).toContain("Waiting up to 20 s for the 3 containers to stay up: crasher, nginx, steady");
  expect(result.stderr).toContain("dusty up started the containers, but 1 is not running:\n  crasher exited with code 3; its last 2 log lines:\n");
  expect(result.stderr).toContain("    booting crasher\n");
  expect(result.stderr).toContain("    config file /etc/crasher.yml missing\n");
  expect(result.stderr).toContain("See the whole log with `dusty logs crasher`");
  expect(result.stderr).not.toContain("steady exited");
  expect(result.stdout).toStartWith("The containers are started, but crasher is not running (see below):\n");
  expect(result.stdout).not.toContain("now started!");
  expect(result.code).toBe(1);
  const containers = await env.containers();
  expect(containers.steady?.running).toBe(true);
  expect(containers.crasher?.running).toBe(false);
}, 120_000);

test("up --no-wait reports the start as compose saw it and exits 0", async () => {
  const result = await env.dusty(["up", "--no-wait"]);
  expect(result.stderr).not.toContain("Waiting up to");
  expect(result.stdout).toStartWith("Your local environment is now started!\n");
  expect(result.code).toBe(0);
}, 120_000);
