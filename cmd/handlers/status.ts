/**
 * `status` (reference §2.4): args `{ json?: boolean }`. nginx and every active app, lib and service with
 * its type and its container's state (running, exited …, or none), from one `docker ps`.
 */
import { assembleSpecs } from "../../core/assemble.ts";
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
import { listProjectContainers, serviceStates } from "./_up-containers.ts";

/** One row of `dusty status`. */
export interface StatusRow {
  name: string;
  type: "nginx" | "app" | "lib" | "service";
  /** The container's state (running, exited, created …), "none" without a container, null for a lib (it has none of its own). */
  state: string | null;
  /** The container's name, when there is one. */
  container: string | null;
}

// Concurrent `status` commands of one environment share each engine call that has not started yet
// (never one already under way, which could predate a change the caller has seen).
const engineCalls = new NextCallSharing();

const handler: Handler = {
  mutates: false,
  async run(ctx, args) {
    const json = readFlag(args.json, "json", false);
    const state = await readState(ctx);
    requireSetup(state.config);
    const env = await dockerHostFor(state).dockerEnv();
    const engine = JSON.stringify(env);
    await engineCalls.run(`version ${engine}`, () => checkEngine(env));
    const specs = (await readConfiguredSpecs(state, ctx)).loaded.specs;
    const assembled = assembleSpecs(specs, state.config.bundles);
    const project = composeProject(state);
    const containers = await engineCalls.run(`ps ${project} ${engine}`, () => listProjectContainers(project, env));
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
    if (json) {
      ctx.output(JSON.stringify({ project: composeProject(state), bundles: assembled.bundles, rows }, null, 2));
    } else {
      ctx.output(renderTable(["Name", "Type", "Container"], rows.map((r) => [r.name, r.type, r.state ?? "-"])).trimEnd());
      if (assembled.bundles.length === 0) ctx.log("No bundles are activated: activate some with `dusty bundles activate <name>`, then run `dusty up`");
    }
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
