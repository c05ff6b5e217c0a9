/**
 * `restart` (test/restart-repos.test.ts): args `{ names?: string[], repos?: string[], sync?: boolean }`. Re-syncs the
 * code of what it restarts (the named apps' same-container repos, or every active repo), then restarts
 * the containers with a 1 s grace period. A container whose links are not running stays as it is.
 */
import { sameContainerRepos, type AssembledSpecs } from "../../../core/assemble.ts";
import { repoUrlsOf, resolveRepoName } from "../../../core/repos.ts";
import { formatSuggestion } from "../../../core/validate-suggest.ts";
import type { Specs } from "../../../core/specs.ts";
import { restartContainer, type DockerEnv } from "../../../platform/docker.ts";
import { environmentStatePath, readEnvironmentState, writeEnvironmentState } from "../../../platform/environment-state.ts";
import { syncRepos } from "../../../platform/repo-sync.ts";
import { localRepoPath } from "../../../platform/repos.ts";
import { UserError } from "../../../platform/errors.ts";
import { composeProject, dockerHostFor, serviceNameFor } from "./_environment.ts";
import { requireSetup } from "./_setup-gate.ts";
import { assembleActive, readConfiguredSpecs, readState, type DaemonState } from "./_state.ts";
import type { CommandContext, Handler } from "./_types.ts";
import { listProjectContainers, type ProjectContainer } from "../../../platform/project-containers.ts";
import { folderFingerprint } from "../../../platform/folder-fingerprint.ts";

const handler: Handler<"restart"> = {
  async run(ctx, args) {
    const { names, repos: repoNames, sync } = args;
    if (names.length > 0 && repoNames.length > 0) {
      throw new UserError(
        `Cannot restart ${names.join(", ")} and --repos together: give app or service names, or --repos (repeat it for each repo: --repos a --repos b)`,
      );
    }
    const state = await readState(ctx);
    requireSetup(state.config);
    const specs = (await readConfiguredSpecs(state, ctx)).loaded.specs;
    const assembled = assembleActive(specs, state.config);

    let targets: string[] | undefined = names.length > 0 ? checkTargets(names, assembled) : undefined;
    if (repoNames.length > 0) {
      targets = appsUsingRepos(specs, assembled, repoNames);
      if (targets.length === 0) {
        ctx.output(`No active app uses ${repoNames.join(", ")}: nothing to restart`);
        return 0;
      }
    }
    ctx.log(targets ? `Restarting the following apps or services: ${targets.join(", ")}` : "Restarting all active containers associated with Dusty");

    const host = dockerHostFor(state);
    if (sync) {
      const apps = targets?.filter((t) => Object.hasOwn(assembled.apps, t));
      const urls = apps ? [...new Set(apps.flatMap((app) => sameContainerRepos(specs, app)))].sort() : repoUrlsOf(assembled);
      // Fingerprints before the sync: an edit made while it runs must count as not delivered.
      const prints = await Promise.all(urls.map((url) => folderFingerprint(localRepoPath(url, state.config, state.locations))));
      await syncRepos(host, urls, { config: state.config, locations: state.locations, log: ctx.log, signal: ctx.signal });
      await recordSyncedRepos(state, Object.fromEntries(urls.map((url, i) => [url, prints[i]])));
    }
    const dockerEnv = await host.dockerEnv();
    const containers = await listProjectContainers(composeProject(state), dockerEnv);
    const chosen = targets ?? [...Object.keys(assembled.services), ...Object.keys(assembled.apps)];
    const failed = await restartAll(ctx, orderByLinks(chosen, assembled), { assembled, containers, dockerEnv });
    return failed ? 1 : 0;
  },
};

export default handler;

/**
 * The containers now mount these repos as they are: tell the recorded state, so the next `up` does not
 * sync and restart them again for a change this restart already delivered.
 */
async function recordSyncedRepos(state: DaemonState, prints: Record<string, string | undefined>): Promise<void> {
  const path = environmentStatePath(state.locations);
  const recorded = await readEnvironmentState(path);
  if (!recorded) return;
  const repos = { ...recorded.repos };
  for (const [url, print] of Object.entries(prints)) {
    if (!Object.hasOwn(repos, url)) continue; // not part of what `up` started
    if (print === undefined) delete repos[url];
    else repos[url] = print;
  }
  const { version: _version, ...rest } = recorded;
  await writeEnvironmentState(path, { ...rest, repos });
}

/** The names, if each is an active app or service (or nginx); else a UserError listing what is active. */
function checkTargets(names: string[], assembled: AssembledSpecs): string[] {
  const unknown = names.filter((n) => n !== "nginx" && !Object.hasOwn(assembled.apps, n) && !Object.hasOwn(assembled.services, n));
  if (unknown.length === 0) return names;
  const known = [...Object.keys(assembled.apps), ...Object.keys(assembled.services)].sort();
  const hint = unknown.length === 1 ? formatSuggestion(unknown[0]!, known) : "";
  throw new UserError(`Cannot restart ${unknown.join(", ")}${hint}: not an active app or service. Active apps and services: ${known.join(", ") || "none"}`);
}

/** The active apps that mount any of the named repos (in their own container: their repo or a lib's). */
function appsUsingRepos(specs: Specs, assembled: AssembledSpecs, repoNames: string[]): string[] {
  const known = repoUrlsOf(specs);
  const urls = repoNames.map((name) => {
    const found = resolveRepoName(name, known);
    if ("error" in found) throw new UserError(`Cannot restart by repo: ${found.error}. See \`dusty repos list\``);
    return found.url;
  });
  return Object.keys(assembled.apps).filter((app) => sameContainerRepos(specs, app).some((url) => urls.includes(url)));
}

/** Restarts each target in turn; returns true when any could not be restarted. */
async function restartAll(
  ctx: CommandContext,
  targets: string[],
  env: { assembled: AssembledSpecs; containers: ProjectContainer[]; dockerEnv: DockerEnv },
): Promise<boolean> {
  const running = new Set(env.containers.filter((c) => c.running).map((c) => c.service));
  let failed = false;
  for (const name of targets) {
    const service = serviceNameFor(name);
    const container = env.containers.find((c) => c.service === service && c.running) ?? env.containers.find((c) => c.service === service);
    if (!container) {
      ctx.log(`No container found for ${name}: start it with \`dusty up\``);
      failed = true;
      continue;
    }
    const down = linksOf(name, env.assembled).filter((link) => !running.has(serviceNameFor(link)));
    if (down.length > 0) {
      ctx.log(`No running containers [${down.join(", ")}], which are linked to by ${name}.  Cannot restart ${name}`);
      failed = true;
      continue;
    }
    ctx.log(`Restarting ${container.name}`);
    await restartContainer(container.id, { timeoutSeconds: 1, env: env.dockerEnv });
    running.add(service);
  }
  return failed;
}

/** The targets with what each links to first, so restarting everything never trips over its own order. */
export function orderByLinks(targets: readonly string[], assembled: AssembledSpecs): string[] {
  const wanted = new Set(targets);
  const order: string[] = [];
  const seen = new Set<string>();
  const visit = (name: string): void => {
    if (seen.has(name)) return;
    seen.add(name); // before the links: a cycle (validation reports it) must still end
    for (const link of linksOf(name, assembled)) if (wanted.has(link)) visit(link);
    order.push(name);
  };
  for (const name of targets) visit(name);
  return order;
}

/** What a container needs running: an app's depends and active conditional links, a service's own links and depends_on. */
export function linksOf(name: string, assembled: AssembledSpecs): string[] {
  const app = Object.hasOwn(assembled.apps, name) ? assembled.apps[name] : undefined;
  if (app) {
    const conditional = [
      ...app.conditional_links.apps.filter((a) => Object.hasOwn(assembled.apps, a)),
      ...app.conditional_links.services.filter((s) => Object.hasOwn(assembled.services, s)),
    ];
    return [...new Set([...app.depends.services, ...app.depends.apps, ...conditional])].filter((n) => n !== name);
  }
  const service = Object.hasOwn(assembled.services, name) ? assembled.services[name] : undefined;
  if (!service) return [];
  const links = Array.isArray(service.links) ? service.links.map((l) => String(l).split(":")[0]!) : [];
  const dependsOn = Array.isArray(service.depends_on)
    ? service.depends_on.map(String)
    : service.depends_on && typeof service.depends_on === "object" ? Object.keys(service.depends_on) : [];
  return [...new Set([...links, ...dependsOn])].filter((n) => n !== name);
}
