/**
 * The git operations dusty needs on its managed clones: clone, pull, and the checks around them.
 * Every call goes through run() with an argv array and never waits for a password: the daemon has no
 * terminal, so a prompt would hang `dusty up` forever instead of failing with a message.
 */
import { stat } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { UserError } from "./errors.ts";
import { run, type RunResult } from "./run.ts";

/** Options every git operation takes. */
export interface GitOptions {
  /** The repo as the user knows it (its spec URL), named in error messages. Default: the clone URL or folder. */
  repo?: string;
  /** The invoking user's SSH agent socket, so git over SSH uses their keys. */
  sshAuthSock?: string;
  /** Extra environment for git, merged over the daemon's. */
  env?: Record<string, string | undefined>;
  /** Aborting kills the running git. */
  signal?: AbortSignal;
}

/** What `pull()` found and did. */
export interface PullResult {
  /** The remote-tracking ref followed, e.g. "origin/main". */
  ref: string;
  /** HEAD before the pull. */
  before: string;
  /** HEAD after the pull. */
  head: string;
  /** The commit `ref` points at. */
  remoteHead: string;
  /** HEAD equals the remote's commit: false means the local copy has diverged (local commits or conflicting changes). */
  upToDate: boolean;
}

/** The original's hint, shown only when the repo is reached over SSH. */
export const SSH_AGENT_HINT =
  "If you are trying to access a remote repository over SSH (e.g. GitHub), please make sure you have added your SSH key to the SSH agent using: ssh-add <SSH key filepath>";

// BatchMode: ssh fails instead of asking for a passphrase or password. accept-new: a first contact with
// a host records its key (as the original's ssh-keyscan did) while a changed key still fails.
const SSH_COMMAND = "ssh -o BatchMode=yes -o StrictHostKeyChecking=accept-new";
const STDERR_TAIL_LINES = 8;
// Variables that point git at another repo than the folder it runs in (set when dusty runs inside a git hook).
const REPO_DISCOVERY_RESET = {
  GIT_DIR: undefined,
  GIT_WORK_TREE: undefined,
  GIT_INDEX_FILE: undefined,
  GIT_OBJECT_DIRECTORY: undefined,
  GIT_ALTERNATE_OBJECT_DIRECTORIES: undefined,
  GIT_COMMON_DIR: undefined,
  GIT_NAMESPACE: undefined,
};

/** A git command failed; `detail` names the repo and quotes git, `hint` says what to do (when known). */
export class GitError extends UserError {
  override name = "GitError";
  constructor(
    readonly detail: string,
    readonly hint: string | undefined,
    readonly result: RunResult,
  ) {
    super(hint ? `${detail}\n${hint}` : detail);
  }
}

/** Clones `cloneUrl` into `dest` (which must not exist, or be an empty folder). */
export async function clone(cloneUrl: string, dest: string, options: GitOptions = {}): Promise<void> {
  // "--" so a URL starting with "-" is never taken for an option (git's own CVE-2017-1000117 class).
  const result = await runGit(["clone", "--quiet", "--", cloneUrl, dest], undefined, await withSourceOwner(cloneUrl, options));
  if (result.exitCode !== 0) {
    throw gitError(`Cannot clone ${options.repo ?? cloneUrl} into ${dest}`, result, isSshUrl(cloneUrl));
  }
}

/**
 * Fetches origin and fast-forwards to the remote's default branch. A copy that cannot fast-forward is
 * left as it is and reported with `upToDate: false`; `resetHard(dir, result.ref)` discards it.
 */
export async function pull(dir: string, options: GitOptions = {}): Promise<PullResult> {
  const before = await headCommit(dir, options);
  const origin = await runGit(["config", "--get", "remote.origin.url"], dir, options);
  const remote = await withSourceOwner(origin.stdout.trim(), options);
  await checkedGit(["fetch", "--quiet", "--prune", "origin"], dir, remote, "Cannot fetch");
  const ref = await remoteDefaultRef(dir, remote);
  const remoteHead = await revParse(`${ref}^{commit}`, dir, options);
  if (before !== remoteHead) {
    // A failure here means local commits or changes in the way; the HEAD comparison below reports it.
    await runGit(["merge", "--ff-only", "--quiet", ref], dir, options);
  }
  const head = await headCommit(dir, options);
  return { ref, before, head, remoteHead, upToDate: head === remoteHead };
}

/** The sha of HEAD in `dir`. */
export async function headCommit(dir: string, options: GitOptions = {}): Promise<string> {
  return revParse("HEAD", dir, options);
}

/** True when `dir` has no uncommitted changes and no untracked files. */
export async function isClean(dir: string, options: GitOptions = {}): Promise<boolean> {
  const result = await checkedGit(["status", "--porcelain"], dir, options, "Cannot read the status of");
  return result.stdout.trim() === "";
}

/** Moves HEAD and the work tree to `ref`, discarding local commits and changes to tracked files. */
export async function resetHard(dir: string, ref: string, options: GitOptions = {}): Promise<void> {
  if (ref.startsWith("-")) throw new Error(`resetHard() needs a ref, got an option: ${ref}`);
  await checkedGit(["reset", "--quiet", "--hard", ref], dir, options, `Cannot reset to ${ref}`);
}

/** True for URLs git reaches over SSH: `ssh://…`, `git+ssh://…` and scp-like `user@host:path`. */
export function isSshUrl(url: string): boolean {
  if (/^(?:ssh|git\+ssh|ssh\+git):\/\//i.test(url)) return true;
  if (url.includes("://") || url.startsWith("/") || url.startsWith(".")) return false;
  // scp-like syntax: a colon before the first slash (git's own rule for telling it from a path).
  const colon = url.indexOf(":");
  const slash = url.indexOf("/");
  return colon > 0 && (slash === -1 || colon < slash);
}

/**
 * The ref the remote's default branch is fetched into. origin/HEAD first (set by clone); when it is
 * missing or dangling (the remote renamed its default branch) ask the remote once; then the upstream
 * of the current branch. The original pulled "master" whatever the repo used.
 */
async function remoteDefaultRef(dir: string, options: GitOptions): Promise<string> {
  const originHead = async () => {
    const result = await runGit(["symbolic-ref", "--quiet", "--short", "refs/remotes/origin/HEAD"], dir, options);
    const ref = result.stdout.trim();
    if (result.exitCode !== 0 || !ref) return undefined;
    const exists = await runGit(["rev-parse", "--verify", "--quiet", `${ref}^{commit}`], dir, options);
    return exists.exitCode === 0 ? ref : undefined;
  };
  let found = await originHead();
  if (!found) {
    // Asks the remote for its HEAD; a failure only means we fall back to the upstream below.
    await runGit(["remote", "set-head", "origin", "--auto"], dir, options);
    found = await originHead();
  }
  if (found) return found;
  const upstream = await runGit(["rev-parse", "--abbrev-ref", "--symbolic-full-name", "@{upstream}"], dir, options);
  if (upstream.exitCode === 0 && upstream.stdout.trim()) return upstream.stdout.trim();
  throw gitError(
    `Cannot update ${options.repo ?? dir}: its origin has no default branch (no origin/HEAD) and the current branch tracks none`,
    upstream,
    false,
    `Check that the repo has commits, or delete ${dir} so that dusty clones it again`,
  );
}

/**
 * The root daemon clones and fetches the user's own local repos (a specs repo in their home), which git
 * refuses as "dubious ownership" unless SUDO_UID names their owner. Only for the source side of a clone
 * or fetch (upload-pack), which does not run programs from the source repo's config; the managed copy
 * itself is root's.
 */
async function withSourceOwner(url: string, options: GitOptions): Promise<GitOptions> {
  const path = url.startsWith("file://") ? decodeURIComponent(url.slice("file://".length)) : url;
  if (!path.startsWith("/") || process.geteuid?.() !== 0) return options;
  const info = (await stat(join(path, ".git")).catch(() => undefined)) ?? (await stat(path).catch(() => undefined));
  if (!info || info.uid === 0) return options;
  return { ...options, env: { SUDO_UID: String(info.uid), ...options.env } };
}

async function revParse(rev: string, dir: string, options: GitOptions): Promise<string> {
  const result = await checkedGit(["rev-parse", "--verify", "--quiet", rev], dir, options, `Cannot resolve ${rev} in`);
  return result.stdout.trim();
}

/** Runs git in `dir` and turns a failure into a GitError that names the repo. */
async function checkedGit(args: string[], dir: string, options: GitOptions, action: string): Promise<RunResult> {
  const result = await runGit(args, dir, options);
  if (result.exitCode === 0) return result;
  const origin = await runGit(["config", "--get", "remote.origin.url"], dir, options).catch(() => undefined);
  const repo = options.repo ?? dir;
  const where = repo === dir ? dir : `${repo} (at ${dir})`;
  throw gitError(`${action} ${where}`, result, isSshUrl(origin?.stdout.trim() ?? ""));
}

function runGit(args: string[], cwd: string | undefined, options: GitOptions): Promise<RunResult> {
  const inherited = { ...process.env, ...options.env };
  const env: Record<string, string | undefined> = { ...options.env, ...REPO_DISCOVERY_RESET, GIT_TERMINAL_PROMPT: "0" };
  // Only `cwd` itself may be the repo: were it not one, git would search upwards and could act on an
  // enclosing repo instead (/etc is one under etckeeper), which `resetHard` would then wipe.
  if (cwd !== undefined) env.GIT_CEILING_DIRECTORIES = dirname(resolve(cwd));
  if (options.sshAuthSock !== undefined) env.SSH_AUTH_SOCK = options.sshAuthSock;
  // A user's own GIT_SSH_COMMAND or GIT_SSH (a proxy, a key file) wins over ours.
  if (!inherited.GIT_SSH_COMMAND && !inherited.GIT_SSH) env.GIT_SSH_COMMAND = SSH_COMMAND;
  return run(["git", ...args], { cwd, env, signal: options.signal });
}

function gitError(what: string, result: RunResult, overSsh: boolean, fix?: string): GitError {
  const output = (result.stderr.trim() ? result.stderr : result.stdout).trimEnd();
  const lines = output.split("\n").map((line) => line.trim()).filter(Boolean);
  const tail = lines.slice(-STDERR_TAIL_LINES).map((line) => `  ${line}`).join("\n");
  const detail = `${what}: git ${result.argv[1]} failed with exit code ${result.exitCode}${tail ? `:\n${tail}` : ""}`;
  return new GitError(detail, overSsh ? SSH_AGENT_HINT : fix, result);
}
