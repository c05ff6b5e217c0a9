/**
 * The Unix socket between the dusty client and the daemon: listening with safe permissions, telling a
 * live daemon from a stale socket file, and writing without losing bytes. The original chmod-ed its
 * root-owned socket to 0777, so any local user could make root edit /etc/hosts; ours is 0660.
 */
import { chmodSync, chownSync, lstatSync, readFileSync } from "node:fs";

/** The permission bits of the daemon's socket: owner and group may connect, nobody else. */
export const SOCKET_MODE = 0o660;

/** What is at a socket path. */
export type SocketState =
  | { kind: "missing" }
  | { kind: "not-a-socket" }
  /** A process accepted a connection: a daemon is running there. */
  | { kind: "answering" }
  /** A socket file nobody listens on, left by a daemon that died. */
  | { kind: "stale" }
  /** Could not tell, e.g. permission denied or no answer in time. */
  | { kind: "unknown"; reason: string };

/** Finds out whether a daemon answers at `path`, without sending it anything. */
export async function probeSocket(path: string, timeoutMs = 1000): Promise<SocketState> {
  const info = lstatOrUndefined(path);
  if (!info) return { kind: "missing" };
  if (!info.isSocket()) return { kind: "not-a-socket" };
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const connected = Bun.connect({ unix: path, socket: { data() {}, error() {} } });
    const timeout = new Promise<"timeout">((resolve) => (timer = setTimeout(resolve, timeoutMs, "timeout")));
    const result = await Promise.race([connected, timeout]);
    if (result === "timeout") {
      connected.then((socket) => socket.end(), () => {});
      return { kind: "unknown", reason: `no answer within ${timeoutMs} ms` };
    }
    result.end();
    return { kind: "answering" };
  } catch (error) {
    const code = errorCode(error);
    if (code === "ECONNREFUSED") return { kind: "stale" };
    if (code === "ENOENT") return { kind: "missing" };
    return { kind: "unknown", reason: describeSocketError(error) };
  } finally {
    clearTimeout(timer);
  }
}

/** Options of listenOnSocket. */
export interface ListenOptions<Data> {
  /** Group that may connect besides the owner; undefined keeps the daemon's own group. */
  gid?: number;
  socket: Bun.SocketHandler<Data>;
}

/**
 * Listens on a Unix socket whose mode is SOCKET_MODE from the moment it exists: the umask is narrowed
 * around bind(), so there is no window in which other users could connect.
 */
export function listenOnSocket<Data>(path: string, options: ListenOptions<Data>): Bun.UnixSocketListener<Data> {
  const previous = process.umask(0o777 & ~SOCKET_MODE);
  let listener: Bun.UnixSocketListener<Data>;
  try {
    listener = Bun.listen<Data>({ unix: path, socket: options.socket });
  } finally {
    process.umask(previous);
  }
  chmodSync(path, SOCKET_MODE);
  if (options.gid !== undefined) chownSync(path, process.getuid?.() ?? 0, options.gid);
  return listener;
}

/** The id of a group in an /etc/group-style file, or undefined when there is no such group. */
export function findGroupId(name: string, groupFile = "/etc/group"): number | undefined {
  let text: string;
  try {
    text = readFileSync(groupFile, "utf8");
  } catch {
    return undefined;
  }
  for (const line of text.split("\n")) {
    const [group, , gid] = line.split(":");
    if (group === name && gid !== undefined && /^\d+$/.test(gid)) return Number(gid);
  }
  return undefined;
}

/** A socket as far as SocketWriter needs it (Bun's Socket fits). */
export interface WritableSocket {
  write(data: Uint8Array): number;
  end(): void;
}

/**
 * Writes to a socket in order without losing bytes. Bun's write() takes only what fits in the kernel
 * buffer and returns the count; the rest waits here until the socket's drain handler calls drain().
 * A writer that can wait (a command streaming a program's output) awaits `whenBelow()`, so a reader
 * that stops reading (Ctrl-Z) holds up that one writer instead of growing the buffer.
 */
export class SocketWriter {
  #pending: Uint8Array[] = [];
  #pendingBytes = 0;
  #ending = false;
  #closed = false;
  #waiters: { bytes: number; resolve: () => void }[] = [];
  readonly #socket: WritableSocket;
  readonly #onEnded: (() => void) | undefined;

  /** `onEnded` runs once end() has handed the last byte to the kernel and ended the socket. */
  constructor(socket: WritableSocket, options: { onEnded?: () => void } = {}) {
    this.#socket = socket;
    this.#onEnded = options.onEnded;
  }

  /** Bytes accepted but not yet handed to the kernel. */
  get pendingBytes(): number {
    return this.#pendingBytes;
  }

  /** Queues bytes; false when the socket is closed or ending. */
  write(bytes: Uint8Array): boolean {
    if (this.#closed || this.#ending) return false;
    if (this.#pending.length > 0) {
      this.#queue(bytes);
      return true;
    }
    const written = this.#socket.write(bytes);
    if (written < 0) {
      this.#close();
      return false;
    }
    if (written < bytes.length) this.#queue(bytes.subarray(written));
    return true;
  }

  /** Resolves once at most `bytes` wait to be written, or the socket is gone (then there is nothing to wait for). */
  whenBelow(bytes: number): Promise<void> {
    if (this.#closed || this.#pendingBytes <= bytes) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ bytes, resolve }));
  }

  /** Writes what is pending; call it from the socket's drain handler. */
  drain(): void {
    while (!this.#closed && this.#pending.length > 0) {
      const next = this.#pending[0]!;
      const written = this.#socket.write(next);
      if (written < 0) {
        this.#close();
        return;
      }
      this.#pendingBytes -= Math.max(written, 0);
      if (written < next.length) {
        this.#pending[0] = next.subarray(written);
        break;
      }
      this.#pending.shift();
    }
    this.#wake();
    if (this.#ending && this.#pending.length === 0 && !this.#closed) {
      this.#closed = true;
      this.#socket.end();
      this.#onEnded?.();
    }
  }

  /** Ends the socket once everything queued is written. */
  end(): void {
    if (this.#ending || this.#closed) return;
    this.#ending = true;
    this.drain();
  }

  /** Records that the peer is gone: pending bytes are dropped. */
  markClosed(): void {
    this.#close();
  }

  #close(): void {
    this.#closed = true;
    this.#pending = [];
    this.#pendingBytes = 0;
    this.#wake();
  }

  #wake(): void {
    if (this.#waiters.length === 0) return;
    const ready = this.#waiters.filter((w) => this.#closed || this.#pendingBytes <= w.bytes);
    this.#waiters = this.#waiters.filter((w) => !ready.includes(w));
    for (const waiter of ready) waiter.resolve();
  }

  #queue(bytes: Uint8Array): void {
    // The caller may reuse its buffer; keep a copy.
    this.#pending.push(bytes.slice());
    this.#pendingBytes += bytes.length;
  }
}

/** The reason of a failed connect or listen, in words: "no such file", "connection refused" … */
export function describeSocketError(error: unknown): string {
  switch (errorCode(error)) {
    case "ENOENT":
      return "no such file";
    case "ECONNREFUSED":
      return "connection refused";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "EADDRINUSE":
      return "address in use";
    default:
      return error instanceof Error ? error.message : String(error);
  }
}

/** The errno code of a system error, e.g. "ENOENT". */
export function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

function lstatOrUndefined(path: string) {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}
