/** The closing lines of `dusty up`: every app with the URLs it answers on and its directly published ports. */
import type { PortPlan } from "../../../core/ports.ts";
import { renderTable } from "../../../core/table.ts";

/** Options of `renderUpSummary`. */
export interface UpSummaryOptions {
  /** The address compose published the apps' ports on. */
  bindAddress: string;
  /** The first line, e.g. "Your local environment is now started!". */
  heading: string;
}

/** A table of apps: `http://<host>[:port]` per http forwarding, `<host>:<port>` per stream, and `address:port -> container port`. */
export function renderUpSummary(plan: PortPlan, options: UpSummaryOptions): string {
  const address = options.bindAddress.includes(":") ? `[${options.bindAddress}]` : options.bindAddress;
  const rows = Object.keys(plan.apps)
    .sort()
    .map((app) => {
      const urls = appUrls(plan, app);
      const direct = (plan.apps[app] ?? []).map((p) => `${address}:${p.publishedPort} -> ${p.containerPort}`);
      return [app, urls.join(", ") || "-", direct.join(", ") || "-"];
    });
  if (rows.length === 0) return `${options.heading}\nNo app is active: the active bundles start services only.`;
  return `${options.heading}\n${renderTable(["App", "URLs", "Direct ports"], rows, { maxCellWidth: 200 }).trimEnd()}`;
}

/** An app's addresses through nginx: `http://<host>[:port]` per http forwarding, `<host>:<port>` per stream. */
export function appUrls(plan: PortPlan, app: string): string[] {
  return plan.routes.filter((r) => r.app === app).map((r) => (r.type === "stream" ? `${r.hostName}:${r.hostPort}` : httpUrl(r.hostName, r.hostPort)));
}

function httpUrl(hostName: string, port: number): string {
  return port === 80 ? `http://${hostName}` : `http://${hostName}:${port}`;
}
