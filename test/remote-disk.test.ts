/**
 * `dusty disk` on the ssh Docker host (test/remote-env.ts): inspect reads the remote host's folder and
 * disk; the cleanups remove from the remote engine only (a look-alike container and image on this
 * machine's engine survive); backup and restore mirror the remote persist folder to and from a local one.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { run } from "../platform/run.ts";
import { BUSYBOX_IMAGE } from "../platform/test-images.ts";
import { NOBODY } from "./client-env.ts";
import { startRemoteEnv, type RemoteEnv } from "./remote-env.ts";

const UNUSED_IMAGE = `dusty-remote-unused-${crypto.randomUUID().slice(0, 8)}:latest`;
const SPECS = {
  "apps/app_one.yml": "image: dusty-example/busybox:latest\ncommands:\n  always:\n    - exec sleep 3600\n",
  "apps/quitter.yml": "image: dusty-example/busybox:latest\ncommands:\n  always:\n    - echo bye\n",
  // Named by the specs, used by no container: cleanup_images removes it.
  "apps/unused.yml": `image: ${UNUSED_IMAGE}\n`,
  "bundles/main.yml": "apps:\n  - app_one\n  - quitter\n",
};

let env: RemoteEnv;
let local: string;
let label: string;
const localIds: string[] = [];
beforeAll(async () => {
  local = mkdtempSync(join(tmpdir(), "dusty-remote-disk-"));
  env = await startRemoteEnv({ specs: SPECS, bundles: ["main"], hide: [local] });
  label = `root@${env.host.address}`;
  await env.up(["--no-wait"]);
}, 240_000);
afterAll(async () => {
  for (const id of localIds) await run(["docker", "rm", "-f", id]);
  await run(["docker", "rmi", UNUSED_IMAGE]);
  await env?.stop();
  if (local) rmSync(local, { recursive: true, force: true });
}, 120_000);

describe("dusty disk on the ssh driver", () => {
  test("inspect shows the remote host's folder, its free space and the remote engine's usage", async () => {
    const result = await env.run(["disk", "inspect"]);
    expect(result.stdout).toContain(`Disk usage on the Docker host ${label} where dusty keeps its files (${env.remotePersistDir}):\n`);
    expect(result.stdout).toMatch(/\nUsage: \d+%\nTotal Size: \S+\nUsed: \S+\nFree: \S+\n\nDocker Engine disk usage:\nType +Total +Active +Size +Reclaimable\n/);
    expect(result.code).toBe(0);
    const json = JSON.parse((await env.run(["disk", "inspect", "--json"])).stdout);
    expect(json).toMatchObject({ host: "ssh", persistDir: env.remotePersistDir, disk: { free: expect.any(String) } });
    // The numbers are the remote filesystem's: df there on the same folder agrees on its size.
    const df = (await env.host.exec(["df", "-P", "-h", env.remotePersistDir])).stdout.trim().split("\n")[1]!.split(/\s+/);
    expect(json.disk.total).toBe(df[1]);
  });

  test("cleanup_containers removes the project's exited containers on the remote engine only", async () => {
    // A look-alike on this machine's engine: an exited container with the project's label.
    const made = await run(["docker", "run", "--network", "none", "--label", `com.docker.compose.project=${env.project}`, BUSYBOX_IMAGE, "true"]);
    expect(made.exitCode).toBe(0);
    const localId = (await env.localContainers())[0]!;
    localIds.push(localId);
    const quitter = async () => (await env.host.docker(["ps", "-aq", "--filter", `label=com.docker.compose.project=${env.project}`, "--filter", "label=com.docker.compose.service=quitter", "--filter", "status=exited"])).stdout.trim();
    for (let i = 0; i < 100 && (await quitter()) === ""; i++) await Bun.sleep(100);
    expect(await quitter()).not.toBe("");
    const result = await env.run(["disk", "cleanup_containers"]);
    expect(result.stdout).toContain(`Removing container ${env.project}_quitter_1`);
    expect(result.code).toBe(0);
    expect(await quitter()).toBe("");
    expect(await env.localContainers()).toEqual([localId]);
    expect(await env.containerId("app_one")).toMatch(/^[0-9a-f]+$/);
  });

  test("cleanup_images removes an unused spec image from the remote engine only", async () => {
    // An image of its own (a tag of busybox would share the id a running container uses), on both engines.
    for (const docker of [env.host.docker, (args: string[]) => run(["docker", ...args])]) {
      const id = (await docker(["create", BUSYBOX_IMAGE, "true"])).stdout.trim();
      expect((await docker(["commit", id, UNUSED_IMAGE])).exitCode).toBe(0);
      await docker(["rm", id]);
    }
    const result = await env.run(["disk", "cleanup_images"]);
    expect(result.stdout).toContain(`Removed image ${UNUSED_IMAGE}`);
    expect(result.code).toBe(0);
    expect((await env.host.docker(["image", "inspect", UNUSED_IMAGE])).exitCode).not.toBe(0);
    expect((await run(["docker", "image", "inspect", UNUSED_IMAGE])).exitCode).toBe(0);
    // The image a running container uses stays on the remote.
    expect((await env.host.docker(["image", "inspect", BUSYBOX_IMAGE])).exitCode).toBe(0);
  });

  test("backup mirrors the remote persist folder to a local one; restore puts it back there, deleting what came since", async () => {
    const secret = join(env.remotePersistDir, "assets", "secret.txt");
    expect((await env.host.exec(["sh", "-c", 'echo v1 > "$1"', "sh", secret])).exitCode).toBe(0);
    const backup = await env.run(["disk", "backup", local]);
    expect(backup.stdout).toBe(`Backed up ${env.remotePersistDir} to ${join(local, "dusty-backup")}\n`);
    expect(backup.code).toBe(0);
    expect(readFileSync(join(local, "dusty-backup", "assets", "secret.txt"), "utf8")).toBe("v1\n");
    expect(existsSync(join(local, "dusty-backup", "command_files", "app_one", "dusty_command_file_app_one.sh"))).toBe(true);

    await env.host.exec(["sh", "-c", 'echo version two > "$1" && echo later > "$2"', "sh", secret, join(env.remotePersistDir, "assets", "later.txt")]);
    const restore = await env.run(["disk", "restore", "--yes", join(local, "dusty-backup")]);
    expect(restore.stderr).toMatch(/Restoring your backup last modified at /);
    expect(restore.code).toBe(0);
    expect((await env.host.exec(["cat", secret])).stdout).toBe("v1\n");
    expect((await env.host.exec(["test", "-e", join(env.remotePersistDir, "assets", "later.txt")])).exitCode).toBe(1);
  });

  test("a backup by another user (nobody) belongs to them, and goes only where they may write", async () => {
    for (const dir of [env.daemon.dir, dirname(env.daemon.socketPath)]) chmodSync(dir, 0o711);
    chmodSync(local, 0o755);
    const mine = join(local, "nobody-backups");
    mkdirSync(mine);
    chownSync(mine, NOBODY.uid, NOBODY.gid);
    const backup = await env.runAsNobody(["disk", "backup", mine]);
    expect(backup.code).toBe(0);
    expect(statSync(join(mine, "dusty-backup", "assets", "secret.txt")).uid).toBe(NOBODY.uid);
    const rootOnly = join(local, "root-only");
    mkdirSync(rootOnly, { mode: 0o700 });
    const refused = await env.runAsNobody(["disk", "backup", rootOnly]);
    expect(refused.stderr).toContain(`Cannot create the folder "${join(rootOnly, "dusty-backup")}"`);
    expect(refused.code).toBe(1);
    expect(existsSync(join(rootOnly, "dusty-backup"))).toBe(false);
  });
});
