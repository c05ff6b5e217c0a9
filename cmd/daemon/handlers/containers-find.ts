/**
 * `containers.find`: the container of an app or service, for the commands that run docker in the client
 * (`logs`, `shell`): only the daemon knows the compose project and the Docker host. Prints one JSON
 * object, `FoundContainer`, as the command's output.
 */
import { formatSuggestion } from "../../../core/validate-suggest.ts";
import { UserError } from "../../../platform/errors.ts";
import { dockerHostFor, serviceContainers } from "./_environment.ts";
import { readState, specsRepoPath, type DaemonState } from "./_state.ts";
import type { Handler } from "./_types.ts";

/** What the client gets back. */
export interface FoundContainer {
  id: string;
  /** The container's name, e.g. "dusty-web-1". */
  name: string;
  running: boolean;
  /** Variables the docker CLI needs to reach the engine ({} on a native host). */
  env: Record<string, string>;
}

const handler: Handler<"containers.find"> = {
  async run(ctx, args) {
    const { name, running: mustRun } = args;
    const state = await readState(ctx);
    const host = dockerHostFor(state);
    const env = await host.dockerEnv();
    const containers = await serviceContainers(state, name, { env });
    // Newest first: after a re-create the old container may linger, stopped.
    const found = mustRun ? containers.find((c) => c.running) : (containers.find((c) => c.running) ?? containers[0]);
    if (!found) throw new UserError(await notFoundMessage(state, name, mustRun));
    // The client runs docker as its user: on an ssh host it gets a socket of its own (platform/vm/ssh-host.ts).
    const clientEnv = ctx.caller && host.dockerEnvFor ? await host.dockerEnvFor(ctx.caller) : env;
    const result: FoundContainer = { id: found.id, name: found.name, running: found.running, env: clientEnv };
    ctx.output(JSON.stringify(result));
    return 0;
  },
};

export default handler;

/** Why nothing was found: a name the specs do not know reads differently from an app that is not up. */
async function notFoundMessage(state: DaemonState, name: string, mustRun: boolean): Promise<string> {
  const known = await knownSpecNames(state);
  if (known !== undefined && !known.includes(name)) return `No app or service found named ${name} in your specs${formatSuggestion(name, known)}`;
  return mustRun
    ? `No running container found for ${name}: start it with \`dusty up\` (or \`dusty restart ${name}\`)`
    : `No container exists which corresponds to ${name}: start it with \`dusty up\``;
}

/** The apps and services of the specs, nginx included; undefined when the specs cannot be read. */
async function knownSpecNames(state: DaemonState): Promise<string[] | undefined> {
  try {
    // Loaded lazily: only a failed lookup pays for reading the specs.
    const [{ readSpecsFolder }, { checkSpecs }] = await Promise.all([import("../../../platform/specs-folder.ts"), import("../../_specs.ts")]);
    const path = specsRepoPath(state);
    const { specs } = checkSpecs(await readSpecsFolder(path), path).loaded;
    return [...Object.keys(specs.apps), ...Object.keys(specs.services), "nginx"];
  } catch {
    return undefined; // no specs configured, or broken ones: say only what is certain
  }
}
