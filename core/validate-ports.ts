/**
 * Host forwardings must not collide: a host name and port pair is forwarded once across all apps,
 * a container port once per app, and a port with a stream (TCP) forwarding serves nothing else,
 * since nginx's stream proxy takes the whole port. Apps are read in sorted order, as the port plan does.
 */
import type { Diagnostic } from "./diagnostics.ts";
import type { LoadedSpecs } from "./load.ts";
import { diagnosticAt } from "./load-positions.ts";

/** The first forwarding seen for a pair or a port, to name it in the error about the next one. */
interface Seen {
  app: string;
  index: number;
  type: "http" | "stream";
}

/** An error at every forwarding that collides with an earlier one. */
export function checkForwarding(loaded: LoadedSpecs): Diagnostic[] {
  const out: Diagnostic[] = [];
  const pairs = new Map<string, Seen>();
  const ports = new Map<number, Seen>();
  for (const [app, spec] of Object.entries(loaded.specs.apps)) {
    const source = loaded.sources[`apps/${app}`];
    if (!source) continue;
    const containerPorts = new Map<number, number>();
    spec.host_forwarding.forEach((forward, index) => {
      const here = ["host_forwarding", index] as const;
      const pair = `${forward.host_name}:${forward.host_port}`;
      const earlier = pairs.get(pair);
      if (earlier) {
        const by = earlier.app === app ? `host_forwarding[${earlier.index}]` : `app "${earlier.app}"`;
        out.push(diagnosticAt(source, here, `${pair} is already forwarded by ${by}`));
      } else {
        pairs.set(pair, { app, index, type: forward.type });
        const port = ports.get(forward.host_port);
        if (!port) ports.set(forward.host_port, { app, index, type: forward.type });
        else if (port.type === "stream" || forward.type === "stream") {
          const message = port.type === "stream"
            ? `host port ${forward.host_port} is already taken by a stream forwarding of app "${port.app}"`
            : `host port ${forward.host_port} is already used by app "${port.app}": a stream forwarding needs a port of its own`;
          out.push(diagnosticAt(source, [...here, "host_port"], message));
        }
      }
      const sameContainerPort = containerPorts.get(forward.container_port);
      if (sameContainerPort === undefined) containerPorts.set(forward.container_port, index);
      else {
        const message = `container port ${forward.container_port} is already forwarded by host_forwarding[${sameContainerPort}]`;
        out.push(diagnosticAt(source, [...here, "container_port"], message));
      }
    });
  }
  return out;
}
