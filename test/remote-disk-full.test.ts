/**
 * A disk-full Docker host (the ssh driver, test/remote-env.ts): dusty's folder there is a tiny tmpfs, too
 * small for the app's repo. `up` and `test` fail with a message naming the host, what is full and the
 * fix, and nothing local is lost: the hosts file, the compose file and the config stay as they were, and
 * the local checkout is untouched. `cp` needs no room there: it streams through the engine.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TEST_RUN_LABEL } from "../platform/test-runs.ts";
import { makeGitRepo } from "./git-fixtures.ts";
import { startRemoteEnv, type RemoteEnv } from "./remote-env.ts";

// Incompressible, so rsync -z cannot make it fit: 3 MB against a 1 MB folder.
const BIG = Buffer.from(crypto.getRandomValues(new Uint8Array(3 * 1024 * 1024 / 4 * 3))).toString("base64");

let env: RemoteEnv;
let local: string;
let code: ReturnType<typeof makeGitRepo>;
let label: string;
beforeAll(async () => {
  local = mkdtempSync(join(tmpdir(), "dusty-remote-full-"));
  code = makeGitRepo(join(local, "big"), { "big.txt": BIG, "small.txt": "small\n" });
  const app = `image: dusty-example/busybox:latest
repo: ${code.url}
mount: /big
commands:
  always:
    - exec sleep 3600
test:
  image: dusty-example/busybox:latest
  suites:
    - name: pass
      command: ["true"]
`;
  const specs = {
    "apps/bigapp.yml": app,
    "apps/idle.yml": "image: dusty-example/busybox:latest\ncommands:\n  always:\n    - exec sleep 3600\n",
    "bundles/main.yml": "apps: [bigapp]\n",
    "bundles/small.yml": "apps: [idle]\n",
  };
  env = await startRemoteEnv({ specs, bundles: ["small"], hide: [local] });
  env.writeConfig({ repo_overrides: { [`file://${env.specsPath}`]: env.specsPath, [code.url]: code.path } });
  label = `root@${env.host.address}`;
  // One app up while the disk has room, for cp; then dusty's folder there becomes a full one.
  await env.up();
  expect((await env.host.exec(["mkdir", "-p", env.remotePersistDir])).exitCode).toBe(0);
  expect((await env.host.exec(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", env.remotePersistDir])).exitCode).toBe(0);
}, 240_000);
afterAll(async () => {
  await env?.host.exec(["umount", env.remotePersistDir]).catch(() => {});
  await env?.stop();
  if (local) rmSync(local, { recursive: true, force: true });
}, 120_000);

describe("a disk-full ssh Docker host", () => {
  test("cp still works: it streams through the engine and needs no room in dusty's folder there", async () => {
    const result = await env.run(["cp", join(code.path, "big.txt"), "idle:/big.txt"]);
    expect(result.code).toBe(0);
    expect((await env.host.docker(["exec", await env.containerId("idle"), "wc", "-c", "/big.txt"])).stdout.trim()).toBe(`${BIG.length} /big.txt`);
    expect(readFileSync(join(code.path, "big.txt"), "utf8")).toBe(BIG);
  });

  test("up fails naming the host, the full folder and the fix, and leaves the local files as they were", async () => {
    const hostsFile = env.daemon.env.DUSTY_HOSTS_FILE!;
    const configFile = join(env.daemon.env.DUSTY_CONFIG_DIR!, "config.yml");
    env.writeConfig({ bundles: ["main"], repo_overrides: { [`file://${env.specsPath}`]: env.specsPath, [code.url]: code.path } });
    const composeFile = join(env.daemon.env.DUSTY_CONFIG_DIR!, "compose", "docker-compose.yml");
    const before = { hosts: readFileSync(hostsFile, "utf8"), config: readFileSync(configFile, "utf8"), compose: readFileSync(composeFile, "utf8") };
    const result = await env.run(["up", "--no-pull"], { timeoutMs: 180_000 });
    expect(result.stderr).toContain(`The Docker host ${label} is out of disk space in dusty's folder ${env.remotePersistDir}: No space left on device.`);
    expect(result.stderr).toContain("Free space there (`dusty disk cleanup_containers`, `dusty disk cleanup_images`), or set docker_host_persist_dir to a folder on a larger disk");
    expect(result.stderr).toContain("The repos on the Docker host may be partly synced (their sync did not finish): the next `dusty up` syncs them again");
    expect(result.stderr).toContain("The hosts file, the compose file and the config are as they were before this `dusty up`");
    expect(result.code).toBe(1);
    expect(readFileSync(hostsFile, "utf8")).toBe(before.hosts);
    expect(readFileSync(configFile, "utf8")).toBe(before.config);
    expect(readFileSync(composeFile, "utf8")).toBe(before.compose);
    expect(readFileSync(join(code.path, "big.txt"), "utf8")).toBe(BIG);
    expect(await env.localContainers()).toEqual([]);
  });

  test("test fails the same way, before any container runs", async () => {
    const result = await env.run(["test", "--no-pull", "bigapp", "pass"]);
    expect(result.stderr).toContain(`The Docker host ${label} is out of disk space in dusty's folder ${env.remotePersistDir}: No space left on device.`);
    expect(result.code).toBe(1);
    expect(readFileSync(join(code.path, "small.txt"), "utf8")).toBe("small\n");
    expect((await env.host.docker(["ps", "-aq", "--filter", `label=${TEST_RUN_LABEL}`])).stdout.trim()).toBe("");
  });
});
