/**
 * Picks the Docker host driver by name: "native" on Linux, "ssh" for another machine, the VirtualBox
 * drivers (ssh hosts that dusty also starts) for macOS parity.
 */
import { posix } from "node:path";
import { UserError } from "../errors.ts";
import { reportFullDisk } from "./full-disk.ts";
import { run } from "../run.ts";
import { createBoot2dockerHost } from "./boot2docker.ts";
import { createDockerMachineHost } from "./docker-machine.ts";
import type { DockerHost, DriverName, Runner, VmDriverOptions } from "./driver.ts";
import { createNativeHost, type NativeHostOptions } from "./native.ts";
import { createSshHost, type SshHostOptions } from "./ssh-host.ts";

export type { DockerHost, DriverName, HostSyncOptions, LogLine } from "./driver.ts";
export { formatDiskUsage, type DiskUsage } from "./disk-usage.ts";

/** Every driver name, in the order help text lists them. */
export const DRIVER_NAMES: readonly DriverName[] = ["native", "boot2docker", "docker-machine", "ssh"];

/** What the drivers need; each reads its own part. */
export interface DriverDeps extends NativeHostOptions, Omit<VmDriverOptions, "runner"> {
  /** Starts programs for the VM drivers (default platform/run.ts's `run`). */
  runner?: Runner;
  /** The ssh driver's settings (`docker_host` & co.); it needs at least `dockerHost` and `controlDir`. */
  ssh?: Partial<SshHostOptions>;
}

/** The DockerHost named `name`; an unknown name (say, from a config file) is a UserError. */
export function selectDriver(name: string, deps: DriverDeps): DockerHost {
  // The VM drivers' connection may share the ssh driver's control folder: their file names differ.
  const vmOptions: VmDriverOptions = { ...deps, runner: deps.runner ?? run, controlDir: deps.controlDir ?? deps.ssh?.controlDir };
  switch (name as DriverName) {
    case "native":
      return createNativeHost(deps);
    case "boot2docker":
      return createBoot2dockerHost(vmOptions);
    case "docker-machine":
      return createDockerMachineHost(vmOptions);
    case "ssh": {
      const { dockerHost, controlDir } = deps.ssh ?? {};
      if (!dockerHost) throw new UserError('Cannot use Docker host driver "ssh": docker_host is not set. Set it with `dusty config set docker_host ssh://USER@HOST`');
      if (!controlDir) throw new Error('selectDriver("ssh"): needs a controlDir for the ssh connection');
      const host = createSshHost({ ...deps.ssh, dockerHost, controlDir });
      return reportFullDisk(host, { label: host.connection.label, persistDir: posix.dirname(host.paths().reposDir) });
    }
    default:
      throw new UserError(`Cannot use Docker host driver "${name}": unknown. Choose one of ${DRIVER_NAMES.join(", ")}`);
  }
}
