/**
 * One persistent ssh connection per Docker host (an OpenSSH ControlMaster): every later ssh, rsync and
 * docker call rides it with no new handshake. The remote engine's socket is forwarded to a local unix
 * socket through the master, so docker and compose (v1 and v2) use DOCKER_HOST=unix://… as for a local
 * engine. Host keys are always checked; nothing secret goes into argv.
 */
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { chmod, chown, mkdir, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { UserError } from "./errors.ts";
import { run, type RunOptions, type RunResult } from "./run.ts";
import type { Runner } from "./rsync.ts";
import { clientSocketName, removeClientSockets } from "./ssh-client-sockets.ts";
import { shellCommand } from "./vm/_vm-shell.ts";

/** Where `docker_host: ssh://USER@HOST[:PORT]` points. */
export interface SshTarget {
  user?: string;
  host: string;
  port?: number;
}

/** Settings of one connection. */
export interface SshConnectionOptions {
  target: SshTarget;
  /** `docker_host_ssh_config`: passed as `-F` to every ssh (and rsync's ssh). Without it, the user's own setup applies. */
  configFile?: string;
  /** A folder only root may enter, for the control socket and the forwarded docker socket (made 0700 here). */
  controlDir: string;
  /** The remote engine's socket (default /var/run/docker.sock). */
  remoteDockerSocket?: string;
  /** Starts ssh (default platform/run.ts's `run`). */
  runner?: Runner;
  /** Environment for ssh, e.g. the client's SSH_AUTH_SOCK. */
  env?: Record<string, string | undefined>;
  /** Words a failed login for its user (default `sshError`, the ssh driver's advice, which names docker_host). */
  describeFailure?: (error: Error) => Error;
  /**
   * Where `forwardSocketFor()` puts the per-user engine sockets: a folder others may pass through but not
   * list (made 0711 here). Without it, no per-user socket can be made.
   */
  clientSocketDir?: string;
}

/** An open-on-demand master connection to one host. */
export interface SshConnection {
  /** `user@host` or `host`, for messages. */
  readonly label: string;
  /** The local socket the remote engine answers on once `open()` has run. */
  readonly dockerSocket: string;
  /** Starts the master (or checks the running one) and its docker socket forward; throws a UserError naming the host and the fix. */
  open(): Promise<void>;
  /** Whether a master is running for this host. */
  isOpen(): Promise<boolean>;
  /** The running master's pid (undefined when none runs): a new pid means a new connection. */
  masterPid(): Promise<number | undefined>;
  /** Runs argv on the host through the master (quoted for the remote shell); resolves whatever its exit code. */
  run(argv: string[], options?: RunOptions): Promise<RunResult>;
  /** The ssh argv (without the host) that rsync's `-e` takes to ride the master. */
  remoteShell(): string[];
  /** What rsync puts before `:path`: `user@host`. */
  rsyncTarget(): string;
  /**
   * Forwards the remote engine's socket to one more local socket in `clientSocketDir`, owned by `owner`
   * and usable by it alone (mode 0600), and returns its path: for a docker CLI the client runs as its user
   * (`shell`, `logs`), which may not enter the root-only control folder. A socket left there by an
   * earlier master is replaced.
   */
  forwardSocketFor(owner: { uid: number; gid: number }): Promise<string>;
  /** Ends the master (and with it the forwards), and removes its sockets, the per-user ones too. */
  close(): Promise<void>;
}

const SSH_DEFAULT_PORT = 22;
const DEFAULT_REMOTE_DOCKER_SOCKET = "/var/run/docker.sock";
/** The `open()` under way, by control socket path. */
const OPENING = new Map<string, Promise<void>>();
/** How long an idle master stays up after its last use. */
const CONTROL_PERSIST = "10m";

/** Parses `ssh://USER@HOST[:PORT]` (the Docker CLI's form); anything else is a UserError. */
export function parseSshUrl(url: string): SshTarget {
  const match = /^ssh:\/\/(?:([^-@/:\s][^@/:\s]*)@)?(\[[0-9a-fA-F:]+\]|[^-@/:\s[\]][^@/:\s[\]]*)(?::(\d+))?\/?$/.exec(url.trim());
  const port = match?.[3] === undefined ? undefined : Number(match[3]);
  if (!match || (port !== undefined && (port < 1 || port > 65535))) {
    throw new UserError(`Cannot use docker_host "${url}": expected ssh://USER@HOST or ssh://USER@HOST:PORT. Set it with \`dusty config set docker_host ssh://USER@HOST\``);
  }
  return { user: match[1], host: match[2]!.replace(/^\[|\]$/g, ""), port };
}

/** The connection to `options.target`; nothing runs until `open()` or `run()`. */
export function createSshConnection(options: SshConnectionOptions): SshConnection {
  const { target } = options;
  const runner = options.runner ?? run;
  const port = target.port ?? SSH_DEFAULT_PORT;
  const label = `${target.user ? `${target.user}@` : ""}${target.host}${target.port ? `:${target.port}` : ""}`;
  // Short names: a unix socket path holds about 100 bytes, and the folder may be deep already.
  const key = createHash("sha256").update(`${target.user ?? ""}@${target.host}:${port}`).digest("hex").slice(0, 16);
  const controlPath = join(options.controlDir, `${key}.ctl`);
  const dockerSocket = join(options.controlDir, `${key}.docker.sock`);
  const remoteSocket = options.remoteDockerSocket ?? DEFAULT_REMOTE_DOCKER_SOCKET;
  const destination = target.user ? `${target.user}@${target.host}` : target.host;

  /** Options every ssh gets: the config file, the control socket, host keys checked, never a prompt. */
  const common = (): string[] => [
    ...(options.configFile ? ["-F", options.configFile] : []),
    "-o", `ControlPath=${controlPath}`,
    "-o", "BatchMode=yes",
    "-o", "StrictHostKeyChecking=yes",
    "-p", String(port),
  ];
  const failure = (result: RunResult) => {
    const error = sshError(label, result, options.configFile);
    return options.describeFailure ? options.describeFailure(error) : error;
  };
  const ssh = (args: string[], runOptions: RunOptions = {}) => runner(["ssh", ...args], { ...runOptions, env: { ...options.env, ...runOptions.env } });

  async function isOpen(): Promise<boolean> {
    return (await masterPid()) !== undefined;
  }

  async function masterPid(): Promise<number | undefined> {
    if (!existsSync(controlPath)) return undefined;
    const check = await ssh([...common(), "-O", "check", destination]);
    // "Master running (pid=4242)" on stderr.
    return check.exitCode === 0 ? Number(/pid=(\d+)/.exec(check.stderr)?.[1] ?? 0) : undefined;
  }

  // Two commands opening at once would start two masters on one control socket: one open at a time
  // per control socket in this process (the daemon), whichever connection object asks.
  function open(): Promise<void> {
    const running = OPENING.get(controlPath);
    if (running) return running;
    const opening = openOnce().finally(() => OPENING.delete(controlPath));
    OPENING.set(controlPath, opening);
    return opening;
  }

  async function openOnce(): Promise<void> {
    await prepareControlDir(options.controlDir);
    if (await isOpen()) {
      if (!existsSync(dockerSocket)) await forward();
      return;
    }
    // A master that died leaves its sockets; ssh would refuse to bind over them.
    await rm(controlPath, { force: true });
    await removeForwardedSockets();
    const result = await ssh([
      ...common(),
      "-o", "ControlMaster=yes",
      "-o", `ControlPersist=${CONTROL_PERSIST}`,
      "-o", "ExitOnForwardFailure=yes",
      "-o", "StreamLocalBindUnlink=yes",
      "-o", "ServerAliveInterval=15",
      "-o", "ServerAliveCountMax=3",
      "-L", `${dockerSocket}:${remoteSocket}`,
      // -f: back to us once logged in; the master then runs on with its stdio on /dev/null.
      "-N", "-f", destination,
    ], { timeoutMs: 60_000 });
    if (result.exitCode !== 0) throw failure(result);
  }

  // ssh unlinks none of a master's forwarded sockets when it ends: those of this master that dusty made.
  async function removeForwardedSockets(): Promise<void> {
    await rm(dockerSocket, { force: true });
    if (options.clientSocketDir) await removeClientSockets(options.clientSocketDir, key);
  }

  async function forward(): Promise<void> {
    const result = await ssh([...common(), "-O", "forward", "-L", `${dockerSocket}:${remoteSocket}`, destination]);
    if (result.exitCode !== 0) throw failure(result);
  }

  return {
    label,
    dockerSocket,
    open,
    isOpen,
    masterPid,
    run: async (argv, runOptions = {}) => {
      if (!(await isOpen())) await open();
      // "--": what follows is the remote command; ssh joins it with spaces for the remote shell, hence the quoting.
      return ssh([...common(), "-o", "ControlMaster=no", destination, "--", shellCommand(argv)], runOptions);
    },
    remoteShell: () => ["ssh", ...common(), "-o", "ControlMaster=no"],
    forwardSocketFor: async (owner) => {
      const dir = options.clientSocketDir;
      if (!dir) throw new Error(`forwardSocketFor(): the connection to ${label} has no clientSocketDir`);
      await mkdir(dir, { recursive: true, mode: 0o711 });
      await chmod(dir, 0o711);
      const path = join(dir, clientSocketName(key, owner.uid));
      await open();
      // A forward of this master at that path would keep answering; one of a master that died would not: cancel, then forward anew.
      await ssh([...common(), "-O", "cancel", "-L", `${path}:${remoteSocket}`, destination]);
      await rm(path, { force: true });
      const result = await ssh([...common(), "-O", "forward", "-L", `${path}:${remoteSocket}`, destination]);
      if (result.exitCode !== 0) throw failure(result);
      // ssh binds with StreamLocalBindMask (0177 by default): root's, 0600; hand it to the user.
      await chown(path, owner.uid, owner.gid);
      await chmod(path, 0o600);
      return path;
    },
    rsyncTarget: () => (target.host.includes(":") ? `${target.user ? `${target.user}@` : ""}[${target.host}]` : destination),
    close: async () => {
      // A master that refused to end still serves its sockets: leave them.
      const ended = !(await isOpen()) || (await ssh([...common(), "-O", "exit", destination])).exitCode === 0;
      if (ended) await removeForwardedSockets();
    },
  };
}

/** ssh refused the host's key: none is recorded for it ("unknown"), or another one is ("changed"). */
export class HostKeyError extends UserError {
  override name = "HostKeyError";
  constructor(
    readonly reason: "unknown" | "changed",
    message: string,
  ) {
    super(message);
  }
}

/** The error a failed ssh login gives, naming the host and the fix. */
export function sshError(label: string, result: RunResult, configFile?: string): Error {
  const stderr = result.stderr;
  const detail = stderr.trim().split("\n").filter((line) => line && !line.startsWith("@")).at(-1) ?? `ssh exited with code ${result.exitCode}`;
  const config = configFile ? ` (ssh_config ${configFile})` : "";
  if (/REMOTE HOST IDENTIFICATION HAS CHANGED|Host key for .* has changed/.test(stderr)) {
    return new HostKeyError("changed", `Cannot connect to the Docker host ${label}: its host key has changed since it was recorded in known_hosts${config}. If the host was reinstalled, remove the old key with \`ssh-keygen -R ${hostOf(label)}\` and add the new one; otherwise someone may be intercepting the connection`);
  }
  if (/Host key verification failed|No \S+ host key is known/.test(stderr)) {
    return new HostKeyError("unknown", `Cannot connect to the Docker host ${label}: its host key is not in known_hosts${config}. Check the key's fingerprint, then add it where the daemon's ssh (as root) reads it: \`ssh-keyscan -H ${portFlag(label)}${hostOf(label)} | sudo tee -a /etc/ssh/ssh_known_hosts\`${configFile ? `, or the known_hosts file ${configFile} names` : ""}`);
  }
  if (/Permission denied/.test(stderr)) {
    return new UserError(`Cannot log in to the Docker host ${label}: ${detail}. Add your public key to that user's ~/.ssh/authorized_keys there, or name the key with IdentityFile in docker_host_ssh_config`);
  }
  if (/Could not resolve hostname|Connection refused|Connection timed out|No route to host|Network is unreachable|Operation timed out|Connection closed by|kex_exchange_identification/.test(stderr)) {
    return new UserError(`Cannot reach the Docker host ${label}: ${detail}. Check that the host is up, that sshd runs there, and the address and port in docker_host`);
  }
  return new UserError(`Cannot connect to the Docker host ${label} over ssh: ${detail}. Check \`ssh ${label}\` by hand`);
}

function hostOf(label: string): string {
  return label.replace(/^[^@]*@/, "").replace(/:\d+$/, "");
}

function portFlag(label: string): string {
  const port = /:(\d+)$/.exec(label)?.[1];
  return port ? `-p ${port} ` : "";
}

/** Makes the control folder root-only: whoever can open the sockets in it uses the connection (and so the remote engine). */
export async function prepareControlDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const info = await stat(dir);
  if ((info.mode & 0o077) !== 0) await chmod(dir, 0o700);
  if (process.getuid && info.uid !== process.getuid()) {
    throw new UserError(`Cannot use "${dir}" for ssh connections: it belongs to uid ${info.uid}, not to dusty. Remove it, dusty recreates it`);
  }
}
