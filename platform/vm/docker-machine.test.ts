// docker-machine and VirtualBox cannot run on Linux, so the VM's lifecycle goes through the recorder and
// these tests assert the exact argv lists Dusty ran; everything after "the VM is up" runs for real
// against a namespace host standing in for the VM (test/vm-stand-in.ts): the recorder's VBoxManage and
// `ip addr show` answers give its address, `docker-machine ssh dusty` its host key.
import { afterAll, afterEach, beforeAll, beforeEach, expect, test } from "bun:test";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeTempDir } from "../../test/git-fixtures.ts";
import { startVmStandIn, type VmStandIn } from "../../test/vm-stand-in.ts";
import { detectCompose } from "../compose.ts";
import { run } from "../run.ts";
import { BUSYBOX_IMAGE, ensureTestImages } from "../test-images.ts";
import { IP_ADDR, SHOWVMINFO } from "./_canned-output.ts";
import { HOST_KEYS_COMMAND } from "./_vm-remote.ts";
import { BOOT2DOCKER_ISO_URL, createDockerMachineHost } from "./docker-machine.ts";
import { createRecorder, type CannedReply } from "./recorder.ts";

const AS_AL = ["sudo", "-u", "al", "-H", "--"];
const VBOX = [...AS_AL, "VBoxManage"];
const MACHINE = [...AS_AL, "docker-machine"];
const KEY_PATH = ".docker/machine/machines/dusty/id_rsa";
const SHOWVMINFO_CALL = [...VBOX, "showvminfo", "--machinereadable", "dusty"];
const LISTED = '"boot2docker-vm" {0f1e}\n"dusty" {9e2b}\n';
const HOST_KEYS_CALL = [...MACHINE, "ssh", "dusty", HOST_KEYS_COMMAND];

let vm: VmStandIn;
let IP_CALLS: string[][];
/** After the lifecycle: the VM's host keys through docker-machine, then its address as Dusty found it. */
let CONNECT_CALLS: string[][];
beforeAll(async () => {
  await ensureTestImages();
  vm = await startVmStandIn(KEY_PATH);
  // The VM's disk, where the initialize extras make /mnt/sda1/persist.
  await vm.host.exec(["mkdir", "-p", "/mnt/sda1"]);
  const nat = ["ssh", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-i", join(vm.home, KEY_PATH)];
  IP_CALLS = [SHOWVMINFO_CALL, [...AS_AL, ...nat, "-p", "50322", "docker@127.0.0.1", "ip addr show"]];
  CONNECT_CALLS = [HOST_KEYS_CALL, ...IP_CALLS];
});
const opened: ReturnType<typeof createDockerMachineHost>[] = [];
afterAll(async () => {
  for (const host of opened) await host.shutdown!(() => {}).catch(() => {});
  await vm?.stop();
});

let temp: ReturnType<typeof makeTempDir>;
beforeEach(() => (temp = makeTempDir("dusty-machine-")));
afterEach(() => temp.remove());

/** A VM in the given state, at the stand-in's address; `extra` replies come first. */
function driver(state: { exists: boolean; running: boolean; nictype?: string }, extra: CannedReply[] = []) {
  const recorder = createRecorder([
    ...extra,
    { argv: [...VBOX, "list", "vms"], stdout: state.exists ? LISTED : '"boot2docker-vm" {0f1e}\n' },
    { argv: [...VBOX, "list", "runningvms"], stdout: state.running ? LISTED : "" },
    { argv: SHOWVMINFO_CALL, stdout: SHOWVMINFO.replace('nictype1="82540EM"', `nictype1="${state.nictype ?? "82540EM"}"`) },
    { argv: IP_CALLS[1]!, stdout: IP_ADDR.replace("192.168.99.101", vm.host.address) },
    { argv: HOST_KEYS_CALL, stdout: vm.hostKeysOutput },
  ]);
  const host = createDockerMachineHost({ runner: recorder.run, user: "al", memoryMb: 4096, home: vm.home, controlDir: vm.controlDir });
  opened.push(host);
  return { recorder, host };
}

const START_CALLS = [
  [...VBOX, "modifyvm", "dusty", "--natdnshostresolver1", "on"],
  [...VBOX, "modifyvm", "dusty", "--natnet1", "10.174.249/24"],
  [...MACHINE, "start", "dusty"],
];

test("ensureUp() on a fresh machine: create with the pinned ISO and NIC type, start, then the initialize extras over ssh", async () => {
  await vm.host.exec(["rm", "-rf", "/mnt/sda1/persist", "/persist/dusty_assets"]);
  const { recorder, host } = driver({ exists: false, running: false });
  const log: string[] = [];
  await host.ensureUp((line) => log.push(line));
  expect(recorder.calls).toEqual([
    [...VBOX, "list", "vms"],
    [
      ...MACHINE, "create", "--driver", "virtualbox", "--virtualbox-cpu-count", "-1",
      "--virtualbox-boot2docker-url", BOOT2DOCKER_ISO_URL, "--virtualbox-memory", "4096",
      "--virtualbox-hostonly-nictype", "82540EM", "dusty",
    ],
    SHOWVMINFO_CALL,
    [...VBOX, "list", "runningvms"],
    ...START_CALLS,
    ...CONNECT_CALLS,
  ]);
  expect(BOOT2DOCKER_ISO_URL).toBe("https://github.com/boot2docker/boot2docker/releases/download/v18.06.1-ce/boot2docker.iso");
  expect(log.filter((line) => !line.startsWith("/"))).toEqual([
    "Initializing new Dusty VM with Docker Machine",
    "Starting docker-machine VM dusty",
    `Connected to the Dusty VM dusty as docker@${vm.host.address}`,
    expect.stringMatching(/^Docker Engine \S+ is running on docker@/),
  ]);
  // The initialize extras ran in the VM over the checked connection: rsync was there, the folders are made.
  expect(log).toContain("/usr/bin/rsync");
  expect((await vm.host.exec(["test", "-d", "/mnt/sda1/persist"])).exitCode).toBe(0);
  expect((await vm.host.exec(["stat", "-c", "%U", "/persist/dusty_assets"])).stdout).toBe("root\n");
});

test("ensureUp() on a machine that `docker-machine create` left running: no start, but the initialize extras run", async () => {
  await vm.host.exec(["rm", "-rf", "/mnt/sda1/persist", "/persist/dusty_assets"]);
  // Unlike the recorder's other fresh VMs, this one is as docker-machine leaves it: created and booted.
  const { recorder, host } = driver({ exists: false, running: false }, [{ argv: [...VBOX, "list", "runningvms"], stdout: LISTED }]);
  const log: string[] = [];
  await host.ensureUp((line) => log.push(line));
  expect(recorder.calls).toEqual([
    [...VBOX, "list", "vms"],
    expect.arrayContaining([...MACHINE, "create", "dusty"]),
    SHOWVMINFO_CALL,
    [...VBOX, "list", "runningvms"],
    ...CONNECT_CALLS,
  ]);
  expect(log).not.toContain("Starting docker-machine VM dusty");
  expect(log).toContain("/usr/bin/rsync");
  expect((await vm.host.exec(["test", "-d", "/mnt/sda1/persist"])).exitCode).toBe(0);
  expect((await vm.host.exec(["test", "-d", "/persist/dusty_assets"])).exitCode).toBe(0);
});

test("ensureUp() on a running machine only checks it, then connects", async () => {
  const { recorder, host } = driver({ exists: true, running: true });
  await host.ensureUp(() => {});
  expect(recorder.calls).toEqual([[...VBOX, "list", "vms"], SHOWVMINFO_CALL, [...VBOX, "list", "runningvms"], ...CONNECT_CALLS]);
});

test("ensureUp() applies the NIC fix to a running virtio machine: stop, set NIC 1, start again", async () => {
  const { recorder, host } = driver({ exists: true, running: true, nictype: "virtio" });
  const log: string[] = [];
  await host.ensureUp((line) => log.push(line));
  expect(recorder.calls).toEqual([
    [...VBOX, "list", "vms"],
    SHOWVMINFO_CALL,
    [...VBOX, "list", "runningvms"],
    [...MACHINE, "stop", "dusty"],
    [...VBOX, "modifyvm", "dusty", "--nictype1", "82540EM"],
    ...START_CALLS,
    ...CONNECT_CALLS,
  ]);
  expect(log.slice(0, 3)).toEqual([
    "Stopping Dusty VM to apply NIC fix for faster networking performance",
    "Setting NIC 1 to use PCnet-FAST III",
    "Starting docker-machine VM dusty",
  ]);
});

test("hostAddress() asks the VM for its host-only NIC's address, and falls back to `docker-machine ip`", async () => {
  const { recorder, host } = driver({ exists: true, running: true });
  expect(await host.hostAddress()).toBe(vm.host.address);
  expect(await host.hostAddress()).toBe(vm.host.address);
  expect(recorder.calls).toEqual(IP_CALLS);

  const broken = driver({ exists: true, running: true }, [
    { argv: IP_CALLS[1]!, exitCode: 255, stderr: "ssh: connect to host 127.0.0.1 port 50322: Connection refused\n" },
    { argv: [...MACHINE, "ip", "dusty"], stdout: "192.168.99.100\n" },
  ]);
  expect(await broken.host.hostAddress()).toBe("192.168.99.100");
  expect(broken.recorder.calls).toEqual([...IP_CALLS, [...MACHINE, "ip", "dusty"]]);
});

test("dockerEnv() is the connection's forwarded socket: docker answers from the VM's engine, pinned to the key the VM reported", async () => {
  const { host } = driver({ exists: true, running: true });
  await host.ensureUp(() => {});
  expect(readFileSync(join(vm.controlDir, "dusty.known_hosts"), "utf8")).toBe(`${vm.host.address} ${vm.host.hostKeyLine}\n`);
  const env = await host.dockerEnv();
  expect(env).toEqual({ DOCKER_HOST: expect.stringMatching(new RegExp(`^unix://${vm.controlDir}/\\w+\\.docker\\.sock$`)) });
  const rootDir = (await run(["docker", "info", "--format", "{{.DockerRootDir}}"], { env })).stdout.trim();
  expect(rootDir).toBe((await vm.host.docker(["info", "--format", "{{.DockerRootDir}}"])).stdout.trim());
  expect(rootDir).not.toBe((await run(["docker", "info", "--format", "{{.DockerRootDir}}"])).stdout.trim());
});

test("syncIn() mirrors a folder at docker@<vm ip>, a local delete included; runOnHost() works there as root", async () => {
  const { host } = driver({ exists: true, running: true });
  await host.ensureUp(() => {});
  const repo = join(vm.clientDir, "web");
  mkdirSync(repo, { recursive: true });
  writeFileSync(join(repo, "index.html"), "<h1>web</h1>\n");
  writeFileSync(join(repo, "old.css"), "body {}\n");
  const dest = "/persist/repos/github.com/org/web";
  const ls = async () => (await host.runOnHost(["ls", "-A", dest])).stdout.split("\n").filter(Boolean);
  try {
    await host.syncIn(repo, dest, { excludeNestedGit: true });
    expect(await ls()).toEqual(["index.html", "old.css"]);
    rmSync(join(repo, "old.css"));
    await host.syncIn(repo, dest, { excludeNestedGit: true });
    expect(await ls()).toEqual(["index.html"]);
    expect((await vm.host.exec(["cat", join(dest, "index.html")])).stdout).toBe("<h1>web</h1>\n");
  } finally {
    await vm.host.exec(["rm", "-rf", "/persist/repos"]);
  }
});

test("diskUsage() reads the VM's /persist", async () => {
  const { host } = driver({ exists: true, running: true });
  await host.ensureUp(() => {});
  const there = (await vm.host.exec(["df", "-P", "-h", "/persist"])).stdout.trim().split("\n")[1]!.split(/\s+/);
  expect(await host.diskUsage()).toMatchObject({ total: there[1], used: there[2], usagePercent: there[4] });
});

// ensure-docker.sh installs Compose v2 when Debian's archive has it; without it only v1 runs.
const hasComposeV2 = Bun.spawnSync(["docker", "compose", "version"], { stdout: "ignore", stderr: "ignore" }).exitCode === 0;
for (const preference of ["docker-compose", "docker compose"] as const) {
  test.skipIf(preference === "docker compose" && !hasComposeV2)(`${preference} up of a tiny project through dockerEnv() runs it on the VM's engine, none of it on the local one`, async () => {
    const { host } = driver({ exists: true, running: true });
    await host.ensureUp(() => {});
    await vm.host.loadImage(BUSYBOX_IMAGE);
    const compose = await detectCompose(preference);
    const project = `dustymachinetest${compose.kind}${crypto.randomUUID().slice(0, 6)}`;
    const file = join(vm.clientDir, `${project}.yml`);
    writeFileSync(file, ["services:", "  web:", `    image: ${BUSYBOX_IMAGE}`, '    command: ["sleep", "600"]', ""].join("\n"));
    const env = await host.dockerEnv();
    const label = `label=com.docker.compose.project=${project}`;
    try {
      expect((await run(compose.argv(file, project, "up", "-d"), { env })).exitCode).toBe(0);
      expect((await vm.host.docker(["ps", "-q", "--filter", label])).stdout.trim()).not.toBe("");
      expect((await run(["docker", "ps", "-aq", "--filter", label])).stdout).toBe("");
    } finally {
      expect((await run(compose.argv(file, project, "down", "-v", "-t", "0"), { env })).exitCode).toBe(0);
    }
    expect((await vm.host.docker(["ps", "-aq", "--filter", label])).stdout).toBe("");
  });
}

test("shutdown() stops a running machine and says so; a stopped one is left alone", async () => {
  const running = driver({ exists: true, running: true });
  const log: string[] = [];
  await running.host.shutdown!((line) => log.push(line));
  expect(running.recorder.calls).toEqual([[...VBOX, "list", "runningvms"], [...MACHINE, "stop", "dusty"]]);
  expect(log).toEqual(["Shutting down Dusty VM", "Dusty VM was shut down"]);

  const stopped = driver({ exists: true, running: false });
  const said: string[] = [];
  await stopped.host.shutdown!((line) => said.push(line));
  expect(stopped.recorder.calls).toEqual([[...VBOX, "list", "runningvms"]]);
  expect(said).toEqual(["Dusty VM is already shut down"]);
});

test("doctor() shuts down, deletes the host-only interface, starts, regenerates certs and shuts down again", async () => {
  const runningvms = [...VBOX, "list", "runningvms"];
  // Running, then stopped once shut down (ensureUp's check), then running again after the start.
  const { recorder, host } = driver({ exists: true, running: true }, [
    { argv: runningvms, stdout: LISTED, once: true },
    { argv: runningvms, stdout: "", once: true },
  ]);
  const log: string[] = [];
  await host.doctor!((line) => log.push(line));
  expect(recorder.calls).toEqual([
    SHOWVMINFO_CALL,
    runningvms,
    [...MACHINE, "stop", "dusty"],
    [...VBOX, "hostonlyif", "remove", "vboxnet1"],
    [...VBOX, "list", "vms"],
    SHOWVMINFO_CALL,
    runningvms,
    ...START_CALLS,
    ...CONNECT_CALLS,
    [...MACHINE, "regenerate-certs", "-f", "dusty"],
    runningvms,
    [...MACHINE, "stop", "dusty"],
  ]);
  expect(log).toEqual([
    "Shutting down Dusty VM to perform remedial operations",
    "Shutting down Dusty VM",
    "Dusty VM was shut down",
    "Deleting host-only interface vboxnet1",
    "Starting docker-machine VM dusty",
    `Connected to the Dusty VM dusty as docker@${vm.host.address}`,
    "/usr/bin/rsync", // the initialize extras' `which rsync`, in the VM
    expect.stringMatching(/^Docker Engine \S+ is running on docker@/),
    "Attempting to regenerate certificates for Dusty VM",
    "Doctor operations successful",
    "Shutting down VM so next dusty up initializes properly",
    "Shutting down Dusty VM",
    "Dusty VM was shut down",
    "Run dusty up to bring up the VM",
  ]);
});

test("doctor() stops at a failing regenerate-certs with its output, before the last shutdown", async () => {
  const runningvms = [...VBOX, "list", "runningvms"];
  const { recorder, host } = driver({ exists: true, running: false }, [
    { argv: [...MACHINE, "regenerate-certs", "-f", "dusty"], exitCode: 1, stderr: "Error: ssh: handshake failed\n" },
  ]);
  const log: string[] = [];
  await expect(host.doctor!((line) => log.push(line))).rejects.toThrow("ssh: handshake failed");
  expect(recorder.calls.at(-1)).toEqual([...MACHINE, "regenerate-certs", "-f", "dusty"]);
  expect(recorder.calls.filter((argv) => argv.join(" ") === runningvms.join(" "))).toHaveLength(2);
  expect(log.slice(0, 3)).toEqual(["Shutting down Dusty VM to perform remedial operations", "Dusty VM is already shut down", "Deleting host-only interface vboxnet1"]);
});
