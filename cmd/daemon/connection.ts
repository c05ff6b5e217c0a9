/**
 * One client connection of the daemon: read one request, run its command, stream what the command
 * says back, end with `done`. Whatever a client sends or does (garbage, an oversize frame, silence,
 * hanging up mid-command), the result stays inside this connection and the daemon serves everyone else.
 */
import {
  encodeFrame,
  FrameDecoder,
  MAX_REQUEST_BYTES,
  parseRequest,
  splitText,
  type DaemonMessage,
  type RequestMessage,
  type TextMessageType,
} from "../../core/protocol.ts";
import { formatDiagnostic, formatWarning } from "../../core/diagnostics.ts";
import { errorMessage, isExpectedError, UserError } from "../../platform/errors.ts";
import type { Locations } from "../../platform/locations.ts";
import type { PeerCredentials } from "../../platform/peer-credentials.ts";
import { withCommandSignal } from "../../platform/run.ts";
import { SocketWriter } from "../../platform/socket.ts";
import type { CommandQueue } from "./queue.ts";
import { logDaemon, logDaemonError } from "./log.ts";
import { VERSION } from "../_version.ts";
import { usableAgentSocket } from "../../platform/agent-socket.ts";
import type { CheckedHandler, CommandContext } from "./handlers/_types.ts";

/** What every connection shares with the daemon. */
export interface DaemonShared {
  locations: Locations;
  queue: CommandQueue;
  /** --suppress-warnings: warnings go to the daemon's log only. */
  suppressWarnings: boolean;
  /** A client must send its whole request within this time of connecting. */
  idleTimeoutMs: number;
  /** Looks a command up; tests pass their own handlers. */
  findHandler: (command: string) => (() => Promise<CheckedHandler>) | undefined;
}

/** The socket operations a connection uses (Bun's Socket fits). */
export interface ConnectionSocket {
  write(data: Uint8Array): number;
  end(): void;
  terminate(): void;
}

// A client that stops reading (Ctrl-Z) while its command prints: writers that can wait (ctx.drained(),
// streamed program output) wait above LOW_WATER_BYTES; the rest is buffered up to MAX_PENDING_BYTES, and
// only a client that falls that far behind is cut off. Either way the answer survives a paused client.
const LOW_WATER_BYTES = 1024 * 1024;
const MAX_PENDING_BYTES = 32 * 1024 * 1024;
// After `done` or a refusal has reached the client, it should hang up; one that does not is cut off after
// this long. Counted from the last byte handed to the kernel, not from `done`: a paused client still gets all.
const LINGER_MS = 5000;

let nextId = 1;

/** The state of one connection, from accept to close. */
export class DaemonConnection {
  readonly id = nextId++;
  state: "awaiting-request" | "running" | "finished" | "closed" = "awaiting-request";
  command: string | undefined;
  /** Settles when the command (if any) has finished. */
  finished: Promise<void> = Promise.resolve();
  readonly #controller = new AbortController();
  readonly #writer: SocketWriter;
  readonly #decoder: FrameDecoder<RequestMessage>;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** Known once the handler has loaded; a mutating command that has started outlives its client. */
  #mutates = false;
  #started = false;

  constructor(
    readonly socket: ConnectionSocket,
    readonly caller: PeerCredentials | null,
    readonly daemon: DaemonShared,
  ) {
    this.#writer = new SocketWriter(socket, { onEnded: () => this.#linger() });
    this.#decoder = new FrameDecoder({ maxFrameBytes: MAX_REQUEST_BYTES, parse: (value) => parseRequest(value, VERSION) });
    this.#timer = setTimeout(() => this.#onIdle(), daemon.idleTimeoutMs);
  }

  /** Bytes from the client. Only the first frame counts: one connection carries one command. */
  receive(chunk: Uint8Array): void {
    if (this.state !== "awaiting-request") return;
    const [first] = this.#decoder.push(chunk);
    if (!first) return;
    clearTimeout(this.#timer);
    if (!first.ok) return this.#refuse(first.error);
    this.state = "running";
    this.command = first.value.command;
    this.finished = this.#run(first.value);
  }

  /** The socket can take more bytes. */
  drain(): void {
    this.#writer.drain();
  }

  /** The client hung up (or the socket failed): stop its command. */
  close(): void {
    if (this.state === "closed") return;
    const wasRunning = this.state === "running";
    this.state = "closed";
    clearTimeout(this.#timer);
    this.#writer.markClosed();
    if (!wasRunning) return;
    if (this.#mutates && this.#started) {
      // Stopping `up` halfway (compose killed mid-recreate) would leave the environment half-changed.
      logDaemon(`#${this.id} client disconnected: ${this.command} goes on until it finishes, as stopping it halfway would leave things half-changed`);
      return;
    }
    logDaemon(`#${this.id} client disconnected: stopping ${this.command}`);
    this.#controller.abort(abortError("The client disconnected"));
  }

  /** Asks the running command to stop because the daemon is shutting down. */
  interrupt(): void {
    if (this.state !== "running") return;
    this.#send("error", "The dusty daemon is stopping: your command was interrupted. Run it again once the daemon is back\n");
    this.#controller.abort(abortError("The daemon is stopping"));
  }

  /** Cuts the connection at once. */
  terminate(): void {
    this.socket.terminate();
    this.close();
  }

  async #run(request: RequestMessage): Promise<void> {
    const { command } = request;
    const started = performance.now();
    logDaemon(`#${this.id} ${describeCaller(this.caller)}: ${command}`);
    const loader = this.daemon.findHandler(command);
    if (!loader) {
      return this.#refuse(`No such command: "${command}". The dusty daemon (version ${VERSION}) does not have it`);
    }
    const signal = this.#controller.signal;
    let exitCode = 1;
    let release: (() => void) | undefined;
    try {
      const handler = await loader();
      // Checked before the queue: a malformed request is refused at once, not after a long `up` ahead of it.
      const checked = handler.check(request.args);
      if ("problem" in checked) throw new UserError(checked.problem);
      if (handler.mutates) {
        release = await this.daemon.queue.acquire(command, {
          signal,
          onWait: (running) => this.#send("waiting", `Waiting for another dusty command to finish: ${running}\n`),
        });
      }
      this.#mutates = handler.mutates;
      this.#started = true;
      signal.throwIfAborted();
      // Every program the command starts, however deep in platform/, stops with this signal.
      const sshAuthSock = await usableAgentSocket(request.sshAuthSock, this.caller);
      const code = await withCommandSignal(signal, () => checked.run(this.#context(request, sshAuthSock)));
      exitCode = signal.aborted ? 130 : checkExitCode(code, command);
    } catch (error) {
      exitCode = signal.aborted ? 130 : this.#report(command, error);
    } finally {
      release?.();
    }
    const seconds = ((performance.now() - started) / 1000).toFixed(3);
    const note = signal.aborted ? " (stopped)" : this.state === "closed" ? " (its client had left)" : "";
    logDaemon(`#${this.id} ${command}: exit code ${exitCode} in ${seconds} s${note}`);
    this.#finish(exitCode);
  }

  #context(request: RequestMessage, sshAuthSock: string | undefined): CommandContext {
    return {
      log: (text) => {
        logDaemon(`#${this.id} ${text.trimEnd()}`);
        this.#send("log", withNewline(text));
      },
      warn: (warning) => {
        // A diagnostic says "warning:" itself; other text gets the log's WARNING tag.
        logDaemon(`#${this.id} ${typeof warning === "string" ? `WARNING ${warning.trimEnd()}` : formatDiagnostic(warning)}`);
        if (!this.daemon.suppressWarnings) this.#send("warning", withNewline(formatWarning(warning)));
      },
      output: (text) => this.#send("output", withNewline(text)),
      drained: () => this.#writer.whenBelow(LOW_WATER_BYTES),
      locations: this.daemon.locations,
      caller: this.caller,
      signal: this.#controller.signal,
      cwd: request.cwd,
      sshAuthSock,
    };
  }

  // Expected errors carry a message meant for the user; anything else is a bug, logged with its stack.
  #report(command: string, error: unknown): number {
    if (isExpectedError(error)) {
      logDaemon(`#${this.id} ${command} failed: ${error.message}`);
      this.#send("error", withNewline(error.message));
      return error.exitStatus;
    } else {
      logDaemonError(`#${this.id} ${command} crashed`, error);
      this.#send("error", `The dusty daemon failed to run ${command}: ${errorMessage(error)}. This is a bug: the daemon's log has the details\n`);
    }
    return 1;
  }

  #refuse(error: string): void {
    logDaemon(`#${this.id} ${describeCaller(this.caller)}: request refused: ${error}`);
    this.#send("error", withNewline(error));
    this.#finish(1);
  }

  #onIdle(): void {
    if (this.state !== "awaiting-request") return;
    this.#refuse(`Request refused: nothing arrived within ${this.daemon.idleTimeoutMs} ms of connecting`);
  }

  #finish(exitCode: number): void {
    if (this.state === "closed") return;
    this.state = "finished";
    this.#write({ type: "done", exitCode });
    this.#writer.end();
  }

  // Called by the writer once everything, `done` included, is with the kernel and the socket ended.
  #linger(): void {
    // Bun may have run the close handler inside end(): nothing left to cut off then.
    if (this.state === "closed") return;
    this.#timer = setTimeout(() => this.terminate(), LINGER_MS);
  }

  #send(type: TextMessageType, text: string): void {
    for (const piece of splitText(text)) this.#write({ type, text: piece });
  }

  #write(message: DaemonMessage): void {
    if (this.state === "closed") return;
    this.#writer.write(encodeFrame(message));
    if (this.#writer.pendingBytes > MAX_PENDING_BYTES) {
      logDaemon(`#${this.id} client stopped reading: disconnecting it, as ${MAX_PENDING_BYTES / 1024 / 1024} MiB wait for it`);
      this.terminate();
    }
  }
}

/** `uid 1000 pid 4242`, or a note that the platform does not say. */
export function describeCaller(caller: PeerCredentials | null): string {
  return caller ? `uid ${caller.uid} pid ${caller.pid}` : "caller unknown";
}

function checkExitCode(code: unknown, command: string): number {
  if (typeof code === "number" && Number.isInteger(code) && code >= 0 && code <= 255) return code;
  logDaemonError(`${command} returned ${String(code)} instead of an exit code: reporting 1`);
  return 1;
}

function withNewline(text: string): string {
  return text.endsWith("\n") || text === "" ? text : `${text}\n`;
}

function abortError(message: string): Error {
  const error = new Error(message);
  error.name = "AbortError";
  return error;
}
