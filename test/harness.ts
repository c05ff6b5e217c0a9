/**
 * End-to-end helpers: start a REAL dusty daemon as its own process with every location in a temp
 * folder, run the real client against it, and talk raw protocol to it. The binary is $DUSTY_BIN when
 * set (the Makefile points it at the compiled dist/dusty), else `bun cmd/main.ts`.
 *
 *   const daemon = await startDaemon();
 *   afterAll(() => daemon.stop());
 *   const { code, stdout } = await daemon.run(["version"]);
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
import { VERSION } from "../cmd/_version.ts";
import {
  encodeFrame,
  FrameDecoder,
  MAX_DAEMON_FRAME_BYTES,
  parseDaemonMessage,
  PROTOCOL_VERSION,
  type DaemonMessage,
  type RequestMessage,
} from "../core/protocol.ts";
import { probeSocket, SocketWriter } from "../platform/socket.ts";
import { cleanUpAtRunEnd } from "./_cleanup.ts";

/** The repository root. */
export const ROOT = resolve(import.meta.dir, "..");

/** What a finished dusty process did. */
export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Options of runDusty and DaemonHandle.run. */
export interface RunOptions {
  /** Added to (and overriding) the environment; undefined removes a variable. */
  env?: Record<string, string | undefined>;
  stdin?: string;
  /** The working folder (default: the repo root), for commands given relative paths. */
  cwd?: string;
  /** Killed after this long (default 60 s); the result then has code -1. */
  timeoutMs?: number;
  /** The dusty binary to run instead of $DUSTY_BIN (an installed or copied one). */
  bin?: string;
}

/** Options of startDaemon. */
export interface DaemonOptions {
  /** Extra environment for the daemon (and its clients), e.g. DUSTY_DEBUG_COMMANDS: "1". */
  env?: Record<string, string>;
  /** Extra daemon flags, e.g. ["--suppress-warnings"]. */
  args?: string[];
  /** How long to wait for the socket to answer (default 20 s). */
  startTimeoutMs?: number;
  /** The dusty binary to run instead of $DUSTY_BIN, for the daemon and its clients. */
  bin?: string;
  /** The folder to make the daemon's temp folder in (default the system's temp dir), e.g. one a remote test host hides. */
  parentDir?: string;
}

/** A daemon started by startDaemon. */
export interface DaemonHandle {
  /** The environment that points a client at this daemon (DUSTY_SOCKET_PATH and the other locations). */
  env: Record<string, string>;
  /** The temp folder holding everything of this daemon; removed by stop(). */
  dir: string;
  socketPath: string;
  pid: number;
  /** Runs the client with this daemon's environment. */
  run(args: string[], options?: RunOptions): Promise<RunResult>;
  /** The daemon's log (its stderr) so far. */
  log(): string;
  /** Waits until the daemon's log matches; rejects with the log after `timeoutMs`. */
  waitForLog(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** Resolves with the daemon's exit code once it has exited. */
  exited: Promise<number>;
  /** SIGTERM, wait, SIGKILL if needed, remove the temp folder. Safe to call twice and after a failed test. */
  stop(): Promise<void>;
}

const live = new Set<{ pid: number; dir: string }>();
// A daemon a test file leaves running (it failed before its afterAll, or has none) is stopped at the
// end of the run: under bun test by test/_cleanup.ts's registry (bun test fires no exit handlers);
// under plain bun (bench/ scripts), where exit handlers do run, by this synchronous one.
process.on("exit", () => {
  for (const { pid, dir } of live) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {}
    rmSync(dir, { recursive: true, force: true });
  }
});

/** The argv that runs dusty with `args`. */
export function dustyArgv(args: string[], bin: string | undefined = process.env.DUSTY_BIN): string[] {
  if (bin) return [isAbsolute(bin) ? bin : join(ROOT, bin), ...args];
  return [process.execPath, join(ROOT, "cmd", "main.ts"), ...args];
}

/** Runs dusty to completion and collects its output; `prefix` runs it through another program (setpriv …). */
export async function runDusty(args: string[], options: RunOptions & { prefix?: string[] } = {}): Promise<RunResult> {
  const child = Bun.spawn([...(options.prefix ?? []), ...dustyArgv(args, options.bin)], {
    env: mergeEnv(process.env, options.env ?? {}),
    cwd: options.cwd ?? ROOT,
    stdin: options.stdin === undefined ? "ignore" : new TextEncoder().encode(options.stdin),
    stdout: "pipe",
    stderr: "pipe",
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 60_000);
  try {
    const [stdout, stderr, code] = await Promise.all([
      new Response(child.stdout).text(),
      new Response(child.stderr).text(),
      child.exited,
    ]);
    return { code: child.signalCode === "SIGKILL" ? -1 : code, stdout, stderr };
  } finally {
    clearTimeout(timer);
  }
}

/** Starts a real daemon in a fresh temp folder and waits until its socket answers. */
export async function startDaemon(options: DaemonOptions = {}): Promise<DaemonHandle> {
  const dir = mkdtempSync(join(options.parentDir ?? tmpdir(), "dusty-e2e-"));
  const env: Record<string, string> = {
    DUSTY_SOCKET_PATH: join(dir, "run", "dusty.sock"),
    DUSTY_CONFIG_DIR: join(dir, "etc"),
    DUSTY_HOSTS_FILE: join(dir, "hosts"),
    DUSTY_PERSIST_DIR: join(dir, "persist"),
    ...options.env,
  };
  writeFileSync(env.DUSTY_HOSTS_FILE!, "127.0.0.1 localhost\n");

  const child = Bun.spawn(dustyArgv(["-d", "--allow-non-root", ...(options.args ?? [])], options.bin), {
    env: mergeEnv(process.env, env),
    cwd: ROOT,
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const entry = { pid: child.pid, dir };
  live.add(entry);
  let unregister: (() => void) | undefined;
  let log = "";
  const collect = async (stream: ReadableStream<Uint8Array>) => {
    const decoder = new TextDecoder();
    for await (const chunk of stream) log += decoder.decode(chunk, { stream: true });
  };
  const drained = Promise.all([collect(child.stdout), collect(child.stderr)]);

  let stopping: Promise<void> | undefined;
  const handle: DaemonHandle = {
    env,
    dir,
    socketPath: env.DUSTY_SOCKET_PATH!,
    pid: child.pid,
    exited: child.exited,
    log: () => log,
    run: (args, runOptions = {}) => runDusty(args, { bin: options.bin, ...runOptions, env: { ...env, ...runOptions.env } }),
    waitForLog: (pattern, timeoutMs = 10_000) =>
      waitUntil(() => pattern.test(log), timeoutMs, () => `daemon log never matched ${pattern}:\n${log}`),
    stop: () =>
      (stopping ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill("SIGTERM");
          const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
          await child.exited;
          clearTimeout(timer);
        }
        await drained.catch(() => {});
        live.delete(entry);
        unregister?.();
        rmSync(dir, { recursive: true, force: true });
      })()),
  };

  unregister = cleanUpAtRunEnd(handle.stop);
  try {
    await waitUntil(
      async () => {
        if (child.exitCode !== null) throw new Error(`the daemon exited with code ${child.exitCode} before it answered:\n${log}`);
        return (await probeSocket(handle.socketPath, 500)).kind === "answering";
      },
      options.startTimeoutMs ?? 20_000,
      () => `the daemon did not answer on ${handle.socketPath}:\n${log}`,
    );
  } catch (error) {
    await handle.stop();
    throw error;
  }
  return handle;
}

/** A hand-driven protocol connection, for sending what the real client never would. */
export class RawClient {
  /** Every message received so far. */
  readonly messages: DaemonMessage[] = [];
  /** Decode errors, if the daemon ever sent something unreadable. */
  readonly errors: string[] = [];
  /** Resolves when the connection has closed (by either side). */
  readonly closed: Promise<void>;
  #socket!: Bun.Socket<undefined>;
  #writer!: SocketWriter;
  #onClosed!: () => void;
  #isClosed = false;
  #listeners = new Set<() => void>();
  readonly #decoder = new FrameDecoder({ maxFrameBytes: MAX_DAEMON_FRAME_BYTES, parse: parseDaemonMessage });

  private constructor() {
    this.closed = new Promise((resolve) => (this.#onClosed = resolve));
  }

  /** Connects to a daemon's socket. */
  static async connect(socketPath: string): Promise<RawClient> {
    const client = new RawClient();
    client.#socket = await Bun.connect({
      unix: socketPath,
      socket: {
        data: (_socket, chunk) => {
          for (const result of client.#decoder.push(chunk)) {
            if (result.ok) client.messages.push(result.value);
            else client.errors.push(result.error);
          }
          client.#notify();
        },
        drain: () => client.#writer.drain(),
        close: () => client.#markClosed(),
        error: () => client.#markClosed(),
      },
    });
    client.#writer = new SocketWriter(client.#socket);
    return client;
  }

  /** True once the connection has closed. */
  get isClosed(): boolean {
    return this.#isClosed;
  }

  /** Sends raw bytes. */
  send(bytes: Uint8Array): void {
    this.#writer.write(bytes);
  }

  /** Sends a well-formed request for `command`; `overrides` replace any field (e.g. clientVersion). */
  request(command: string, args: Record<string, unknown> = {}, overrides: Partial<RequestMessage> = {}): void {
    this.send(encodeFrame({ type: "request", command, args, clientVersion: VERSION, protocol: PROTOCOL_VERSION, cwd: ROOT, ...overrides }));
  }

  /** Waits for a message that matches; rejects with what arrived after `timeoutMs` or when the connection closes first. */
  async waitFor(match: (message: DaemonMessage) => boolean, timeoutMs = 10_000): Promise<DaemonMessage> {
    let found: DaemonMessage | undefined;
    await waitUntil(
      () => {
        found = this.messages.find(match);
        if (!found && this.#isClosed) throw new Error(`connection closed; received ${JSON.stringify(this.messages)}`);
        return found !== undefined;
      },
      timeoutMs,
      () => `no matching message; received ${JSON.stringify(this.messages)}`,
      (wake) => this.#listeners.add(wake),
    );
    return found!;
  }

  /** Returns everything the daemon sent once it has closed the connection (waits 10 s at most by default). */
  async collect(timeoutMs = 10_000): Promise<DaemonMessage[]> {
    await waitUntil(() => this.#isClosed, timeoutMs, () => `connection still open; received ${JSON.stringify(this.messages)}`);
    return this.messages;
  }

  /** Hangs up. */
  close(): void {
    this.#socket.terminate();
    this.#markClosed();
  }

  #markClosed(): void {
    this.#isClosed = true;
    this.#onClosed();
    this.#notify();
  }

  #notify(): void {
    for (const wake of this.#listeners) wake();
  }
}

/** Sends one raw chunk of bytes on a new connection and returns every message until the daemon hangs up. */
export async function exchangeRaw(socketPath: string, bytes: Uint8Array): Promise<DaemonMessage[]> {
  const client = await RawClient.connect(socketPath);
  client.send(bytes);
  return client.collect();
}

/** Polls `condition` every 20 ms until it holds; rejects with `describe()` after `timeoutMs`. */
export async function waitUntil(
  condition: () => boolean | Promise<boolean>,
  timeoutMs: number,
  describe: () => string,
  subscribe?: (wake: () => void) => void,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let wake: (() => void) | undefined;
  subscribe?.(() => wake?.());
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(describe());
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 20);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}

function mergeEnv(base: Record<string, string | undefined>, extra: Record<string, string | undefined>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries({ ...base, ...extra })) if (value !== undefined) env[key] = value;
  return env;
}

/** The pattern of `dusty version`'s first line; the commit baked into the binary is not known to the test. */
export function clientVersionPattern(version: string = VERSION, target = `${process.platform}-${process.arch}`): string {
  return `Dusty client version: ${version.replaceAll(".", "\\.")} \\(commit ([0-9a-f]{12}(-dirty)?|unknown), ${target}\\)\\n`;
}
