// `status` and `up` when no Docker Engine answers (DOCKER_HOST points at nothing): one clear message
// each, and `up` changes nothing. Needs no containers, so it runs in a moment.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeTempDir } from "./git-fixtures.ts";
import { ROOT, startDaemon, type DaemonHandle } from "./harness.ts";

const EXAMPLE = join(ROOT, "fixtures", "example");
const temp = makeTempDir("dusty-no-engine-");
let daemon: DaemonHandle;

beforeAll(async () => {
  const configDir = join(temp.path, "etc");
  mkdirSync(configDir, { recursive: true });
  // Every repo overridden by a folder of the example, so nothing is cloned (and `up` never reaches a sync).
  const overrides = Object.fromEntries(["api", "greeting-lib", "website"].map((n) => [`/usr/local/share/dusty/example/${n}`, join(EXAMPLE, "repos", n)]));
  const config = { bundles: ["everything"], specs_repo: EXAMPLE, repo_overrides: { [EXAMPLE]: EXAMPLE, ...overrides }, setup_has_run: true, compose_project: "dustytestnoengine" };
  writeFileSync(join(configDir, "config.yml"), JSON.stringify(config));
  daemon = await startDaemon({ env: { DUSTY_CONFIG_DIR: configDir, DOCKER_HOST: `unix://${join(temp.path, "no-engine.sock")}` } });
});
afterAll(async () => {
  await daemon?.stop();
  temp.remove();
});

test("dusty status says the engine does not answer instead of showing every container as none", async () => {
  const result = await daemon.run(["status"]);
  expect(result.code).toBe(1);
  expect(result.stdout).toBe("");
  // The client has the daemon's DOCKER_HOST too (the harness gives both one environment), so it is the client's choice.
  expect(result.stderr).toBe(
    `Cannot use the Docker Engine at "unix://${join(temp.path, "no-engine.sock")}" from your DOCKER_HOST: no such socket "${join(temp.path, "no-engine.sock")}" (is the engine running?). ` +
      "Start that engine, or point DOCKER_HOST at a running one (or unset it)\n",
  );
});

test("dusty up stops at the Docker host step, names it, and leaves the hosts file alone", async () => {
  const hostsBefore = readFileSync(daemon.env.DUSTY_HOSTS_FILE!, "utf8");
  const result = await daemon.run(["up", "--no-pull"]);
  expect(result.code).toBe(1);
  expect(result.stderr).toContain("Ensuring the Docker host (native) is up");
  expect(result.stderr).toContain(`dusty up stopped while starting the Docker host: Cannot use the Docker Engine at "unix://${join(temp.path, "no-engine.sock")}" from your DOCKER_HOST: no such socket`);
  expect(result.stderr).toContain("The hosts file, the compose file and the config are as they were before this `dusty up`");
  expect(readFileSync(daemon.env.DUSTY_HOSTS_FILE!, "utf8")).toBe(hostsBefore);
});

test("dusty up refuses to run before dusty setup", async () => {
  const configFile = join(temp.path, "etc", "config.yml");
  const saved = readFileSync(configFile, "utf8");
  writeFileSync(configFile, JSON.stringify({ ...JSON.parse(saved), setup_has_run: false }));
  try {
    const result = await daemon.run(["up"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe("You must run `dusty setup` before you run any other commands\n");
  } finally {
    writeFileSync(configFile, saved);
  }
});
