/**
 * The repo model (spec key `repo`; config `repo_overrides`): what a spec's `repo:` string means — local or remote, how to clone it,
 * where its copy lives (`relPath`) and the short name users type. Pure string work, no git.
 */
import { normalizePosixPath } from "./compile-paths.ts";
import { joinWords } from "./prose.ts";
import { formatSuggestion } from "./validate-suggest.ts";

/** One repo as dusty sees it. */
export interface RepoRef {
  /** The `repo:` value exactly as written in the spec; repos are keyed by it (config `repo_overrides`). */
  url: string;
  /** A path on this machine (`/…` or `file://…`) rather than a remote. */
  isLocal: boolean;
  /** What to give `git clone`. */
  cloneUrl: string;
  /** Host plus path, without `.git`, a leading "/" or any ":": the repo's folder under a repos dir. */
  relPath: string;
  /** The last segment of `relPath`, for `dusty repos override <short name> …`. */
  shortName: string;
}

/** Where dusty keeps its managed clones on the host: `<MANAGED_REPOS_DIR>/<relPath>`. */
export const MANAGED_REPOS_DIR = "/etc/dusty/repos";

const SCHEME_URL = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)([^?#]*)/i;
// `git@github.com:org/repo.git` (scp-like syntax): a host, a colon, a path, no "//" and no scheme.
const SCP_LIKE = /^(?:[^@/:]+@)?([^/:]+):(.*)$/;

/** Every repo URL the apps and libs name (of all specs, or of the active closure), sorted, without duplicates. */
export function repoUrlsOf(specs: { apps: Record<string, { repo: string }>; libs: Record<string, { repo: string }> }): string[] {
  const urls = [...Object.values(specs.apps), ...Object.values(specs.libs)].map((spec) => spec.repo).filter((url) => url !== "");
  return [...new Set(urls)].sort();
}

/** Parses a spec's `repo:` value. Never fails: odd input still gets a usable, colon-free `relPath`. */
export function parseRepo(url: string): RepoRef {
  // Compiling asks for the same few URLs once per app and lib: parse each once.
  let parsed = PARSED_REPOS.get(url);
  if (!parsed) PARSED_REPOS.set(url, (parsed = Object.freeze(parseRepoUncached(url))));
  return parsed;
}

const PARSED_REPOS = new Map<string, RepoRef>();

function parseRepoUncached(url: string): RepoRef {
  const { host, path } = splitHostAndPath(url);
  // Rooted before normalising so ".." can never climb out of the repos dir the path is joined to.
  let relPath = normalizePosixPath(`/${host}/${path}`).slice(1);
  relPath = relPath.replace(/\.git$/, "").replaceAll(":", "_");
  const isLocal = url.startsWith("/") || url.startsWith("file://");
  return { url, isLocal, cloneUrl: cloneUrlOf(url), relPath, shortName: relPath.split("/").pop() ?? "" };
}

function splitHostAndPath(url: string): { host: string; path: string } {
  if (url.startsWith("/")) return { host: "", path: url };
  const scheme = SCHEME_URL.exec(url);
  if (scheme) return { host: hostOfAuthority(scheme[2] ?? ""), path: scheme[3] ?? "" };
  const scp = SCP_LIKE.exec(url);
  if (scp) return { host: (scp[1] ?? "").toLowerCase(), path: scp[2] ?? "" };
  // `github.com/org/repo`: the host is simply the first segment of the path.
  return { host: "", path: url };
}

/** `user:secret@Host.example:2222` → `host.example`; `[::1]:22` → `::1` (its colons are dropped later). */
function hostOfAuthority(authority: string): string {
  const hostPort = authority.slice(authority.lastIndexOf("@") + 1);
  const host = hostPort.startsWith("[") ? hostPort.slice(1, hostPort.indexOf("]")) : hostPort.replace(/:\d*$/, "");
  return host.toLowerCase();
}

function cloneUrlOf(url: string): string {
  if (url.startsWith("/")) return `file://${url}`;
  // Every other form git understands already (file://, http(s)://, ssh://, git@host:path, host:path).
  if (SCHEME_URL.test(url) || url.includes("@") || SCP_LIKE.test(url)) return url;
  return `ssh://git@${url}`;
}

/** The managed clone of a repo on the host. */
export function managedRepoPath(repo: RepoRef, reposDir: string = MANAGED_REPOS_DIR): string {
  return `${reposDir}/${repo.relPath}`;
}

/**
 * Finds the repo a user means: the exact URL first, then the exact `relPath`, then a unique short name.
 * The messages are the original's, so users migrating from Dusty recognise them.
 */
export function resolveRepoName(name: string, urls: readonly string[]): { url: string } | { error: string } {
  if (urls.includes(name)) return { url: name };
  const repos = [...new Set(urls)].sort().map(parseRepo);
  const byPath = repos.filter((r) => r.relPath === name);
  if (byPath.length === 1 && byPath[0]) return { url: byPath[0].url };
  const matches = repos.filter((r) => r.shortName === name).map((r) => r.url);
  if (matches.length === 1 && matches[0] !== undefined) return { url: matches[0] };
  if (matches.length === 0) {
    const hint = formatSuggestion(name, [...new Set(repos.map((r) => r.shortName))]);
    return { error: `Short repo name ${name} does not match any known repos${hint}` };
  }
  const listed = `${matches.length === 2 ? "both " : ""}${joinWords(matches)}`;
  return { error: `Short repo name ${name} is ambiguous. It matches ${listed}` };
}
