import { expect, test } from "bun:test";
import { join } from "node:path";
import { readSpecsFolder } from "../platform/specs-folder.ts";
import { readExampleRepos } from "../scripts/embed-example.ts";
import { EXAMPLE_REPOS, EXAMPLE_SPECS } from "./_example-specs.ts";

test("EXAMPLE_SPECS matches fixtures/example (run `make embed` after editing it)", async () => {
  const onDisk = await readSpecsFolder(join(import.meta.dir, "..", "fixtures", "example"));
  expect(EXAMPLE_SPECS).toEqual(onDisk);
});

test("EXAMPLE_REPOS matches fixtures/example/repos (run `make embed` after editing it)", () => {
  expect(EXAMPLE_REPOS).toEqual(readExampleRepos());
  expect(Object.keys(EXAMPLE_REPOS).length).toBeGreaterThan(0);
});
