/**
 * `status` (docs/json.md has its --json shape): args `{ json?, quiet? }` (booleans). nginx and every active app, lib and service with
 * its type, its container's state, exit code, uptime, image and published ports, and an app's URLs, from one `docker ps`.
 */
import { assembleSpecs } from "../../../core/assemble.ts";
import { exitCodeOf, parsePublishedPorts, uptimeOf, type PublishedPort } from "../../../core/container-status.ts";
import { planPorts } from "../../../core/ports.ts";
import type { Specs } from "../../../core/specs.ts";
import { renderTable } from "../../../core/table.ts";
import { dockerServerVersion, type DockerEnv } from "../../../platform/docker.ts";
import { UserError } from "../../../platform/errors.ts";
import { CommandFailedError } from "../../../platform/run.ts";
import { NextCallSharing } from "../../../platform/work-sharing.ts";
import { engineInUse, formatEngine, type EngineInUse } from "./_engine.ts";
import { composeProject, dockerHostFor, serviceNameFor } from "./_environment.ts";
import { requireSetup } from "./_setup-gate.ts";
import { readConfiguredSpecs, readState } from "./_state.ts";
import type { ReadFormat } from "./_read-format.ts";
import type { Handler } from "./_types.ts";
import { appUrls } from "./_up-summary.ts";
import { listProjectContainers, serviceStates, type ProjectContainer } from "../../../platform/project-containers.ts";

/** One row of `dusty status` (docs/json.md). */
export interface StatusRow {
  name: string;
  type: "nginx" | "app" | "lib" | "service";
  /** The container's state (running, exited, created …), "none" without a container, null for a lib (it has none of its own). */
  state: string | null;
  /** The container's name, when there is one. */
  container: string | null;
  /** docker's words for it ("Up 5 minutes", "Exited (1) 2 seconds ago"); null without a container. */
  status: string | null;
  /** The exit code of an exited (or restarting) container, else null. */
  exitCode: number | null;
  /** How long a running container has been up, as docker words it; else null. */
  uptime: string | null;
  image: string | null;
  /** An app's addresses through nginx (http:// URLs, host:port for streams); empty for the rest. */
  urls: string[];
  /** The ports its container publishes on the host. */
  ports: PublishedPort[];
}

// Concurrent `status` commands of one environment share each engine call and each rendering that has
// not started yet (never one already under way, which could predate a change the caller has seen). On
// a 2,000-app repo one rendering is tens of ms of the daemon's one thread; 200 at once were seconds.
const shared = new NextCallSharing();

const handler: Handler<"status"> = {
  async run(ctx, args) {
    const format = args;
    const state = await readState(ctx);
    requireSetup(state.config);
    const host = dockerHostFor(state);
    const env = await host.dockerEnv();
    const engineUsed = await engineInUse(state, host, { hostEnv: env });
    const engine = JSON.stringify([env, engineUsed]);
    await shared.run(`version ${engine} ${host.label}`, () => checkEngine(env, engineUsed, host.label));
    if (host.label !== undefined) ctx.log(`Containers on the Docker host ${host.label} (docker_host_driver ${host.name})`);
    const specs = (await readConfiguredSpecs(state, ctx)).loaded.specs;
    const project = composeProject(state);
    // The same specs object (the daemon's cache hands it to every command), bundles, project and engine give the same answer.
    const key = `status ${specsId(specs)} ${JSON.stringify(state.config.bundles)} ${project} ${engine} ${JSON.stringify(format)}`;
    const { text, noBundles } = await shared.run(key, () => describeStatus({ specs, bundles: state.config.bundles, project, env, engine: engineUsed, format }));
    if (!format.json && !format.quiet && host.label === undefined) ctx.log(`Docker Engine: ${formatEngine(engineUsed)}`);
    if (text !== "") ctx.output(text);
    if (noBundles) ctx.log("No bundles are activated: activate some with `dusty bundles activate <name>`, then run `dusty up`");
    return 0;
  },
};

export default handler;

/** Status without an engine would say "none" everywhere, which is wrong: say what is wrong instead. */
async function checkEngine(env: DockerEnv, engine: EngineInUse, hostLabel: string | undefined): Promise<void> {
  try {
    await dockerServerVersion({ env });
  } catch (error) {
    if (!(error instanceof CommandFailedError)) throw error;
    const detail = error.stderrTail.split("\n")[0] || `docker exited with code ${error.exitCode}`;
    const where = hostLabel === undefined ? "" : ` on ${hostLabel}`;
    throw new UserError(
      hostLabel === undefined
        ? `Cannot show the status: the Docker Engine at ${formatEngine(engine)} does not answer (${detail}). Start it (\`sudo systemctl start docker\`), or run \`dusty up\``
        : `Cannot show the status: the Docker Engine${where} does not answer (${detail}). Start it there (\`sudo systemctl start docker\`), or run \`dusty up\``,
    );
  }
}

/** What one `status` rendering depends on. */
interface StatusInput {
  specs: Specs;
  bundles: string[];
  project: string;
  env: DockerEnv;
  engine: EngineInUse;
  format: ReadFormat;
}

/** A status answer, and whether no bundle is active. */
interface StatusText {
  text: string;
  noBundles: boolean;
}

// The last answer and what it was made from: while neither the cached specs nor a container changes,
// renderings that follow one another (a burst of `status`) only run their `docker ps`.
let lastAnswer: { key: string; answer: StatusText } | undefined;

/** The status table (or JSON) from one `docker ps`. */
async function describeStatus(input: StatusInput): Promise<StatusText> {
  const { specs, project, env, format } = input;
  const containers = await listProjectContainers(project, env);
  // The containers' whole ps lines are in the key: an uptime that moved on is a new answer.
  const key = `${specsId(specs)} ${JSON.stringify(input.bundles)} ${project} ${JSON.stringify(input.engine)} ${JSON.stringify(format)} ${JSON.stringify(containers)}`;
  if (lastAnswer?.key !== key) lastAnswer = { key, answer: renderStatus(input, containers) };
  return lastAnswer.answer;
}

function renderStatus(input: StatusInput, containers: ProjectContainer[]): StatusText {
  const { specs, project, format } = input;
  const assembled = assembleSpecs(specs, input.bundles);
  // Only the routes are read (host names and ports from the specs): the port base does not matter here.
  const plan = planPorts(assembled, { hostAddress: "127.0.0.1", portBase: 0 });
  const states = serviceStates(containers);
  const row = (name: string, type: StatusRow["type"]): StatusRow => {
    const urls = type === "app" ? appUrls(plan, name) : [];
    if (type === "lib") return { name, type, state: null, container: null, status: null, exitCode: null, uptime: null, image: null, urls, ports: [] };
    const service = serviceNameFor(name);
    const container = containers.find((c) => c.service === service && c.state === states.get(service));
    return {
      name,
      type,
      state: states.get(service) ?? "none",
      container: container?.name ?? null,
      status: container?.status ?? null,
      exitCode: container ? exitCodeOf(container.status) : null,
      uptime: container ? uptimeOf(container.status) : null,
      image: container?.image ?? null,
      urls,
      ports: container ? parsePublishedPorts(container.ports) : [],
    };
  };
  const rows = [
    row("nginx", "nginx"),
    ...Object.keys(assembled.apps).map((n) => row(n, "app")),
    ...Object.keys(assembled.libs).map((n) => row(n, "lib")),
    ...Object.keys(assembled.services).map((n) => row(n, "service")),
  ];
  const noBundles = assembled.bundles.length === 0;
  if (format.json) return { text: JSON.stringify({ project, bundles: assembled.bundles, engine: input.engine, rows }, null, 2), noBundles: false };
  if (format.quiet) return { text: rows.map((r) => r.name).join("\n"), noBundles: false };
  const table = rows.map((r) => [r.name, r.type, describeState(r), r.image ?? "-", [...r.urls, ...r.ports.map(describePort)].join(", ") || "-"]);
  return { text: renderTable(["Name", "Type", "Container", "Image", "URLs and ports"], table, { maxCellWidth: 200 }).trimEnd(), noBundles };
}

/** "running, up 5 minutes", "exited, code 1", "none"; "-" for a lib. */
function describeState(row: StatusRow): string {
  if (row.state === null) return "-";
  if (row.uptime !== null) return `${row.state}, up ${row.uptime.replace(/^[A-Z]/, (c) => c.toLowerCase())}`;
  if (row.exitCode !== null) return `${row.state}, code ${row.exitCode}`;
  return row.state;
}

function describePort(port: PublishedPort): string {
  const address = port.address.includes(":") ? `[${port.address}]` : port.address;
  return `${address}:${port.hostPort}->${port.containerPort}${port.protocol === "tcp" ? "" : `/${port.protocol}`}`;
}

const specsIds = new WeakMap<Specs, number>();
let lastSpecsId = 0;

// Identity, not content: only commands handed the very same (cached) specs share a rendering.
function specsId(specs: Specs): number {
  let id = specsIds.get(specs);
  if (id === undefined) specsIds.set(specs, (id = ++lastSpecsId));
  return id;
}
