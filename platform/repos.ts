/**
 * Dusty-managed repo clones (spec key `repo`): where each repo lives on this machine, cloning the ones
 * that are missing and bringing them all up to date in parallel. Overridden repos are the user's own
 * folders and are never touched. The override commands live in repo-overrides.ts.
 */
import { randomBytes } from "node:crypto";
import { mkdir, readdir, rename, rm, stat } from "node:fs/promises";
import { basename, dirname, join, relative } from "node:path";
import type { DustyConfig } from "../core/config.ts";
import { managedRepoPath as joinManagedPath, parseRepo } from "../core/repos.ts";
import { clone, GitError, pull, resetHard, type GitOptions } from "./git.ts";
import { UserError } from "./errors.ts";
import type { Locations } from "./locations.ts";
import { mapSettledBounded } from "./pool.ts";

export * from "./repo-overrides.ts";

/** How git reaches remotes on the user's behalf. */
export interface RepoGitOptions {
  /** The invoking user's SSH agent socket (SSH_AUTH_SOCK for git). */
  sshAuthSock?: string;
  /** Extra environment for git. */
  env?: Record<string, string | undefined>;
  /** Aborting kills running git commands and starts no new ones; a clone in progress leaves nothing behind. */
  signal?: AbortSignal;
}

/** What `ensureManagedRepo()` needs. */
export interface EnsureRepoOptions extends RepoGitOptions {
  locations: Pick<Locations, "reposDir">;
  /** Progress lines for the user. */
  log?: (text: string) => void;
}

/** What `updateManagedRepos()` needs. */
export interface UpdateReposOptions extends EnsureRepoOptions {
  config: Pick<DustyConfig, "repo_overrides">;
  /** Reset a diverged managed copy to the remote (as `dusty up` does) instead of leaving it with a warning. */
  force?: boolean;
  /** At most this many repos are cloned or pulled at once. Default: the CPU count, at least 2. */
  concurrency?: number;
}

/** What happened to one managed repo. */
export interface RepoUpdate {
  url: string;
  path: string;
  /** diverged: local commits or changes kept the copy from the remote's commit, and force was off. */
  status: "cloned" | "updated" | "reset" | "diverged";
}

/** The outcome of `updateManagedRepos()` when every repo could be handled. */
export interface UpdateReposResult {
  updates: RepoUpdate[];
  /** Overridden repos, left alone. */
  skipped: string[];
  /** The warnings also sent to `log`. */
  warnings: string[];
}

/** One or more repos could not be cloned or pulled; `failures` holds each error, `result` the rest. */
export class RepoUpdateError extends UserError {
  override name = "RepoUpdateError";
  constructor(
    readonly failures: { url: string; error: unknown }[],
    readonly result: UpdateReposResult,
  ) {
    super(describeFailures(failures));
  }
}

const CLONE_SUFFIX = ".dusty-clone";

/** The folder dusty uses for `url`: the override when there is one, else the managed clone. */
export function localRepoPath(url: string, config: Pick<DustyConfig, "repo_overrides">, locations: Pick<Locations, "reposDir">): string {
  return config.repo_overrides[url] ?? managedRepoPath(url, locations);
}

/** Where dusty keeps its own clone of `url`: `<reposDir>/<relPath>`, never outside reposDir. */
export function managedRepoPath(url: string, locations: Pick<Locations, "reposDir">): string {
  const path = joinManagedPath(parseRepo(url), locations.reposDir);
  const inside = relative(locations.reposDir, path);
  // parseRepo() already drops ".." and ":"; this guard keeps a root daemon from ever resetting a folder
  // outside reposDir should that change.
  if (!inside || inside.startsWith("..") || inside.includes(":")) {
    throw new UserError(`Cannot use repo "${url}": it names no folder dusty can clone into. Fix the repo URL in your specs`);
  }
  return path;
}

/**
 * Clones `url` into its managed folder unless a copy is already there. The clone goes into a hidden
 * temp sibling that is renamed into place when complete, so an interrupted clone (abort, kill, power
 * loss) never leaves a half repo that would later count as present.
 */
export async function ensureManagedRepo(url: string, options: EnsureRepoOptions): Promise<{ path: string; cloned: boolean }> {
  const path = managedRepoPath(url, options.locations);
  if (await exists(path)) return { path, cloned: false };
  const parent = dirname(path);
  await mkdir(parent, { recursive: true });
  await removeStaleClones(path);
  options.log?.(`Cloning ${url} into ${path}`);
  const temp = join(parent, `.${basename(path)}.${process.pid}.${randomBytes(4).toString("hex")}${CLONE_SUFFIX}`);
  try {
    await clone(parseRepo(url).cloneUrl, temp, gitOptions(url, options));
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
  try {
    await rename(temp, path);
    return { path, cloned: true };
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    // Another dusty command cloned the same repo meanwhile (ENOTEMPTY): theirs is as good as ours.
    if (await exists(path)) return { path, cloned: false };
    throw error;
  }
}

/**
 * Clones missing managed repos and pulls the others, several at once. Every repo is tried; failures are
 * collected and thrown together as one RepoUpdateError at the end.
 */
export async function updateManagedRepos(urls: readonly string[], options: UpdateReposOptions): Promise<UpdateReposResult> {
  const unique = [...new Set(urls)];
  const skipped = unique.filter((url) => options.config.repo_overrides[url] !== undefined);
  const managed = unique.filter((url) => options.config.repo_overrides[url] === undefined);
  // Two spellings of one repo share a folder: handle them in one task so they never race on it.
  const groups = new Map<string, string[]>();
  for (const url of managed) {
    const key = safeManagedPath(url, options.locations);
    groups.set(key, [...(groups.get(key) ?? []), url]);
  }
  const warnings: string[] = [];
  const updates: RepoUpdate[] = [];
  const failures: { url: string; error: unknown }[] = [];
  const tasks = [...groups.values()];
  const settled = await mapSettledBounded(
    tasks,
    async (group) => {
      for (const url of group) {
        try {
          updates.push(await updateManagedRepo(url, { ...options, warn: (text) => warnings.push(text) }));
        } catch (error) {
          failures.push({ url, error });
        }
      }
    },
    { concurrency: options.concurrency, signal: options.signal },
  );
  options.signal?.throwIfAborted();
  for (const [index, outcome] of settled.entries()) {
    if (outcome.status === "rejected") failures.push({ url: tasks[index]![0]!, error: outcome.reason });
  }
  const order = (url: string) => unique.indexOf(url);
  updates.sort((a, b) => order(a.url) - order(b.url));
  failures.sort((a, b) => order(a.url) - order(b.url));
  const result = { updates, skipped, warnings };
  if (failures.length > 0) throw new RepoUpdateError(failures, result);
  return result;
}

async function updateManagedRepo(url: string, options: UpdateReposOptions & { warn(text: string): void }): Promise<RepoUpdate> {
  options.log?.(`Updating managed copy of ${url}`);
  const { path, cloned } = await ensureManagedRepo(url, options);
  // A fresh clone is already the remote's latest; pulling it again would only cost a round trip.
  if (cloned) return { url, path, status: "cloned" };
  if (!(await exists(join(path, ".git")))) {
    throw new UserError(`Cannot update ${url}: ${path} is not a git repository. Delete it and dusty will clone it again`);
  }
  const git = gitOptions(url, options);
  const pulled = await pull(path, git);
  if (pulled.upToDate) {
    options.log?.(`Updated managed copy of ${url}`);
    return { url, path, status: "updated" };
  }
  if (options.force) {
    await resetHard(path, pulled.ref, git);
    options.log?.(`Reset managed copy of ${url} to ${pulled.ref}, discarding its local changes`);
    return { url, path, status: "reset" };
  }
  const warning =
    `WARNING: couldn't update ${path} because of local conflicts. A container may have modified files in the repos's directory. ` +
    "Your code generally shouldn't be manipulating the contents of your repo folder - please fix this and run `dusty up`";
  options.warn(warning);
  options.log?.(warning);
  return { url, path, status: "diverged" };
}

function gitOptions(url: string, options: RepoGitOptions): GitOptions {
  return { repo: url, sshAuthSock: options.sshAuthSock, env: options.env, signal: options.signal };
}

// A bad URL must become that repo's failure, not abort the grouping of all the others.
function safeManagedPath(url: string, locations: Pick<Locations, "reposDir">): string {
  try {
    return managedRepoPath(url, locations);
  } catch {
    return `invalid:${url}`;
  }
}

/** Removes temp clones left by dusty processes that died mid-clone (SIGKILL, power loss). */
async function removeStaleClones(path: string): Promise<void> {
  const prefix = `.${basename(path)}.`;
  for (const name of await readdir(dirname(path)).catch(() => [] as string[])) {
    if (!name.startsWith(prefix) || !name.endsWith(CLONE_SUFFIX)) continue;
    const pid = Number(name.slice(prefix.length).split(".")[0]);
    if (Number.isInteger(pid) && pid > 0 && !isAlive(pid)) {
      await rm(join(dirname(path), name), { recursive: true, force: true });
    }
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function describeFailures(failures: { url: string; error: unknown }[]): string {
  const hints = new Set<string>();
  const lines = failures.map(({ url, error }) => {
    if (error instanceof GitError) {
      if (error.hint) hints.add(error.hint);
      return error.detail;
    }
    const message = error instanceof Error ? error.message : String(error);
    return message.includes(url) ? message : `${url}: ${message}`;
  });
  const count = failures.length === 1 ? "1 managed repo" : `${failures.length} managed repos`;
  const body = lines.map((line) => line.replaceAll("\n", "\n  ")).join("\n  ");
  return [`Cannot update ${count}:\n  ${body}`, ...hints].join("\n");
}
