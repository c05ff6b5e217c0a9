import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureTestImages, BUSYBOX_IMAGE } from "../platform/test-images.ts";
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
