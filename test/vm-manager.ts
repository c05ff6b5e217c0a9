/**
 * The VM managers a VM driver runs (boot2docker, docker-machine, VBoxManage), which cannot run on
 * Linux, as one recording script (test/vm-manager/fake-vm-manager.sh) installed under their names in a
 * bin folder of the test's own: put `binDir` first on the daemon's PATH. The script answers as one VM
 * whose state the test reads and sets; `calls()` is every argv it got, in order.
 *
 *   const manager = installFakeVmManager({ dir, vmName: "boot2docker-vm", state: "poweroff", address, hostKeys });
 *   startDaemon({ env: { PATH: `${manager.binDir}:${process.env.PATH}` } });
 *   expect(manager.takeCalls()).toEqual([["boot2docker", "init"], …]);
 */
import { chmodSync, copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createConnection, createServer, type Server } from "node:net";
import { join } from "node:path";

/** What `VBoxManage list vms` and friends know of the VM. */
export type FakeVmState = "absent" | "poweroff" | "starting" | "running";

/** Options of `installFakeVmManager()`. */
export interface FakeVmManagerOptions {
  /** A folder of the test's own; the bin folder is made in it. */
  dir: string;
  /** The VirtualBox (and docker-machine) name of the VM. */
  vmName: string;
  state: FakeVmState;
  /** What `boot2docker ip` / `docker-machine ip` print: the stand-in's address. */
  address: string;
  /** What the VM prints for its public host keys: the stand-in's. */
  hostKeys: string;
  /** What `VBoxManage showvminfo --machinereadable` prints (VMState is added); default none. */
  showvminfo?: string;
  /** How long `start` and `create` take to boot the VM (default 3 s): asking for its address meanwhile fails. */
  bootSeconds?: number;
}

/** An installed fake. */
export interface FakeVmManager {
  /** Put first on the daemon's PATH. */
  readonly binDir: string;
  /** Every command line the fake got since the last `takeCalls()`, in order, and forgets them. */
  takeCalls(): string[][];
  state(): FakeVmState;
  /** Sets the VM's state, as a user stopping it in VirtualBox, or a reboot of the Mac, would. */
  setState(state: FakeVmState): void;
}

const SCRIPT = join(import.meta.dir, "vm-manager", "fake-vm-manager.sh");
const PROGRAMS = ["boot2docker", "docker-machine", "VBoxManage"];

/** Installs the fake in `options.dir`/bin with the VM in `options.state`. */
export function installFakeVmManager(options: FakeVmManagerOptions): FakeVmManager {
  const binDir = join(options.dir, "bin");
  const callsDir = join(binDir, "calls");
  mkdirSync(callsDir, { recursive: true });
  for (const program of PROGRAMS) {
    copyFileSync(SCRIPT, join(binDir, program));
    chmodSync(join(binDir, program), 0o755);
  }
  writeFileSync(join(binDir, "vm-name"), `${options.vmName}\n`);
  writeFileSync(join(binDir, "address"), `${options.address}\n`);
  writeFileSync(join(binDir, "host-keys"), options.hostKeys);
  writeFileSync(join(binDir, "showvminfo"), options.showvminfo ?? "");
  writeFileSync(join(binDir, "boot-seconds"), `${options.bootSeconds ?? 3}\n`);
  const setState = (state: FakeVmState) => writeFileSync(join(binDir, "state"), `${state}\n`);
  setState(options.state);
  return {
    binDir,
    takeCalls: () => {
      const names = readdirSync(callsDir).sort();
      const calls = names.map((name) => readFileSync(join(callsDir, name), "utf8").replace(/\0$/, "").split("\0"));
      for (const name of names) rmSync(join(callsDir, name));
      return calls;
    },
    state: () => readFileSync(join(binDir, "state"), "utf8").trim() as FakeVmState,
    setState,
  };
}

/** A port on 127.0.0.1 forwarded to `address`:`port`: what VirtualBox's NAT rule "ssh" gives the Mac. */
export interface PortForward {
  readonly port: number;
  stop(): Promise<void>;
}

/** Listens on 127.0.0.1 (a free port) and pipes each connection to `address`:`port`. */
export async function forwardPort(address: string, port: number): Promise<PortForward> {
  const server: Server = createServer((client) => {
    const upstream = createConnection({ host: address, port });
    client.pipe(upstream).pipe(client);
    client.on("error", () => upstream.destroy());
    upstream.on("error", () => client.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port: localPort } = server.address() as { port: number };
  return {
    port: localPort,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
