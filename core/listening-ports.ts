/**
 * Which TCP ports a Docker host elsewhere already listens on, read from `ss -Htln` run there: `up`
 * cannot try to bind a port on another machine as it does here, so it asks that machine's kernel.
 */

/** One listening socket: its local address (as ss prints it, brackets removed) and port. */
export interface Listener {
  address: string;
  port: number;
}

/** The listeners of `ss -Htln` output (State Recv-Q Send-Q Local:Port Peer:Port …); unreadable lines are skipped. */
export function parseSsListeners(text: string): Listener[] {
  const listeners: Listener[] = [];
  for (const line of text.split("\n")) {
    const local = line.trim().split(/\s+/)[3];
    const match = local === undefined ? null : /^\[?(.*?)\]?(?:%[^:\]]+)?:(\d+)$/.exec(local);
    if (match) listeners.push({ address: match[1]!, port: Number(match[2]) });
  }
  return listeners;
}

/** The `ports` that a listener holds on `address` (itself, or a wildcard address that covers it), sorted. */
export function portsHeldOn(listeners: readonly Listener[], address: string, ports: readonly number[]): number[] {
  const covers = (listenerAddress: string) => listenerAddress === address || ["0.0.0.0", "*", "::"].includes(listenerAddress);
  const held = new Set(listeners.filter((l) => covers(l.address)).map((l) => l.port));
  return [...new Set(ports.filter((port) => held.has(port)))].sort((a, b) => a - b);
}
