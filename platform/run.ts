/**
 * The only way dusty starts programs: argv arrays (never a shell string) over Bun.spawn, output read
 * line by line as it arrives so the daemon can stream it to the client while the program still runs.
 */
import type { Subprocess } from "bun";
import { AsyncLocalStorage } from "node:async_hooks";
import { existsSync } from "node:fs";
import { UserError } from "./errors.ts";

/** How to run one program. */
export interface RunOptions {
  cwd?: string;
  /** Merged over `process.env`; an `undefined` value removes that variable. */
  env?: Record<string, string | undefined>;
  /** Written to the program's stdin, which is then closed. Without it stdin is /dev/null. */
  input?: string;
  /** Aborting kills the program; `run()` then rejects with the signal's reason. The signal of `withCommandSignal()` applies too. */
  signal?: AbortSignal;
  /**
   * Called for every complete line as it arrives (without the newline), and for a last partial line at
   * exit. When it returns a promise, reading waits for it: the program then blocks on a full pipe, which
   * is how a slow reader at the far end (a client paused with Ctrl-Z) slows the program instead of
   * filling the daemon's memory.
   */
  onLine?: (line: string, stream: "stdout" | "stderr") => unknown;
  /** Kills the program after this long; `run()` then rejects with a CommandFailedError whose `timedOut` is true. */
  timeoutMs?: number;
}

/** What a finished program left behind. */
export interface RunResult {
  argv: string[];
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** How many lines of output a CommandFailedError message keeps. */
const TAIL_LINES = 10;
/** How long a killed program gets to exit on SIGTERM before it gets SIGKILL. */
const KILL_GRACE_MS = 2000;

/** What to do when a program is missing, by program name. */
const INSTALL_HINTS: Record<string, string> = {
  docker: "Install Docker Engine (on Debian: `bash scripts/ensure-docker.sh`)",
  "docker-compose": "Install Docker Compose, or set compose_command",
  rsync: "Install rsync",
  git: "Install git",
  nginx: "Install nginx (on Debian: nginx-light)",
};

/** A program ran and exited non-zero (or was killed after `timeoutMs`). */
export class CommandFailedError extends UserError {
  override name = "CommandFailedError";
  readonly argv: string[];
  readonly exitCode: number;
  /** The last lines of stderr (of stdout when stderr was empty), trimmed. */
  readonly stderrTail: string;
  readonly timedOut: boolean;
  readonly result: RunResult;

  constructor(result: RunResult, options: { timeoutMs?: number } = {}) {
    const tail = tailLines(result.stderr.trim() ? result.stderr : result.stdout, TAIL_LINES);
    const what = options.timeoutMs === undefined
      ? `failed with exit code ${result.exitCode}`
      : `timed out after ${options.timeoutMs} ms`;
    super(`"${formatArgv(result.argv)}" ${what}${tail ? `: ${tail}` : ""}`);
    this.argv = result.argv;
    this.exitCode = result.exitCode;
    this.stderrTail = tail;
    this.timedOut = options.timeoutMs !== undefined;
    this.result = result;
  }
}

/** A program could not be started because it is not installed (or not on PATH). */
export class CommandNotFoundError extends UserError {
  override name = "CommandNotFoundError";
  readonly command: string;

  constructor(command: string, options: { reason?: string; fix?: string } = {}) {
    const fix = options.fix ?? INSTALL_HINTS[command] ?? "Install it, or add the folder that holds it to PATH";
    super(`Cannot run "${command}": ${options.reason ?? "not found on PATH"}. ${fix}`);
    this.command = command;
  }
}

/** Watches every program run() starts, so that a daemon can find its children again after it was killed. */
export interface ChildTracker {
  /** Added to every program's environment (and so inherited by what it starts): a mark to know them by. */
  readonly env: Record<string, string>;
  /** The program is running as the leader of its own process group (pgid = pid). */
  started(pid: number, argv: readonly string[]): void;
  exited(pid: number): void;
}

let tracker: ChildTracker | undefined;

/**
 * Makes run() start every program in a process group of its own (setsid) and report it to `next`; the
 * daemon calls this at start. Only the daemon: a client's children must stay in the terminal's group so
 * that Ctrl-C reaches them and they do not outlive the client.
 */
export function trackChildren(next: ChildTracker | undefined): void {
  tracker = next;
}

// The signal of the daemon command a run() belongs to, so every program a command starts stops when the
// command is aborted, without threading a signal through each platform function it calls on the way.
const commandSignal = new AsyncLocalStorage<AbortSignal>();

/**
 * Runs `fn` with `signal` applying to every run() inside it (also across awaits): aborting it ends the
 * programs then running. Programs started after the abort run (they are the command's clean-up).
 */
export function withCommandSignal<T>(signal: AbortSignal, fn: () => T): T {
  return commandSignal.run(signal, fn);
}

/** Runs a program to completion. Resolves whatever its exit code; rejects only when it cannot run, times out or is aborted. */
export async function run(argv: string[], options: RunOptions = {}): Promise<RunResult> {
  if (argv.length === 0) throw new Error("run() needs a program to run: argv is empty");
  // A program started once the command was already aborted is its clean-up (removing a test run's
  // containers, say): the command's signal ends the programs running when it fires, not those.
  const stored = commandSignal.getStore();
  const ambient = stored?.aborted ? undefined : stored;
  const signal = options.signal && ambient && options.signal !== ambient ? AbortSignal.any([options.signal, ambient]) : options.signal ?? ambient;
  signal?.throwIfAborted();
  const watcher = tracker;
  const group = watcher !== undefined;
  const proc = spawn(argv, watcher ? { ...options, env: { ...options.env, ...watcher.env } } : options, group);
  watcher?.started(proc.pid, argv);
  void proc.exited.then(() => watcher?.exited(proc.pid), () => watcher?.exited(proc.pid));

  const stdout = readLines(proc.stdout, "stdout", options.onLine);
  const stderr = readLines(proc.stderr, "stderr", options.onLine);
  let stopped: "abort" | "timeout" | undefined;
  const stop = (why: "abort" | "timeout") => {
    stopped ??= why;
    terminate(proc, group);
  };
  const onAbort = () => stop("abort");
  signal?.addEventListener("abort", onAbort, { once: true });
  const timer = options.timeoutMs === undefined ? undefined : setTimeout(() => stop("timeout"), options.timeoutMs);

  try {
    const exitCode = await proc.exited;
    if (stopped) {
      // A grandchild may still hold the pipes open; the output no longer matters, so stop reading.
      stdout.cancel();
      stderr.cancel();
      if (stopped === "abort") throw signal?.reason ?? new DOMException("The run was aborted", "AbortError");
      const result = { argv, exitCode, stdout: await stdout.text, stderr: await stderr.text };
      throw new CommandFailedError(result, { timeoutMs: options.timeoutMs });
    }
    return { argv, exitCode, stdout: await stdout.text, stderr: await stderr.text };
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", onAbort);
  }
}

/** Like `run()`, but a non-zero exit code rejects with a CommandFailedError. */
export async function runChecked(argv: string[], options: RunOptions = {}): Promise<RunResult> {
  const result = await run(argv, options);
  if (result.exitCode !== 0) throw new CommandFailedError(result);
  return result;
}

/** Shows an argv the way a user would type it: arguments with spaces or quotes are single-quoted. */
export function formatArgv(argv: readonly string[]): string {
  return argv.map((arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`)).join(" ");
}

function spawn(argv: string[], options: RunOptions, group: boolean) {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries({ ...process.env, ...options.env })) {
    if (value !== undefined) env[key] = value;
  }
  try {
    return Bun.spawn(argv, {
      cwd: options.cwd,
      env,
      stdin: options.input === undefined ? "ignore" : new TextEncoder().encode(options.input),
      stdout: "pipe",
      stderr: "pipe",
      // setsid(): the program and everything it starts (compose's plugin, its helpers) share one group
      // the daemon can end as a whole, now or after a crash.
      detached: group,
    });
  } catch (error) {
    const code = (error as { code?: string }).code;
    // Bun reports a missing working directory as ENOENT too, so tell the two apart here.
    if (code === "ENOENT" && options.cwd !== undefined && !existsSync(options.cwd)) {
      throw new Error(`Cannot run "${formatArgv(argv)}": working directory "${options.cwd}" does not exist`);
    }
    if (code === "ENOENT") throw new CommandNotFoundError(argv[0]!);
    if (code === "EACCES") throw new Error(`Cannot run "${argv[0]}": permission denied. Make it executable (chmod +x)`);
    throw error;
  }
}

/** SIGTERM first so programs like docker-compose can clean up, SIGKILL if they do not exit; to the whole group when it has one. */
function terminate(proc: Subprocess, group: boolean): void {
  const kill = (signal: NodeJS.Signals) => {
    if (!group) return proc.kill(signal);
    try {
      // The group is the program's own (setsid at spawn), so this reaches nothing else.
      process.kill(-proc.pid, signal);
    } catch {
      // ESRCH: the whole group has exited already.
    }
  };
  kill("SIGTERM");
  const force = setTimeout(() => kill("SIGKILL"), KILL_GRACE_MS);
  void proc.exited.finally(() => clearTimeout(force));
}

/** Reads a stream to its end, calling onLine per line as the text arrives. */
function readLines(
  stream: ReadableStream<Uint8Array>,
  name: "stdout" | "stderr",
  onLine: RunOptions["onLine"],
): { text: Promise<string>; cancel(): void } {
  const reader = stream.getReader();
  let onCancel!: () => void;
  // A cancelled read stops waiting for a slow onLine too: after an abort the output no longer matters.
  const cancelled = new Promise<void>((resolve) => (onCancel = resolve));
  const read = async () => {
    const decoder = new TextDecoder();
    let text = "";
    let pending = "";
    let callbackError: unknown;
    let waits: Promise<unknown>[] = [];
    const take = (chunk: string, final: boolean) => {
      text += chunk;
      if (!onLine) return;
      pending += chunk;
      const lines = pending.split("\n");
      pending = final ? "" : lines.pop()!;
      if (final && lines.at(-1) === "") lines.pop();
      for (const line of lines) {
        try {
          const wait = onLine(line.endsWith("\r") ? line.slice(0, -1) : line, name);
          if (wait instanceof Promise) waits.push(wait.catch((error: unknown) => void (callbackError ??= error)));
        } catch (error) {
          // Keep draining the pipe, or the program would block on a full pipe and never exit.
          callbackError ??= error;
        }
      }
    };
    for (;;) {
      let chunk: Awaited<ReturnType<typeof reader.read>>;
      try {
        chunk = await reader.read();
      } catch {
        break; // cancelled after an abort or a timeout: keep what was read
      }
      if (chunk.done) break;
      take(decoder.decode(chunk.value, { stream: true }), false);
      if (waits.length > 0) {
        await Promise.race([Promise.all(waits), cancelled]);
        waits = [];
      }
    }
    take(decoder.decode(), true);
    await Promise.race([Promise.all(waits), cancelled]);
    if (callbackError !== undefined) throw callbackError;
    return text;
  };
  const text = read();
  // Marks the promise handled now; run() awaits it (and sees any rejection) once the program exits.
  text.catch(() => {});
  return {
    text,
    cancel: () => {
      onCancel();
      void reader.cancel().catch(() => {});
    },
  };
}

function tailLines(text: string, count: number): string {
  return text.trimEnd().split("\n").slice(-count).join("\n").trim();
}
