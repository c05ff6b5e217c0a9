/**
 * The client half of every daemon command: connect to the daemon's socket, send one request, print
 * what streams back as it arrives, return the command's exit code. Kept light on purpose (no consola,
 * yaml or valibot here): every `dusty` command that talks to the daemon pays for this file's imports.
 */
import {
  encodeFrame,
  FrameDecoder,
  MAX_DAEMON_FRAME_BYTES,
  MAX_REQUEST_BYTES,
  parseDaemonMessage,
  PROTOCOL_VERSION,
  type DaemonMessage,
} from "../../core/protocol.ts";
import type { CommandArgsInput } from "../../core/command-args.ts";
import type { CommandName } from "../../core/commands.ts";
import { ENGINE_COMMANDS } from "../../core/docker-engine.ts";
import { resolveClientEngine } from "../../platform/docker-context.ts";
import { describeFailure, failureExitCode, UserError } from "../../platform/errors.ts";
import { resolveLocations } from "../../platform/locations.ts";
import { describeSocketError, errorCode, SocketWriter } from "../../platform/socket.ts";
import { VERSION } from "../_version.ts";

/** The daemon is not there, or went away mid-command. The message is one line and says what to do. */
export class DaemonUnavailableError extends UserError {
  override name = "DaemonUnavailableError";
  /** True when the client never reached a daemon (no socket, refused, no permission), as opposed to losing one. */
  constructor(
    message: string,
    readonly neverConnected = false,
  ) {
    super(message);
  }
}

/** Which of the client's streams a text goes to. */
export type OutputStream = "stdout" | "stderr";

/** Where to find the daemon and where to print; the defaults are the real ones. */
export interface CallOptions {
  socketPath?: string;
  /** Writes one text; the next waits until the returned promise settles. Default: Bun.write to the real stream. */
  write?: (stream: OutputStream, text: string) => unknown;
}

/** Exit code after Ctrl-C, as shells report a command killed by SIGINT. */
export const INTERRUPTED_EXIT_CODE = 130;

// Reading from the socket pauses while this many texts wait to be written, so a huge output does not pile up.
const MAX_QUEUED_WRITES = 64;

/**
 * Writes to the real stdout and stderr. Bun.write costs microseconds where the first use of
 * process.stdout builds a Node stream for about 3 ms: a tenth of a whole `dusty version`.
 */
export function writeToTerminal(stream: OutputStream, text: string): Promise<number> {
  return Bun.write(stream === "stdout" ? Bun.stdout : Bun.stderr, text);
}

/** Runs `command` in the daemon, streaming its output; resolves with its exit code once everything is printed. */
export async function callDaemon<C extends CommandName>(command: C, args: CommandArgsInput<C> = {} as CommandArgsInput<C>, options: CallOptions = {}): Promise<number> {
  const socketPath = options.socketPath ?? resolveLocations().socketPath;
  // The user's agent goes with every command, as the cwd does: any of them may open the ssh connection to a Docker host.
  const sshAuthSock = process.env.SSH_AUTH_SOCK || undefined;
  // The root daemon sees neither the user's DOCKER_HOST nor their Docker context: send the engine they would use.
  const engine = ENGINE_COMMANDS.includes(command) ? resolveClientEngine() : undefined;
  const sent = engine === undefined ? args : { ...args, dockerEngine: engine };
  const request = encodeFrame({ type: "request", command, args: sent, clientVersion: VERSION, protocol: PROTOCOL_VERSION, cwd: process.cwd(), sshAuthSock });
  if (request.length - 4 > MAX_REQUEST_BYTES) {
    throw new DaemonUnavailableError(`Cannot send ${command} to the dusty daemon: the request is over ${MAX_REQUEST_BYTES} bytes`);
  }

  const decoder = new FrameDecoder<DaemonMessage>({ maxFrameBytes: MAX_DAEMON_FRAME_BYTES, parse: parseDaemonMessage });
  const printer = createPrinter(options.write ?? writeToTerminal);
  let writer: SocketWriter | undefined;
  let settle!: (result: { code: number } | { error: Error }) => void;
  const result = new Promise<{ code: number } | { error: Error }>((resolve) => (settle = resolve));

  let socket: Awaited<ReturnType<typeof Bun.connect>>;
  try {
    socket = await Bun.connect({
      unix: socketPath,
      socket: {
        data(socket, chunk) {
          for (const decoded of decoder.push(chunk)) {
            // Settle before closing: Bun runs the close handler synchronously inside end() and terminate().
            if (!decoded.ok) {
              settle({ error: lostDaemon(`it sent something this client cannot read (${decoded.error})`) });
              socket.terminate();
              return;
            }
            const message = decoded.value;
            if (message.type === "done") {
              settle({ code: message.exitCode });
              socket.end();
              return;
            }
            printer.print(message.type === "output" ? "stdout" : "stderr", message.text);
          }
          if (printer.queued > MAX_QUEUED_WRITES) {
            socket.pause();
            void printer.idle().then(() => socket.resume());
          }
        },
        drain: () => writer?.drain(),
        close: () => settle({ error: lostDaemon("it closed the connection before the command finished") }),
        error: (_socket, error) => settle({ error: lostDaemon(describeSocketError(error)) }),
      },
    });
  } catch (error) {
    throw new DaemonUnavailableError(describeConnectFailure(socketPath, error), true);
  }

  writer = new SocketWriter(socket);
  writer.write(request);
  const onInterrupt = () => {
    printer.print("stderr", "\nInterrupted: the daemon stops the command, unless it changes things (up, stop …): those run to their end\n");
    settle({ code: INTERRUPTED_EXIT_CODE });
    socket.terminate();
  };
  process.once("SIGINT", onInterrupt);
  try {
    const outcome = await result;
    await printer.idle();
    if ("error" in outcome) throw outcome.error;
    return outcome.code;
  } finally {
    process.off("SIGINT", onInterrupt);
  }
}

/** Prints texts one after another, in arrival order across both streams (so `2>&1` reads as the daemon sent it). */
function createPrinter(write: (stream: OutputStream, text: string) => unknown) {
  let tail: Promise<unknown> = Promise.resolve();
  let queued = 0;
  return {
    get queued() {
      return queued;
    },
    print(stream: OutputStream, text: string): void {
      queued++;
      // A closed stdout (`dusty … | head`) must not stop the rest: the daemon's work goes on regardless.
      tail = tail
        .then(() => write(stream, text))
        .catch(() => {})
        .finally(() => queued--);
    },
    idle: () => tail,
  };
}

/** The one-line message for a failed connect: where, why, and what to do. */
export function describeConnectFailure(socketPath: string, error: unknown): string {
  const reason = describeSocketError(error);
  const code = errorCode(error);
  const fix =
    code === "EACCES" || code === "EPERM"
      ? 'Run dusty with sudo, or ask an admin to add you to the group "dusty" (then log in again)'
      : "Start it with `sudo dusty -d`";
  return `Cannot connect to the dusty daemon at "${socketPath}": ${reason}. ${fix}`;
}

function lostDaemon(reason: string): DaemonUnavailableError {
  return new DaemonUnavailableError(`Lost the connection to the dusty daemon: ${reason}. Its log says why`);
}

/**
 * Runs a daemon command as a CLI command: its exit code becomes the process's. Errors are printed here
 * rather than by run-guarded.ts: that printer imports consola, and in the compiled binary even a lazy
 * import of consola costs about 4 ms at every start, because the bundler hoists its node: imports.
 */
export async function runClientCommand<C extends CommandName>(command: C, args: CommandArgsInput<C> = {} as CommandArgsInput<C>): Promise<void> {
  try {
    const code = await callDaemon(command, args);
    if (code !== 0) process.exitCode = code;
  } catch (error) {
    await reportFailure(error);
  }
}

/** True when the user asked for stacks and debug output. */
export const VERBOSE = process.argv.includes("--verbose") || process.env.DUSTY_VERBOSE === "1";

/**
 * The one error printer of the CLI: an expected error (a UserError) prints its message, anything else is a
 * bug and prints its stack (always with --verbose); the exit code follows the error.
 */
export async function reportFailure(error: unknown): Promise<void> {
  await writeToTerminal("stderr", `${describeFailure(error, { verbose: VERBOSE })}\n`);
  process.exitCode = failureExitCode(error);
}
