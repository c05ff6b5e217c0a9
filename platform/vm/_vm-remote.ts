/**
 * A VM as a remote Docker host: once the VM manager (boot2docker, docker-machine) has started it, dusty
 * reaches it like any ssh host (platform/vm/_remote-host.ts), as docker@<VM address> with the VM's key,
 * its engine through the connection's forwarded socket instead of tcp://IP:2376 and TLS.
 *
 * Host keys are checked, never StrictHostKeyChecking=no. A VM is recreated at will, each time with new
 * host keys, so no key can be recorded once and for all: after every start dusty asks the VM for its
 * public host keys through the VM manager's own channel (`boot2docker ssh`, `docker-machine ssh`, which
 * reach the VM through VirtualBox's NAT forward on 127.0.0.1, never over a network), writes them to a
 * known_hosts file of its own in the root-only control folder, and every ssh to the VM's address checks
 * against that file only (an ssh_config dusty writes beside it: no user setup, no agent).
 */
import { dirname, join } from "node:path";
import { readRegularFile, writeFileAtomic } from "../atomic-write.ts";
import { UserError } from "../errors.ts";
import { CLIENT_SOCKET_FOLDERS } from "../ssh-client-sockets.ts";
import { createSshConnection, HostKeyError, prepareControlDir, type SshConnection } from "../ssh.ts";
import { remoteHostCore, REMOTE_DOCKER_SOCKET, type RemoteHostCore } from "./_remote-host.ts";
import { VM_PATHS, VM_SSH_USER, type DockerHost, type LogLine } from "./driver.ts";

/**
 * Prints the VM's public host keys. boot2docker keeps sshd's keys under /usr/local/etc/ssh (Tiny Core's
 * openssh); /etc/ssh is the usual place elsewhere.
 */
export const HOST_KEYS_COMMAND = "cat /usr/local/etc/ssh/ssh_host_*_key.pub 2>/dev/null || cat /etc/ssh/ssh_host_*_key.pub";

/** The folder whose disk `diskUsage()` reports: the VM's persistent disk. */
const VM_PERSIST_DIR = "/persist";

/** How dusty reaches one VM. */
export interface VmRemoteOptions {
  /** The VM's name, for file names and messages ("dusty", "boot2docker-vm"). */
  vmName: string;
  /** Root-only folder of the connection's sockets and of the files pinning the VM's host keys. */
  controlDir: string;
  /** The VM's private key (docker-machine's id_rsa, boot2docker's id_boot2docker), in its owner's home. */
  keyPath(): Promise<string>;
  /** The VM's address now (`boot2docker ip`, the host-only NIC's address). */
  address(): Promise<string>;
  /** What fixes a VM whose engine or rsync is missing, for messages. */
  fix: string;
}

/** The remote-host code bound to the VM's current address. */
export interface VmRemote {
  /** The known_hosts file holding the VM's keys. */
  readonly knownHostsFile: string;
  /** The ssh_config every ssh to the VM gets (`-F`). */
  readonly sshConfigFile: string;
  /**
   * Records `hostKeys` (the VM's `ssh_host_*_key.pub` lines) as the keys of docker@`address` and
   * connects. A master left from before the VM (re)started (`fresh`), or made with other keys, is ended first.
   */
  connect(address: string, hostKeys: string, log: LogLine, options?: { fresh?: boolean }): Promise<{ connection: SshConnection; core: RemoteHostCore }>;
  /** The connection and core for the VM's current address; a UserError until a `connect()` has pinned its keys. */
  current(): Promise<{ connection: SshConnection; core: RemoteHostCore }>;
  /** Ends the master this remote opened, if any. */
  close(): Promise<void>;
  /** The DockerHost methods that run on the VM through the connection. */
  methods(): Pick<DockerHost, "dockerEnv" | "dockerEnvFor" | "syncIn" | "syncFoldersIn" | "syncPathsIn" | "syncOut" | "runOnHost" | "diskUsage">;
}

/** The remote side of a VM driver. */
export function createVmRemote(options: VmRemoteOptions): VmRemote {
  const knownHostsFile = join(options.controlDir, `${options.vmName}.known_hosts`);
  const sshConfigFile = join(options.controlDir, `${options.vmName}.ssh_config`);
  let cached: { address: string; connection: SshConnection; core: RemoteHostCore } | undefined;

  function bind(address: string) {
    if (cached?.address === address) return cached;
    const connection = createSshConnection({ target: { user: VM_SSH_USER, host: address }, configFile: sshConfigFile, controlDir: options.controlDir, remoteDockerSocket: REMOTE_DOCKER_SOCKET, clientSocketDir: join(dirname(options.controlDir), CLIENT_SOCKET_FOLDERS.vm) });
    const core = remoteHostCore({
      connection,
      roots: [VM_PERSIST_DIR, VM_PATHS.commandFilesDir, VM_PATHS.cpDir],
      persistDir: VM_PERSIST_DIR,
      sudo: true,
      rsyncFix: options.fix,
      engineFix: options.fix,
    });
    cached = { address, connection, core };
    return cached;
  }

  async function current() {
    const address = await options.address();
    const pinned = (await readRegularFile(knownHostsFile))?.toString("utf8") ?? "";
    if (!pinned.split("\n").some((line) => line.startsWith(`${address} `))) {
      throw new UserError(`Cannot reach the Dusty VM ${options.vmName} at ${address}: its ssh host key is not recorded yet. Run \`dusty up\`, which starts the VM and records its key`);
    }
    return bind(address);
  }

  async function connect(address: string, hostKeys: string, log: LogLine, connectOptions: { fresh?: boolean } = {}) {
    const keys = parseHostKeys(hostKeys);
    if (keys.length === 0) {
      throw new UserError(`Cannot check the identity of the Dusty VM ${options.vmName}: it printed no ssh host key. ${options.fix}`);
    }
    // The pinned keys decide whom dusty trusts as the VM: only root may change them.
    await prepareControlDir(options.controlDir);
    const before = (await readRegularFile(knownHostsFile))?.toString("utf8");
    const pinned = keys.map((key) => `${address} ${key}\n`).join("");
    await writeFileAtomic(knownHostsFile, pinned, { mode: 0o644 });
    await writeFileAtomic(sshConfigFile, sshConfigText(await options.keyPath(), knownHostsFile), { mode: 0o644 });
    const bound = bind(address);
    const { connection } = bound;
    // A master from before a restart rides a dead TCP connection, and one made with other keys is not the VM's now.
    const stale = connectOptions.fresh || before !== pinned || ((await connection.isOpen()) && (await connection.run(["true"], { timeoutMs: 10_000 })).exitCode !== 0);
    if (stale) await connection.close();
    try {
      await connection.open();
    } catch (error) {
      // The key came from the VM itself: an sshd at its address with another key is not that VM.
      if (!(error instanceof HostKeyError)) throw error;
      throw new UserError(
        `Cannot connect to the Dusty VM ${options.vmName} at ${address}: the ssh server there does not have the host key the VM reported (recorded in ${knownHostsFile}), so something other than the VM may be answering at that address. Check the VM's network (\`dusty doctor\`), then run \`dusty up\` again`,
      );
    }
    log(`Connected to the Dusty VM ${options.vmName} as ${connection.label}`);
    return bound;
  }

  const onCore = async () => (await current()).core;
  return {
    knownHostsFile,
    sshConfigFile,
    connect,
    current,
    close: async () => {
      await cached?.connection.close();
    },
    methods: () => ({
      dockerEnv: async () => (await onCore()).dockerEnv(),
      dockerEnvFor: async (owner) => (await onCore()).dockerEnvFor(owner),
      syncIn: async (localPath, hostPath, syncOptions) => (await onCore()).syncIn(localPath, hostPath, syncOptions),
      syncFoldersIn: async (localRoot, hostRoot, names, syncOptions) => (await onCore()).syncFoldersIn(localRoot, hostRoot, names, syncOptions),
      syncPathsIn: async (localRoot, hostRoot, paths, syncOptions) => (await onCore()).syncPathsIn(localRoot, hostRoot, paths, syncOptions),
      syncOut: async (hostPath, localPath, syncOptions) => (await onCore()).syncOut(hostPath, localPath, syncOptions),
      runOnHost: async (argv, runOptions) => (await onCore()).runOnHost(argv, runOptions),
      diskUsage: async () => (await onCore()).diskUsage(),
    }),
  };
}

/** The `TYPE BASE64` part of each public key line (`ssh_host_ed25519_key.pub` and the like); the rest is dropped. */
export function parseHostKeys(text: string): string[] {
  const keys: string[] = [];
  for (const line of text.split("\n")) {
    const match = /^\s*((?:ssh-|ecdsa-|sk-)[\w@.-]+)\s+([A-Za-z0-9+/]+={0,3})(?:\s|$)/.exec(line);
    if (match) keys.push(`${match[1]} ${match[2]}`);
  }
  return keys;
}

/** Only the VM's key, only dusty's known_hosts for it (never the machine's or a user's), no agent. */
function sshConfigText(keyPath: string, knownHostsFile: string): string {
  return [
    "Host *",
    `  IdentityFile "${keyPath}"`,
    "  IdentitiesOnly yes",
    "  IdentityAgent none",
    `  UserKnownHostsFile "${knownHostsFile}"`,
    "  GlobalKnownHostsFile /dev/null",
    "  StrictHostKeyChecking yes",
    "  ConnectTimeout 20",
    "",
  ].join("\n");
}
