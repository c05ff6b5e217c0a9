/**
 * The code side of `up`, `restart`, `sync` and `test`: bringing dusty's managed clones up to date and
 * mirroring each repo's folder (the user's override or dusty's clone) to where containers mount it on the
 * Docker host. The one home of both, so the rules (which repos are the user's, which `.git` folders
 * travel) cannot drift between commands.
 */
import type { DustyConfig } from "../core/config.ts";
import { parseRepo } from "../core/repos.ts";
import { errorMessage, UserError } from "./errors.ts";
import type { Locations } from "./locations.ts";
import { mapSettledBounded } from "./pool.ts";
import { ensureManagedRepo, localRepoPath, updateManagedRepos } from "./repos.ts";
import type { DockerHost } from "./vm/index.ts";

/** Where repos come from and how git reaches remotes. */
export interface RepoContext {
  config: DustyConfig;
  locations: Locations;
  sshAuthSock?: string;
  signal?: AbortSignal;
  /** Progress lines for the user. */
  log: (text: string) => void;
}

/** How `refreshManagedRepos()` brings clones up to date. */
export interface RefreshOptions {
  /** Off (`--no-pull`): only clone what is missing, touch nothing else. */
  pull: boolean;
  /** Reset a diverged clone to the remote (`up` runs what the team pushed) instead of keeping it with a warning. */
  force?: boolean;
}

/**
 * Makes the managed clones among `urls` current (pulled, or with `pull` off only cloned when missing: a
 * repo never cloned cannot be used at all); overridden repos are the user's and are left alone. Returns
 * the warnings (also sent to `log`) of clones kept with local changes.
 */
export async function refreshManagedRepos(urls: readonly string[], context: RepoContext, options: RefreshOptions): Promise<string[]> {
  const managed = [...new Set(urls)].filter((url) => context.config.repo_overrides[url] === undefined);
  if (managed.length === 0) return [];
  const git = { locations: context.locations, sshAuthSock: context.sshAuthSock, signal: context.signal, log: context.log };
  if (!options.pull) {
    for (const url of managed) await ensureManagedRepo(url, git);
    return [];
  }
  const result = await updateManagedRepos(managed, { ...git, config: context.config, force: options.force });
  return result.warnings;
}

/** Where containers mount a repo on the Docker host. */
export function hostRepoPath(host: DockerHost, url: string): string {
  return `${host.paths().reposDir}/${parseRepo(url).relPath}`;
}

/** Mirrors one repo's local folder at its place on the Docker host (files the folder lacks are deleted there, as in Dusty). */
export async function syncRepo(host: DockerHost, url: string, context: Omit<RepoContext, "log" | "sshAuthSock">): Promise<void> {
  const local = localRepoPath(url, context.config, context.locations);
  // Nested repos' .git folders stay behind, the repo's own .git comes along: Dusty's rule.
  await host.syncIn(local, hostRepoPath(host, url), { excludeNestedGit: true, signal: context.signal });
}

// rsync spends most of a small local sync waiting for its own processes, so syncs overlap well even on one CPU.
const SYNC_CONCURRENCY = 8;

/** Mirrors every repo of `urls` (a few at once); every failure is reported, one per line. */
export async function syncRepos(host: DockerHost, urls: readonly string[], context: Omit<RepoContext, "sshAuthSock">): Promise<void> {
  const outcomes = await mapSettledBounded(
    urls,
    async (url) => {
      const kind = context.config.repo_overrides[url] === undefined ? "Dusty-managed" : "overridden";
      context.log(`Syncing ${kind} repo ${url} to ${hostRepoPath(host, url)}`);
      await syncRepo(host, url, context);
    },
    { concurrency: SYNC_CONCURRENCY, signal: context.signal },
  );
  const failures = outcomes.flatMap((o) => (o.status === "rejected" ? [o.reason as unknown] : []));
  if (failures.length === 1) throw failures[0];
  if (failures.length > 1) throw new UserError(failures.map(errorMessage).join("\n"));
}
