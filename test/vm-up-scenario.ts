/**
 * `dusty up` end to end through the daemon on a VM driver (test/vm-up-boot2docker.test.ts,
 * test/vm-up-docker-machine.test.ts): the real daemon and client with `docker_host_driver: boot2docker`
 * or `docker-machine`, the fake VM managers on the daemon's PATH recording every command line and
 * answering as one VM (test/vm-manager.ts), and the VM stand-in (test/vm-stand-in.ts) as the VM that
 * ssh, rsync, docker and compose reach for real. The recorded lines are compared with the reference's
 * sequences, which the driver tests (platform/vm/*.test.ts) pin one by one.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { run } from "../platform/run.ts";
import { HOST_KEYS_COMMAND } from "../platform/vm/_vm-remote.ts";
import { BOOT2DOCKER_VM } from "../platform/vm/boot2docker.ts";
import { BOOT2DOCKER_ISO_URL, MACHINE_NAME } from "../platform/vm/docker-machine.ts";
import { VM_PATHS } from "../platform/vm/driver.ts";
import { startRemoteExample, type RemoteExample } from "./remote-example.ts";
import type { ComposeCommand } from "./up-example.ts";
import { startVmDockerHost, type VmDockerHost, type VmDriverName } from "./vm-example.ts";

/** The command lines each step of the scenario makes the fake VM manager see, in order. */
interface VmCalls {
  vmName: string;
  /** `up` when the VM does not exist yet. */
  created: unknown[][];
  /** `up` when it runs. */
  running: unknown[][];
  /** `up` when it exists but is powered off. */
  stopped: unknown[][];
  /** `shutdown` of a running VM (its address first, to stop the containers on its engine). */
  shutdown: unknown[][];
  /** Any command that only reaches the VM's engine (`stop`): its address. */
  address: unknown[][];
}

const B2D_INIT_EXTRAS = [
  ["boot2docker", "ssh", "tce-load -wi rsync || tce-load -wi rsync"],
  ["boot2docker", "ssh", "if [ ! -d /mnt/sda1/persist ]; then sudo mkdir /mnt/sda1/persist; fi"],
  ["boot2docker", "ssh", "if [ ! -d /persist ]; then sudo ln -s /mnt/sda1/persist /persist; fi"],
  ["boot2docker", "ssh", "if [ ! -d /cp ]; then sudo mkdir /cp; fi"],
];
/** boot2docker runs the same lines whether the VM runs or not: init and start are no-ops on a running VM. */
const B2D_UP = [
  ["boot2docker", "init"],
  ["VBoxManage", "modifyvm", BOOT2DOCKER_VM, "--memory", "2048"],
  ["boot2docker", "start"],
  ["boot2docker", "ssh", "test -f /var/lib/boot2docker/profile"],
];
const B2D_CONNECT = [["boot2docker", "ip"], ["boot2docker", "ssh", HOST_KEYS_COMMAND]];

const SHOWVMINFO = ["VBoxManage", "showvminfo", "--machinereadable", MACHINE_NAME];
/** After the lifecycle: the host keys through docker-machine, then the address (showvminfo, then ssh over the NAT rule, not a VM manager's). */
const MACHINE_CONNECT = [["docker-machine", "ssh", MACHINE_NAME, HOST_KEYS_COMMAND], SHOWVMINFO];
const MACHINE_CHECKS = [["VBoxManage", "list", "vms"], SHOWVMINFO, ["VBoxManage", "list", "runningvms"]];

const CALLS: Record<VmDriverName, VmCalls> = {
  boot2docker: {
    vmName: BOOT2DOCKER_VM,
    created: [
      ...B2D_UP,
      // The 1.7 cert hack (its exact text is boot2docker.test.ts's), then docker restarted.
      ["boot2docker", "ssh", expect.stringMatching(/^sudo sh -c 'printf "%s" "wait4eth1\(\) \{\n[^']*" > \/var\/lib\/boot2docker\/profile'$/)],
      ["boot2docker", "ssh", "sudo /etc/init.d/docker restart"],
      ...B2D_INIT_EXTRAS,
      ...B2D_CONNECT,
    ],
    running: [...B2D_UP, ...B2D_INIT_EXTRAS, ...B2D_CONNECT],
    stopped: [...B2D_UP, ...B2D_INIT_EXTRAS, ...B2D_CONNECT],
    shutdown: [["boot2docker", "ip"], ["boot2docker", "status"], ["boot2docker", "stop"]],
    address: [["boot2docker", "ip"]],
  },
  "docker-machine": {
    vmName: MACHINE_NAME,
    created: [
      ["VBoxManage", "list", "vms"],
      [
        "docker-machine", "create", "--driver", "virtualbox", "--virtualbox-cpu-count", "-1",
        "--virtualbox-boot2docker-url", BOOT2DOCKER_ISO_URL, "--virtualbox-memory", "2048",
        "--virtualbox-hostonly-nictype", "82540EM", MACHINE_NAME,
      ],
      SHOWVMINFO,
      // create leaves the VM running: no start.
      ["VBoxManage", "list", "runningvms"],
      ...MACHINE_CONNECT,
    ],
    running: [...MACHINE_CHECKS, ...MACHINE_CONNECT],
    stopped: [
      ...MACHINE_CHECKS,
      ["VBoxManage", "modifyvm", MACHINE_NAME, "--natdnshostresolver1", "on"],
      ["VBoxManage", "modifyvm", MACHINE_NAME, "--natnet1", "10.174.249/24"],
      ["docker-machine", "start", MACHINE_NAME],
      ...MACHINE_CONNECT,
    ],
    shutdown: [SHOWVMINFO, ["VBoxManage", "list", "runningvms"], ["docker-machine", "stop", MACHINE_NAME]],
    address: [SHOWVMINFO],
  },
};

/** Registers the scenario's tests for one VM driver and one Compose. */
export function describeVmUp(driver: VmDriverName, compose: ComposeCommand): void {
  const calls = CALLS[driver];
  let remote: RemoteExample;
  let vm: VmDockerHost;
  beforeAll(async () => {
    remote = await startRemoteExample({ compose, dockerHost: async (root) => (vm = await startVmDockerHost(driver, root)) });
  }, 180_000);
  afterAll(async () => {
    await remote?.cleanup();
  });
  /** Runs the client; its stderr when it exits 0, else throws with its output and the daemon's log. */
  const succeeded = async (args: string[]) => {
    const result = await remote.env.dusty(args);
    if (result.code !== 0) throw new Error(`dusty ${args.join(" ")} failed with exit code ${result.code}:\n${result.stderr}\n${remote.env.daemon.log().slice(-3000)}`);
    return result.stderr;
  };
  // unknown, for the matcher in the cert hack's line.
  const recorded = (): unknown[][] => vm.manager.takeCalls();
  const containersRunning = async () => Object.fromEntries(Object.entries(await remote.remoteContainers()).map(([service, c]) => [service, c.running]));
  const ALL_RUNNING = { api: true, cache: true, dustyInternalNginx: true, website: true };

  describe(`dusty up on the ${driver} driver (${compose})`, () => {
    test("up on a VM that does not exist yet makes and starts it with the VM manager, then runs the example on the VM's engine", async () => {
      // The VM's folders exist on this machine too (empty mount points the stand-in made, or left by others): nothing of this up may land there.
      const before = join(remote.root, "before-up");
      writeFileSync(before, "");
      const stderr = await succeeded(["up"]);
      expect(recorded()).toEqual(calls.created);
      expect(vm.manager.state()).toBe("running");
      const address = vm.host.address;
      expect(stderr).toContain(`Connected to the Dusty VM ${calls.vmName} as docker@${address}`);
      // The VM's host key, reported through the VM manager, is what ssh to the VM checks against.
      const knownHosts = readFileSync(join(dirname(remote.env.daemon.socketPath), "ssh", `${calls.vmName}.known_hosts`), "utf8");
      expect(knownHosts).toBe(`${address} ${vm.host.hostKeyLine.split(/\s+/).slice(0, 2).join(" ")}\n`);

      for (const name of ["local.api.website.com", "local.website.com"]) expect(remote.hostsAddress(name)).toBe(address);
      expect((await remote.fetchByName("local.website.com")).text).toContain("<h1>Hello from the Dusty example website</h1>");
      expect(await remote.fetchByName("local.api.website.com", "/greeting.txt")).toEqual({ status: 200, text: "Hello, dusty, from the greeting lib!\n" });

      // Code and nginx.conf were rsynced into the VM's folders, which this machine does not have.
      const website = join(VM_PATHS.reposDir, "usr/local/share/dusty/example/website/public/index.html");
      expect((await vm.host.exec(["test", "-f", website])).exitCode).toBe(0);
      expect((await vm.host.exec(["test", "-f", join(VM_PATHS.nginxDir, "nginx.conf")])).exitCode).toBe(0);
      const vmRoots = [dirname(VM_PATHS.reposDir), VM_PATHS.commandFilesDir, VM_PATHS.cpDir].filter((dir) => existsSync(dir));
      expect((await run(["find", ...vmRoots, "-newer", before])).stdout).toBe("");
      expect(existsSync(join(remote.env.persistDir, "repos"))).toBe(false);
      if (driver === "docker-machine") {
        // The initialize extras ran over ssh in the VM docker-machine just made.
        expect((await vm.host.exec(["test", "-d", "/mnt/sda1/persist"])).exitCode).toBe(0);
        expect((await vm.host.exec(["test", "-d", VM_PATHS.assetsDir])).exitCode).toBe(0);
      }
      expect(await containersRunning()).toEqual(ALL_RUNNING);
      // Every bind mount is one of the VM's folders (which the client's folders are not).
      const sources: string[] = [];
      for (const { id } of Object.values(await remote.remoteContainers())) {
        const inspect = JSON.parse((await vm.host.docker(["inspect", id])).stdout)[0];
        for (const mount of inspect.Mounts as { Type: string; Source: string }[]) if (mount.Type === "bind") sources.push(mount.Source);
      }
      const vmFolders = [dirname(VM_PATHS.reposDir), VM_PATHS.commandFilesDir, VM_PATHS.cpDir];
      expect(sources.length).toBeGreaterThan(0);
      expect(sources.filter((source) => !vmFolders.some((dir) => source === dir || source.startsWith(`${dir}/`)))).toEqual([]);
      expect(await remote.localContainers()).toEqual({});
    });

    test("up with the VM running starts nothing: the VM manager's checks only, and compose is skipped", async () => {
      const stderr = await succeeded(["up", "--no-pull"]);
      expect(recorded()).toEqual(calls.running);
      expect(stderr).toContain("Nothing changed since the last up: 4 containers running");
      expect(await containersRunning()).toEqual(ALL_RUNNING);
    });

    test("shutdown stops the containers on the VM's engine, then the VM", async () => {
      const stderr = await succeeded(["shutdown"]);
      expect(recorded()).toEqual(calls.shutdown);
      expect(stderr).toContain("Dusty VM was shut down");
      expect(vm.manager.state()).toBe("poweroff");
      expect(await containersRunning()).toEqual({ api: false, cache: false, dustyInternalNginx: false, website: false });
    });

    test("up with the VM powered off starts it, then brings the environment back", async () => {
      await succeeded(["up", "--no-pull"]);
      expect(recorded()).toEqual(calls.stopped);
      expect(vm.manager.state()).toBe("running");
      expect(await containersRunning()).toEqual(ALL_RUNNING);
      expect((await remote.fetchByName("local.website.com")).text).toContain("<h1>Hello from the Dusty example website</h1>");
      expect(await remote.localContainers()).toEqual({});
    });

    test("stop --rm leaves no container or network of the project on the VM, nor here, and leaves the VM running", async () => {
      await succeeded(["stop", "--rm"]);
      expect(recorded()).toEqual(calls.address);
      expect(vm.manager.state()).toBe("running");
      expect(await remote.remoteContainers()).toEqual({});
      expect(await remote.remoteNetworks()).toEqual([]);
      expect(await remote.localContainers()).toEqual({});
    });
  });
}
