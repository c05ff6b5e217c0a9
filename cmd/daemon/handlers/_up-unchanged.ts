/**
 * Whether `up` has anything to do: the inputs of this run (what it would write, and each synced repo's
 * fingerprint) against what the last successful `up` recorded, and the containers actually running.
 */
import { hashTexts } from "../../../core/hash.ts";
import type { EnvironmentState } from "../../../platform/environment-state.ts";
import type { ProjectContainer } from "../../../platform/project-containers.ts";
import type { UpPlan } from "./_up-prepare.ts";

/** What this `up` would produce, in comparable form. */
export interface UpInputs {
  project: string;
  configHash: string;
  /** Repo URL → fingerprint; a folder that cannot be read has none and never counts as unchanged. */
  repos: Record<string, string | undefined>;
  services: string[];
}

/** Hashes what `up` writes, with the fingerprint of every repo it syncs. */
export async function collectInputs(plan: UpPlan): Promise<UpInputs> {
  const { compiled, state } = plan;
  const configHash = hashTexts([
    compiled.composeYaml,
    JSON.stringify(compiled.commandFiles),
    compiled.nginx,
    compiled.hosts,
    state.config.compose_command,
    state.config.compose_project,
    // Another engine (a new pin, another Docker context) has none of these containers: never "unchanged".
    JSON.stringify(await plan.host.dockerEnv()),
  ]);
  const prints = plan.fingerprints;
  return {
    project: state.config.compose_project,
    configHash,
    repos: Object.fromEntries(plan.repos.map((url, i) => [url, prints[i]])),
    services: Object.keys(compiled.compose.services).sort(),
  };
}

/** Repos whose folder changed since `previous` (all of them when there is no previous state). */
export function changedRepos(inputs: UpInputs, previous: EnvironmentState | undefined): string[] {
  return Object.entries(inputs.repos)
    .filter(([url, print]) => print === undefined || previous?.repos[url] !== print)
    .map(([url]) => url);
}

/** True when the last `up` wrote exactly this, no repo changed since, and each service has one running container and nothing else runs. */
export function isUnchanged(inputs: UpInputs, previous: EnvironmentState | undefined, containers: readonly ProjectContainer[]): boolean {
  if (!previous || previous.project !== inputs.project || previous.configHash !== inputs.configHash) return false;
  if (changedRepos(inputs, previous).length > 0 || Object.keys(previous.repos).length !== Object.keys(inputs.repos).length) return false;
  const wanted = new Set(inputs.services);
  if (containers.some((c) => !wanted.has(c.service))) return false; // orphans to remove
  return inputs.services.every((service) => {
    const own = containers.filter((c) => c.service === service);
    return own.length === 1 && own[0]!.running;
  });
}

/**
 * The state to record after a successful `up`. After `--no-recreate` the containers may still run an
 * older config than the compose file says: `recreated: false` records no config, so the next `up`
 * runs compose instead of calling that "unchanged".
 */
export function stateOf(inputs: UpInputs, options: { recreated: boolean } = { recreated: true }): Omit<EnvironmentState, "version"> {
  const repos: Record<string, string> = {};
  for (const [url, print] of Object.entries(inputs.repos)) if (print !== undefined) repos[url] = print;
  const configHash = options.recreated ? inputs.configHash : "";
  return { project: inputs.project, configHash, repos, services: inputs.services, startedAt: new Date().toISOString() };
}
