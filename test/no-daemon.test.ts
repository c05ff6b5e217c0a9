// `dusty dump` and `dusty doctor` are wanted most when the daemon is down: with none, the client reports
// what it can itself, the real Docker Engine and the real ports included, and says the daemon is down.
import { afterAll, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runDusty } from "./harness.ts";

const dir = mkdtempSync(join(tmpdir(), "dusty-no-daemon-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const configDir = join(dir, "etc");
mkdirSync(configDir);
writeFileSync(join(configDir, "config.yml"), "setup_has_run: true\nmac_username: nobody\ndusty_env_overrides:\n  web:\n    TOKEN: s3cret\n");
const env = { DUSTY_SOCKET_PATH: join(dir, "none.sock"), DUSTY_CONFIG_DIR: configDir, DUSTY_HOSTS_FILE: join(dir, "hosts") };

test("dump without a daemon gathers the diagnostics in the client and names the daemon's socket as not answering", async () => {
  const result = await runDusty(["dump"], { env });
  expect(result.stderr).toContain(`Cannot connect to the dusty daemon at "${env.DUSTY_SOCKET_PATH}"`);
  expect(result.stderr).toContain("Dumping what the client can see instead");
  expect(result.stdout).toStartWith("COMMAND: Dusty Version\n");
  expect(result.stdout).toContain(`COMMAND: Dusty Daemon\nOUTPUT:\n${env.DUSTY_SOCKET_PATH} does not answer: this dump was gathered by the client\n`);
  expect(result.stdout).toContain("COMMAND: docker version\n");
  expect(result.stdout).toContain("TOKEN: \"********\"");
  expect(result.stdout).not.toContain("s3cret");
  expect(result.code).toBe(0);
});

test("doctor without a daemon fails on that first, then runs its checks in the client", async () => {
  const result = await runDusty(["doctor"], { env });
  expect(result.stdout).toStartWith("FAIL dusty daemon does not answer: start it with `sudo dusty -d`\n");
  expect(result.stdout).toMatch(/^OK   Docker Engine \S+ answers$/m);
  expect(result.stdout).toContain("OK   bind address 127.0.0.1 is usable");
  expect(result.stderr).toContain("Running the checks in the client instead");
  expect(result.code).toBe(1);
});
