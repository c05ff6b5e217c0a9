/**
 * Real git repos in temp folders for tests: a repo with files and commits, reachable by a file:// URL or
 * its plain path, so clone/pull/reset paths run against git itself rather than a fake.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

/** How to create a fixture repo. */
export interface GitRepoOptions {
  /** The initial branch. Default "main", so code that assumes "master" fails in tests. */
  branch?: string;
  /** Message of the first commit. */
  message?: string;
}

/** A repo made by `makeGitRepo()`. */
export interface GitFixture {
  /** Absolute path of the work tree. */
  path: string;
  /** `file://` URL of the repo. */
  url: string;
  branch: string;
  /** Writes `files` (relative path → content), commits them all and returns the new commit's sha. */
  commit(files: Record<string, string>, message?: string): string;
  /** The sha of HEAD. */
  head(): string;
}

// Fixed identity so commits work on machines without a global git config.
const IDENTITY = ["-c", "user.name=dusty tests", "-c", "user.email=tests@dusty.invalid", "-c", "commit.gpgsign=false"];

/** Runs git synchronously in `cwd` and returns its trimmed stdout; throws with git's stderr on failure. */
export function git(cwd: string, args: readonly string[]): string {
  const result = Bun.spawnSync(["git", ...IDENTITY, ...args], { cwd, stdout: "pipe", stderr: "pipe", stdin: "ignore" });
  if (result.exitCode !== 0) {
    throw new Error(`git ${args.join(" ")} failed in ${cwd} (exit ${result.exitCode}): ${result.stderr.toString().trim()}`);
  }
  return result.stdout.toString().trim();
}

/** Creates a git repo at `dir` (made if missing) holding `files` in one first commit. */
export function makeGitRepo(dir: string, files: Record<string, string>, options: GitRepoOptions = {}): GitFixture {
  const branch = options.branch ?? "main";
  mkdirSync(dir, { recursive: true });
  git(dir, ["init", "--quiet", `--initial-branch=${branch}`]);
  const fixture: GitFixture = {
    path: dir,
    url: `file://${dir}`,
    branch,
    commit(more, message = "change") {
      writeFiles(dir, more);
      git(dir, ["add", "--all"]);
      git(dir, ["commit", "--quiet", "--allow-empty", "-m", message]);
      return fixture.head();
    },
    head: () => git(dir, ["rev-parse", "HEAD"]),
  };
  fixture.commit(files, options.message ?? "initial");
  return fixture;
}

/** A fresh temp folder and a function that removes it (for `afterEach`). */
export function makeTempDir(prefix = "dusty-test-", parentDir = tmpdir()): { path: string; remove(): void } {
  const path = mkdtempSync(join(parentDir, prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/**
 * Puts a `git` wrapper first on PATH: `script` (bash) runs before the real git, which it reaches as
 * "$REAL_GIT". Returns the environment to pass to the code under test.
 */
export function makeGitShim(dir: string, script: string): { env: { PATH: string } } {
  const realGit = Bun.which("git");
  if (!realGit) throw new Error("git is not installed");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "git"), `#!/bin/bash\nREAL_GIT=${JSON.stringify(realGit)}\n${script}\n`);
  chmodSync(join(dir, "git"), 0o755);
  return { env: { PATH: `${dir}:${process.env.PATH ?? ""}` } };
}

function writeFiles(root: string, files: Record<string, string>): void {
  for (const [relative, content] of Object.entries(files)) {
    const target = join(root, relative);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, content);
  }
}
