/**
 * The Docker host of Dusty 0.4 on macOS: the boot2docker VirtualBox VM. Its lifecycle is the boot2docker
 * CLI's, demoted to the VM's owner (boot2docker.test.ts pins the argv); once it is up, dusty reaches it
 * like any ssh host (platform/vm/_vm-remote.ts): docker@<boot2docker ip> with id_boot2docker.
 */
import { join } from "node:path";
import type { RunResult } from "../run.ts";
import { check, demotingRunner, homeOf, memoryOf, writeFileCommand } from "./_vm-shell.ts";
import { createVmRemote, HOST_KEYS_COMMAND } from "./_vm-remote.ts";
import { DEFAULT_VM_CONTROL_DIR, VM_PATHS, type DockerHost, type LogLine, type VmDriverOptions } from "./driver.ts";

/** The VirtualBox name of boot2docker's VM. */
export const BOOT2DOCKER_VM = "boot2docker-vm";

const PROFILE = "/var/lib/boot2docker/profile";
// boot2docker 1.7 raced its TLS certificates against eth1 coming up; waiting for eth1 in the profile
// (boot2docker issue #938) avoids it.
const CERT_HACK_PROFILE = `wait4eth1() {
  CNT=0
  until ip a show eth1 | grep -q UP; do
    [ $CNT -ge 60 ] && break
    CNT=$((CNT + 1))
    sleep 1
  done
  sleep 1
}
wait4eth1
`;
/** After the cert hack: rsync for syncs (tce-load exits 1 on a first install that worked, hence twice), /persist on the disk, /cp. */
const INIT_COMMANDS = [
  "tce-load -wi rsync || tce-load -wi rsync",
  "if [ ! -d /mnt/sda1/persist ]; then sudo mkdir /mnt/sda1/persist; fi",
  "if [ ! -d /persist ]; then sudo ln -s /mnt/sda1/persist /persist; fi",
  "if [ ! -d /cp ]; then sudo mkdir /cp; fi",
];

/** A DockerHost on the boot2docker VM. */
export function createBoot2dockerHost(options: VmDriverOptions): DockerHost {
  const demoted = demotingRunner(options.runner, options.user);
  const boot2docker = (args: string[], log?: LogLine): Promise<RunResult> =>
    demoted(["boot2docker", ...args], log ? { onLine: (line) => log(line) } : {});
  const inVm = (command: string, log?: LogLine) => boot2docker(["ssh", command], log);
  // Asked once per driver (each daemon command makes one), and again after every start.
  let cachedIp: string | undefined;
  const vmIp = async () => (cachedIp ??= check(await boot2docker(["ip"])).stdout.trimEnd());
  const vm = createVmRemote({
    vmName: BOOT2DOCKER_VM,
    controlDir: options.controlDir ?? DEFAULT_VM_CONTROL_DIR,
    keyPath: async () => join(await homeOf(options), ".ssh", "id_boot2docker"),
    address: vmIp,
    fix: "Restart the VM: `dusty shutdown`, then `dusty up`",
  });

  /** Reference "VM ensure-started", then "VM initialize"; then the VM's keys are pinned and dusty connects. */
  async function ensureUp(log: LogLine): Promise<void> {
    cachedIp = undefined;
    check(await boot2docker(["init"], log)); // exits 0 when the VM already exists
    // Fails harmlessly while the VM runs: memory changes apply at the next cold start.
    await demoted(["VBoxManage", "modifyvm", BOOT2DOCKER_VM, "--memory", memoryOf(options)]);
    check(await boot2docker(["start"], log));
    if ((await inVm(`test -f ${PROFILE}`)).exitCode !== 0) {
      log("Applying boot2docker 1.7 cert hack");
      check(await inVm(writeFileCommand(PROFILE, CERT_HACK_PROFILE), log));
      check(await inVm("sudo /etc/init.d/docker restart", log));
    }
    for (const command of INIT_COMMANDS) check(await inVm(command, log));
    const { core } = await vm.connect(await vmIp(), check(await inVm(HOST_KEYS_COMMAND)).stdout, log);
    await core.checkRsync();
    await core.checkEngine(log);
  }

  return {
    name: "boot2docker",
    ensureUp,
    hostAddress: vmIp,
    paths: () => ({ ...VM_PATHS }),
    ...vm.methods(),
    shutdown: async (log) => {
      // `boot2docker status` prints the VM's state: "running", "poweroff", "saved" …
      if ((await boot2docker(["status"])).stdout.trim() !== "running") return log("Dusty VM is already shut down");
      log("Shutting down Dusty VM");
      await vm.close();
      check(await boot2docker(["stop"], log));
      log("Dusty VM was shut down");
    },
  };
}
