/**
 * A namespace host (test/remote-host.ts) standing in for a boot2docker / docker-machine VM in the VM
 * drivers' tests: ssh logs in as the VM's "docker" user (docker group, sudo), /persist, /cp and
 * /command_files exist there only, /mnt is its own (for /mnt/sda1), and the VM owner's home here
 * holds the host's accepted key where the driver looks for the VM's key. The recorder answers the VM
 * manager's commands (`boot2docker ip`, the VM's host keys …) with this host's address and key; the
 * rest of each driver runs for real against it.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { startRemoteHost, type RemoteHost } from "./remote-host.ts";

/** A running stand-in and the client folders around it. */
export interface VmStandIn {
  host: RemoteHost;
  /** A client folder the host cannot see (a tmpfs there): sources of syncs, the VM owner's home. */
  clientDir: string;
  /** The VM owner's home (`VmDriverOptions.home`). */
  home: string;
  /** The driver's root-only control folder. */
  controlDir: string;
  /** What the VM prints for its host keys: the host's public key line with a comment, as in a .pub file. */
  hostKeysOutput: string;
  stop(): Promise<void>;
}

/**
 * Starts the stand-in; `keyPath` is where the driver reads the VM's private key, relative to the home;
 * `hide` names more client folders the VM must not see (a daemon's, a test's).
 */
export async function startVmStandIn(keyPath: string, options: { hide?: string[] } = {}): Promise<VmStandIn> {
  const clientDir = mkdtempSync(join(tmpdir(), "dusty-vm-stand-in-"));
  try {
    const hide = [clientDir, "/mnt", ...(options.hide ?? [])];
    const host = await startRemoteHost({ hide, user: "docker", ownFolders: ["/persist", "/cp", "/command_files"] });
    const home = join(clientDir, "home");
    mkdirSync(dirname(join(home, keyPath)), { recursive: true });
    copyFileSync(host.keyPath, join(home, keyPath));
    return {
      host,
      clientDir,
      home,
      controlDir: join(clientDir, "ssh"),
      hostKeysOutput: `${host.hostKeyLine} root@dusty-vm\n`,
      stop: async () => {
        try {
          await host.stop();
        } finally {
          rmSync(clientDir, { recursive: true, force: true });
        }
      },
    };
  } catch (error) {
    rmSync(clientDir, { recursive: true, force: true });
    throw error;
  }
}
