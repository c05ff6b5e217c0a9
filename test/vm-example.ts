/**
 * A VM driver's Docker host for the example (test/remote-example.ts's `dockerHost`): the VM stand-in
 * (test/vm-stand-in.ts) as the VM, the fake VM managers (test/vm-manager.ts) first on the daemon's
 * PATH answering with its address and host keys, and the daemon told `docker_host_driver: boot2docker`
 * or `docker-machine`. No `mac_username`: the VM belongs to the user the daemon runs as, so its
 * commands are not demoted and the driver finds the VM's key under the daemon's $HOME, the stand-in's
 * VM owner home (sudo's secure_path would hide the fakes from a demoted command, and the machine has
 * no user whose home a test may write in). For docker-machine, VirtualBox's NAT rule "ssh" is a port
 * on 127.0.0.1 forwarded to the stand-in, so the driver's `ip addr show` over it runs for real there.
 */
import { join, posix } from "node:path";
import { SHOWVMINFO } from "../platform/vm/_canned-output.ts";
import { BOOT2DOCKER_VM } from "../platform/vm/boot2docker.ts";
import { MACHINE_NAME } from "../platform/vm/docker-machine.ts";
import { VM_PATHS } from "../platform/vm/driver.ts";
import type { ExampleDockerHost } from "./remote-example.ts";
import type { RemoteHost } from "./remote-host.ts";
import { forwardPort, installFakeVmManager, type FakeVmManager, type PortForward } from "./vm-manager.ts";
import { startVmStandIn, type VmStandIn } from "./vm-stand-in.ts";

/** The VM drivers. */
export type VmDriverName = "boot2docker" | "docker-machine";

/** A VM driver's host, with the fake VM manager a test drives and reads. */
export interface VmDockerHost extends ExampleDockerHost {
  manager: FakeVmManager;
  standIn: VmStandIn;
}

const KEY_PATHS: Record<VmDriverName, string> = {
  boot2docker: ".ssh/id_boot2docker",
  "docker-machine": `.docker/machine/machines/${MACHINE_NAME}/id_rsa`,
};

/** Starts the stand-in (hiding `root`) and installs the fake with no VM made yet. */
export async function startVmDockerHost(driver: VmDriverName, root: string): Promise<VmDockerHost> {
  const standIn = await startVmStandIn(KEY_PATHS[driver], { hide: [root] });
  let forward: PortForward | undefined;
  try {
    let showvminfo: string | undefined;
    if (driver === "docker-machine") {
      // The VM's disk, where the initialize extras make /mnt/sda1/persist.
      await standIn.host.exec(["mkdir", "-p", "/mnt/sda1"]);
      forward = await forwardPort(standIn.host.address, standIn.host.port);
      showvminfo = SHOWVMINFO.replace("50322", String(forward.port)).replace("0800271B9D6F", await macOf(standIn.host));
    }
    const manager = installFakeVmManager({
      dir: join(root, "vm-manager"),
      vmName: driver === "boot2docker" ? BOOT2DOCKER_VM : MACHINE_NAME,
      state: "absent",
      address: standIn.host.address,
      hostKeys: standIn.hostKeysOutput,
      showvminfo,
    });
    const stop = async () => {
      try {
        await forward?.stop();
      } finally {
        await standIn.stop();
      }
    };
    return {
      host: standIn.host,
      remotePersistDir: posix.dirname(VM_PATHS.reposDir),
      config: { docker_host_driver: driver },
      daemonEnv: { PATH: `${manager.binDir}:${process.env.PATH}`, HOME: standIn.home },
      manager,
      standIn,
      stop,
    };
  } catch (error) {
    await forward?.stop().catch(() => {});
    await standIn.stop();
    throw error;
  }
}

/** The MAC (as VirtualBox writes it: 12 hex digits, upper case) of the stand-in's interface holding its address. */
async function macOf(host: RemoteHost): Promise<string> {
  const ipAddr = (await host.exec(["ip", "addr", "show"])).stdout;
  const block = ipAddr.split(/\n(?=\d+:\s)/).find((b) => b.includes(`inet ${host.address}/`));
  const mac = block && /link\/ether\s+([0-9a-f:]{17})/.exec(block)?.[1];
  if (!mac) throw new Error(`no interface with ${host.address} in the stand-in's \`ip addr show\`:\n${ipAddr}`);
  return mac.replaceAll(":", "").toUpperCase();
}
