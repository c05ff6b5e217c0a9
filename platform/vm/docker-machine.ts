/**
 * The Docker host of Dusty's final versions on macOS: a VirtualBox VM named "dusty" made by
 * docker-machine. Its lifecycle is VBoxManage's and docker-machine's, demoted to the VM's owner
 * (docker-machine.test.ts pins the argv); once it is up, dusty reaches it like any ssh host
 * (platform/vm/_vm-remote.ts): docker@<host-only address> with the machine's id_rsa.
 */
import { join } from "node:path";
import type { RunOptions } from "../run.ts";
import { check, demotingRunner, homeOf, memoryOf } from "./_vm-shell.ts";
import { createVmRemote, HOST_KEYS_COMMAND } from "./_vm-remote.ts";
import { DEFAULT_VM_CONTROL_DIR, VM_PATHS, VM_SSH_USER, type DockerHost, type LogLine, type VmDriverOptions } from "./driver.ts";
import { hostOnlyAdapter, hostOnlyMac, inetForMac, listsVm, natSshPort, parseMachineReadable } from "./virtualbox.ts";

/** The docker-machine (and VirtualBox) name of dusty's VM. */
export const MACHINE_NAME = "dusty";
/** PCnet-FAST III: virtio networking in VirtualBox was very slow (boot2docker issue #1022). */
export const NIC_TYPE = "82540EM";
/** The last boot2docker ISO docker-machine's VirtualBox driver worked well with. */
export const BOOT2DOCKER_ISO_URL = "https://github.com/boot2docker/boot2docker/releases/download/v18.06.1-ce/boot2docker.iso";
/** The VM's NAT network, away from the 10.0.2/24 default that often clashes with office networks. */
export const NAT_NETWORK = "10.174.249/24";

/**
 * The ssh Dusty ran to ask the VM for its address, over VirtualBox's NAT forward on 127.0.0.1 (followed
 * by the key, then the port): the address is what dusty pins the host keys to, so this one ssh cannot
 * check them; it carries nothing of the project, and every later ssh to the VM does check them.
 */
const NAT_SSH = ["ssh", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-i"];

/** Run after every cold start, over the connection: rsync (lost at reboot), /persist on the disk, /cp, the assets folder. */
const INIT_COMMANDS = [
  "which rsync || tce-load -wi rsync || tce-load -wi rsync",
  "if [ ! -d /mnt/sda1/persist ]; then sudo mkdir /mnt/sda1/persist; fi",
  "if [ ! -d /persist ]; then sudo ln -s /mnt/sda1/persist /persist; fi",
  `if [ ! -d ${VM_PATHS.cpDir} ]; then sudo mkdir ${VM_PATHS.cpDir}; fi`,
  `if [ ! -d ${VM_PATHS.assetsDir} ]; then sudo mkdir ${VM_PATHS.assetsDir}; fi`,
];

/** A DockerHost on docker-machine's "dusty" VM. */
export function createDockerMachineHost(options: VmDriverOptions): DockerHost {
  const demoted = demotingRunner(options.runner, options.user);
  const streaming = (log?: LogLine): RunOptions => (log ? { onLine: (line) => log(line) } : {});
  const machine = (args: string[], log?: LogLine) => demoted(["docker-machine", ...args], streaming(log));
  const vbox = (args: string[]) => demoted(["VBoxManage", ...args]);
  const keyPath = async () => join(await homeOf(options), ".docker", "machine", "machines", MACHINE_NAME, "id_rsa");
  let cachedIp: string | undefined;
  const vm = createVmRemote({
    vmName: MACHINE_NAME,
    controlDir: options.controlDir ?? DEFAULT_VM_CONTROL_DIR,
    keyPath,
    address: () => vmIp(),
    fix: "Repair the VM with `dusty doctor`, then run `dusty up`",
  });

  const isRunning = async () => listsVm(check(await vbox(["list", "runningvms"])).stdout, MACHINE_NAME);

  /** As Dusty did: create when missing, NIC fix, start with NAT DNS settings, then the initialize extras. */
  async function ensureUp(log: LogLine): Promise<void> {
    cachedIp = undefined;
    const created = !listsVm(check(await vbox(["list", "vms"])).stdout, MACHINE_NAME);
    if (created) {
      log("Initializing new Dusty VM with Docker Machine");
      check(await machine(createArgs(options), log));
    }
    const info = parseMachineReadable(check(await vbox(["showvminfo", "--machinereadable", MACHINE_NAME])).stdout);
    let running = await isRunning();
    if (info.nictype1 !== undefined && !info.nictype1.includes(NIC_TYPE)) {
      log("Stopping Dusty VM to apply NIC fix for faster networking performance");
      if (running) check(await machine(["stop", MACHINE_NAME], log));
      running = false;
      log("Setting NIC 1 to use PCnet-FAST III");
      check(await vbox(["modifyvm", MACHINE_NAME, "--nictype1", NIC_TYPE]));
    }
    // The extras are for a VM that was not running before this call: `docker-machine create` leaves the
    // new VM running, fresh from the ISO (no rsync, no /persist), so a created one needs them too.
    const booted = created || !running;
    if (!running) {
      log(`Starting docker-machine VM ${MACHINE_NAME}`);
      check(await vbox(["modifyvm", MACHINE_NAME, "--natdnshostresolver1", "on"]));
      check(await vbox(["modifyvm", MACHINE_NAME, "--natnet1", NAT_NETWORK]));
      check(await machine(["start", MACHINE_NAME], log));
    }
    // The keys come through docker-machine's own channel to the VM; from here on every ssh checks them.
    const hostKeys = check(await machine(["ssh", MACHINE_NAME, HOST_KEYS_COMMAND])).stdout;
    const { connection, core } = await vm.connect(await vmIp(), hostKeys, log, { fresh: booted });
    // The VM's own commands (tce-load refuses root): not through sudo, unlike dusty's file work there.
    if (booted) for (const command of INIT_COMMANDS) check(await connection.run(["sh", "-c", command], streaming(log)));
    await core.checkRsync();
    await core.checkEngine(log);
  }

  /**
   * `docker-machine ip` can report a stale DHCP lease, so ask the VM itself which address its host-only
   * NIC holds, over the NAT ssh port forward; fall back to docker-machine when that fails.
   */
  async function vmIp(): Promise<string> {
    cachedIp ??= (await ipFromHostOnlyNic()) ?? check(await machine(["ip", MACHINE_NAME])).stdout.trim();
    return cachedIp;
  }

  async function ipFromHostOnlyNic(): Promise<string | undefined> {
    const info = await vbox(["showvminfo", "--machinereadable", MACHINE_NAME]);
    const parsed = parseMachineReadable(info.stdout);
    const mac = hostOnlyMac(parsed);
    const port = natSshPort(parsed);
    if (info.exitCode !== 0 || !mac || !port) return undefined;
    const result = await demoted([...NAT_SSH, await keyPath(), "-p", port, `${VM_SSH_USER}@127.0.0.1`, "ip addr show"]);
    return result.exitCode === 0 ? inetForMac(result.stdout, mac) : undefined;
  }

  async function shutdown(log: LogLine): Promise<void> {
    if (!(await isRunning())) return log("Dusty VM is already shut down");
    log("Shutting down Dusty VM");
    await vm.close();
    check(await machine(["stop", MACHINE_NAME], log));
    log("Dusty VM was shut down");
  }

  /**
   * As in Dusty: a stale host-only interface or certificates made for an old address are what break
   * the VM's networking; docker-machine recreates the interface at start, then new certificates match it.
   */
  async function doctor(log: LogLine): Promise<void> {
    // Read before the shutdown: the interface is named in the VM's settings, which stay while it is off.
    const adapter = hostOnlyAdapter(parseMachineReadable(check(await vbox(["showvminfo", "--machinereadable", MACHINE_NAME])).stdout));
    log("Shutting down Dusty VM to perform remedial operations");
    await shutdown(log);
    if (adapter) {
      log(`Deleting host-only interface ${adapter}`);
      check(await vbox(["hostonlyif", "remove", adapter]));
    } else {
      log("The Dusty VM has no host-only interface to delete");
    }
    await ensureUp(log);
    log("Attempting to regenerate certificates for Dusty VM");
    check(await machine(["regenerate-certs", "-f", MACHINE_NAME], log));
    log("Doctor operations successful");
    log("Shutting down VM so next dusty up initializes properly");
    await shutdown(log);
    log("Run dusty up to bring up the VM");
  }

  return {
    name: "docker-machine",
    ensureUp,
    hostAddress: vmIp,
    paths: () => ({ ...VM_PATHS }),
    ...vm.methods(),
    shutdown,
    doctor,
  };
}

function createArgs(options: VmDriverOptions): string[] {
  return [
    "create", "--driver", "virtualbox",
    "--virtualbox-cpu-count", "-1",
    "--virtualbox-boot2docker-url", BOOT2DOCKER_ISO_URL,
    "--virtualbox-memory", memoryOf(options),
    "--virtualbox-hostonly-nictype", NIC_TYPE,
    MACHINE_NAME,
  ];
}
