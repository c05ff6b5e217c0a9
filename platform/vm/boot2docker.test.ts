// boot2docker and VirtualBox cannot run on Linux, so the VM's lifecycle goes through the recorder and
// these tests assert the exact argv lists Dusty ran; everything after "the VM is up" runs for real
// against a namespace host standing in for the VM (test/vm-stand-in.ts): the recorder's
// `boot2docker ip` answers with its address and the VM's host keys with its key.
import { afterAll, afterEach, beforeAll, beforeEach, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeTempDir } from "../../test/git-fixtures.ts";
import { startVmStandIn, type VmStandIn } from "../../test/vm-stand-in.ts";
import { UserError } from "../errors.ts";
import { CommandFailedError, run } from "../run.ts";
import { BUSYBOX_IMAGE, ensureTestImages } from "../test-images.ts";
import { HOST_KEYS_COMMAND } from "./_vm-remote.ts";
import { BOOT2DOCKER_VM, createBoot2dockerHost } from "./boot2docker.ts";
import { createRecorder, type CannedReply } from "./recorder.ts";

const AS_AL = ["sudo", "-u", "al", "-H", "--"];
const B2D = [...AS_AL, "boot2docker"];
const INIT_EXTRAS = [
  [...B2D, "ssh", "tce-load -wi rsync || tce-load -wi rsync"],
  [...B2D, "ssh", "if [ ! -d /mnt/sda1/persist ]; then sudo mkdir /mnt/sda1/persist; fi"],
  [...B2D, "ssh", "if [ ! -d /persist ]; then sudo ln -s /mnt/sda1/persist /persist; fi"],
  [...B2D, "ssh", "if [ ! -d /cp ]; then sudo mkdir /cp; fi"],
];
/** After the lifecycle: the VM's address and host keys, asked through boot2docker, then the rest runs over ssh. */
const CONNECT_CALLS = [[...B2D, "ip"], [...B2D, "ssh", HOST_KEYS_COMMAND]];

// Dusty's printf, with the script as printf's argument and `$` escaped so the VM's shell keeps it.
const CERT_HACK = `sudo sh -c 'printf "%s" "wait4eth1() {\n  CNT=0\n  until ip a show eth1 | grep -q UP; do\n    [ \\$CNT -ge 60 ] && break\n    CNT=\\$((CNT + 1))\n    sleep 1\n  done\n  sleep 1\n}\nwait4eth1\n" > /var/lib/boot2docker/profile'`;

let vm: VmStandIn;
beforeAll(async () => {
  await ensureTestImages();
  vm = await startVmStandIn(".ssh/id_boot2docker");
});
const opened: ReturnType<typeof createBoot2dockerHost>[] = [];
afterAll(async () => {
  for (const host of opened) await host.shutdown!(() => {}).catch(() => {});
  await vm?.stop();
});

let temp: ReturnType<typeof makeTempDir>;
beforeEach(() => (temp = makeTempDir("dusty-b2d-")));
afterEach(() => temp.remove());

/** The driver with the recorder standing in for boot2docker and VBoxManage; `script` replies come first. */
function driver(script: CannedReply[] = [], hostKeys = vm.hostKeysOutput) {
  const recorder = createRecorder([
    ...script,
    { argv: [...B2D, "ip"], stdout: `${vm.host.address}\n` },
    { argv: [...B2D, "ssh", HOST_KEYS_COMMAND], stdout: hostKeys },
    // `shutdown()` in afterAll: the stand-in's connection ends, the recorder's "VM" stops.
    { argv: [...B2D, "status"], stdout: "running\n" },
  ]);
  const host = createBoot2dockerHost({ runner: recorder.run, user: "al", memoryMb: "4096", home: vm.home, controlDir: vm.controlDir });
  opened.push(host);
  return { recorder, host };
}

test("ensureUp() on a fresh VM: init, memory, start, the 1.7 cert hack, rsync, /persist and /cp", async () => {
  const { recorder, host } = driver([
    { argv: [...B2D, "ssh", "test -f /var/lib/boot2docker/profile"], exitCode: 1 },
    { argv: [...B2D, "start"], stdout: "Waiting for VM and Docker daemon to start...\nStarted.\n" },
  ]);
  const log: string[] = [];
  await host.ensureUp((line) => log.push(line));
  const hack = recorder.calls[4]!;
  expect(recorder.calls).toEqual([
    [...B2D, "init"],
    [...AS_AL, "VBoxManage", "modifyvm", "boot2docker-vm", "--memory", "4096"],
    [...B2D, "start"],
    [...B2D, "ssh", "test -f /var/lib/boot2docker/profile"],
    [...B2D, "ssh", CERT_HACK],
    [...B2D, "ssh", "sudo /etc/init.d/docker restart"],
    ...INIT_EXTRAS,
    ...CONNECT_CALLS,
  ]);
  expect(log).toEqual([
    "Waiting for VM and Docker daemon to start...",
    "Started.",
    "Applying boot2docker 1.7 cert hack",
    `Connected to the Dusty VM boot2docker-vm as docker@${vm.host.address}`,
    expect.stringMatching(new RegExp(`^Docker Engine \\S+ is running on docker@${vm.host.address.replaceAll(".", "\\.")}$`)),
  ]);

  // The profile command, run here by a real shell (without sudo, into a temp file), writes valid shell
  // that keeps $((…)) for boot2docker to evaluate at boot, which Dusty's unescaped printf lost.
  const profile = join(temp.path, "profile");
  const command = hack.at(-1)!.replace(/^sudo sh -c /, "sh -c ").replace("/var/lib/boot2docker/profile", profile);
  expect(command).not.toBe(hack.at(-1));
  expect((await run(["sh", "-c", command])).exitCode).toBe(0);
  const text = readFileSync(profile, "utf8");
  expect(text).toContain("wait4eth1() {");
  expect(text).toContain("CNT=$((CNT + 1))");
  expect(text.trimEnd().endsWith("wait4eth1")).toBe(true);
  expect((await run(["sh", "-n", profile])).exitCode).toBe(0);
});

test("ensureUp() on a running VM skips the cert hack and ignores a failing modifyvm", async () => {
  const { recorder, host } = driver([{ argv: (argv) => argv.includes("modifyvm"), exitCode: 1, stderr: "VBoxManage: error: locked\n" }]);
  await host.ensureUp(() => {});
  expect(recorder.calls).toEqual([
    [...B2D, "init"],
    [...AS_AL, "VBoxManage", "modifyvm", "boot2docker-vm", "--memory", "4096"],
    [...B2D, "start"],
    [...B2D, "ssh", "test -f /var/lib/boot2docker/profile"],
    ...INIT_EXTRAS,
    ...CONNECT_CALLS,
  ]);
});

test("ensureUp() stops at a failing boot2docker start with its output", async () => {
  const { recorder, host } = driver([{ argv: [...B2D, "start"], exitCode: 1, stderr: "error in run: Failed to start machine\n" }]);
  const error = await host.ensureUp(() => {}).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(CommandFailedError);
  expect((error as Error).message).toContain("Failed to start machine");
  expect(recorder.calls).toHaveLength(3);
});

test("hostAddress() is `boot2docker ip` without the trailing newline", async () => {
  const { recorder, host } = driver([{ argv: [...B2D, "ip"], stdout: "192.168.59.103\n" }]);
  expect(await host.hostAddress()).toBe("192.168.59.103");
  expect(recorder.calls).toEqual([[...B2D, "ip"]]);
});

test("without a user, nothing is demoted", async () => {
  const recorder = createRecorder([{ argv: ["boot2docker", "ip"], stdout: "192.168.59.103\n" }]);
  const host = createBoot2dockerHost({ runner: recorder.run, home: "/Users/al" });
  expect(await host.hostAddress()).toBe("192.168.59.103");
  expect(host.paths()).toEqual({
    reposDir: "/persist/repos",
    commandFilesDir: "/command_files",
    cpDir: "/cp",
    assetsDir: "/persist/dusty_assets",
    nginxDir: "/persist/dustyNginx",
  });
});

test("shutdown() stops a running VM and says so; a powered-off one is left alone", async () => {
  const running = driver([{ argv: [...B2D, "status"], stdout: "running\n" }]);
  const log: string[] = [];
  await running.host.shutdown!((line) => log.push(line));
  expect(running.recorder.calls).toEqual([[...B2D, "status"], [...B2D, "stop"]]);
  expect(log).toEqual(["Shutting down Dusty VM", "Dusty VM was shut down"]);

  const stopped = driver([{ argv: [...B2D, "status"], stdout: "poweroff\n" }]);
  const said: string[] = [];
  await stopped.host.shutdown!((line) => said.push(line));
  expect(stopped.recorder.calls).toEqual([[...B2D, "status"]]);
  expect(said).toEqual(["Dusty VM is already shut down"]);
});

// From here on: what runs once the VM is up, for real against the stand-in.

test("ensureUp() pins the VM's reported host key for its address; the engine answering through the forward is the VM's", async () => {
  const { host } = driver();
  await host.ensureUp(() => {});
  expect(readFileSync(join(vm.controlDir, `${BOOT2DOCKER_VM}.known_hosts`), "utf8")).toBe(`${vm.host.address} ${vm.host.hostKeyLine}\n`);
  // Whoever could change that file could pose as the VM: it lives in the root-only control folder.
  expect(statSync(vm.controlDir).mode & 0o777).toBe(0o700);
  const config = readFileSync(join(vm.controlDir, `${BOOT2DOCKER_VM}.ssh_config`), "utf8");
  expect(config).toContain("StrictHostKeyChecking yes");
  expect(config).not.toMatch(/StrictHostKeyChecking\s*=?\s*no/i);
  const env = await host.dockerEnv();
  expect(Object.keys(env)).toEqual(["DOCKER_HOST"]);
  expect(env.DOCKER_HOST).toStartWith(`unix://${vm.controlDir}/`);
  const rootDir = (await run(["docker", "info", "--format", "{{.DockerRootDir}}"], { env })).stdout.trim();
  expect(rootDir).toBe((await vm.host.docker(["info", "--format", "{{.DockerRootDir}}"])).stdout.trim());
  expect(rootDir).not.toBe((await run(["docker", "info", "--format", "{{.DockerRootDir}}"])).stdout.trim());
});

test("ensureUp() refuses an sshd at the VM's address whose key is not the one the VM reported", async () => {
  const other = join(temp.path, "other_key");
  await run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", other]);
  const { host } = driver([], readFileSync(`${other}.pub`, "utf8"));
  const error = await host.ensureUp(() => {}).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(UserError);
  expect((error as Error).message).toStartWith(
    `Cannot connect to the Dusty VM boot2docker-vm at ${vm.host.address}: the ssh server there does not have the host key the VM reported`,
  );
  // A VM that prints no key at all is not connected to either.
  const silent = driver([], "cat: /usr/local/etc/ssh/ssh_host_*_key.pub: No such file or directory\n");
  await expect(silent.host.ensureUp(() => {})).rejects.toThrow("Cannot check the identity of the Dusty VM boot2docker-vm: it printed no ssh host key");
  // The VM's real key again: the next ensureUp connects.
  await driver().host.ensureUp(() => {});
});

test("a new driver (as each daemon command makes) reaches the VM with the pinned key; without one it says to run up", async () => {
  await driver().host.ensureUp(() => {});
  const later = driver();
  expect((await later.host.runOnHost(["id", "-u"])).stdout).toBe("0\n"); // dusty's work in the VM runs through sudo
  expect((await run(["docker", "version", "--format", "{{.Server.Version}}"], { env: await later.host.dockerEnv() })).exitCode).toBe(0);
  const recorder = createRecorder([{ argv: [...B2D, "ip"], stdout: `${vm.host.address}\n` }]);
  const fresh = createBoot2dockerHost({ runner: recorder.run, user: "al", home: vm.home, controlDir: join(temp.path, "ssh") });
  await expect(fresh.dockerEnv()).rejects.toThrow(
    `Cannot reach the Dusty VM boot2docker-vm at ${vm.host.address}: its ssh host key is not recorded yet. Run \`dusty up\`, which starts the VM and records its key`,
  );
});

test("syncIn() of a folder lands in the VM as root's files; a local delete and syncIn remove it there; syncOut() brings it back", async () => {
  const { host } = driver();
  await host.ensureUp(() => {});
  const repo = join(vm.clientDir, "my repo");
  mkdirSync(join(repo, "lib/.git"), { recursive: true });
  writeFileSync(join(repo, "keep.txt"), "keep\n");
  writeFileSync(join(repo, "gone.txt"), "gone\n");
  writeFileSync(join(repo, "lib/.git/HEAD"), "nested\n");
  const dest = "/persist/repos/github.com/org/web";
  const listing = async () => (await vm.host.exec(["find", dest, "-type", "f", "-printf", "%u %P\n"])).stdout.split("\n").filter(Boolean).sort();
  try {
    await host.syncIn(repo, dest, { excludeNestedGit: true });
    expect(await listing()).toEqual(["root gone.txt", "root keep.txt"]);
    rmSync(join(repo, "gone.txt"));
    await host.syncIn(repo, dest, { excludeNestedGit: true });
    expect(await listing()).toEqual(["root keep.txt"]);
    // A single file (nginx.conf) lands at exactly the path given, its folder made.
    await host.syncIn(join(repo, "keep.txt"), "/persist/dustyNginx/dustyNginx.conf", { delete: false });
    expect((await vm.host.exec(["cat", "/persist/dustyNginx/dustyNginx.conf"])).stdout).toBe("keep\n");
    const back = join(temp.path, "back");
    await host.syncOut(dest, back);
    expect(readFileSync(join(back, "keep.txt"), "utf8")).toBe("keep\n");
    expect(existsSync(join(back, "gone.txt"))).toBe(false);
    await expect(host.syncIn(join(temp.path, "missing"), "/cp/x")).rejects.toThrow(UserError);
    await expect(host.syncIn(repo, "/etc/dusty")).rejects.toThrow(/outside dusty's folders/);
  } finally {
    await vm.host.exec(["rm", "-rf", "/persist/repos", "/persist/dustyNginx"]);
  }
});

test("diskUsage() reads the VM's /persist", async () => {
  const { host } = driver();
  await host.ensureUp(() => {});
  const there = (await vm.host.exec(["df", "-P", "-h", "/persist"])).stdout.trim().split("\n")[1]!.split(/\s+/);
  expect(await host.diskUsage()).toMatchObject({ total: there[1], usagePercent: there[4] });
});

test("a container started through dockerEnv() runs on the VM's engine, not the local one", async () => {
  const { host } = driver();
  await host.ensureUp(() => {});
  await vm.host.loadImage(BUSYBOX_IMAGE);
  const name = `dusty-b2d-test-${crypto.randomUUID().slice(0, 8)}`;
  const env = await host.dockerEnv();
  expect((await run(["docker", "run", "-d", "--name", name, BUSYBOX_IMAGE, "sleep", "600"], { env })).exitCode).toBe(0);
  try {
    expect((await vm.host.docker(["ps", "-q", "--filter", `name=${name}`])).stdout).not.toBe("");
    expect((await run(["docker", "ps", "-aq", "--filter", `name=${name}`])).stdout).toBe("");
  } finally {
    expect((await run(["docker", "rm", "-f", name], { env })).exitCode).toBe(0);
  }
});
