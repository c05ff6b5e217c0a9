import { describe, expect, test } from "bun:test";
import { managedRepoPath, parseRepo, repoUrlsOf, resolveRepoName } from "./repos.ts";

describe("parseRepo()", () => {
  const cases: [string, { relPath: string; shortName: string; cloneUrl: string; isLocal: boolean }][] = [
    ["/gc/repos/dusty", { relPath: "gc/repos/dusty", shortName: "dusty", cloneUrl: "file:///gc/repos/dusty", isLocal: true }],
    ["file:///srv/git/lib.git", { relPath: "srv/git/lib", shortName: "lib", cloneUrl: "file:///srv/git/lib.git", isLocal: true }],
    ["http://github.com/app/a", { relPath: "github.com/app/a", shortName: "a", cloneUrl: "http://github.com/app/a", isLocal: false }],
    ["https://github.com/org/web.git", { relPath: "github.com/org/web", shortName: "web", cloneUrl: "https://github.com/org/web.git", isLocal: false }],
    [
      "ssh://user@github.com:2222/app/a.js.git",
      { relPath: "github.com/app/a.js", shortName: "a.js", cloneUrl: "ssh://user@github.com:2222/app/a.js.git", isLocal: false },
    ],
    ["git@github.com:org/repo.git", { relPath: "github.com/org/repo", shortName: "repo", cloneUrl: "git@github.com:org/repo.git", isLocal: false }],
    ["github.com/org/repo", { relPath: "github.com/org/repo", shortName: "repo", cloneUrl: "ssh://git@github.com/org/repo", isLocal: false }],
    ["https://user:secret@Git.Example.com:8443/a/b/", { relPath: "git.example.com/a/b", shortName: "b", cloneUrl: "https://user:secret@Git.Example.com:8443/a/b/", isLocal: false }],
  ];
  for (const [url, expected] of cases) {
    test(`parseRepo() reads ${url}`, () => {
      expect(parseRepo(url)).toEqual({ url, ...expected });
    });
  }

  test("parseRepo() never leaves a colon or a climb out of the repos dir in relPath", () => {
    for (const url of ["ssh://[::1]:22/x/y.git", "/a:b/c", "/x/../../../etc", "git@host:../../etc/passwd", "https://h/x?y=1#z"]) {
      const { relPath } = parseRepo(url);
      expect(relPath).not.toContain(":");
      expect(relPath.split("/")).not.toContain("..");
      expect(relPath.startsWith("/")).toBe(false);
    }
    expect(parseRepo("/x/../../../etc").relPath).toBe("etc");
    expect(parseRepo("https://h/x?y=1#z").relPath).toBe("h/x");
  });

  test("managedRepoPath() puts the clone under /etc/dusty/repos by relPath", () => {
    expect(managedRepoPath(parseRepo("git@github.com:org/repo.git"))).toBe("/etc/dusty/repos/github.com/org/repo");
    expect(managedRepoPath(parseRepo("/home/me/x"), "/tmp/r")).toBe("/tmp/r/home/me/x");
  });
});

describe("resolveRepoName()", () => {
  const urls = ["https://github.com/org/web.git", "git@github.com:other/web.git", "/home/me/api", "/home/me/lib"];

  test("resolveRepoName() takes an exact URL first", () => {
    expect(resolveRepoName("/home/me/api", urls)).toEqual({ url: "/home/me/api" });
    expect(resolveRepoName("git@github.com:other/web.git", urls)).toEqual({ url: "git@github.com:other/web.git" });
  });

  test("resolveRepoName() takes a unique short name or relPath", () => {
    expect(resolveRepoName("api", urls)).toEqual({ url: "/home/me/api" });
    expect(resolveRepoName("github.com/other/web", urls)).toEqual({ url: "git@github.com:other/web.git" });
  });

  test("resolveRepoName() names both repos of an ambiguous short name", () => {
    expect(resolveRepoName("web", urls)).toEqual({
      error: "Short repo name web is ambiguous. It matches both git@github.com:other/web.git and https://github.com/org/web.git",
    });
    expect(resolveRepoName("x", ["/a/x", "/b/x", "/c/x"])).toEqual({ error: "Short repo name x is ambiguous. It matches /a/x, /b/x and /c/x" });
  });

  test("resolveRepoName() says when nothing matches", () => {
    expect(resolveRepoName("nope", urls)).toEqual({ error: "Short repo name nope does not match any known repos" });
  });
});

test("repoUrlsOf() lists the repos of the apps and libs once each, sorted, and skips the ones without a repo", () => {
  const specs = {
    apps: { web: { repo: "https://b.example/web" }, api: { repo: "/srv/api" }, nginx: { repo: "" } },
    libs: { shared: { repo: "https://b.example/web" } },
  };
  expect(repoUrlsOf(specs)).toEqual(["/srv/api", "https://b.example/web"]);
});
