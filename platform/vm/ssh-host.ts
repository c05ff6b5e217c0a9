/**
 * The Docker host on another machine, reached over ssh (`docker_host_driver: ssh`, `docker_host:
 * ssh://USER@HOST[:PORT]`): one ControlMaster carries every call, the remote engine's socket is
 * forwarded to a local one, and code is rsynced (destructively) into dusty's own folder there.
 */
import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import { posix } from "node:path";
import { UserError } from "../errors.ts";
import type { Runner } from "../rsync.ts";
import { CommandFailedError, run } from "../run.ts";
import { createSshConnection, parseSshUrl, type SshConnection } from "../ssh.ts";
import { CLIENT_SOCKET_FOLDERS } from "../ssh-client-sockets.ts";
import { remoteHostCore, REMOTE_DOCKER_SOCKET } from "./_remote-host.ts";
import { parseDfOutput } from "./disk-usage.ts";
import type { DiskUsage, DockerHost, LogLine } from "./driver.ts";
import { nativePaths } from "./native.ts";

/** dusty's folder on the remote host when the config names none. */
export const DEFAULT_REMOTE_PERSIST_DIR = "/var/lib/dusty";

/** The exit code PREPARE_SCRIPT gives when rsync is not on the host's PATH (a shell's "not found"). */
const RSYNC_MISSING = 127;

/** The line PREPARE_SCRIPT prints between df's output and ss's (only when ss ran). */
const LISTENERS_MARK = "--- ss -Htln";

/**
 * Run on the host by ensureUp(): `sh -c SCRIPT sh PERSIST_DIR ASSETS_DIR FOLDER...`. Checks rsync, makes
 * dusty's folders (assets hold secrets: only the remote user may read them), prints `df -P -h` of the
 * persist folder and, when ss is there, the TCP listeners (`up` checks its ports against them next).
 * Paths are arguments, never part of the script.
 */
const PREPARE_SCRIPT = [
  `command -v rsync >/dev/null 2>&1 || exit ${RSYNC_MISSING}`,
  'persist=$1 assets=$2; shift 2',
  'mkdir -p -- "$@" && chmod 700 -- "$assets" || exit 1',
  'LC_ALL=C df -P -h -- "$persist" || exit 1',
  `if listeners=$(ss -Htln 2>/dev/null); then printf '%s\\n' '${LISTENERS_MARK}' "$listeners"; fi`,
  "exit 0",
].join("\n");

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
  /**
   * Where the per-user engine sockets go (`dockerEnvFor`): a folder others may pass through but not list
   * (made 0711); default a sibling "ssh-clients" of controlDir.
   */
  clientSocketDir?: string;
  /** Environment for ssh and rsync (the client's SSH_AUTH_SOCK). */
  env?: Record<string, string | undefined>;
  /** Starts ssh and rsync (default platform/run.ts's `run`); tests wrap it to see which programs run. */
  runner?: Runner;
}

/** A DockerHost on a remote machine's engine. */
export function createSshHost(options: SshHostOptions): DockerHost & { readonly connection: SshConnection } {
  const target = parseSshUrl(options.dockerHost);
  const runner = options.runner ?? run;
  const clientSocketDir = options.clientSocketDir ?? posix.join(posix.dirname(options.controlDir), CLIENT_SOCKET_FOLDERS.ssh);
  const connection = createSshConnection({ target, configFile: options.sshConfigFile, controlDir: options.controlDir, env: options.env, remoteDockerSocket: REMOTE_DOCKER_SOCKET, runner, clientSocketDir });
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
    runner,
  });
  let address: Promise<string> | undefined;
  // What ensureUp() read of the folder's filesystem: `up` asks for it right after, in the same command.
  let usageSeen: Promise<DiskUsage> | undefined;
  // What ensureUp() read of the host's listeners, for the one port check right after it (then asked anew).
  let listenersSeen: string | null | undefined;

  async function ensureUp(log: LogLine): Promise<void> {
    await connection.open();
    log(`Connected to the Docker host ${connection.label}`);
    // Each command on the host is a session of its own (a fork and a shell there, about as slow as a
    // docker call is fast): rsync's presence, dusty's folders and the free space are one session, asked
    // while the engine answers through the forwarded socket. It runs at every ensureUp(): someone may have
    // emptied the folder there since the last command, and a later sync out of it would then fail.
    const engine = core.checkEngine(log).then(() => undefined, (error: unknown) => error);
    const prepared = await connection.run(["sh", "-c", PREPARE_SCRIPT, "sh", persistDir, paths.assetsDir, ...Object.values(paths)]);
    const engineProblem = await engine;
    if (prepared.exitCode === RSYNC_MISSING) throw core.rsyncMissing();
    if (prepared.exitCode !== 0) throw new CommandFailedError(prepared);
    if (engineProblem !== undefined) throw engineProblem;
    const [df = "", listeners] = prepared.stdout.split(`${LISTENERS_MARK}\n`);
    usageSeen = Promise.resolve(parseDfOutput(df));
    listenersSeen = listeners ?? null;
  }

  return {
    name: "ssh",
    label: connection.label,
    connection,
    ensureUp,
    hostAddress: () => (address ??= options.hostAddress ? Promise.resolve(options.hostAddress) : resolveHost(target.host, connection.label)),
    dockerEnv: core.dockerEnv,
    dockerEnvFor: core.dockerEnvFor,
    paths: () => ({ ...paths }),
    syncIn: core.syncIn,
    syncFoldersIn: core.syncFoldersIn,
    syncPathsIn: core.syncPathsIn,
    syncOut: core.syncOut,
    diskUsage: () => usageSeen ?? core.diskUsage(),
    runOnHost: core.runOnHost,
    tcpListeners: async () => {
      const seen = listenersSeen;
      listenersSeen = undefined;
      if (seen !== undefined) return seen ?? undefined;
      const ss = await core.runOnHost(["ss", "-Htln"]);
      return ss.exitCode === 0 ? ss.stdout : undefined;
    },
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
