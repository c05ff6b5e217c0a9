/**
 * Which repos `sync` and `watch` work on: every repo the active apps and libs mount, or those named on
 * the command line (short repo names as `repos` takes them, or, for `watch`, active apps: their repo
 * and their libs'). A repo several apps share is listed once.
 */
import { sameContainerRepos, type AssembledSpecs } from "../../../core/assemble.ts";
import { repoUrlsOf, resolveRepoName } from "../../../core/repos.ts";
import type { Specs } from "../../../core/specs.ts";
import { UserError } from "../../../platform/errors.ts";

/** How names are read. */
export interface TargetOptions {
  /** The command, for messages ("sync", "watch"). */
  command: string;
  /** Accept active app names too (their own repo and their libs'). */
  apps: boolean;
  /** The specs repo, never a code repo here. */
  specsUrl?: string;
}

/** The active repos the names stand for (all active repos without names), sorted, each once. */
export function targetRepos(specs: Specs, assembled: AssembledSpecs, names: readonly string[], options: TargetOptions): string[] {
  const active = repoUrlsOf(assembled).filter((url) => url !== options.specsUrl);
  if (names.length === 0) return active;
  const known = repoUrlsOf(specs);
  const urls = names.flatMap((name) => {
    if (options.apps && Object.hasOwn(assembled.apps, name)) return sameContainerRepos(specs, name);
    const found = resolveRepoName(name, known);
    if ("error" in found) {
      const what = options.apps ? "an active app or a repo" : "a repo";
      throw new UserError(`Cannot ${options.command} ${name}: not ${what} (${found.error}). See \`dusty repos list\`${options.apps ? " and `dusty status`" : ""}`);
    }
    if (!active.includes(found.url)) {
      throw new UserError(`Cannot ${options.command} ${found.url}: no active app or lib uses it. Activate a bundle that does, or name another repo`);
    }
    return [found.url];
  });
  return [...new Set(urls)].sort();
}
