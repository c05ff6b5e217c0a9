/**
 * Whether TCP ports can still be published on an address of this machine, and, when one cannot, which
 * program holds it. `up` asks before it touches a container and `doctor` reports the same answer, so
 * the two never disagree about a port.
 */
import { readdir, readFile, readlink } from "node:fs/promises";

/** A port that cannot be bound, with what holds it when that can be found. */
export interface TakenPort {
  port: number;
  /** The bind error: EADDRINUSE, EADDRNOTAVAIL, EACCES … */
  code: string;
  /** Like `bun (pid 4242)`, when the kernel tells (Linux, as root); else undefined. */
  holder?: string;
}

/** Undefined when a TCP listener can bind `hostname:port` (0 asks for any port), else the reason. */
export async function portBindProblem(hostname: string, port: number): Promise<string | undefined> {
  try {
    const listener = Bun.listen({ hostname, port, socket: { data() {} } });
    listener.stop(true);
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code ?? (error instanceof Error ? error.message.split("\n")[0] : String(error));
  }
}

/** The `ports` that cannot be bound on `hostname`, in the given order, each with its holder when known. */
export async function findTakenPorts(hostname: string, ports: readonly number[]): Promise<TakenPort[]> {
  const taken: TakenPort[] = [];
  for (const port of ports) {
    const code = await portBindProblem(hostname, port);
    if (code === undefined) continue;
    taken.push({ port, code, holder: code === "EADDRINUSE" ? await describePortHolder(port) : undefined });
  }
  return taken;
}

/** One line per taken port: `8080 (held by bun (pid 4242))`, `8080 (EADDRNOTAVAIL)`. */
export function formatTakenPorts(taken: readonly TakenPort[]): string {
  return taken.map((t) => `${t.port} (${t.code === "EADDRINUSE" ? `held by ${t.holder ?? "another program"}` : t.code})`).join(", ");
}

/**
 * What holds TCP `port`, found as `ss -p` finds it: the socket's inode in /proc/net/tcp{,6}, then the
 * process whose fd links to `socket:[inode]`. A listener is named as `bun (pid 4242)`; with none, a
 * connection whose local end is the port (an outgoing one takes a port of the kernel's ephemeral range,
 * 32768–60999 on Linux, and the port cannot be bound while it lasts) as `a connection of bun (pid 4242)`.
 * Undefined where /proc does not tell (macOS, another user's process without root, a port held by the
 * kernel's NAT rules, a connection in TIME_WAIT, which no process owns).
 */
export async function describePortHolder(port: number): Promise<string | undefined> {
  const tables = await Promise.all(["/proc/net/tcp", "/proc/net/tcp6"].map((path) => readFile(path, "utf8").catch(() => "")));
  const sockets = tables.flatMap((text) => portSockets(text, port));
  const listening = sockets.filter((s) => s.listening);
  if (listening.length > 0) return processOfSocket(new Set(listening.map((s) => s.inode)));
  if (sockets.length === 0) return undefined;
  const owner = await processOfSocket(new Set(sockets.map((s) => s.inode)));
  return owner === undefined ? undefined : `a connection of ${owner}`;
}

/** `comm (pid N)` of the first process with an fd on one of the socket `inodes`. */
async function processOfSocket(inodes: ReadonlySet<string>): Promise<string | undefined> {
  const pids = (await readdir("/proc").catch(() => [] as string[])).filter((name) => /^\d+$/.test(name));
  for (const pid of pids) {
    const fds = await readdir(`/proc/${pid}/fd`).catch(() => [] as string[]);
    for (const fd of fds) {
      const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => "");
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      if (inode === undefined || !inodes.has(inode)) continue;
      const name = (await readFile(`/proc/${pid}/comm`, "utf8").catch(() => "")).trim();
      return name === "" ? `pid ${pid}` : `${name} (pid ${pid})`;
    }
  }
  return undefined;
}

/** The sockets whose local port is `port` in a /proc/net/tcp or tcp6 table, with an owner (inode not 0); state 0A is LISTEN. */
export function portSockets(table: string, port: number): { inode: string; listening: boolean }[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, "0");
  return table
    .split("\n")
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((fields) => fields[1]?.endsWith(`:${hexPort}`) && fields[9] !== undefined && fields[9] !== "0")
    .map((fields) => ({ inode: fields[9]!, listening: fields[3] === "0A" }));
}
