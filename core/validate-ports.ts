/**
 * Host forwardings must not collide: a host name and port pair is forwarded once across all apps, and
 * a port with a stream (TCP) forwarding serves nothing else, since nginx's stream proxy takes the whole
 * port. Several forwardings may reach one container port (one published port, several nginx servers).
 * Apps are read in sorted order, as the port plan does.
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
    });
  }
  return out;
}
