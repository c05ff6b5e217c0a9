/**
 * The port plan (reference §4.2): which host port each forwarding publishes, which nginx routes and
 * which hosts-file entries follow from the active apps' `host_forwarding`.
 */
import type { AssembledSpecs } from "./assemble.ts";

/** One forwarding: nginx listens on `hostPort` for `hostName` and proxies to `app:containerPort`. */
export interface PortRoute {
  app: string;
  hostName: string;
  hostPort: number;
  containerPort: number;
  /** The port compose publishes for this forwarding on the bind address (65000 upward). */
  publishedPort: number;
  type: "http" | "stream";
}

/** Everything the compilers need to know about ports and names. */
export interface PortPlan {
  /** Every active app, with its published ports, one per container port (empty when it forwards nothing). */
  apps: Record<string, { containerPort: number; publishedPort: number }[]>;
  /** In plan order: apps sorted by name, forwardings in spec order. */
  routes: PortRoute[];
  /** One entry per distinct host name, in first-seen order. */
  hosts: { address: string; hostName: string }[];
}

/** Options of `planPorts`. */
export interface PortPlanOptions {
  /** The address host names resolve to in the hosts file. */
  hostAddress: string;
  /** The first published port; the original used 65000. */
  portBase: number;
}

/** Numbers every forwarding of the active apps, in a stable order, and collects their host names. */
export function planPorts(assembled: AssembledSpecs, options: PortPlanOptions): PortPlan {
  const plan: PortPlan = { apps: {}, routes: [], hosts: [] };
  const seenHosts = new Set<string>();
  let port = options.portBase;
  // Plain code-unit sort, like the original's: the numbering must not depend on the locale.
  for (const app of Object.keys(assembled.apps).sort()) {
    const published: PortPlan["apps"][string] = [];
    for (const fwd of assembled.apps[app]?.host_forwarding ?? []) {
      // Several forwardings to one container port share its published port: nginx has a server per forwarding.
      let publishedPort = published.find((p) => p.containerPort === fwd.container_port)?.publishedPort;
      if (publishedPort === undefined) {
        publishedPort = port++;
        published.push({ containerPort: fwd.container_port, publishedPort });
      }
      plan.routes.push({
        app,
        hostName: fwd.host_name,
        hostPort: fwd.host_port,
        containerPort: fwd.container_port,
        publishedPort,
        type: fwd.type,
      });
      if (!seenHosts.has(fwd.host_name)) {
        seenHosts.add(fwd.host_name);
        plan.hosts.push({ address: options.hostAddress, hostName: fwd.host_name });
      }
    }
    plan.apps[app] = published;
  }
  return plan;
}
