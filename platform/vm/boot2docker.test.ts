// boot2docker and VirtualBox cannot run on Linux, so these tests drive the driver with the recorder and
// assert the exact argv lists Dusty ran; the rsync and shell parts they build run for real
// in platform/rsync.test.ts and _vm-shell.test.ts.
import { afterEach, beforeEach, expect, test } from "bun:test";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeTempDir } from "../../test/git-fixtures.ts";
import { UserError } from "../errors.ts";
import { CommandFailedError, run } from "../run.ts";
import { createBoot2dockerHost } from "./boot2docker.ts";
import { createRecorder, type CannedReply } from "./recorder.ts";

const AS_AL = ["sudo", "-u", "al", "-H", "--"];
const B2D = [...AS_AL, "boot2docker"];
const RSYNC_SHELL = "ssh -p 2022 -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -i /Users/al/.ssh/id_boot2docker";
const INIT_EXTRAS = [
  [...B2D, "ssh", "tce-load -wi rsync || tce-load -wi rsync"],
  [...B2D, "ssh", "if [ ! -d /mnt/sda1/persist ]; then sudo mkdir /mnt/sda1/persist; fi"],
  [...B2D, "ssh", "if [ ! -d /persist ]; then sudo ln -s /mnt/sda1/persist /persist; fi"],
  [...B2D, "ssh", "if [ ! -d /cp ]; then sudo mkdir /cp; fi"],
];

// Dusty's printf, with the script as printf's argument and `$` escaped so the VM's shell keeps it.
const CERT_HACK = `sudo sh -c 'printf "%s" "wait4eth1() {\n  CNT=0\n  until ip a show eth1 | grep -q UP; do\n    [ \\$CNT -ge 60 ] && break\n    CNT=\\$((CNT + 1))\n    sleep 1\n  done\n  sleep 1\n}\nwait4eth1\n" > /var/lib/boot2docker/profile'`;

let temp: ReturnType<typeof makeTempDir>;
beforeEach(() => (temp = makeTempDir("dusty-b2d-")));
afterEach(() => temp.remove());

function driver(script: CannedReply[] = [], env: Record<string, string> = {}) {
  const recorder = createRecorder(script);
  return { recorder, host: createBoot2dockerHost({ runner: recorder.run, user: "al", memoryMb: "4096", env }) };
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
  ]);
  expect(log).toEqual(["Waiting for VM and Docker daemon to start...", "Started.", "Applying boot2docker 1.7 cert hack"]);

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

test("dockerEnv() parses `boot2docker shellinit`, unless the environment already has all three variables", async () => {
  const shellinit = "    export DOCKER_HOST=tcp://192.168.59.103:2376\n    export DOCKER_CERT_PATH=/Users/al/.boot2docker/certs/boot2docker-vm\n    export DOCKER_TLS_VERIFY=1\n";
  const fresh = driver([{ argv: [...B2D, "shellinit"], stdout: shellinit, stderr: "Writing /Users/al/.boot2docker/certs/boot2docker-vm/ca.pem\n" }], {
    DOCKER_HOST: "tcp://elsewhere:2376",
  });
  expect(await fresh.host.dockerEnv()).toEqual({
    DOCKER_HOST: "tcp://192.168.59.103:2376",
    DOCKER_CERT_PATH: "/Users/al/.boot2docker/certs/boot2docker-vm",
    DOCKER_TLS_VERIFY: "1",
  });
  const preset = { DOCKER_HOST: "tcp://10.0.0.5:2376", DOCKER_CERT_PATH: "/certs", DOCKER_TLS_VERIFY: "1", PATH: "/bin" };
  const set = driver([], preset);
  expect(await set.host.dockerEnv()).toEqual({ DOCKER_HOST: "tcp://10.0.0.5:2376", DOCKER_CERT_PATH: "/certs", DOCKER_TLS_VERIFY: "1" });
  expect(set.recorder.calls).toEqual([]);
});

test("syncIn() of a folder makes the folder in the VM, then rsyncs its contents as root over ssh port 2022", async () => {
  const repo = join(temp.path, "my repo");
  mkdirSync(repo);
  const { recorder, host } = driver();
  await host.syncIn(repo, "/persist/repos/github.com/org/web", { excludeNestedGit: true });
  expect(recorder.calls).toEqual([
    [...B2D, "ssh", "sudo mkdir -p /persist/repos/github.com/org/web; sudo chown -R docker /persist/repos/github.com/org/web"],
    ["rsync", "-e", RSYNC_SHELL, "-az", "--delete", "--force", "--rsync-path", "sudo rsync", "--exclude", "*/.git", `${repo}/`, "docker@localhost:/persist/repos/github.com/org/web"],
  ]);
});

test("syncPathsIn() rsyncs only the listed paths into the VM over ssh, the list on stdin", async () => {
  const repo = join(temp.path, "my repo");
  mkdirSync(repo);
  const { recorder, host } = driver();
  await host.syncPathsIn(repo, "/persist/repos/github.com/org/web", ["index.html", "gone dir"], { excludeNestedGit: true });
  expect(recorder.calls).toEqual([
    ["rsync", "-e", RSYNC_SHELL, "-az", "--recursive", "--ignore-times", "--delete", "--force", "--delete-missing-args", "--from0", "--files-from=-",
      "--rsync-path", "sudo rsync", "--exclude", "*/.git", `${repo}/`, "docker@localhost:/persist/repos/github.com/org/web/"],
  ]);
  expect(recorder.inputs).toEqual(["index.html\0gone dir"]);
});

test("syncIn() of a file makes its parent in the VM; asUser demotes rsync too", async () => {
  const file = join(temp.path, "nginx.conf");
  writeFileSync(file, "events {}\n");
  const { recorder, host } = driver();
  await host.syncIn(file, "/persist/dustyNginx/dustyNginx.conf", { asUser: true, delete: false });
  expect(recorder.calls).toEqual([
    [...B2D, "ssh", "sudo mkdir -p /persist/dustyNginx; sudo chown -R docker /persist/dustyNginx"],
    [...AS_AL, "rsync", "-e", RSYNC_SHELL, "-az", "--force", "--rsync-path", "sudo rsync", file, "docker@localhost:/persist/dustyNginx/dustyNginx.conf"],
  ]);
  await expect(host.syncIn(join(temp.path, "missing"), "/cp/x")).rejects.toThrow(UserError);
});

test("syncOut() asks the VM whether the path is a folder and rsyncs it back, a folder with a trailing slash", async () => {
  const { recorder, host } = driver([{ argv: [...B2D, "ssh", "test -d /cp/web/f.txt"], exitCode: 1 }]);
  await host.syncOut("/cp/web/f.txt", join(temp.path, "f.txt"), { asUser: true });
  expect(recorder.calls).toEqual([
    [...B2D, "ssh", "test -d /cp/web/f.txt"],
    [...AS_AL, "rsync", "-e", RSYNC_SHELL, "-az", "--delete", "--force", "--rsync-path", "sudo rsync", "docker@localhost:/cp/web/f.txt", join(temp.path, "f.txt")],
  ]);
  recorder.calls.length = 0;

  const target = join(temp.path, "dusty-backup");
  await host.syncOut("/persist/", target);
  expect(recorder.calls).toEqual([
    [...B2D, "ssh", "test -d /persist/"],
    ["rsync", "-e", RSYNC_SHELL, "-az", "--delete", "--force", "--rsync-path", "sudo rsync", "docker@localhost:/persist/", target],
  ]);
});

test("diskUsage() runs df in the VM and reads /dev/sda1's line, low when the free column is in M", async () => {
  const df = [...B2D, "ssh", "df", "-h", "|", "grep", "/dev/sda1"];
  const roomy = driver([{ argv: df, stdout: "/dev/sda1                18.2G      4.1G     13.1G  24% /mnt/sda1\n" }]);
  expect(await roomy.host.diskUsage()).toEqual({ total: "18.2G", used: "4.1G", free: "13.1G", usagePercent: "24%", low: false });
  expect(roomy.recorder.calls).toEqual([df]);
  const full = driver([{ argv: df, stdout: "/dev/sda1                18.2G     17.6G    612.0M  97% /mnt/sda1\n" }]);
  expect(await full.host.diskUsage()).toMatchObject({ free: "612.0M", low: true });
});

test("runOnHost() runs the argv through boot2docker ssh, quoted for the VM's shell", async () => {
  const { recorder, host } = driver([{ argv: [...B2D, "ssh", "ls /persist/dusty_assets"], stdout: "KEY\n" }]);
  expect((await host.runOnHost(["ls", "/persist/dusty_assets"])).stdout).toBe("KEY\n");
  await host.runOnHost(["rm", "-f", "/cp/my file"]);
  expect(recorder.calls.at(-1)).toEqual([...B2D, "ssh", "rm -f '/cp/my file'"]);
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
