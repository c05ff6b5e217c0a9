/**
 * The code side of `up` and `restart`: which repos the active apps and libs mount, bringing the managed
 * clones up to date, and mirroring each repo's folder (the user's override or dusty's clone) to where
 * containers mount it on the Docker host.
 */
import type { AssembledSpecs } from "../../core/assemble.ts";
import type { DustyConfig } from "../../core/config.ts";
import { parseRepo } from "../../core/repos.ts";
import { UserError } from "../../platform/errors.ts";
import type { Locations } from "../../platform/locations.ts";
import { mapSettledBounded } from "../../platform/pool.ts";
import { ensureManagedRepo, localRepoPath, updateManagedRepos } from "../../platform/repos.ts";
import type { DockerHost } from "../../platform/vm/index.ts";
import type { CommandContext } from "./_types.ts";

/** Where repos come from and how git reaches remotes. */
export interface RepoContext {
  config: DustyConfig;
  locations: Locations;
  sshAuthSock?: string;
  signal?: AbortSignal;
}

/** Every repo the active apps and libs mount, sorted, without duplicates. */
export function activeRepoUrls(assembled: AssembledSpecs): string[] {
  const urls = [...Object.values(assembled.apps), ...Object.values(assembled.libs)].map((spec) => spec.repo).filter((url) => url !== "");
  return [...new Set(urls)].sort();
}

/**
 * Makes the managed clones of `urls` current: pulled (and reset to the remote when they diverged, as
 * `up` must run what the team pushed) or, with `pull` off, only cloned when missing. Overrides are left alone.
 */
export async function refreshManagedRepos(ctx: Pick<CommandContext, "log">, urls: readonly string[], options: RepoContext & { pull: boolean }): Promise<void> {
  const managed = urls.filter((url) => options.config.repo_overrides[url] === undefined);
  if (managed.length === 0) return;
  const git = { config: options.config, locations: options.locations, sshAuthSock: options.sshAuthSock, signal: options.signal, log: ctx.log };
  if (options.pull) {
    await updateManagedRepos(managed, { ...git, force: true });
    return;
  }
  // --no-pull still needs a copy to run: clone what is missing, touch nothing else.
  for (const url of managed) await ensureManagedRepo(url, git);
}

/** Where containers mount a repo on the Docker host. */
export function hostRepoPath(host: DockerHost, url: string): string {
  return `${host.paths().reposDir}/${parseRepo(url).relPath}`;
}

// rsync spends most of a small local sync waiting for its own processes, so syncs overlap well even on one CPU.
const SYNC_CONCURRENCY = 8;

/** Mirrors each repo's local folder at its place on the Docker host (files the folder lacks are deleted there, as in Dusty). */
export async function syncRepos(ctx: Pick<CommandContext, "log" | "signal">, host: DockerHost, urls: readonly string[], options: RepoContext): Promise<void> {
  const outcomes = await mapSettledBounded(
    urls,
    async (url) => {
      const local = localRepoPath(url, options.config, options.locations);
      const dest = hostRepoPath(host, url);
      const kind = options.config.repo_overrides[url] === undefined ? "Dusty-managed" : "overridden";
      ctx.log(`Syncing ${kind} repo ${url} to ${dest}`);
      // Nested repos' .git folders stay behind, the repo's own .git comes along: Dusty's rule.
      await host.syncIn(local, dest, { excludeNestedGit: true, signal: ctx.signal });
    },
    { concurrency: SYNC_CONCURRENCY, signal: ctx.signal },
  );
  const failures = outcomes.flatMap((o) => (o.status === "rejected" ? [o.reason as unknown] : []));
  if (failures.length === 1) throw failures[0];
  if (failures.length > 1) {
    throw new UserError(failures.map((f) => (f instanceof Error ? f.message : String(f))).join("\n"));
  }
}
