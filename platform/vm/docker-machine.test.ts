// docker-machine and VirtualBox cannot run on Linux, so these tests drive the driver with the recorder and
// assert the exact argv lists Dusty ran.
import { afterEach, beforeEach, expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { makeTempDir } from "../../test/git-fixtures.ts";
import { IP_ADDR, SHOWVMINFO } from "./_canned-output.ts";
import { BOOT2DOCKER_ISO_URL, createDockerMachineHost } from "./docker-machine.ts";
import { createRecorder, type CannedReply } from "./recorder.ts";

const AS_AL = ["sudo", "-u", "al", "-H", "--"];
const VBOX = [...AS_AL, "VBoxManage"];
const MACHINE = [...AS_AL, "docker-machine"];
const KEY = "/Users/al/.docker/machine/machines/dusty/id_rsa";
const SSH = ["ssh", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-i", KEY];
const IN_VM = [...AS_AL, ...SSH, "docker@192.168.99.101"];
const SHOWVMINFO_CALL = [...VBOX, "showvminfo", "--machinereadable", "dusty"];
const IP_CALLS = [SHOWVMINFO_CALL, [...AS_AL, ...SSH, "-p", "50322", "docker@127.0.0.1", "ip addr show"]];
const LISTED = '"boot2docker-vm" {0f1e}\n"dusty" {9e2b}\n';

let temp: ReturnType<typeof makeTempDir>;
beforeEach(() => (temp = makeTempDir("dusty-machine-")));
afterEach(() => temp.remove());

/** A VM in the given state; `extra` replies come first. */
function driver(state: { exists: boolean; running: boolean; nictype?: string }, extra: CannedReply[] = []) {
  const recorder = createRecorder([
    ...extra,
    { argv: [...VBOX, "list", "vms"], stdout: state.exists ? LISTED : '"boot2docker-vm" {0f1e}\n' },
    { argv: [...VBOX, "list", "runningvms"], stdout: state.running ? LISTED : "" },
    { argv: SHOWVMINFO_CALL, stdout: SHOWVMINFO.replace('nictype1="82540EM"', `nictype1="${state.nictype ?? "82540EM"}"`) },
    { argv: IP_CALLS[1]!, stdout: IP_ADDR },
  ]);
  return { recorder, host: createDockerMachineHost({ runner: recorder.run, user: "al", memoryMb: 4096 }) };
}

const START_CALLS = [
  [...VBOX, "modifyvm", "dusty", "--natdnshostresolver1", "on"],
  [...VBOX, "modifyvm", "dusty", "--natnet1", "10.174.249/24"],
  [...MACHINE, "start", "dusty"],
  ...IP_CALLS,
  [...IN_VM, "which rsync || tce-load -wi rsync || tce-load -wi rsync"],
  [...IN_VM, "if [ ! -d /mnt/sda1/persist ]; then sudo mkdir /mnt/sda1/persist; fi"],
  [...IN_VM, "if [ ! -d /persist ]; then sudo ln -s /mnt/sda1/persist /persist; fi"],
  [...IN_VM, "if [ ! -d /cp ]; then sudo mkdir /cp; fi"],
  [...IN_VM, "if [ ! -d /persist/dusty_assets ]; then sudo mkdir /persist/dusty_assets; fi"],
];

test("ensureUp() on a fresh machine: create with the pinned ISO and NIC type, start, then the initialize extras", async () => {
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
  ]);
  expect(BOOT2DOCKER_ISO_URL).toBe("https://github.com/boot2docker/boot2docker/releases/download/v18.06.1-ce/boot2docker.iso");
  expect(log).toEqual(["Initializing new Dusty VM with Docker Machine", "Starting docker-machine VM dusty"]);
});

test("ensureUp() on a running machine only checks it", async () => {
  const { recorder, host } = driver({ exists: true, running: true });
  await host.ensureUp(() => {});
  expect(recorder.calls).toEqual([[...VBOX, "list", "vms"], SHOWVMINFO_CALL, [...VBOX, "list", "runningvms"]]);
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
  ]);
  expect(log).toEqual([
    "Stopping Dusty VM to apply NIC fix for faster networking performance",
    "Setting NIC 1 to use PCnet-FAST III",
    "Starting docker-machine VM dusty",
  ]);
});

test("hostAddress() asks the VM for its host-only NIC's address, and falls back to `docker-machine ip`", async () => {
  const { recorder, host } = driver({ exists: true, running: true });
  expect(await host.hostAddress()).toBe("192.168.99.101");
  expect(await host.hostAddress()).toBe("192.168.99.101");
  expect(recorder.calls).toEqual(IP_CALLS);

  const broken = driver({ exists: true, running: true }, [
    { argv: IP_CALLS[1]!, exitCode: 255, stderr: "ssh: connect to host 127.0.0.1 port 50322: Connection refused\n" },
    { argv: [...MACHINE, "ip", "dusty"], stdout: "192.168.99.100\n" },
  ]);
  expect(await broken.host.hostAddress()).toBe("192.168.99.100");
  expect(broken.recorder.calls).toEqual([...IP_CALLS, [...MACHINE, "ip", "dusty"]]);
});

test("dockerEnv() parses `docker-machine env dusty --shell bash`", async () => {
  const env = 'export DOCKER_TLS_VERIFY="1"\nexport DOCKER_HOST="tcp://192.168.99.101:2376"\nexport DOCKER_CERT_PATH="/Users/al/.docker/machine/machines/dusty"\nexport DOCKER_MACHINE_NAME="dusty"\n# Run this command to configure your shell: \n# eval $(docker-machine env dusty --shell bash)\n';
  const { recorder, host } = driver({ exists: true, running: true }, [{ argv: [...MACHINE, "env", "dusty", "--shell", "bash"], stdout: env }]);
  expect(await host.dockerEnv()).toEqual({
    DOCKER_TLS_VERIFY: "1",
    DOCKER_HOST: "tcp://192.168.99.101:2376",
    DOCKER_CERT_PATH: "/Users/al/.docker/machine/machines/dusty",
    DOCKER_MACHINE_NAME: "dusty",
  });
  expect(recorder.calls).toEqual([[...MACHINE, "env", "dusty", "--shell", "bash"]]);
});

test("syncIn() makes the folder over ssh and rsyncs with docker-machine's key to docker@<vm ip>", async () => {
  const repo = join(temp.path, "web");
  mkdirSync(repo);
  const { recorder, host } = driver({ exists: true, running: true });
  await host.syncIn(repo, "/persist/repos/github.com/org/web", { excludeNestedGit: true });
  expect(recorder.calls).toEqual([
    ...IP_CALLS,
    [...IN_VM, "sudo mkdir -p /persist/repos/github.com/org/web; sudo chown -R docker /persist/repos/github.com/org/web"],
    [
      "rsync", "-e", `ssh -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -i ${KEY}`,
      "-az", "--delete", "--force", "--rsync-path", "sudo rsync", "--exclude", "*/.git",
      `${repo}/`, "docker@192.168.99.101:/persist/repos/github.com/org/web",
    ],
  ]);
});

test("diskUsage() runs `df -h /mnt/sda1 | grep /dev/sda1` over ssh; low when free is in K", async () => {
  const df = [...IN_VM, "df -h /mnt/sda1 | grep /dev/sda1"];
  const { recorder, host } = driver({ exists: true, running: true }, [{ argv: df, stdout: "/dev/sda1  18.2G  18.1G  840.0K 100% /mnt/sda1\n" }]);
  expect(await host.diskUsage()).toEqual({ total: "18.2G", used: "18.1G", free: "840.0K", usagePercent: "100%", low: true });
  expect(recorder.calls).toEqual([...IP_CALLS, df]);
});

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
