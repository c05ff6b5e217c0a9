import { afterAll, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { assembleSpecs } from "../../../core/assemble.ts";
import { compileEnvironment, defaultCompileOptions } from "../../../core/compile.ts";
import { readSpecsFolder } from "../../../platform/specs-folder.ts";
import { setDaemonLogSink } from "../log.ts";
import { checkSpecs } from "../../_specs.ts";
import { readDaemonSpecs } from "./_specs-cache.ts";

const FIXTURES = join(import.meta.dir, "..", "..", "..", "fixtures");
const log: string[] = [];
setDaemonLogSink((line) => void log.push(line));
afterAll(() => setDaemonLogSink());

const validCases = readdirSync(FIXTURES).filter((name) => !name.startsWith("_") && !name.startsWith("diag-"));

test.each(validCases)("readDaemonSpecs() hands out frozen specs that assembling and compiling %s never writes to", async (name) => {
  const dir = join(FIXTURES, name);
  const caseFile = join(dir, "case.yml");
  const options = { ...defaultCompileOptions(), ...(existsSync(caseFile) ? (parse(readFileSync(caseFile, "utf8")) ?? {}) : {}) };
  // Checked as compile checks a case: for its bundles (compile-example-specs has an error outside them).
  const scope = existsSync(caseFile) ? { bundles: options.bundles } : {};
  const shared = (await readDaemonSpecs(dir, scope)).loaded.specs;
  expect(Object.isFrozen(shared.apps)).toBe(true);
  // A write to the shared objects would throw here (ES modules are strict), instead of leaking into the next command.
  const compiled = compileEnvironment(shared, options);
  const fresh = checkSpecs(await readSpecsFolder(dir), dir, [], scope).loaded.specs;
  expect(compiled).toEqual(compileEnvironment(fresh, options));
  expect(assembleSpecs(shared, Object.keys(shared.bundles))).toEqual(assembleSpecs(fresh, Object.keys(fresh.bundles)));
  expect(shared).toEqual(fresh);
});

test("readDaemonSpecs() hands the same object to a second command while the files are unchanged, and logs one load", async () => {
  // The checked-out fixtures are older than the racy window, so their load is kept.
  const dir = join(FIXTURES, "example");
  const first = await readDaemonSpecs(join(FIXTURES, "compile-links"));
  const loadsBefore = log.filter((line) => line.includes("specs loaded")).length;
  const [a, b] = await Promise.all([readDaemonSpecs(dir), readDaemonSpecs(dir)]);
  // Each command judges the shared analysis for itself; the loaded specs are one object.
  expect(a.loaded).toBe(b.loaded);
  expect((await readDaemonSpecs(dir)).loaded).toBe(a.loaded);
  expect(a.loaded).not.toBe(first.loaded);
  expect(log.filter((line) => line.includes("specs loaded")).length - loadsBefore).toBe(1);
  expect(log.at(-1)).toContain(`specs loaded (6 files, valid) from ${dir} in `);
});
