/**
 * The port plan (fixtures/<case>/expected/ports.json): which host port each forwarding publishes, which nginx routes and
 * which hosts-file entries follow from the active apps' `host_forwarding`. A fresh install numbers the
 * published ports from the base over the apps in sorted order; after that each app keeps the ports it
 * was given (the daemon remembers them, `previous`), so switching other bundles on or off never moves
 * an app's 127.0.0.1 port, and new ports skip every remembered one.
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

/** Published ports given before: app → container port (as a string: JSON keys) → published port. */
export type PortAssignments = Record<string, Record<string, number>>;

/** Options of `planPorts`. */
export interface PortPlanOptions {
  /** The address host names resolve to in the hosts file. */
  hostAddress: string;
  /** The first published port; the original used 65000. */
  portBase: number;
  /** What earlier plans gave (none: a fresh install). A remembered port below `portBase` (the base was raised) is not reused. */
  previous?: PortAssignments;
}

/** Numbers every forwarding of the active apps, in a stable order, and collects their host names. */
export function planPorts(assembled: AssembledSpecs, options: PortPlanOptions): PortPlan {
  const plan: PortPlan = { apps: {}, routes: [], hosts: [] };
  const seenHosts = new Set<string>();
  // Plain code-unit sort, like the original's: the numbering must not depend on the locale.
  const apps = Object.keys(assembled.apps).sort();
  const assigned = assignPorts(apps.map((app) => [app, containerPortsOf(assembled, app)]), options);
  for (const app of apps) {
    const published: PortPlan["apps"][string] = [];
    for (const fwd of assembled.apps[app]?.host_forwarding ?? []) {
      // Several forwardings to one container port share its published port: nginx has a server per forwarding.
      let publishedPort = published.find((p) => p.containerPort === fwd.container_port)?.publishedPort;
      if (publishedPort === undefined) {
        publishedPort = assigned.get(`${app}\0${fwd.container_port}`)!;
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

/** What to remember after a plan was used: its apps' ports, and the earlier ports of apps not in it. */
export function rememberPorts(previous: PortAssignments, plan: PortPlan): PortAssignments {
  const next: PortAssignments = {};
  for (const [app, ports] of Object.entries(previous)) if (!Object.hasOwn(plan.apps, app)) next[app] = { ...ports };
  for (const [app, ports] of Object.entries(plan.apps)) {
    if (ports.length > 0) next[app] = Object.fromEntries(ports.map((p) => [String(p.containerPort), p.publishedPort]));
  }
  return next;
}

/** Each app's distinct container ports, in the order its forwardings name them. */
function containerPortsOf(assembled: AssembledSpecs, app: string): number[] {
  return [...new Set((assembled.apps[app]?.host_forwarding ?? []).map((fwd) => fwd.container_port))];
}

/** `app\0containerPort` → published port: remembered ones kept (first claim wins), the rest numbered upward past every remembered port. */
function assignPorts(apps: [string, number[]][], options: PortPlanOptions): Map<string, number> {
  const previous = options.previous ?? {};
  const reserved = new Set<number>();
  for (const ports of Object.values(previous)) for (const port of Object.values(ports)) reserved.add(port);
  const used = new Set<number>();
  const assigned = new Map<string, number>();
  for (const [app, containerPorts] of apps) {
    for (const containerPort of containerPorts) {
      const remembered = Object.hasOwn(previous, app) ? previous[app]![String(containerPort)] : undefined;
      if (remembered !== undefined && remembered >= options.portBase && !used.has(remembered)) {
        assigned.set(`${app}\0${containerPort}`, remembered);
        used.add(remembered);
      }
    }
  }
  let next = options.portBase;
  for (const [app, containerPorts] of apps) {
    for (const containerPort of containerPorts) {
      const key = `${app}\0${containerPort}`;
      if (assigned.has(key)) continue;
      while (used.has(next) || reserved.has(next)) next++;
      assigned.set(key, next);
      used.add(next);
    }
  }
  return assigned;
}
