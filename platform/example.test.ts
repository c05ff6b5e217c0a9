import { afterAll, expect, test } from "bun:test";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { EXAMPLE_REPOS, EXAMPLE_SPECS } from "../cmd/_example-specs.ts";
import { loadSpecs } from "../core/load.ts";
import { git, makeTempDir } from "../test/git-fixtures.ts";
import { exampleRepoOverrides, writeExample } from "./example.ts";

const temp = makeTempDir("dusty-example-test-");
afterAll(() => temp.remove());
const content = { specs: EXAMPLE_SPECS, repos: EXAMPLE_REPOS };

test("writeExample() writes the specs and each code repo as a git repo with one commit", async () => {
  const dir = join(temp.path, "first");
  const written = await writeExample(dir, content);
  expect(written.specsPath).toBe(join(dir, "specs"));
  expect(written.created.sort()).toEqual(["api", "greeting-lib", "specs", "website"].map((name) => join(dir, name)));
  for (const path of written.created) {
    expect(git(path, ["rev-list", "--count", "HEAD"])).toBe("1");
    expect(git(path, ["status", "--porcelain"])).toBe("");
  }
  expect(readFileSync(join(dir, "specs", "bundles", "everything.yml"), "utf8")).toBe(EXAMPLE_SPECS.find((f) => f.path === "bundles/everything.yml")!.text);
  expect(statSync(join(dir, "greeting-lib", "bin", "greet")).mode & 0o777).toBe(0o755);
  expect(statSync(join(dir, "website", "public", "index.html")).mode & 0o777).toBe(0o644);
  expect(git(join(dir, "greeting-lib"), ["ls-files", "-s", "bin/greet"])).toStartWith("100755 ");
});

test("writeExample() keeps folders that exist and writes only the missing ones", async () => {
  const dir = join(temp.path, "again");
  await writeExample(dir, content);
  const page = join(dir, "website", "public", "index.html");
  writeFileSync(page, "changed\n");
  const second = await writeExample(dir, content);
  expect(second.created).toEqual([]);
  expect(readFileSync(page, "utf8")).toBe("changed\n");
});

test("exampleRepoOverrides() points every repo of the example's specs at its written folder", async () => {
  const written = { repoPaths: { api: "/x/api", "greeting-lib": "/x/greeting-lib", website: "/x/website" } };
  const overrides = exampleRepoOverrides(content, written);
  const { specs } = loadSpecs(EXAMPLE_SPECS);
  const urls = [...Object.values(specs.apps), ...Object.values(specs.libs)].map((s) => s.repo).sort();
  expect(Object.keys(overrides).sort()).toEqual(urls);
  expect(overrides).toEqual({
    "/usr/local/share/dusty/example/api": "/x/api",
    "/usr/local/share/dusty/example/greeting-lib": "/x/greeting-lib",
    "/usr/local/share/dusty/example/website": "/x/website",
  });
});
