/**
 * The client side of `logs`, `shell` and `scripts`: ask the daemon which container (only it knows the
 * compose project and the Docker host), then run docker HERE, attached to the user's terminal, so
 * Ctrl-C, a TTY and the exit code behave as with docker itself. Dusty exec'd docker the same way.
 * Kept light: the client loads it on every such command.
 */
import type { CommandArgsInput } from "../../core/command-args.ts";
import type { CommandName } from "../../core/commands.ts";
import { constants } from "node:os";
import { isatty } from "node:tty";
import { callDaemon, reportFailure, writeToTerminal } from "./call.ts";

/** What shells return for a program that is not installed. */
const COMMAND_NOT_FOUND_EXIT_CODE = 127;

/** Signals that, sent to dusty, go on to the docker it runs. */
const FORWARDED_SIGNALS: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];

/** What the daemon sends back; see cmd/daemon/handlers/containers-find.ts and scripts.ts. */
export interface ContainerTarget {
  id: string;
  name: string;
  running: boolean;
  env: Record<string, string>;
  command?: string[];
}

/** The daemon's answer, or its exit code when it refused (it has printed why). */
export type DaemonAnswer<T> = { ok: true; value: T } | { ok: false; exitCode: number };

/** Runs a daemon command whose output is one JSON object; its log and errors go to stderr as usual. */
export async function askDaemonFor<T, C extends CommandName = CommandName>(command: C, args: CommandArgsInput<C>): Promise<DaemonAnswer<T>> {
  let out = "";
  const exitCode = await callDaemon(command, args, {
    write: (stream, text) => (stream === "stdout" ? void (out += text) : writeToTerminal("stderr", text)),
  });
  return exitCode === 0 ? { ok: true, value: JSON.parse(out) as T } : { ok: false, exitCode };
}

/**
 * `docker exec` flags: always -i (piped input reaches the program, as in Dusty), -t only when both
 * stdin and stdout are terminals. Dusty looked at stdout alone, and docker then refused with "the input
 * device is not a TTY" whenever input was piped.
 */
export function execFlags(tty = isatty(0) && isatty(1)): string[] {
  return tty ? ["--interactive", "--tty"] : ["--interactive"];
}

/** Runs docker with the terminal's stdin, stdout and stderr; resolves with its exit code (128+N when killed by signal N, 127 when docker is missing). */
export async function runDockerAttached(argv: string[], env: Record<string, string> = {}): Promise<number> {
  let proc;
  try {
    proc = Bun.spawn(argv, { stdio: ["inherit", "inherit", "inherit"], env: { ...process.env, ...env } });
  } catch (error) {
    if ((error as { code?: string }).code !== "ENOENT") throw error;
    await writeToTerminal("stderr", `Cannot run "${argv[0]}": not found on PATH. Install the Docker CLI (on Debian: \`bash scripts/ensure-docker.sh\`)\n`);
    return COMMAND_NOT_FOUND_EXIT_CODE;
  }
  // A terminal's Ctrl-C reaches docker by itself (same process group); a signal sent to dusty alone
  // (`timeout`, `kill <pid>`) is passed on to docker. Either way dusty stays until docker has exited,
  // and reports docker's exit code.
  const child = proc;
  const forward = (signal: NodeJS.Signals) => () => void child.kill(signal);
  const handlers = FORWARDED_SIGNALS.map((signal) => [signal, forward(signal)] as const);
  for (const [signal, handler] of handlers) process.on(signal, handler);
  try {
    const code = await proc.exited;
    const signal = proc.signalCode as keyof typeof constants.signals | null;
    return signal ? 128 + (constants.signals[signal] ?? 0) : code;
  } finally {
    for (const [signal, handler] of handlers) process.off(signal, handler);
  }
}

/** Runs a client-side docker command body: its number becomes the exit code; expected failures print one line. */
export async function runDockerCommand(body: () => Promise<number>): Promise<void> {
  try {
    const code = await body();
    if (code !== 0) process.exitCode = code;
  } catch (error) {
    await reportFailure(error);
  }
}

/** Prints a usage problem found in the client and sets exit code 1. */
export async function refuseInClient(message: string): Promise<void> {
  await writeToTerminal("stderr", `${message}\n`);
  process.exitCode = 1;
}
