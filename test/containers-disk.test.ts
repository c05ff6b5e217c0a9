// `dusty disk` end to end: inspect, backup and restore of a temp persist dir, and cleanup_containers
// removing this project's exited containers and nothing else.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { COMPOSE_PROJECT_LABEL, inspectContainers, removeContainers } from "../platform/docker.ts";
import { runChecked } from "../platform/run.ts";
import { BUSYBOX_IMAGE } from "../platform/test-images.ts";
import { NOBODY } from "./client-env.ts";
import { allowOtherUsers, startContainersEnv, type ContainersEnv } from "./containers-env.ts";
import { dustyArgv, waitUntil } from "./harness.ts";

const SPECS = {
  "apps/app_one.yml": "image: dusty-example/busybox:latest\ncommands:\n  always:\n    - exec sleep 3600\n",
  "apps/quitter.yml": "image: dusty-example/busybox:latest\ncommands:\n  always:\n    - echo bye\n",
  "bundles/main.yml": "apps:\n  - app_one\n  - quitter\n",
};

let env: ContainersEnv;
let local: string;
const foreignIds: string[] = [];
beforeAll(async () => {
  env = await startContainersEnv({ specs: SPECS, bundles: ["main"], wait: false });
  local = mkdtempSync(join(tmpdir(), "dusty-disk-"));
}, 120_000);
afterAll(async () => {
  if (local) rmSync(local, { recursive: true, force: true });
  await removeContainers((await inspectContainers(foreignIds)).map((c) => c.id)).catch(() => {});
  await env?.stop();
}, 60_000);

describe("dusty disk inspect", () => {
  test("inspect shows the persist dir's free space and Docker's usage table", async () => {
    const result = await env.run(["disk", "inspect"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Disk usage where dusty keeps its files (${env.persistDir}):\n`);
    expect(result.stdout).toMatch(/\nUsage: \d+%\nTotal Size: \S+\nUsed: \S+\nFree: \S+\n\nDocker Engine disk usage:\nType +Total +Active +Size +Reclaimable\n/);
    expect(result.stdout).toMatch(/\nImages +\d+ +\d+ /);
    expect(result.stdout).toMatch(/\nContainers +\d+ +\d+ /);
  });
});

describe("dusty disk backup and restore", () => {
  test("backup copies the persist dir to DEST/dusty-backup and restore puts it back, deleting what came since", async () => {
    writeFileSync(join(env.persistDir, "assets", "secret.txt"), "v1");
    const backup = await env.run(["disk", "backup", local]);
    expect(backup.stdout).toBe(`Backed up ${env.persistDir} to ${join(local, "dusty-backup")}\n`);
    expect(backup.code).toBe(0);
    expect(readFileSync(join(local, "dusty-backup", "assets", "secret.txt"), "utf8")).toBe("v1");
    expect(existsSync(join(local, "dusty-backup", "command_files", "app_one", "dusty_command_file_app_one.sh"))).toBe(true);

    // A different size: rsync skips files whose size and mtime (to the second) match.
    writeFileSync(join(env.persistDir, "assets", "secret.txt"), "version two");
    writeFileSync(join(env.persistDir, "assets", "later.txt"), "after the backup");
    const restore = await env.run(["disk", "restore", "--yes", join(local, "dusty-backup")]);
    expect(restore.stderr).toMatch(/Restoring your backup last modified at /);
    expect(restore.code).toBe(0);
    expect(readFileSync(join(env.persistDir, "assets", "secret.txt"), "utf8")).toBe("v1");
    expect(existsSync(join(env.persistDir, "assets", "later.txt"))).toBe(false);
  });

  test("restore without --yes refuses when stdin is not a terminal, and changes nothing", async () => {
    writeFileSync(join(env.persistDir, "assets", "untouched.txt"), "here");
    const result = await env.run(["disk", "restore", local]);
    expect(result.stderr).toContain("Refusing to restore without confirmation: stdin is not a terminal. Pass --yes");
    expect(result.code).toBe(1);
    expect(existsSync(join(env.persistDir, "assets", "untouched.txt"))).toBe(true);
  });

  test.skipIf(!Bun.which("script"))("restore on a terminal asks first, and anything but y cancels", async () => {
    writeFileSync(join(env.persistDir, "assets", "kept.txt"), "kept");
    const client = [...Object.entries(env.daemon.env).map(([k, v]) => `${k}=${v}`), ...dustyArgv(["disk", "restore", local])];
    const command = ["env", ...client].map((arg) => `'${arg.replaceAll("'", `'\\''`)}'`).join(" ");
    // util-linux `script` runs the client on a pseudo-terminal, so it asks as it would a user.
    const child = Bun.spawn(["script", "--quiet", "--return", "--command", command, "/dev/null"], {
      stdin: new TextEncoder().encode("n\n"),
      stdout: "pipe",
      stderr: "pipe",
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
    try {
      const stdout = await new Response(child.stdout).text();
      expect(stdout).toContain(`Warning: this will overwrite dusty's persist directory with the contents of ${local}`);
      expect(stdout).toContain("Continue? (y/n)");
      expect(stdout).toContain("Restore cancelled");
      expect(await child.exited).toBe(0);
      expect(existsSync(join(env.persistDir, "assets", "kept.txt"))).toBe(true);
    } finally {
      clearTimeout(timer);
    }
  });

  test("restore from a folder without a backup says where it looked", async () => {
    const empty = join(local, "empty");
    mkdirSync(empty);
    const result = await env.run(["disk", "restore", "-y", empty]);
    expect(result.stderr).toContain(`Can't find backup data to restore at ${join(empty, "dusty-backup")}`);
    expect(result.code).toBe(1);
  });

  test("backup into the persist dir itself is refused", async () => {
    const result = await env.run(["disk", "backup", join(env.persistDir, "repos")]);
    expect(result.stderr).toContain("it is inside dusty's persist dir");
    expect(result.code).toBe(1);
  });

});

describe("dusty disk backup by another user (nobody)", () => {
  beforeAll(() => {
    allowOtherUsers(env);
    chmodSync(local, 0o755);
  });

  test("a backup made by another user belongs to that user", async () => {
    const dest = join(local, "for-nobody");
    mkdirSync(dest);
    chownSync(dest, NOBODY.uid, NOBODY.gid);
    const result = await env.runAsNobody(["disk", "backup", dest]);
    expect(result.stdout).toBe(`Backed up ${env.persistDir} to ${join(dest, "dusty-backup")}\n`);
    expect(result.code).toBe(0);
    for (const path of ["dusty-backup", "dusty-backup/assets", "dusty-backup/assets/secret.txt"]) {
      const info = statSync(join(dest, path));
      expect(`${path} ${info.uid}`).toBe(`${path} ${NOBODY.uid}`);
    }
  });

  test("another user cannot back up into a folder they may not write", async () => {
    const rootOnly = join(local, "root-only");
    mkdirSync(rootOnly, { mode: 0o755 });
    const result = await env.runAsNobody(["disk", "backup", rootOnly]);
    expect(result.stderr).toContain(`Cannot create the folder "${join(rootOnly, "dusty-backup")}": `);
    expect(result.code).toBe(1);
    expect(existsSync(join(rootOnly, "dusty-backup"))).toBe(false);
  });
});

describe("dusty disk cleanup_containers", () => {
  test("removes this project's exited containers and leaves running ones and other projects' alone", async () => {
    const project = env.project;
    const state = async () => (await inspectContainers(await projectIds(project))).map((c) => `${c.composeService}:${c.state}`).sort();
    await waitUntil(async () => (await state()).includes("quitter:exited"), 20_000, () => "quitter never exited");
    const foreign = (await runChecked(["docker", "create", "--label", `${COMPOSE_PROJECT_LABEL}=${project}x`, "--label", "dusty.test=containers-disk", BUSYBOX_IMAGE, "true"])).stdout.trim();
    foreignIds.push(foreign);
    await runChecked(["docker", "start", "--attach", foreign]);

    const result = await env.run(["disk", "cleanup_containers"]);
    expect(result.stdout).toMatch(new RegExp(`^Removing container ${project}[-_]quitter[-_]1\\nDone cleaning 1 container\\n$`));
    expect(result.code).toBe(0);
    expect(await state()).toEqual(["app_one:running", "dustyInternalNginx:running"]);
    expect((await inspectContainers([foreign])).map((c) => c.state)).toEqual(["exited"]);
  });
});

async function projectIds(project: string): Promise<string[]> {
  const result = await runChecked(["docker", "ps", "--all", "--quiet", "--no-trunc", "--filter", `label=${COMPOSE_PROJECT_LABEL}=${project}`]);
  return result.stdout.split("\n").filter(Boolean);
}
