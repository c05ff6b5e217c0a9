/**
 * The Docker host on another machine, reached over ssh (`docker_host_driver: ssh`, `docker_host:
 * ssh://USER@HOST[:PORT]`): one ControlMaster carries every call, the remote engine's socket is
 * forwarded to a local one, and code is rsynced (destructively) into dusty's own folder there.
 */
import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import { posix } from "node:path";
import { UserError } from "../errors.ts";
import { createSshConnection, parseSshUrl, type SshConnection } from "../ssh.ts";
import { remoteHostCore, REMOTE_DOCKER_SOCKET } from "./_remote-host.ts";
import type { DockerHost, LogLine } from "./driver.ts";
import { nativePaths } from "./native.ts";

/** dusty's folder on the remote host when the config names none. */
export const DEFAULT_REMOTE_PERSIST_DIR = "/var/lib/dusty";

/** Settings of the ssh driver. */
export interface SshHostOptions {
  /** `docker_host`: ssh://USER@HOST[:PORT]. */
  dockerHost: string;
  /** `docker_host_ssh_config`: an ssh_config file for every ssh dusty runs. */
  sshConfigFile?: string;
  /** `docker_host_address`: written to the hosts file (default: the host part of docker_host, resolved once). */
  hostAddress?: string;
  /** dusty's folder on the remote host (default /var/lib/dusty). */
  remotePersistDir?: string;
  /** A root-only local folder for the connection's sockets (e.g. under the daemon's run dir). */
  controlDir: string;
  /** Environment for ssh and rsync (the client's SSH_AUTH_SOCK). */
  env?: Record<string, string | undefined>;
}

/** A DockerHost on a remote machine's engine. */
export function createSshHost(options: SshHostOptions): DockerHost & { readonly connection: SshConnection } {
  const target = parseSshUrl(options.dockerHost);
  const connection = createSshConnection({ target, configFile: options.sshConfigFile, controlDir: options.controlDir, env: options.env, remoteDockerSocket: REMOTE_DOCKER_SOCKET });
  const persistDir = posix.normalize(options.remotePersistDir ?? DEFAULT_REMOTE_PERSIST_DIR).replace(/\/+$/, "");
  if (!persistDir.startsWith("/") || persistDir === "/") {
    throw new UserError(`Cannot use "${persistDir}" as dusty's folder on ${connection.label}: give an absolute folder of dusty's own, like ${DEFAULT_REMOTE_PERSIST_DIR}`);
  }
  const paths = nativePaths(persistDir);
  const core = remoteHostCore({
    connection,
    roots: [persistDir],
    persistDir,
    rsyncFix: "Install it on that host (`apt-get install rsync`)",
    engineFix: `Start it there (\`sudo systemctl start docker\`), and check that ${target.user ?? "the ssh user"} may use ${REMOTE_DOCKER_SOCKET}`,
    env: options.env,
  });
  let address: Promise<string> | undefined;

  async function ensureUp(log: LogLine): Promise<void> {
    await connection.open();
    log(`Connected to the Docker host ${connection.label}`);
    await core.checkRsync();
    await core.checkEngine(log);
    await core.runChecked(["mkdir", "-p", ...Object.values(paths)]);
    // Assets hold secrets: only the remote user may read them.
    await core.runChecked(["chmod", "700", paths.assetsDir]);
  }

  return {
    name: "ssh",
    connection,
    ensureUp,
    hostAddress: () => (address ??= options.hostAddress ? Promise.resolve(options.hostAddress) : resolveHost(target.host, connection.label)),
    dockerEnv: core.dockerEnv,
    paths: () => ({ ...paths }),
    syncIn: core.syncIn,
    syncPathsIn: core.syncPathsIn,
    syncOut: core.syncOut,
    diskUsage: core.diskUsage,
    runOnHost: core.runOnHost,
  };
}

/** The host part of docker_host as an address, looked up once. */
async function resolveHost(host: string, label: string): Promise<string> {
  if (isIP(host)) return host;
  try {
    return (await lookup(host, { family: 4 })).address;
  } catch (error) {
    throw new UserError(`Cannot resolve the Docker host ${label}: ${(error as Error).message}. Set docker_host_address to its IP address`);
  }
}
