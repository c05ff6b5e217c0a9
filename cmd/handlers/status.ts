/**
 * `status` (reference §2.4): args `{ json?: boolean }`. nginx and every active app, lib and service with
 * its type and its container's state (running, exited …, or none), from one `docker ps`.
 */
import { assembleSpecs } from "../../core/assemble.ts";
import type { Specs } from "../../core/specs.ts";
import { renderTable } from "../../core/table.ts";
import { dockerServerVersion, type DockerEnv } from "../../platform/docker.ts";
import { UserError } from "../../platform/errors.ts";
import { CommandFailedError } from "../../platform/run.ts";
import { NextCallSharing } from "../../platform/work-sharing.ts";
import { composeProject, dockerHostFor, serviceNameFor } from "./_environment.ts";
import { requireSetup } from "./_setup-gate.ts";
import { readConfiguredSpecs, readState } from "./_state.ts";
import type { Handler } from "./_types.ts";
import { readFlag } from "./_up-args.ts";
import { listProjectContainers, serviceStates, type ProjectContainer } from "./_up-containers.ts";

/** One row of `dusty status`. */
export interface StatusRow {
  name: string;
  type: "nginx" | "app" | "lib" | "service";
  /** The container's state (running, exited, created …), "none" without a container, null for a lib (it has none of its own). */
  state: string | null;
  /** The container's name, when there is one. */
  container: string | null;
}

// Concurrent `status` commands of one environment share each engine call and each rendering that has
// not started yet (never one already under way, which could predate a change the caller has seen). On
// a 2,000-app repo one rendering is tens of ms of the daemon's one thread; 200 at once were seconds.
const shared = new NextCallSharing();

const handler: Handler = {
  mutates: false,
  async run(ctx, args) {
    const json = readFlag(args.json, "json", false);
    const state = await readState(ctx);
    requireSetup(state.config);
    const env = await dockerHostFor(state).dockerEnv();
    const engine = JSON.stringify(env);
    await shared.run(`version ${engine}`, () => checkEngine(env));
    const specs = (await readConfiguredSpecs(state, ctx)).loaded.specs;
    const project = composeProject(state);
    // The same specs object (the daemon's cache hands it to every command), bundles, project and engine give the same answer.
    const key = `status ${specsId(specs)} ${JSON.stringify(state.config.bundles)} ${project} ${engine} ${json}`;
    const { text, noBundles } = await shared.run(key, () => describeStatus({ specs, bundles: state.config.bundles, project, env, json }));
    ctx.output(text);
    if (noBundles) ctx.log("No bundles are activated: activate some with `dusty bundles activate <name>`, then run `dusty up`");
    return 0;
  },
};

export default handler;

/** Status without an engine would say "none" everywhere, which is wrong: say what is wrong instead. */
async function checkEngine(env: DockerEnv): Promise<void> {
  try {
    await dockerServerVersion({ env });
  } catch (error) {
    if (!(error instanceof CommandFailedError)) throw error;
    const detail = error.stderrTail.split("\n")[0] || `docker exited with code ${error.exitCode}`;
    throw new UserError(
      `Cannot show the status: the Docker Engine does not answer (${detail}). Start it (\`sudo systemctl start docker\`), or run \`dusty up\``,
    );
  }
}

/** What one `status` rendering depends on. */
interface StatusInput {
  specs: Specs;
  bundles: string[];
  project: string;
  env: DockerEnv;
  json: boolean;
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
  const { specs, project, env, json } = input;
  const containers = await listProjectContainers(project, env);
  const key = `${specsId(specs)} ${JSON.stringify(input.bundles)} ${project} ${json} ${JSON.stringify(containers)}`;
  if (lastAnswer?.key !== key) lastAnswer = { key, answer: renderStatus(input, containers) };
  return lastAnswer.answer;
}

function renderStatus(input: StatusInput, containers: ProjectContainer[]): StatusText {
  const { specs, project, json } = input;
  const assembled = assembleSpecs(specs, input.bundles);
  const states = serviceStates(containers);
  const row = (name: string, type: StatusRow["type"]): StatusRow => {
    if (type === "lib") return { name, type, state: null, container: null };
    const service = serviceNameFor(name);
    const container = containers.find((c) => c.service === service && c.state === states.get(service));
    return { name, type, state: states.get(service) ?? "none", container: container?.name ?? null };
  };
  const rows = [
    row("nginx", "nginx"),
    ...Object.keys(assembled.apps).map((n) => row(n, "app")),
    ...Object.keys(assembled.libs).map((n) => row(n, "lib")),
    ...Object.keys(assembled.services).map((n) => row(n, "service")),
  ];
  const noBundles = assembled.bundles.length === 0;
  if (json) return { text: JSON.stringify({ project, bundles: assembled.bundles, rows }, null, 2), noBundles: false };
  return { text: renderTable(["Name", "Type", "Container"], rows.map((r) => [r.name, r.type, r.state ?? "-"])).trimEnd(), noBundles };
}

const specsIds = new WeakMap<Specs, number>();
let lastSpecsId = 0;

// Identity, not content: only commands handed the very same (cached) specs share a rendering.
function specsId(specs: Specs): number {
  let id = specsIds.get(specs);
  if (id === undefined) specsIds.set(specs, (id = ++lastSpecsId));
  return id;
}
