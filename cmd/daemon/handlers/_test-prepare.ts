/**
 * Before a test run: pull the specs repo and the repos of the container (as `up` does, unless
 * `--no-pull`), write the test command files, and mirror the files and repos on the Docker host. Each
 * repo is handled under its own lock, so two runs that share a lib never pull or sync it at once.
 */
import { join } from "node:path";
import { commandFileName, compileTestCommandFiles } from "../../../core/command-files.ts";
import type { Specs } from "../../../core/specs.ts";
import type { RepoRevision } from "../../../core/test-image-key.ts";
import type { TestRepo, TestTarget } from "../../../core/test-plan.ts";
import { UserError } from "../../../platform/errors.ts";
import { headCommit } from "../../../platform/git.ts";
import { syncRepo, refreshManagedRepos } from "../../../platform/repo-sync.ts";
import { isFolder } from "../../../platform/local-files.ts";
import { writeFreshFolder } from "../../../platform/published-folders.ts";
import { localRepoPath } from "../../../platform/repos.ts";
import { folderFingerprint } from "../../../platform/folder-fingerprint.ts";
import type { DockerHost } from "../../../platform/vm/index.ts";
import type { DaemonState } from "./_state.ts";
import { TEST_LOCKS } from "./_test-lock.ts";
import type { CommandContext } from "./_types.ts";

/**
 * Brings the managed ones among `urls` up to date (clone or pull), or with `pull: false` only clones the
 * missing ones (`--no-pull` uses what is there, but a repo never cloned cannot be used at all).
 * Overridden repos are the user's and are left alone.
 */
export async function fetchRepos(urls: readonly string[], options: { pull: boolean; state: DaemonState; ctx: CommandContext }): Promise<void> {
  const { state, ctx } = options;
  const managed = [...new Set(urls)].filter((url) => state.config.repo_overrides[url] === undefined);
  if (managed.length === 0) return;
  const release = await TEST_LOCKS.acquire(managed.map(repoLock), ctx.signal);
  try {
    const context = { config: state.config, locations: state.locations, log: ctx.log, signal: ctx.signal };
    for (const warning of await refreshManagedRepos(managed, context, { pull: options.pull })) ctx.warn(warning);
  } finally {
    release();
  }
}

/**
 * Writes the target's test command files locally and mirrors them at `<commandFilesDir>/<name>/test` on
 * the Docker host; returns the text of the image preparation file.
 */
export async function syncCommandFiles(target: TestTarget, options: { specs: Specs; state: DaemonState; host: DockerHost; signal: AbortSignal }): Promise<string> {
  const { specs, state, host, signal } = options;
  const local = join(state.locations.commandsDir, target.name, "test");
  // Every file is under `<name>/test/`: written relative to that folder, rewritten whole, so the file of a suite removed from the spec does not linger.
  const prefix = `${target.name}/test/`;
  const files = Object.fromEntries(Object.entries(compileTestCommandFiles(specs, target.name)).map(([path, text]) => [path.slice(prefix.length), text]));
  await writeFreshFolder(local, files);
  const prepScript = files[commandFileName(target.name)] ?? "";
  await host.syncIn(local, `${host.paths().commandFilesDir}/${target.name}/test`, { signal });
  return prepScript;
}

/**
 * Mirrors the repos on the Docker host and says which version of each was mirrored: the commit of a
 * managed clone, a digest of the folder for an overridden one (so uncommitted work counts too).
 */
export async function syncTestRepos(repos: readonly TestRepo[], options: { state: DaemonState; host: DockerHost; ctx: CommandContext }): Promise<RepoRevision[]> {
  const { state, host, ctx } = options;
  const urls = [...new Set(repos.map((r) => r.url))];
  const release = await TEST_LOCKS.acquire(urls.map(repoLock), ctx.signal);
  try {
    const revisions: RepoRevision[] = [];
    for (const url of urls) {
      const local = localRepoPath(url, state.config, state.locations);
      const overridden = state.config.repo_overrides[url] !== undefined;
      if (!(await isFolder(local))) {
        throw new UserError(
          overridden
            ? `Cannot test: the override of ${url} points at ${local}, which is not a folder. Fix it with \`dusty repos override\` or \`dusty repos manage\``
            : `Cannot test: ${url} has no local copy at ${local}. Run \`dusty repos update\` and try again`,
        );
      }
      const revision = overridden ? `content:${await contentRevision(local, url, ctx.signal)}` : `commit:${await headCommit(local, { repo: url, signal: ctx.signal })}`;
      revisions.push({ url, revision });
      // A repo no container mounts need not be on the Docker host.
      if (!repos.some((r) => r.url === url && r.mount !== "")) continue;
      ctx.log(`Syncing ${url} to the Docker host`);
      await syncRepo(host, url, { config: state.config, locations: state.locations, signal: ctx.signal });
    }
    return revisions;
  } finally {
    release();
  }
}

/** The fingerprint of an overridden repo's folder; a folder that cannot be read cannot be tested. */
async function contentRevision(local: string, url: string, signal: AbortSignal): Promise<string> {
  const print = await folderFingerprint(local, { signal });
  if (print === undefined) throw new UserError(`Cannot test: cannot read the override of ${url} at ${local}. Check its permissions`);
  return print;
}

/** The lock of one repo: held while it is pulled or synced. */
function repoLock(url: string): string {
  return `repo:${url}`;
}
