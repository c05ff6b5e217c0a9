/**
 * `dusty repos override | manage | from` (test/repos.test.ts): each function takes the config and
 * returns the new one plus the lines to show; the daemon saves it. Override paths are stored absolute,
 * resolved against the client's working directory — the original stored them as typed, so a relative
 * path was later read against the daemon's cwd (/usr/local).
 */
import { stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { DustyConfig } from "../core/config.ts";
import { parseRepo, resolveRepoName } from "../core/repos.ts";
import { UserError } from "./errors.ts";

/** A changed config and what to tell the user about it. */
export interface RepoConfigChange<C extends RepoConfig = RepoConfig> {
  config: C;
  messages: string[];
}

/** The part of the config these functions read and write. */
export type RepoConfig = Pick<DustyConfig, "repo_overrides" | "specs_repo">;

/** The repos a name can refer to: normally every app and lib repo in all specs. */
export interface KnownRepos {
  /** Repo URLs from the specs; the configured specs repo is added to them. */
  knownUrls: readonly string[];
}

/** `dusty repos override <name> <path>`. */
export interface OverrideRequest extends KnownRepos {
  name: string;
  path: string;
  /** The client's working directory, against which a relative `path` is resolved. */
  cwd: string;
}

/** `dusty repos from <dir>`. */
export interface OverrideFromRequest extends KnownRepos {
  dir: string;
  /** The client's working directory, against which a relative `dir` is resolved. */
  cwd: string;
}

/** Every repo dusty knows: the specs repo plus the given spec URLs, without duplicates, sorted. */
export function knownRepoUrls(config: Pick<DustyConfig, "specs_repo">, urls: readonly string[]): string[] {
  return [...new Set([...(config.specs_repo ? [config.specs_repo] : []), ...urls])].sort();
}

/** Points a repo at the user's own folder; the folder must exist and be a directory. */
export async function overrideRepo<C extends RepoConfig>(config: C, request: OverrideRequest): Promise<RepoConfigChange<C>> {
  const url = resolveName(request.name, knownRepoUrls(config, request.knownUrls));
  const path = await checkSourceFolder(url, resolve(request.cwd, request.path));
  return {
    config: { ...config, repo_overrides: { ...config.repo_overrides, [url]: path } },
    messages: [`Locally overriding repo ${url} to use source at ${path}`],
  };
}

/** Goes back to dusty's managed clone for one repo. */
export function manageRepo<C extends RepoConfig>(config: C, request: KnownRepos & { name: string }): RepoConfigChange<C> {
  // Overrides of repos no longer in the specs count too, so they can still be removed.
  const url = resolveName(request.name, knownRepoUrls(config, [...request.knownUrls, ...Object.keys(config.repo_overrides)]));
  if (config.repo_overrides[url] === undefined) {
    return { config, messages: [`No overridden repos found by name ${request.name}`] };
  }
  return { config: withoutOverrides(config, [url]), messages: [manageMessage(url)] };
}

/** Goes back to managed clones for every known repo (overrides of repos gone from the specs stay, as before). */
export function manageAllRepos<C extends RepoConfig>(config: C, request: KnownRepos): RepoConfigChange<C> {
  const urls = knownRepoUrls(config, request.knownUrls).filter((url) => config.repo_overrides[url] !== undefined);
  if (urls.length === 0) return { config, messages: ["No repos are overridden"] };
  return { config: withoutOverrides(config, urls), messages: urls.map(manageMessage) };
}

/** Overrides every known repo whose short name is a folder in `dir` (`<dir>/<short name>`). */
export async function overrideReposFrom<C extends RepoConfig>(config: C, request: OverrideFromRequest): Promise<RepoConfigChange<C>> {
  const dir = resolve(request.cwd, request.dir);
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory()) {
    throw new UserError(`Cannot override repos from ${dir}: ${info ? "it is a file, not a directory" : "no such directory"}. Pass the folder that holds your clones`);
  }
  const urls = knownRepoUrls(config, request.knownUrls);
  const byShortName = new Map<string, string[]>();
  for (const url of urls) {
    const shortName = parseRepo(url).shortName;
    byShortName.set(shortName, [...(byShortName.get(shortName) ?? []), url]);
  }
  const messages = [`Overriding all repos found at ${dir}`];
  let overrides = { ...config.repo_overrides };
  for (const [shortName, sameName] of [...byShortName].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const path = join(dir, shortName);
    if (!shortName || !(await stat(path).catch(() => undefined))?.isDirectory()) continue;
    // The original overrode all of them with one folder; it can only be the clone of one.
    if (sameName.length > 1) {
      messages.push(`Skipping ${path}: repos ${sameName.join(", ")} share the name ${shortName}. Override one with \`dusty repos override <full name> ${path}\``);
      continue;
    }
    const url = sameName[0]!;
    overrides = { ...overrides, [url]: await checkSourceFolder(url, path) };
    messages.push(`Locally overriding repo ${url} to use source at ${path}`);
  }
  if (messages.length === 1) messages.push(`No repos found at ${dir}: no folder there is named like a known repo`);
  return { config: { ...config, repo_overrides: overrides }, messages };
}

function resolveName(name: string, urls: readonly string[]): string {
  const found = resolveRepoName(name, urls);
  if ("url" in found) return found.url;
  const fix = found.error.includes("ambiguous") ? "Use the full name" : "See the known repos with `dusty repos list`";
  throw new UserError(`${found.error}. ${fix}`);
}

async function checkSourceFolder(url: string, path: string): Promise<string> {
  // Compose splits volume specs on ":", so such a path could not be mounted into a container.
  if (path.includes(":")) {
    throw new UserError(`Cannot override repo ${url}: source path ${path} contains ":", which Docker cannot mount. Move or symlink the folder to a path without ":"`);
  }
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" || code === "ENOTDIR" ? "does not exist" : `cannot be read (${code})`;
    throw new UserError(`Cannot override repo ${url}: source path ${path} ${why}. Pass the folder of your local clone`);
  }
  if (!info.isDirectory()) {
    throw new UserError(`Cannot override repo ${url}: source path ${path} is a file, not a directory. Pass the folder of your local clone`);
  }
  return path;
}

function withoutOverrides<C extends RepoConfig>(config: C, urls: readonly string[]): C {
  const overrides = { ...config.repo_overrides };
  for (const url of urls) delete overrides[url];
  return { ...config, repo_overrides: overrides };
}

function manageMessage(url: string): string {
  return `Will manage repo ${url} with Dusty-managed copy of source`;
}
