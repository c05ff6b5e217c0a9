/**
 * The messages between the dusty client and the daemon, and how they travel on the Unix socket: each
 * message is one frame, a 4-byte big-endian length followed by that many bytes of UTF-8 JSON.
 *
 * The original read a single `recv(1024)` and parsed it with a YAML loader, so a longer request was cut
 * short, and it marked the end of the output with byte pairs that could also occur inside it. Frames
 * make both impossible: a request of any size up to the limit arrives whole, and the end is a message.
 *
 * One connection carries one command: the client sends one `request`, the daemon answers with any
 * number of `log`, `warning`, `output`, `error` and `waiting` messages and then exactly one `done`.
 * The client keeps its side open until `done`: the daemon takes end-of-stream from the client (even a
 * half-close) as a hang-up and stops the command, since a silent command could not notice it otherwise.
 */

/** Bumped whenever a message changes shape; the daemon refuses requests that speak another version. */
export const PROTOCOL_VERSION = 1;

/** The largest request frame the daemon reads; the length is checked before the body is buffered. */
export const MAX_REQUEST_BYTES = 1024 * 1024;

/** The largest frame the client reads from the daemon. */
export const MAX_DAEMON_FRAME_BYTES = 16 * 1024 * 1024;

/**
 * The longest text one daemon message carries, in UTF-16 units. JSON needs at most 6 bytes per unit
 * (`\u0000`), so a message of this length always fits in MAX_DAEMON_FRAME_BYTES; longer texts go as several.
 */
export const MAX_TEXT_UNITS = 1024 * 1024;

const HEADER_BYTES = 4;

/** What the client asks the daemon to do. */
export interface RequestMessage {
  type: "request";
  /** A key of the daemon's handler registry, e.g. `version` or `bundles.list`. */
  command: string;
  args: Record<string, unknown>;
  clientVersion: string;
  protocol: number;
  /** The client's working folder, for commands that take relative paths. */
  cwd: string;
  /** The client's SSH_AUTH_SOCK, for every ssh the command runs on its behalf (git, an ssh Docker host); the daemon checks it is the caller's. */
  sshAuthSock?: string;
}

/** The kinds of text the daemon streams; the client writes each text verbatim. */
export type TextMessageType = "log" | "warning" | "output" | "error" | "waiting";

/** A piece of text for the client: `output` goes to stdout, everything else to stderr. */
export interface TextMessage {
  type: TextMessageType;
  text: string;
}

/** The last message on a connection. */
export interface DoneMessage {
  type: "done";
  exitCode: number;
}

/** Anything the daemon sends. */
export type DaemonMessage = TextMessage | DoneMessage;

/** Anything that travels on the socket. */
export type Message = RequestMessage | DaemonMessage;

/** A value that passed validation, or why it did not. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

/**
 * One decoded frame. `fatal` means the stream cannot be read further (the frame boundary is lost).
 * Every error is a whole sentence for the user, e.g. `Bad message: args: expected an object`.
 */
export type DecodeResult<T> = { ok: true; value: T } | { ok: false; error: string; fatal: boolean };

const TEXT_TYPES: ReadonlySet<string> = new Set<TextMessageType>(["log", "warning", "output", "error", "waiting"]);

/** Encodes one message as a frame. */
export function encodeFrame(message: Message): Uint8Array {
  const body = new TextEncoder().encode(JSON.stringify(message));
  const frame = new Uint8Array(HEADER_BYTES + body.length);
  new DataView(frame.buffer).setUint32(0, body.length);
  frame.set(body, HEADER_BYTES);
  return frame;
}

/** The message telling the user that the client and the daemon come from different dusty binaries. */
export function formatVersionMismatch(daemonVersion: string, clientVersion: string): string {
  return (
    `Dusty daemon is running version ${daemonVersion}, and client is running version ${clientVersion}: ` +
    "restart the daemon so that it runs the same dusty as the client (stop it, then start `sudo dusty -d`)"
  );
}

/** Checks a decoded value against the request shape; the versions are checked first, as other versions may use other shapes. */
export function parseRequest(value: unknown, daemonVersion: string): Parsed<RequestMessage> {
  if (!isRecord(value)) return fail("expected a JSON object");
  if (typeof value.clientVersion === "string" && value.clientVersion !== daemonVersion) {
    return { ok: false, error: formatVersionMismatch(daemonVersion, value.clientVersion) };
  }
  if (value.protocol !== PROTOCOL_VERSION) {
    return {
      ok: false,
      error:
        `Protocol mismatch: the client speaks protocol ${JSON.stringify(value.protocol)} and the daemon protocol ` +
        `${PROTOCOL_VERSION}: restart the daemon so that it runs the same dusty as the client`,
    };
  }
  if (value.type !== "request") return fail(`expected a request, got ${describe(value.type)}`);
  if (typeof value.clientVersion !== "string") return fail("clientVersion: expected a string");
  if (typeof value.command !== "string" || value.command === "") return fail("command: expected a non-empty string");
  if (!isRecord(value.args)) return fail("args: expected an object");
  if (typeof value.cwd !== "string") return fail("cwd: expected a string");
  if (value.sshAuthSock !== undefined && typeof value.sshAuthSock !== "string") return fail("sshAuthSock: expected a string");
  const { command, args, clientVersion, protocol, cwd, sshAuthSock } = value;
  return { ok: true, value: { type: "request", command, args, clientVersion, protocol, cwd, ...(sshAuthSock === undefined ? {} : { sshAuthSock }) } };
}

/** Checks a decoded value against the shapes the daemon sends. */
export function parseDaemonMessage(value: unknown): Parsed<DaemonMessage> {
  if (!isRecord(value)) return fail("expected a JSON object");
  if (value.type === "done") {
    const code = value.exitCode;
    if (typeof code !== "number" || !Number.isInteger(code) || code < 0 || code > 255) {
      return fail("done.exitCode: expected an integer from 0 to 255");
    }
    return { ok: true, value: { type: "done", exitCode: code } };
  }
  if (typeof value.type === "string" && TEXT_TYPES.has(value.type)) {
    if (typeof value.text !== "string") return fail(`${value.type}.text: expected a string`);
    return { ok: true, value: { type: value.type as TextMessageType, text: value.text } };
  }
  return fail(`unknown message type ${describe(value.type)}`);
}

/** Cuts a text into pieces of at most `maxUnits` UTF-16 units, never inside a surrogate pair. */
export function splitText(text: string, maxUnits: number = MAX_TEXT_UNITS): string[] {
  if (text.length <= maxUnits) return [text];
  const pieces: string[] = [];
  let start = 0;
  while (start < text.length) {
    let end = Math.min(start + maxUnits, text.length);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && end - start > 1 && last >= 0xd800 && last <= 0xdbff) end -= 1;
    pieces.push(text.slice(start, end));
    start = end;
  }
  return pieces;
}

/** Options of a FrameDecoder. */
export interface FrameDecoderOptions<T> {
  /** Frames announcing more bytes than this are refused before their body is read. */
  maxFrameBytes: number;
  /** Checks the shape of each decoded JSON value. */
  parse: (value: unknown) => Parsed<T>;
}

/**
 * Turns a byte stream cut at arbitrary points into messages. Bad JSON or a wrong shape costs only that
 * frame; an oversize length is fatal, since skipping its body would mean reading it anyway.
 */
export class FrameDecoder<T> {
  #chunks: Uint8Array[] = [];
  #buffered = 0;
  #failed = false;
  readonly #options: FrameDecoderOptions<T>;
  readonly #utf8 = new TextDecoder("utf-8", { fatal: true });

  constructor(options: FrameDecoderOptions<T>) {
    this.#options = options;
  }

  /** Bytes received that do not form a whole frame yet. */
  get pendingBytes(): number {
    return this.#buffered;
  }

  /** Feeds bytes in; returns the frames they complete, in order. After a fatal result, returns nothing. */
  push(chunk: Uint8Array): DecodeResult<T>[] {
    if (this.#failed || chunk.length === 0) return [];
    this.#chunks.push(chunk);
    this.#buffered += chunk.length;
    const results: DecodeResult<T>[] = [];
    while (this.#buffered >= HEADER_BYTES) {
      const header = this.#peek(HEADER_BYTES);
      const length = new DataView(header.buffer, header.byteOffset, HEADER_BYTES).getUint32(0);
      if (length > this.#options.maxFrameBytes) {
        this.#failed = true;
        this.#chunks = [];
        this.#buffered = 0;
        const error = `Bad message: a frame of ${length} bytes is over the limit of ${this.#options.maxFrameBytes} bytes`;
        results.push({ ok: false, error, fatal: true });
        break;
      }
      if (this.#buffered < HEADER_BYTES + length) break;
      this.#take(HEADER_BYTES);
      results.push(this.#decodeBody(this.#take(length)));
    }
    // The caller may reuse its buffer once push() returns (a runtime may, for socket data): keep a copy of the tail.
    const last = this.#chunks.length - 1;
    if (last >= 0 && this.#chunks[last]!.buffer === chunk.buffer) this.#chunks[last] = new Uint8Array(this.#chunks[last]!);
    return results;
  }

  #decodeBody(body: Uint8Array): DecodeResult<T> {
    let value: unknown;
    try {
      value = JSON.parse(this.#utf8.decode(body));
    } catch (error) {
      return { ok: false, error: `Bad message: not UTF-8 JSON (${(error as Error).message})`, fatal: false };
    }
    const parsed = this.#options.parse(value);
    return parsed.ok ? parsed : { ...parsed, fatal: false };
  }

  // Copies the first `n` bytes out without consuming them. By hand: Node's Uint8Array subclass makes slice() a view.
  #peek(n: number): Uint8Array {
    const out = new Uint8Array(n);
    let filled = 0;
    for (const chunk of this.#chunks) {
      const part = chunk.subarray(0, n - filled);
      out.set(part, filled);
      filled += part.length;
      if (filled === n) break;
    }
    return out;
  }

  #take(n: number): Uint8Array {
    const out = this.#peek(n);
    this.#buffered -= n;
    while (n > 0) {
      const first = this.#chunks[0]!;
      if (first.length <= n) {
        this.#chunks.shift();
        n -= first.length;
      } else {
        this.#chunks[0] = first.subarray(n);
        n = 0;
      }
    }
    return out;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  return value === undefined ? "nothing" : JSON.stringify(value);
}

// Shape errors name the key; the prefix says which side is at fault without a stack of context.
function fail(error: string): { ok: false; error: string } {
  return { ok: false, error: `Bad message: ${error}` };
}
