/**
 * `repos.*`: the daemon's half of `dusty repos` (test/repos.test.ts). Names resolve against
 * every repo the specs know (specs repo + app and lib repos of ALL specs); paths arrive absolute from
 * the client and are checked here. Config changes go through updateConfig (atomic, one at a time).
 */
import { assembleSpecs } from "../../../core/assemble.ts";
import type { DustyConfig } from "../../../core/config.ts";
import { hasErrors } from "../../../core/diagnostics.ts";
import { loadSpecs } from "../../../core/load.ts";
import { parseRepo, repoUrlsOf } from "../../../core/repos.ts";
import type { Specs } from "../../../core/specs.ts";
import { renderTable } from "../../../core/table.ts";
import { updateConfig } from "../../../platform/config-file.ts";
import { UserError } from "../../../platform/errors.ts";
import {
  knownRepoUrls,
  manageAllRepos,
  manageRepo,
  overrideRepo,
  overrideReposFrom,
  updateManagedRepos,
  type RepoConfigChange,
} from "../../../platform/repos.ts";
import { readSpecsRepo } from "../../../platform/specs-folder.ts";
import { outputJson, outputNames } from "./_read-format.ts";
import { requireSetup } from "./_setup-gate.ts";
import { agentSocketFor } from "../../../platform/agent-socket.ts";
import { readConfiguredSpecs, readState, specsRepoPath, type DaemonState } from "./_state.ts";
import type { CommandContext, Handler } from "./_types.ts";

/** `repos.list`: table Full Name | Short Name | Local Override, by short name then full name. */
export const list: Handler<"repos.list"> = {
  async run(ctx, args) {
    const format = args;
    const state = await readSetUpState(ctx);
    const urls = knownRepoUrls(state.config, await readSpecUrls(state, ctx));
    const rows = urls
      .map((url) => [url, parseRepo(url).shortName, state.config.repo_overrides[url] ?? ""])
      .sort(([urlA, shortA], [urlB, shortB]) => compare(shortA!, shortB!) || compare(urlA!, urlB!));
    if (format.quiet) return outputNames(ctx, rows.map(([url]) => url!));
    if (format.json) return outputJson(ctx, { repos: rows.map(([url, shortName, override]) => ({ url, shortName, override: override || null })) });
    // No wrapping: a URL or path cut in two could not be copied back into a command.
    ctx.output(renderTable(["Full Name", "Short Name", "Local Override"], rows, { maxCellWidth: Number.POSITIVE_INFINITY }));
    return 0;
  },
};

/** `repos.from`: args `{ dir }` (absolute); overrides every known repo whose short name is a folder in it. */
export const from: Handler<"repos.from"> = {
  async run(ctx, args) {
    const { dir } = args;
    return changeRepoConfig(ctx, (config, knownUrls) => overrideReposFrom(config, { dir, cwd: ctx.cwd, knownUrls }));
  },
};

/** `repos.override`: args `{ name, path }` (path absolute); uses the folder at `path` for the repo `name`. */
export const override: Handler<"repos.override"> = {
  async run(ctx, args) {
    const { name, path } = args;
    return changeRepoConfig(ctx, (config, knownUrls) => overrideRepo(config, { name, path, cwd: ctx.cwd, knownUrls }));
  },
};

/** `repos.manage`: args `{ all: true }` or `{ name }`; goes back to dusty's managed clone. */
export const manage: Handler<"repos.manage"> = {
  async run(ctx, args) {
    const { name } = args;
    return changeRepoConfig(ctx, (config, knownUrls) =>
      name === undefined ? manageAllRepos(config, { knownUrls }) : manageRepo(config, { name, knownUrls }),
    );
  },
};

/**
 * `repos.update`: args `{ sshAuthSock? }`. Pulls the specs repo first (the active set depends on it),
 * then clones or pulls every managed repo of the active apps and libs, several at once.
 */
export const update: Handler<"repos.update"> = {
  async run(ctx, args) {
    const sshAuthSock = await agentSocketFor(ctx, args.sshAuthSock);
    const state = await readSetUpState(ctx);
    const { config, locations } = state;
    const specsPath = specsRepoPath(state); // throws "run dusty setup" when no specs repo is configured
    const specsUrl = config.specs_repo!;
    const git = { config, locations, sshAuthSock, log: ctx.log, signal: ctx.signal };
    if (config.repo_overrides[specsUrl] === undefined) {
      ctx.log("Updating managed copy of specs-repo before loading specs");
      await updateManagedRepos([specsUrl], git);
    } else {
      ctx.log(`Using your specs at ${specsPath}: the specs repo is overridden, so dusty does not pull it`);
    }
    const { loaded } = await readConfiguredSpecs(state, ctx);
    const active = repoUrlsOf(assembleSpecs(loaded.specs, config.bundles)).filter((url) => url !== specsUrl);
    for (const url of active.filter((u) => config.repo_overrides[u] !== undefined)) {
      ctx.log(`Skipping ${url}: it is overridden with your source at ${config.repo_overrides[url]}`);
    }
    if (active.length === 0) {
      ctx.log("No active app or lib has a repo: activate bundles with `dusty bundles activate <name>`");
      return 0;
    }
    ctx.log("Updating managed repos");
    const result = await updateManagedRepos(active, git);
    ctx.log(`Finished updating managed repos (${describeUpdates(result.updates.map((u) => u.status))})`);
    return 0;
  },
};

async function changeRepoConfig(
  ctx: CommandContext,
  change: (config: DustyConfig, knownUrls: string[]) => RepoConfigChange<DustyConfig> | Promise<RepoConfigChange<DustyConfig>>,
): Promise<number> {
  const state = await readSetUpState(ctx);
  const knownUrls = await readSpecUrls(state, ctx);
  let messages: string[] = [];
  await updateConfig(ctx.locations.configFile, async (config) => {
    const result = await change(config, knownUrls);
    messages = result.messages;
    return result.config;
  });
  ctx.output(messages.join("\n"));
  return 0;
}

/** The config, once `dusty setup` has chosen the specs repo every repo command starts from. */
async function readSetUpState(ctx: CommandContext): Promise<DaemonState> {
  const state = await readState(ctx);
  requireSetup(state.config);
  return state;
}

/**
 * The repo URLs of every app and lib of ALL specs. Read leniently: repo commands must keep working when
 * the specs do not (overriding the specs repo is how one fixes a broken clone), so problems only warn.
 */
async function readSpecUrls(state: DaemonState, ctx: CommandContext): Promise<string[]> {
  const path = specsRepoPath(state);
  let folder;
  try {
    folder = await readSpecsRepo(path);
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    ctx.warn(`Cannot read the specs at ${path}, so only the specs repo is known: run \`dusty repos update\` to clone it`);
    return [];
  }
  // Files that cannot be read (a FIFO, a link out of the repo) leave out only their own repos.
  const loaded = loadSpecs(folder.files);
  if (hasErrors([...folder.diagnostics, ...loaded.diagnostics])) {
    ctx.warn(`Some specs at ${path} have errors and their repos are left out: run \`dusty validate\` for details`);
  }
  return repoUrlsOf(loaded.specs);
}

function describeUpdates(statuses: readonly string[]): string {
  const count = (status: string) => statuses.filter((s) => s === status).length;
  const parts = [
    [count("cloned"), "cloned"],
    [count("updated"), "pulled"],
    [count("reset"), "reset"],
    [count("diverged"), "left with local changes"],
  ] as const;
  return parts.filter(([n]) => n > 0).map(([n, what]) => `${n} ${what}`).join(", ") || "nothing to do";
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
