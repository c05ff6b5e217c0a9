import { expect, test } from "bun:test";
import { formatDiagnostic, sortDiagnostics } from "./diagnostics.ts";
import { loadSpecs, type SpecFile } from "./load.ts";
import { validateSpecs } from "./validate.ts";
import { scopeDiagnostics, usedSpecFiles } from "./validate-scope.ts";

const FILES: SpecFile[] = [
  { path: "apps/web.yml", text: "image: web\ndepends:\n  apps: [api]\n  libs: [util]\n  services: [db]\ncompose:\n  links: [db, 'cache:redis', worker]\n" },
  { path: "apps/api.yml", text: "image: api\n" },
  { path: "apps/worker.yml", text: "image: worker\ndepends:\n  apps: [ghost]\n" },
  { path: "apps/broken.yml", text: "image: a\nbuild: .\n" },
  { path: "libs/util.yml", text: "repo: /u\nmount: /u\ndepends:\n  libs: [base]\n" },
  { path: "libs/base.yml", text: "repo: /b\nmount: /b\n" },
  { path: "libs/worker.yml", text: "repo: /w\nmount: /w\n" },
  { path: "services/db.yml", text: "image: postgres\n" },
  { path: "services/cache.yml", text: "image: redis\n" },
  { path: "bundles/site.yml", text: "apps: [web]\n" },
  { path: "bundles/jobs.yml", text: "apps: [worker, broken]\nservices: [cache]\n" },
];

function scoped(files: SpecFile[], bundles: readonly string[] | "all"): string[] {
  const loaded = loadSpecs(files);
  return sortDiagnostics(scopeDiagnostics(loaded, [...loaded.diagnostics, ...validateSpecs(loaded)], bundles)).map(formatDiagnostic);
}

test("usedSpecFiles() follows bundles, depends.apps, libs (transitively) and services, and names specs that failed to load", () => {
  const loaded = loadSpecs(FILES);
  expect([...usedSpecFiles(loaded, ["site"])].sort()).toEqual(["apps/api.yml", "apps/web.yml", "bundles/site.yml", "libs/base.yml", "libs/util.yml", "services/db.yml"]);
  expect([...usedSpecFiles(loaded, ["jobs"])].sort()).toEqual(["apps/broken.yml", "apps/worker.yml", "bundles/jobs.yml", "services/cache.yml"]);
});

test("scopeDiagnostics() turns errors outside the used specs into warnings that say why, and keeps those inside", () => {
  const note = "(no bundle this command works on uses this spec: only `dusty validate` fails on it)";
  expect(scoped(FILES, ["site"])).toEqual([
    `apps/broken.yml:2:1: warning: build: only one of image and build is allowed ${note}`,
    "apps/web.yml:7:15: warning: compose.links[1]: dropped: \"cache\" does not run with these bundles, and compose refuses a link to a service it does not define",
    "apps/web.yml:7:30: warning: compose.links[2]: dropped: \"worker\" does not run with these bundles, and compose refuses a link to a service it does not define",
    `apps/worker.yml: warning: app "worker" has the same name as lib "worker" ${note}`,
    `apps/worker.yml:3:10: warning: depends.apps[0]: no app named "ghost" ${note}`,
  ]);
  expect(scoped(FILES, ["jobs"]).filter((d) => !d.includes("warning"))).toEqual([
    "apps/broken.yml:2:1: build: only one of image and build is allowed",
    'apps/worker.yml: app "worker" has the same name as lib "worker"',
    'apps/worker.yml:3:10: depends.apps[0]: no app named "ghost"',
  ]);
  // Every bundle: everything a bundle reaches stays an error.
  expect(scoped(FILES, "all").filter((d) => !d.includes("warning")).length).toBe(3);
});

test("scopeDiagnostics() of no bundle (bundles list, activate) says the command uses none, not that its bundles skip the spec", () => {
  expect(scoped(FILES, []).filter((d) => d.includes("ghost"))).toEqual([
    'apps/worker.yml:3:10: warning: depends.apps[0]: no app named "ghost" (this command uses no bundle\'s specs: `dusty validate` fails on it, as do `compile` and `up` of a bundle that uses this spec)',
  ]);
  expect(scoped(FILES, []).every((d) => !d.includes("no bundle this command works on"))).toBe(true);
});

test("scopeDiagnostics() keeps errors that are about no single spec file, and a broken active bundle", () => {
  const loaded = loadSpecs([{ path: "bundles/site.yml", text: "apps: {}\n" }]);
  const folder = { file: "apps", line: 0, col: 0, keyPath: "", message: "cannot read this folder", severity: "error" as const };
  const out = scopeDiagnostics(loaded, [folder, ...loaded.diagnostics], ["site"]);
  expect(out.every((d) => d.severity === "error")).toBe(true);
  expect(out.length).toBeGreaterThanOrEqual(2);
});
