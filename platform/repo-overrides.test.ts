import { afterEach, beforeEach, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeTempDir } from "../test/git-fixtures.ts";
import { knownRepoUrls, manageAllRepos, manageRepo, overrideRepo, overrideReposFrom, type RepoConfig } from "./repo-overrides.ts";

const WEB = "git@github.com:org/web.git";
const API = "github.com/org/api";
const OTHER_WEB = "https://gitlab.com/team/web.git";
const SPECS = "git@github.com:org/specs.git";
const KNOWN = [WEB, API];

let temp: ReturnType<typeof makeTempDir>;
let config: RepoConfig;
beforeEach(() => {
  temp = makeTempDir("dusty-overrides-");
  config = { repo_overrides: {}, specs_repo: SPECS };
});
afterEach(() => temp.remove());

function folder(...parts: string[]): string {
  const path = join(temp.path, ...parts);
  mkdirSync(path, { recursive: true });
  return path;
}

test("knownRepoUrls() adds the specs repo and drops duplicates", () => {
  expect(knownRepoUrls(config, [WEB, API, WEB])).toEqual([SPECS, WEB, API]);
  expect(knownRepoUrls({ specs_repo: undefined }, [WEB])).toEqual([WEB]);
});

test("overrideRepo() stores the path made absolute against the client's cwd", async () => {
  const code = folder("code", "web");
  const change = await overrideRepo(config, { name: "web", path: "web", cwd: join(temp.path, "code"), knownUrls: KNOWN });
  expect(change).toEqual({
    config: { repo_overrides: { [WEB]: code }, specs_repo: SPECS },
    messages: [`Locally overriding repo ${WEB} to use source at ${code}`],
  });
  expect(config.repo_overrides).toEqual({});
});

test("overrideRepo() resolves the full URL, the path and the specs repo's short name", async () => {
  const code = folder("web");
  const byUrl = await overrideRepo(config, { name: WEB, path: code, cwd: "/", knownUrls: KNOWN });
  const byPath = await overrideRepo(config, { name: "github.com/org/api", path: code, cwd: "/", knownUrls: KNOWN });
  const specs = await overrideRepo(config, { name: "specs", path: code, cwd: "/", knownUrls: KNOWN });
  expect([byUrl, byPath, specs].map((c) => Object.keys(c.config.repo_overrides))).toEqual([[WEB], [API], [SPECS]]);
});

test("overrideRepo() refuses a missing path, a file and a path with ':'", async () => {
  const file = join(temp.path, "file.txt");
  writeFileSync(file, "x");
  const colon = folder("a:b");
  const attempt = (path: string) => overrideRepo(config, { name: "web", path, cwd: temp.path, knownUrls: KNOWN }).catch((e: Error) => e.message);
  expect(await attempt("missing")).toBe(
    `Cannot override repo ${WEB}: source path ${join(temp.path, "missing")} does not exist. Pass the folder of your local clone`,
  );
  expect(await attempt("file.txt")).toBe(`Cannot override repo ${WEB}: source path ${file} is a file, not a directory. Pass the folder of your local clone`);
  expect(await attempt(colon)).toBe(
    `Cannot override repo ${WEB}: source path ${colon} contains ":", which Docker cannot mount. Move or symlink the folder to a path without ":"`,
  );
});

test("overrideRepo() reports an ambiguous or unknown name", async () => {
  const code = folder("web");
  const attempt = (name: string) =>
    overrideRepo(config, { name, path: code, cwd: "/", knownUrls: [...KNOWN, OTHER_WEB] }).catch((e: Error) => e.message);
  expect(await attempt("web")).toBe(`Short repo name web is ambiguous. It matches both ${WEB} and ${OTHER_WEB}. Use the full name`);
  expect(await attempt("wbe")).toBe("Short repo name wbe does not match any known repos (did you mean \"web\"?). See the known repos with `dusty repos list`");
  const byFullName = await overrideRepo(config, { name: OTHER_WEB, path: code, cwd: "/", knownUrls: [...KNOWN, OTHER_WEB] });
  expect(byFullName.config.repo_overrides).toEqual({ [OTHER_WEB]: code });
});

test("manageRepo() removes an override, also of a repo gone from the specs", async () => {
  const overridden: RepoConfig = { ...config, repo_overrides: { [WEB]: "/src/web", "/gone/old": "/src/old" } };
  expect(manageRepo(overridden, { name: "web", knownUrls: KNOWN })).toEqual({
    config: { ...config, repo_overrides: { "/gone/old": "/src/old" } },
    messages: [`Will manage repo ${WEB} with Dusty-managed copy of source`],
  });
  expect(manageRepo(overridden, { name: "old", knownUrls: KNOWN }).config.repo_overrides).toEqual({ [WEB]: "/src/web" });
  expect(manageRepo(config, { name: "api", knownUrls: KNOWN })).toEqual({ config, messages: ["No overridden repos found by name api"] });
  expect(() => manageRepo(config, { name: "nope", knownUrls: KNOWN })).toThrow("Short repo name nope does not match any known repos");
});

test("overrideRepo() then manageRepo() gives back the original config", async () => {
  const change = await overrideRepo(config, { name: "api", path: folder("api"), cwd: "/", knownUrls: KNOWN });
  expect(manageRepo(change.config, { name: "api", knownUrls: KNOWN }).config).toEqual(config);
});

test("manageAllRepos() removes the overrides of known repos and keeps the others", () => {
  const overridden: RepoConfig = { ...config, repo_overrides: { [WEB]: "/src/web", [SPECS]: "/src/specs", "/gone/old": "/src/old" } };
  expect(manageAllRepos(overridden, { knownUrls: KNOWN })).toEqual({
    config: { ...config, repo_overrides: { "/gone/old": "/src/old" } },
    messages: [SPECS, WEB].map((url) => `Will manage repo ${url} with Dusty-managed copy of source`),
  });
  expect(manageAllRepos(config, { knownUrls: KNOWN }).messages).toEqual(["No repos are overridden"]);
});

test("overrideReposFrom() overrides every known repo with a folder of its short name, specs repo included", async () => {
  const dir = folder("code");
  for (const name of ["web", "specs", "unrelated"]) folder("code", name);
  writeFileSync(join(dir, "api"), "a file, not a clone");
  const change = await overrideReposFrom(config, { dir: "code", cwd: temp.path, knownUrls: KNOWN });
  expect(change).toEqual({
    config: { ...config, repo_overrides: { [SPECS]: join(dir, "specs"), [WEB]: join(dir, "web") } },
    messages: [
      `Overriding all repos found at ${dir}`,
      `Locally overriding repo ${SPECS} to use source at ${join(dir, "specs")}`,
      `Locally overriding repo ${WEB} to use source at ${join(dir, "web")}`,
    ],
  });
});

test("overrideReposFrom() skips a folder that two repos could claim, and says when nothing matched", async () => {
  const dir = folder("code");
  folder("code", "web");
  const change = await overrideReposFrom(config, { dir, cwd: "/", knownUrls: [...KNOWN, OTHER_WEB] });
  expect(change.config.repo_overrides).toEqual({});
  expect(change.messages).toEqual([
    `Overriding all repos found at ${dir}`,
    `Skipping ${join(dir, "web")}: repos ${WEB}, ${OTHER_WEB} share the name web. Override one with \`dusty repos override <full name> ${join(dir, "web")}\``,
  ]);
  const empty = await overrideReposFrom(config, { dir: folder("empty"), cwd: "/", knownUrls: KNOWN });
  expect(empty.messages.at(-1)).toBe(`No repos found at ${join(temp.path, "empty")}: no folder there is named like a known repo`);
  expect(await overrideReposFrom(config, { dir: "nope", cwd: temp.path, knownUrls: KNOWN }).catch((e: Error) => e.message)).toBe(
    `Cannot override repos from ${join(temp.path, "nope")}: no such directory. Pass the folder that holds your clones`,
  );
});
