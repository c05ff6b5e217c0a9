import { afterEach, beforeEach, expect, test } from "bun:test";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { git, makeGitRepo, makeGitShim, makeTempDir, type GitFixture } from "../test/git-fixtures.ts";
import { headCommit } from "./git.ts";
import { ensureManagedRepo, localRepoPath, managedRepoPath, RepoUpdateError, updateManagedRepos, type UpdateReposOptions } from "./repos.ts";

let temp: ReturnType<typeof makeTempDir>;
let reposDir: string;
let lines: string[];
beforeEach(() => {
  temp = makeTempDir("dusty-repos-");
  reposDir = join(temp.path, "etc", "repos");
  lines = [];
});
afterEach(() => temp.remove());

function options(extra: Partial<UpdateReposOptions> = {}): UpdateReposOptions {
  return { config: { repo_overrides: {} }, locations: { reposDir }, log: (text) => lines.push(text), ...extra };
}

function upstream(name: string, files: Record<string, string> = { "a.txt": "1\n" }): GitFixture {
  return makeGitRepo(join(temp.path, "src", name), files);
}

test("localRepoPath() gives the override when there is one, else the managed clone without any ':'", () => {
  const config = { repo_overrides: { "git@github.com:org/web.git": "/home/me/web" } };
  expect(localRepoPath("git@github.com:org/web.git", config, { reposDir: "/etc/dusty/repos" })).toBe("/home/me/web");
  expect(localRepoPath("git@github.com:org/api.git", config, { reposDir: "/etc/dusty/repos" })).toBe("/etc/dusty/repos/github.com/org/api");
  expect(managedRepoPath("ssh://git@github.com:2222/app/a.js.git", { reposDir: "/r" })).toBe("/r/github.com/app/a.js");
  expect(managedRepoPath("/gc/repos/dusty", { reposDir: "/r" })).toBe("/r/gc/repos/dusty");
  expect(() => managedRepoPath("/", { reposDir: "/r" })).toThrow('Cannot use repo "/": it names no folder');
});

test("ensureManagedRepo() clones a missing repo once, creating parent folders", async () => {
  const repo = upstream("web");
  const first = await ensureManagedRepo(repo.url, options());
  expect(first).toEqual({ path: join(reposDir, repo.path.slice(1)), cloned: true });
  expect(await headCommit(first.path)).toBe(repo.head());
  const second = await ensureManagedRepo(repo.url, options());
  expect(second).toEqual({ path: first.path, cloned: false });
  expect(lines).toEqual([`Cloning ${repo.url} into ${first.path}`]);
});

test("ensureManagedRepo() leaves no managed folder and no temp clone when the clone is aborted", async () => {
  const repo = upstream("web");
  const marker = join(temp.path, "clone-done");
  // The real clone completes, then git "hangs": the abort lands while the temp clone is full.
  const shim = makeGitShim(join(temp.path, "bin"), `"$REAL_GIT" "$@" || exit $?\nif [ "$1" = clone ]; then touch ${JSON.stringify(marker)}; exec sleep 30; fi`);
  const controller = new AbortController();
  const pending = ensureManagedRepo(repo.url, { ...options({ env: shim.env }), signal: controller.signal });
  while (!existsSync(marker)) await Bun.sleep(5);
  const parent = join(reposDir, temp.path.slice(1), "src");
  expect(readdirSync(parent)).toEqual([expect.stringMatching(/^\.web\.\d+\.[0-9a-f]{8}\.dusty-clone$/)]);
  controller.abort(new Error("interrupted"));
  expect(await pending.catch((e: Error) => e.message)).toBe("interrupted");
  expect(readdirSync(parent)).toEqual([]);
  const retry = await ensureManagedRepo(repo.url, options());
  expect(retry.cloned).toBe(true);
});

test("ensureManagedRepo() removes a temp clone left by a dusty that died", async () => {
  const repo = upstream("web");
  const path = managedRepoPath(repo.url, { reposDir });
  // No process has pid 2^22 + 1 (above Linux's pid_max default), so it counts as dead.
  const stale = join(path, "..", `.web.${2 ** 22 + 1}.abcd1234.dusty-clone`);
  mkdirSync(join(stale, ".git"), { recursive: true });
  await ensureManagedRepo(repo.url, options());
  expect(readdirSync(join(path, "..")).sort()).toEqual(["web"]);
});

test("updateManagedRepos() clones, then pulls new upstream commits", async () => {
  const repo = upstream("web");
  expect(await updateManagedRepos([repo.url], options())).toEqual({
    updates: [{ url: repo.url, path: managedRepoPath(repo.url, { reposDir }), status: "cloned" }],
    skipped: [],
    warnings: [],
  });
  repo.commit({ "a.txt": "2\n" }, "second");
  const result = await updateManagedRepos([repo.url], options());
  expect(result.updates.map((u) => u.status)).toEqual(["updated"]);
  expect(readFileSync(join(result.updates[0]!.path, "a.txt"), "utf8")).toBe("2\n");
  expect(lines).toEqual([
    `Updating managed copy of ${repo.url}`,
    `Cloning ${repo.url} into ${result.updates[0]!.path}`,
    `Updating managed copy of ${repo.url}`,
    `Updated managed copy of ${repo.url}`,
  ]);
});

test("updateManagedRepos() takes plain paths as repo URLs and skips overridden repos", async () => {
  const managed = upstream("web");
  const overridden = upstream("api");
  const config = { repo_overrides: { [overridden.path]: "/home/me/api" } };
  const result = await updateManagedRepos([managed.path, overridden.path, managed.path], options({ config }));
  expect(result.updates.map((u) => [u.url, u.status])).toEqual([[managed.path, "cloned"]]);
  expect(result.skipped).toEqual([overridden.path]);
  expect(existsSync(managedRepoPath(overridden.path, { reposDir }))).toBe(false);
});

async function divergedCopy() {
  const repo = upstream("web");
  await updateManagedRepos([repo.url], options());
  const path = managedRepoPath(repo.url, { reposDir });
  const remote = repo.commit({ "a.txt": "upstream\n" }, "upstream");
  writeFileSync(join(path, "a.txt"), "container wrote this\n");
  git(path, ["commit", "--quiet", "-am", "local"]);
  lines = [];
  return { repo, path, remote, local: await headCommit(path) };
}

test("updateManagedRepos() without force leaves a diverged copy alone with the original's warning", async () => {
  const { repo, path, local } = await divergedCopy();
  const result = await updateManagedRepos([repo.url], options());
  const warning =
    `WARNING: couldn't update ${path} because of local conflicts. A container may have modified files in the repos's directory. ` +
    "Your code generally shouldn't be manipulating the contents of your repo folder - please fix this and run `dusty up`";
  expect(result).toMatchObject({ updates: [{ status: "diverged" }], warnings: [warning] });
  expect(lines).toEqual([`Updating managed copy of ${repo.url}`, warning]);
  expect(await headCommit(path)).toBe(local);
});

test("updateManagedRepos() with force resets a diverged copy to the remote", async () => {
  const { repo, path, remote } = await divergedCopy();
  const result = await updateManagedRepos([repo.url], options({ force: true }));
  expect(result.updates.map((u) => u.status)).toEqual(["reset"]);
  expect(result.warnings).toEqual([]);
  expect(await headCommit(path)).toBe(remote);
  expect(readFileSync(join(path, "a.txt"), "utf8")).toBe("upstream\n");
  expect(lines.at(-1)).toBe(`Reset managed copy of ${repo.url} to origin/main, discarding its local changes`);
});

test("updateManagedRepos() tries every repo and reports all failures in one error", async () => {
  const good = upstream("good");
  const missingA = join(temp.path, "src", "missing-a");
  const missingB = join(temp.path, "src", "missing-b");
  const error = await updateManagedRepos([missingA, good.url, missingB], options()).catch((e) => e);
  expect(error).toBeInstanceOf(RepoUpdateError);
  expect(error.failures.map((f: { url: string }) => f.url)).toEqual([missingA, missingB]);
  expect(error.result.updates.map((u: { url: string }) => u.url)).toEqual([good.url]);
  expect(error.message).toStartWith(`Cannot update 2 managed repos:\n  Cannot clone ${missingA} into `);
  expect(error.message).toContain(`\n  Cannot clone ${missingB} into `);
  expect(error.message).toContain(`fatal: '${missingB}' does not appear to be a git repository`);
  expect(error.message).not.toContain("ssh-add");
  expect(existsSync(managedRepoPath(missingA, { reposDir }))).toBe(false);
});

test("updateManagedRepos() gives a managed folder that is not a repo a fix, not an SSH hint", async () => {
  const url = "git@github.com:org/broken.git";
  mkdirSync(managedRepoPath(url, { reposDir }), { recursive: true });
  const error = await updateManagedRepos([url], options()).catch((e) => e);
  expect(error.message).toBe(
    `Cannot update 1 managed repo:\n  Cannot update ${url}: ${managedRepoPath(url, { reposDir })} is not a git repository. Delete it and dusty will clone it again`,
  );
});

// Each top-level git registers in a folder while it runs; clones wait (up to 5 s) until `bound` of
// them run, so the maximum seen is the pool's bound, not an accident of timing.
async function maxConcurrentGits(concurrency: number): Promise<number> {
  const running = join(temp.path, `running-${concurrency}`);
  const log = join(temp.path, `starts-${concurrency}.log`);
  mkdirSync(running);
  const shim = makeGitShim(
    join(temp.path, `bin-${concurrency}`),
    `[ -n "$SHIMMED" ] && exec "$REAL_GIT" "$@"
export SHIMMED=1
touch ${running}/$$
ls ${running} | wc -l >> ${log}
if [ "$1" = clone ]; then
  for i in $(seq 250); do [ "$(ls ${running} | wc -l)" -ge ${concurrency} ] && break; sleep 0.02; done
fi
"$REAL_GIT" "$@"; rc=$?
rm ${running}/$$
exit $rc`,
  );
  const repos = ["a", "b", "c", "d", "e", "f"].map((name) => upstream(`${name}-${concurrency}`));
  const result = await updateManagedRepos(repos.map((r) => r.url), options({ concurrency, env: shim.env }));
  expect(result.updates.map((u) => u.status)).toEqual(Array(6).fill("cloned"));
  return Math.max(...readFileSync(log, "utf8").trim().split("\n").map(Number));
}

// The shim's barrier waits up to 5 s for the other clones to start: on a loaded machine a pool may
// need most of that, so this test gets more than bun's default 5 s.
test("updateManagedRepos() runs at most `concurrency` gits at once", async () => {
  expect(await maxConcurrentGits(2)).toBe(2);
  expect(await maxConcurrentGits(3)).toBe(3);
}, 30_000);
