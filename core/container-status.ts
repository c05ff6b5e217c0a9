/**
 * What `docker ps` says about a container, read into data: the exit code and uptime inside its Status
 * text ("Exited (137) 2 minutes ago", "Up 5 minutes (healthy)") and its published ports
 * ("127.0.0.1:65000->8000/tcp, [::1]:80->80/tcp").
 */

/** One published port of a container. */
export interface PublishedPort {
  address: string;
  hostPort: number;
  containerPort: number;
  protocol: string;
}

/** The exit code in a Status text, for a container that exited or is restarting after an exit; else null. */
export function exitCodeOf(status: string): number | null {
  const match = /^(?:Exited|Restarting) \((-?\d+)\)/.exec(status);
  return match ? Number(match[1]) : null;
}

/** How long a running container has been up, as docker words it ("5 minutes", "About an hour"); else null. */
export function uptimeOf(status: string): string | null {
  const match = /^Up (.+?)(?: \([^)]*\))?$/.exec(status);
  return match ? match[1]! : null;
}

/** The published ports of a Ports text; ports only exposed (no `->`) are left out. */
export function parsePublishedPorts(ports: string): PublishedPort[] {
  const out: PublishedPort[] = [];
  for (const entry of ports.split(",").map((p) => p.trim())) {
    const match = /^(.*):(\d+)->(\d+)\/(\w+)$/.exec(entry);
    if (!match) continue;
    const address = match[1]!.replace(/^\[(.*)\]$/, "$1");
    out.push({ address, hostPort: Number(match[2]), containerPort: Number(match[3]), protocol: match[4]! });
  }
  return out;
}
