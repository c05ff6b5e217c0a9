import { afterAll, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureTestImages, BUSYBOX_IMAGE } from "../platform/test-images.ts";
import { run } from "../platform/run.ts";
import { startRemoteHost, type RemoteHost } from "./remote-host.ts";

const clientDir = mkdtempSync(join(tmpdir(), "dusty-remote-host-test-"));
let host: RemoteHost | undefined;
afterAll(async () => {
  await host?.stop();
  rmSync(clientDir, { recursive: true, force: true });
});

test("startRemoteHost() runs an engine of its own that sees neither the client's folder nor its engine", async () => {
  writeFileSync(join(clientDir, "secret.txt"), "client only\n");
  host = await startRemoteHost({ hide: [clientDir] });
  await ensureTestImages();
  await host.loadImage(BUSYBOX_IMAGE);
  // A bind mount of the client's folder finds the empty tmpfs, not the file.
  const ls = await host.docker(["run", "--rm", "-v", `${clientDir}:/mnt`, BUSYBOX_IMAGE, "ls", "-A", "/mnt"]);
  expect(ls).toMatchObject({ exitCode: 0, stdout: "" });
  // Its engine is not this machine's: the local engine's containers are not there.
  const info = await host.docker(["info", "--format", "{{.DockerRootDir}}"]);
  expect(info.stdout.trim()).not.toBe("/var/lib/docker");
  const ssh = Bun.spawnSync(["ssh", "-F", host.sshConfigFile, "-o", "BatchMode=yes", `${host.user}@${host.address}`, "cat", `${clientDir}/secret.txt`]);
  expect(ssh.exitCode).not.toBe(0);
  expect(ssh.stderr.toString()).toContain("No such file");
  expect(host.acceptedLogins()).toBe(1);
});

test("RemoteHost.stop() with a container running leaves no process, namespace, veth, mount or folder behind", async () => {
  const started = await startRemoteHost();
  await started.loadImage(BUSYBOX_IMAGE);
  // A running container: its shim is a process of the host's that dockerd's exit alone would leave.
  expect((await started.docker(["run", "-d", BUSYBOX_IMAGE, "sleep", "600"])).exitCode).toBe(0);
  expect(await started.leftovers()).not.toEqual([]);
  await started.stop();
  expect(await started.leftovers()).toEqual([]);
});

test("startRemoteHost({ user, ownFolders }) gives a VM-like docker user (docker group, sudo) and folders of the host's own", async () => {
  const ownFolder = join(tmpdir(), `dusty-remote-host-own-${crypto.randomUUID().slice(0, 8)}`);
  const started = await startRemoteHost({ hide: [clientDir], user: "docker", ownFolders: [ownFolder] });
  try {
    expect(started.dockerHostUrl).toBe(`ssh://docker@${started.address}`);
    const ssh = (command: string) => run(["ssh", "-F", started.sshConfigFile, "-o", "BatchMode=yes", `docker@${started.address}`, command]);
    const whoami = await ssh("id -un; id -Gn; sudo -n id -u; docker version --format '{{.Server.Version}}'");
    expect(whoami.stderr).toBe("");
    const [name, groups, sudoUid, engine] = whoami.stdout.trim().split("\n");
    expect([name, groups!.split(" ").includes("docker"), sudoUid]).toEqual(["docker", true, "0"]);
    expect(engine).toMatch(/^\d/);
    // The folder is the host's: written there, empty here; and the account is not this machine's.
    expect((await ssh(`sudo touch ${ownFolder}/mark && ls ${ownFolder}`)).stdout).toBe("mark\n");
    expect(readdirSync(ownFolder)).toEqual([".made-by-dusty-remote-host"]);
    expect((await run(["id", "docker"])).exitCode).not.toBe(0);
  } finally {
    await started.stop();
  }
  expect(await started.leftovers()).toEqual([]);
  expect(existsSync(ownFolder)).toBe(false);
});

test("RemoteHost.stop() keeps a folder it made while another host has its own folder mounted there, so that host's writes stay its own", async () => {
  // rmdir here would succeed and unmount the other host's folder: its next `mkdir -p` would then write to this machine's disk.
  const ownFolder = join(tmpdir(), `dusty-remote-host-shared-${crypto.randomUUID().slice(0, 8)}`);
  const maker = await startRemoteHost({ ownFolders: [ownFolder] });
  let other: RemoteHost | undefined;
  let makerStopped = false;
  try {
    other = await startRemoteHost({ ownFolders: [ownFolder] });
    await maker.stop();
    makerStopped = true;
    expect(await maker.leftovers()).toEqual([]);
    expect(existsSync(ownFolder)).toBe(true);
    expect((await other.exec(["sh", "-c", `mkdir -p ${ownFolder}/repos && touch ${ownFolder}/repos/mark && ls ${ownFolder}/repos`])).stdout).toBe("mark\n");
    expect(readdirSync(ownFolder)).toEqual([".made-by-dusty-remote-host"]);
  } finally {
    if (!makerStopped) await maker.stop();
    await other?.stop();
  }
  // The last host that used it removed it.
  expect(existsSync(ownFolder)).toBe(false);
  expect(await other.leftovers()).toEqual([]);
});
