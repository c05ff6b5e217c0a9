/**
 * `stop` (test/up.test.ts): args `{ names?: string[], rm?: boolean }`. Stops the named apps and services
 * (all of them by default) with a 1 s grace period. With `rm` their containers go too, and with no names
 * the whole environment is taken down: containers, network, the hosts section and the recorded state.
 */
import { parse } from "yaml";
import { planHostsFile } from "../../../core/hosts.ts";
import { removeContainers, removeProjectNetworks, stopContainers, type DockerEnv } from "../../../platform/docker.ts";
import { environmentStatePath, removeEnvironmentState } from "../../../platform/environment-state.ts";
import { formatSuggestion } from "../../../core/validate-suggest.ts";
import { UserError } from "../../../platform/errors.ts";
import { readFileIfAny } from "../../../platform/saved-files.ts";
import { updateHostsFile } from "../../../platform/hosts-file.ts";
import type { DockerHost } from "../../../platform/vm/index.ts";
import { composeFilePath, composeProject, dockerHostFor, runCompose, serviceNameFor } from "./_environment.ts";
import { requireSetup } from "./_setup-gate.ts";
import { readState, type DaemonState } from "./_state.ts";
import type { CommandContext, Handler } from "./_types.ts";
import { listProjectContainers } from "../../../platform/project-containers.ts";
import { endWatches } from "./_watch-registry.ts";

const handler: Handler<"stop"> = {
  async run(ctx, args) {
    const { names, rm: remove } = args;
    const state = await readState(ctx);
    requireSetup(state.config);
    const host = dockerHostFor(state);
    const project = composeProject(state);
    const services = await composeServices(state);
    const targets = names.map(serviceNameFor);
    const known = services ?? [...new Set((await listProjectContainers(project, await host.dockerEnv())).map((c) => c.service))];
    const unknown = names.filter((_, i) => !known.includes(targets[i]!));
    if (unknown.length > 0) {
      const hint = unknown.length === 1 ? formatSuggestion(unknown[0]!, known) : "";
      throw new UserError(`Cannot stop ${unknown.join(", ")}${hint}: no such app or service in the environment. It has: ${describeKnown(known)}`);
    }

    ctx.log(names.length > 0 ? `Stopping the following apps or services: ${names.join(", ")}` : "Stopping all running containers associated with Dusty");
    // First the watches feeding what stops, so none writes into the folders of a stopped container.
    const watches = endWatches(names, `\`dusty stop${names.length > 0 ? ` ${names.join(" ")}` : ""}\` ran`);
    if (watches > 0) ctx.log(`Ended ${watches} running \`dusty watch\`${watches === 1 ? "" : "es"}`);
    if (services !== undefined) {
      await runCompose(ctx, state, host, ["stop", "-t", "1", ...targets]);
      if (remove) {
        ctx.log("Removing the stopped containers and their anonymous volumes");
        await runCompose(ctx, state, host, ["rm", "-f", "-v", ...targets]);
        if (names.length === 0) await runCompose(ctx, state, host, ["down", "--remove-orphans"]);
      }
    } else {
      await stopWithoutComposeFile(ctx, state, { targets, remove, env: await host.dockerEnv() });
    }
    if (remove && names.length === 0) await forgetEnvironment(ctx, state);
    const what = names.length > 0 ? names.join(", ") : "the environment";
    ctx.output(remove ? `Removed ${what}` : `Stopped ${what}`);
    return 0;
  },
};

export default handler;

/**
 * Stops every container of the environment (compose `stop -t 1` on the compose file when `up` wrote one,
 * else the labelled containers), for `shutdown`: the engine's containers go before the VM does.
 */
export async function stopEnvironmentContainers(ctx: CommandContext, state: DaemonState, host: DockerHost): Promise<void> {
  ctx.log("Stopping all running containers associated with Dusty");
  if ((await composeServices(state)) !== undefined) await runCompose(ctx, state, host, ["stop", "-t", "1"]);
  else await stopWithoutComposeFile(ctx, state, { targets: [], remove: false, env: await host.dockerEnv() });
}

/** The services of the current compose file, or undefined when `up` never wrote one. */
async function composeServices(state: DaemonState): Promise<string[] | undefined> {
  const text = (await readFileIfAny(composeFilePath(state)))?.toString("utf8");
  if (text === undefined) return undefined;
  const doc = parse(text) as { services?: Record<string, unknown> } | null;
  return Object.keys(doc?.services ?? {});
}

/** Without a compose file (never written, or deleted) the containers are still labelled: act on those. */
async function stopWithoutComposeFile(
  ctx: CommandContext,
  state: DaemonState,
  options: { targets: string[]; remove: boolean; env: DockerEnv },
): Promise<void> {
  const { env } = options;
  const project = composeProject(state);
  const containers = (await listProjectContainers(project, env)).filter((c) => options.targets.length === 0 || options.targets.includes(c.service));
  const running = containers.filter((c) => c.running).map((c) => c.id);
  await stopContainers(running, { timeoutSeconds: 1, signal: ctx.signal, env });
  if (!options.remove) return;
  await removeContainers(containers.map((c) => c.id), { volumes: true, env });
  if (options.targets.length > 0) return;
  await removeProjectNetworks(project, { env });
}

/** After a full `stop --rm`: no hosts section pointing at nothing, and the next `up` starts from scratch. */
async function forgetEnvironment(ctx: CommandContext, state: DaemonState): Promise<void> {
  const result = await updateHostsFile(state.locations.hostsFile, (current) => planHostsFile(current, ""));
  if (result.changed) ctx.log(`Removed dusty's section from ${state.locations.hostsFile}`);
  await removeEnvironmentState(environmentStatePath(state.locations));
}

function describeKnown(known: string[]): string {
  return known.length > 0 ? known.map((s) => (s === serviceNameFor("nginx") ? "nginx" : s)).sort().join(", ") : "nothing (run `dusty up` first)";
}
