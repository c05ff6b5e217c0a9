/**
 * `dusty -d`: the daemon. It runs as root because it edits the hosts file and drives Docker; every
 * other `dusty` command is a client that asks it over the Unix socket. Start order: flags, root check,
 * preflight, socket, serve until SIGTERM or SIGINT.
 */
import { adoptChildRecord } from "../platform/children.ts";
import { errorMessage, isExpectedError } from "../platform/errors.ts";
import { resolveLocations, type Locations } from "../platform/locations.ts";
import { removeClientSocketsBeside } from "../platform/ssh-client-sockets.ts";
import { sshControlDir } from "./daemon/handlers/_environment.ts";
import { resolveHostsFile, runPreflight } from "../platform/preflight.ts";
import { logDaemon, logDaemonError } from "./daemon/log.ts";
import { loadConfig } from "../platform/config-file.ts";
import { SOCKET_GROUP, startServer } from "./daemon/server.ts";
import { findHandler } from "./daemon/handlers/index.ts";
import { VERSION } from "./_version.ts";

/** The daemon's usage text (`dusty -d -h`). */
export const DAEMON_USAGE = `Run the dusty daemon (as root): the process that edits the hosts file and drives Docker for every dusty command

Usage: dusty -d [--suppress-warnings] [--preflight-only] [--allow-non-root]

Options:
  --suppress-warnings  Never send warnings to clients (they still go to the daemon's log)
  --preflight-only     Run the preflight checks, then exit (0 when they pass)
  --allow-non-root     Run without root, with your own permissions (for tests and unusual installs)
  -h, --help           Show this help

Environment:
  DUSTY_SOCKET_PATH    The socket to listen on (default /var/run/dusty/dusty.sock)
  DUSTY_ENGINE_TIMEOUT_MS   How long a Docker Engine query (version, ps, inspect) may take (default 30000)
  DUSTY_COMPOSE_TIMEOUT_MS  How long compose up/stop and other engine work may take (default 1800000)
`;

const FLAGS = ["--suppress-warnings", "--preflight-only", "--allow-non-root", "-h", "--help"] as const;
type Flag = (typeof FLAGS)[number];

// How long running commands may take to finish after SIGTERM before they are interrupted.
const SHUTDOWN_GRACE_MS = 5000;
const DEFAULT_IDLE_TIMEOUT_MS = 10_000;

/** Runs the daemon until it is told to stop; resolves with the exit code. */
export async function runDaemon(argv: string[]): Promise<number> {
  const unknown = argv.filter((arg) => !(FLAGS as readonly string[]).includes(arg));
  if (unknown.length > 0) {
    process.stderr.write(`Unknown option for dusty -d: ${unknown.join(" ")}\n\n${DAEMON_USAGE}`);
    return 1;
  }
  const flags = new Set(argv as Flag[]);
  if (flags.has("-h") || flags.has("--help")) {
    process.stdout.write(DAEMON_USAGE);
    return 0;
  }
  if (process.getuid?.() !== 0 && !flags.has("--allow-non-root")) {
    process.stderr.write(
      "The dusty daemon must run as root: it edits the hosts file and manages Docker for every user. " +
        "Start it with `sudo dusty -d`, or pass --allow-non-root to run it with your own permissions\n",
    );
    return 1;
  }

  const env = process.env;
  const locations = await resolveHostsFile(resolveLocations(env));
  const problems = await runPreflight(locations);
  if (problems.length > 0) {
    logDaemon(`Preflight failed:\n${problems.map((p) => `  ${p}\n`).join("")}`.trimEnd());
    return 1;
  }
  logDaemon("Completed preflight check successfully");
  if (flags.has("--preflight-only")) return 0;
  await adoptChildRecord(locations, logDaemon);
  await removeClientSockets(locations);

  let server;
  try {
    server = await startServer(
      {
        locations,
        findHandler: (command) => findHandler(command, env),
        suppressWarnings: flags.has("--suppress-warnings"),
        idleTimeoutMs: readIdleTimeout(env.DUSTY_IDLE_TIMEOUT_MS),
      },
      await readSocketGroup(locations.configFile),
    );
  } catch (error) {
    if (!isExpectedError(error)) throw error;
    logDaemonError(error.message);
    return 1;
  }
  logDaemon(`Dusty daemon ${VERSION} listening on ${locations.socketPath} (pid ${process.pid})`);

  const signals = listenForSignals(["SIGTERM", "SIGINT"]);
  logDaemon(`Received ${await signals.first}: stopping`);
  // A second signal while stopping means "now": skip the grace period.
  const forced = signals.second.then(() => logDaemon("Stopping at once"));
  await Promise.race([server.stop(SHUTDOWN_GRACE_MS), forced.then(() => server.stop(0))]);
  signals.remove();
  await removeClientSockets(locations);
  logDaemon("Stopped");
  // Something a handler left behind (a timer, a child's pipe) must not keep a stopped daemon alive.
  setTimeout(() => process.exit(0), 2000).unref();
  return 0;
}

// One listener for the daemon's whole life, so that no signal ever meets the default action (death).
function listenForSignals(names: NodeJS.Signals[]) {
  let count = 0;
  let onFirst!: (signal: NodeJS.Signals) => void;
  let onSecond!: () => void;
  const first = new Promise<NodeJS.Signals>((resolve) => (onFirst = resolve));
  const second = new Promise<void>((resolve) => (onSecond = resolve));
  const listener = (signal: NodeJS.Signals) => (++count === 1 ? onFirst(signal) : onSecond());
  for (const name of names) process.on(name, listener);
  return { first, second, remove: () => names.forEach((name) => process.off(name, listener)) };
}

/** The config's socket_group; a broken config must not keep the daemon down (it is how users fix it), so the default then. */
async function readSocketGroup(configFile: string): Promise<string> {
  try {
    return (await loadConfig(configFile)).config.socket_group;
  } catch (error) {
    logDaemonError(`${errorMessage(error)}\nUsing the socket group "${SOCKET_GROUP}" until the config is fixed`);
    return SOCKET_GROUP;
  }
}

/**
 * The per-user engine sockets of remote hosts' masters: a user's docker reaches the engine through one
 * only while the daemon that made it runs (ssh leaves the files when a master ends, too).
 */
async function removeClientSockets(locations: Locations): Promise<void> {
  const removed = await removeClientSocketsBeside(sshControlDir(locations)).catch((error: unknown) => {
    logDaemonError(`Cannot remove the per-user Docker sockets beside ${sshControlDir(locations)}: ${errorMessage(error)}`);
    return [];
  });
  if (removed.length > 0) logDaemon(`Removed the per-user Docker sockets ${removed.join(", ")}`);
}

function readIdleTimeout(value: string | undefined): number {
  const ms = Number(value);
  return value && Number.isFinite(ms) && ms > 0 ? ms : DEFAULT_IDLE_TIMEOUT_MS;
}
