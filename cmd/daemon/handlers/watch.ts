/**
 * `watch`: args `{ names?: string[], restart?: boolean }`. Keeps the Docker host's copy of the active
 * overridden repos (all, or those the named apps or repos stand for) equal to the local checkouts until
 * the client leaves (Ctrl-C, a dropped connection) or `dusty stop` ends it; with `restart`, restarts the
 * apps whose code a batch changed. It runs where the code is (the daemon's machine) and syncs through the
 * Docker host driver, so a host on another machine gets the same rsync, over ssh.
 *
 * Not a mutating command: it would hold the one-at-a-time queue for hours, and `dusty stop` (which must
 * end it) would wait behind it forever. Its syncs write only the repo folders, with the rules `up` uses,
 * so one that meets an `up` or `sync` leaves the same files either writes.
 */
import { sameContainerRepos } from "../../../core/assemble.ts";
import { parseRepo } from "../../../core/repos.ts";
import { restartContainer } from "../../../platform/docker.ts";
import { UserError } from "../../../platform/errors.ts";
import { localRepoPath } from "../../../platform/repos.ts";
import { composeProject, dockerHostFor, serviceNameFor } from "./_environment.ts";
import { targetRepos } from "./_repo-targets.ts";
import { requireSetup } from "./_setup-gate.ts";
import { assembleActive, readConfiguredSpecs, readState } from "./_state.ts";
import type { Handler } from "./_types.ts";
import { listProjectContainers } from "../../../platform/project-containers.ts";
import { hostRepoPath } from "../../../platform/repo-sync.ts";
import { registerWatch } from "./_watch-registry.ts";
import { runWatchSession, type WatchedRepo } from "./_watch-session.ts";

const handler: Handler<"watch"> = {
  async run(ctx, args) {
    const { names, restart } = args;
    const state = await readState(ctx);
    requireSetup(state.config);
    const specs = (await readConfiguredSpecs(state, ctx)).loaded.specs;
    const assembled = assembleActive(specs, state.config);
    const urls = targetRepos(specs, assembled, names, { command: "watch", apps: true, specsUrl: state.config.specs_repo });
    const overridden = urls.filter((url) => state.config.repo_overrides[url] !== undefined);
    const managed = urls.filter((url) => !overridden.includes(url));
    if (overridden.length === 0) {
      throw new UserError(
        `Cannot watch: ${urls.length === 0 ? "no active app or lib mounts a repo" : `no overridden repo among ${urls.join(", ")}`}. ` +
          "dusty watches your own checkouts: point a repo at yours with `dusty repos override REPO PATH`",
      );
    }
    if (names.length > 0 && managed.length > 0 && names.some((n) => !Object.hasOwn(assembled.apps, n))) {
      throw new UserError(`Cannot watch ${managed.join(", ")}: dusty manages it (it is pulled, not edited). Override it with \`dusty repos override REPO PATH\``);
    }
    const host = dockerHostFor(state);
    const repos: WatchedRepo[] = overridden.map((url) => ({
      url,
      name: parseRepo(url).shortName,
      local: localRepoPath(url, state.config, state.locations),
      dest: hostRepoPath(host, url),
    }));
    // The apps each repo feeds, restricted to the named apps when apps were named.
    const namedApps = names.filter((n) => Object.hasOwn(assembled.apps, n));
    const appsOf = (url: string) =>
      Object.keys(assembled.apps).filter((app) => (namedApps.length === 0 || namedApps.includes(app)) && sameContainerRepos(specs, app).includes(url));
    const apps = [...new Set(overridden.flatMap(appsOf))].sort();
    ctx.log(`Watching ${repos.map((r) => `${r.name} (${r.local})`).join(", ")}${managed.length > 0 ? `; not ${managed.join(", ")}, which dusty manages` : ""}`);

    const registration = registerWatch(apps);
    const signal = AbortSignal.any([ctx.signal, registration.signal]);
    try {
      await runWatchSession(repos, {
        host,
        signal,
        report: (line) => ctx.output(line),
        afterBatch: restart
          ? async (changed) => {
              const targets = [...new Set(changed.flatMap(appsOf))].map(serviceNameFor);
              if (targets.length === 0) return;
              const env = await host.dockerEnv();
              const containers = await listProjectContainers(composeProject(state), env);
              for (const container of containers.filter((c) => c.running && targets.includes(c.service))) {
                await restartContainer(container.id, { timeoutSeconds: 1, env });
                ctx.output(`restarted ${container.service}`);
              }
            }
          : undefined,
      });
    } finally {
      registration.done();
    }
    if (registration.signal.aborted && !ctx.signal.aborted) {
      ctx.log(`Stopped watching: ${(registration.signal.reason as Error).message}`);
    }
    return 0;
  },
};

export default handler;
