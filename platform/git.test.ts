import { afterEach, beforeEach, expect, test } from "bun:test";
import { chownSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { git, makeGitRepo, makeGitShim, makeTempDir } from "../test/git-fixtures.ts";
import { clone, GitError, headCommit, isClean, isSshUrl, pull, resetHard, SSH_AGENT_HINT } from "./git.ts";

let temp: ReturnType<typeof makeTempDir>;
beforeEach(() => (temp = makeTempDir("dusty-git-")));
afterEach(() => temp.remove());

test("clone() copies a repo given as a file:// URL and as a plain path", async () => {
  const upstream = makeGitRepo(join(temp.path, "up"), { "README.md": "hello\n" });
  await clone(upstream.url, join(temp.path, "a"));
  await clone(upstream.path, join(temp.path, "b"));
  expect(readFileSync(join(temp.path, "a", "README.md"), "utf8")).toBe("hello\n");
  expect(await headCommit(join(temp.path, "a"))).toBe(upstream.head());
  expect(await headCommit(join(temp.path, "b"))).toBe(upstream.head());
});

test.skipIf(process.getuid?.() !== 0)("clone() and pull() as root read a local repo owned by another user", async () => {
  const upstream = makeGitRepo(join(temp.path, "up"), { "a.txt": "1\n" });
  const head = upstream.head();
  chownTree(upstream.path, 65534, 65534);
  await clone(upstream.url, join(temp.path, "a"));
  await clone(upstream.path, join(temp.path, "b"));
  expect(await headCommit(join(temp.path, "a"))).toBe(head);
  expect(await headCommit(join(temp.path, "b"))).toBe(head);

  chownTree(upstream.path, 0, 0);
  const next = upstream.commit({ "a.txt": "2\n" }, "second");
  chownTree(upstream.path, 65534, 65534);
  expect(await pull(join(temp.path, "a"))).toMatchObject({ head: next, upToDate: true });
});

test("pull() fast-forwards to the remote's default branch, whatever its name", async () => {
  const upstream = makeGitRepo(join(temp.path, "up"), { "a.txt": "1\n" }, { branch: "trunk" });
  const local = join(temp.path, "local");
  await clone(upstream.url, local);
  const before = upstream.head();
  const after = upstream.commit({ "a.txt": "2\n" }, "second");

  const result = await pull(local);
  expect(result).toEqual({ ref: "origin/trunk", before, head: after, remoteHead: after, upToDate: true });
  expect(readFileSync(join(local, "a.txt"), "utf8")).toBe("2\n");
});

test("pull() follows a remote whose default branch was renamed", async () => {
  const upstream = makeGitRepo(join(temp.path, "up"), { "a.txt": "1\n" }, { branch: "master" });
  const local = join(temp.path, "local");
  await clone(upstream.url, local);
  git(upstream.path, ["branch", "--quiet", "-m", "master", "main"]);
  const after = upstream.commit({ "a.txt": "2\n" }, "on main");

  const result = await pull(local);
  expect(result.ref).toBe("origin/main");
  expect(result.head).toBe(after);
});

test("pull() leaves a diverged copy alone and resetHard() brings it back to the remote", async () => {
  const upstream = makeGitRepo(join(temp.path, "up"), { "a.txt": "1\n" });
  const local = join(temp.path, "local");
  await clone(upstream.url, local);
  const remote = upstream.commit({ "a.txt": "upstream\n" }, "upstream change");
  writeFileSync(join(local, "a.txt"), "local\n");
  git(local, ["commit", "--quiet", "-am", "local change"]);
  const localHead = await headCommit(local);

  const result = await pull(local);
  expect(result).toMatchObject({ upToDate: false, head: localHead, remoteHead: remote, ref: "origin/main" });
  expect(readFileSync(join(local, "a.txt"), "utf8")).toBe("local\n");

  await resetHard(local, result.ref);
  expect(await headCommit(local)).toBe(remote);
  expect(readFileSync(join(local, "a.txt"), "utf8")).toBe("upstream\n");
});

test("isClean() sees modified and untracked files", async () => {
  const upstream = makeGitRepo(join(temp.path, "up"), { "a.txt": "1\n" });
  expect(await isClean(upstream.path)).toBe(true);
  writeFileSync(join(upstream.path, "new.txt"), "x");
  expect(await isClean(upstream.path)).toBe(false);
});

test("clone() of a missing repo fails with a GitError naming the repo and quoting git", async () => {
  const missing = join(temp.path, "nope");
  const error = await clone(`file://${missing}`, join(temp.path, "dest"), { repo: missing }).catch((e) => e);
  expect(error).toBeInstanceOf(GitError);
  expect(error.message).toStartWith(`Cannot clone ${missing} into ${join(temp.path, "dest")}: git clone failed with exit code 128:\n`);
  expect(error.message).toContain(`  fatal: '${missing}' does not appear to be a git repository\n  fatal: Could not read from remote repository.`);
  expect(error.message).not.toContain("ssh-add");
});

test("clone() over SSH fails without prompting and adds the SSH agent hint", async () => {
  // Port 1 on loopback refuses the connection at once: no network traffic leaves the machine.
  const error = await clone("ssh://git@127.0.0.1:1/org/app.git", join(temp.path, "dest")).catch((e) => e);
  expect(error).toBeInstanceOf(GitError);
  expect(error.message).toContain("Cannot clone ssh://git@127.0.0.1:1/org/app.git");
  expect(error.hint).toBe(SSH_AGENT_HINT);
  expect(error.message.endsWith(SSH_AGENT_HINT)).toBe(true);
});

test("clone() of a password-protected HTTP repo fails instead of waiting for a password", async () => {
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch: () => new Response("auth needed", { status: 401, headers: { "WWW-Authenticate": 'Basic realm="private"' } }),
  });
  try {
    const error = await clone(`http://127.0.0.1:${server.port}/private.git`, join(temp.path, "dest")).catch((e) => e);
    expect(error).toBeInstanceOf(GitError);
    expect(error.message).toContain("terminal prompts disabled");
  } finally {
    server.stop(true);
  }
});

test("git runs with prompts off and the given SSH agent socket", async () => {
  const envFile = join(temp.path, "env.txt");
  const shim = makeGitShim(join(temp.path, "bin"), `env | grep -E '^(SSH_AUTH_SOCK|GIT_TERMINAL_PROMPT)=' | sort > ${JSON.stringify(envFile)}\nexec "$REAL_GIT" "$@"`);
  const upstream = makeGitRepo(join(temp.path, "up"), { "a.txt": "1\n" });
  await headCommit(upstream.path, { sshAuthSock: "/run/user/1000/agent.sock", env: shim.env });
  expect(readFileSync(envFile, "utf8")).toBe("GIT_TERMINAL_PROMPT=0\nSSH_AUTH_SOCK=/run/user/1000/agent.sock\n");
});

test("headCommit() never acts on an enclosing repo when the folder is not one", async () => {
  const upstream = makeGitRepo(join(temp.path, "up"), { "a.txt": "1\n" });
  const inner = join(upstream.path, "not-a-repo");
  mkdirSync(inner);
  const error = await headCommit(inner, { repo: "git@github.com:org/inner.git" }).catch((e) => e);
  expect(error).toBeInstanceOf(GitError);
  expect(error.message).toStartWith(`Cannot resolve HEAD in git@github.com:org/inner.git (at ${inner}): git rev-parse failed with exit code`);
});

test("isSshUrl() tells SSH remotes from paths and other schemes", () => {
  const cases = ["ssh://git@github.com/a/b", "git@github.com:a/b.git", "github.com:a/b", "git+ssh://h/x", "/srv/a:b", "file:///a", "https://h/a", "./a:b", "plain"];
  expect(cases.map((url) => [url, isSshUrl(url)])).toEqual([
    ["ssh://git@github.com/a/b", true],
    ["git@github.com:a/b.git", true],
    ["github.com:a/b", true],
    ["git+ssh://h/x", true],
    ["/srv/a:b", false],
    ["file:///a", false],
    ["https://h/a", false],
    ["./a:b", false],
    ["plain", false],
  ]);
});

function chownTree(path: string, uid: number, gid: number): void {
  chownSync(path, uid, gid);
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    const child = join(path, entry.name);
    if (entry.isDirectory()) chownTree(child, uid, gid);
    else chownSync(child, uid, gid);
  }
}
