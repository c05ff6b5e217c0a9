/**
 * The only way dusty starts programs: argv arrays (never a shell string) over Bun.spawn, output read
 * line by line as it arrives so the daemon can stream it to the client while the program still runs.
 */
import type { Subprocess } from "bun";
import { existsSync } from "node:fs";

/** How to run one program. */
export interface RunOptions {
  cwd?: string;
  /** Merged over `process.env`; an `undefined` value removes that variable. */
  env?: Record<string, string | undefined>;
  /** Written to the program's stdin, which is then closed. Without it stdin is /dev/null. */
  input?: string;
  /** Aborting kills the program; `run()` then rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Called for every complete line as it arrives (without the newline), and for a last partial line at exit. */
  onLine?: (line: string, stream: "stdout" | "stderr") => void;
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
export class CommandFailedError extends Error {
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
export class CommandNotFoundError extends Error {
  override name = "CommandNotFoundError";
  readonly command: string;

  constructor(command: string, options: { reason?: string; fix?: string } = {}) {
    const fix = options.fix ?? INSTALL_HINTS[command] ?? "Install it, or add the folder that holds it to PATH";
    super(`Cannot run "${command}": ${options.reason ?? "not found on PATH"}. ${fix}`);
    this.command = command;
  }
}

/** Runs a program to completion. Resolves whatever its exit code; rejects only when it cannot run, times out or is aborted. */
export async function run(argv: string[], options: RunOptions = {}): Promise<RunResult> {
  if (argv.length === 0) throw new Error("run() needs a program to run: argv is empty");
  options.signal?.throwIfAborted();
  const proc = spawn(argv, options);

  const stdout = readLines(proc.stdout, "stdout", options.onLine);
  const stderr = readLines(proc.stderr, "stderr", options.onLine);
  let stopped: "abort" | "timeout" | undefined;
  const stop = (why: "abort" | "timeout") => {
    stopped ??= why;
    terminate(proc);
  };
  const onAbort = () => stop("abort");
  options.signal?.addEventListener("abort", onAbort, { once: true });
  const timer = options.timeoutMs === undefined ? undefined : setTimeout(() => stop("timeout"), options.timeoutMs);

  try {
    const exitCode = await proc.exited;
    if (stopped) {
      // A grandchild may still hold the pipes open; the output no longer matters, so stop reading.
      stdout.cancel();
      stderr.cancel();
      if (stopped === "abort") throw options.signal?.reason ?? new DOMException("The run was aborted", "AbortError");
      const result = { argv, exitCode, stdout: await stdout.text, stderr: await stderr.text };
      throw new CommandFailedError(result, { timeoutMs: options.timeoutMs });
    }
    return { argv, exitCode, stdout: await stdout.text, stderr: await stderr.text };
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener("abort", onAbort);
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

function spawn(argv: string[], options: RunOptions) {
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

/** SIGTERM first so programs like docker-compose can clean up, SIGKILL if they do not exit. */
function terminate(proc: Subprocess): void {
  proc.kill("SIGTERM");
  const force = setTimeout(() => proc.kill("SIGKILL"), KILL_GRACE_MS);
  void proc.exited.finally(() => clearTimeout(force));
}

/** Reads a stream to its end, calling onLine per line as the text arrives. */
function readLines(
  stream: ReadableStream<Uint8Array>,
  name: "stdout" | "stderr",
  onLine: RunOptions["onLine"],
): { text: Promise<string>; cancel(): void } {
  const reader = stream.getReader();
  const read = async () => {
    const decoder = new TextDecoder();
    let text = "";
    let pending = "";
    let callbackError: unknown;
    const take = (chunk: string, final: boolean) => {
      text += chunk;
      if (!onLine) return;
      pending += chunk;
      const lines = pending.split("\n");
      pending = final ? "" : lines.pop()!;
      if (final && lines.at(-1) === "") lines.pop();
      for (const line of lines) {
        try {
          onLine(line.endsWith("\r") ? line.slice(0, -1) : line, name);
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
    }
    take(decoder.decode(), true);
    if (callbackError !== undefined) throw callbackError;
    return text;
  };
  const text = read();
  // Marks the promise handled now; run() awaits it (and sees any rejection) once the program exits.
  text.catch(() => {});
  return { text, cancel: () => void reader.cancel().catch(() => {}) };
}

function tailLines(text: string, count: number): string {
  return text.trimEnd().split("\n").slice(-count).join("\n").trim();
}
