// Walks fixtures/: every case is a specs repo with the artifacts or diagnostics it must produce.
// UPDATE_FIXTURES=1 rewrites expected/ from what the code produces now; review the diff before committing.
import { describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { parse } from "yaml";
import { compileEnvironment, defaultCompileOptions, type CompileOptions } from "./compile.ts";
import { formatDiagnostic, hasErrors, sortDiagnostics } from "./diagnostics.ts";
import { loadSpecs, type SpecFile } from "./load.ts";
import { SPEC_KINDS } from "./specs.ts";
import { validateSpecs } from "./validate.ts";
import { scopeDiagnostics } from "./validate-scope.ts";

const FIXTURES = join(import.meta.dir, "..", "fixtures");
const UPDATE = process.env.UPDATE_FIXTURES === "1";

/** Reads a case's spec files the way the platform reader does: `<kind>/<name>.yml`, sorted. */
function readCaseSpecs(caseDir: string): SpecFile[] {
  const files: SpecFile[] = [];
  for (const kind of SPEC_KINDS) {
    const dir = join(caseDir, kind);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir).sort()) {
      if (name.endsWith(".yml")) files.push({ path: `${kind}/${name}`, text: readFileSync(join(dir, name), "utf8") });
    }
  }
  return files;
}

function readCaseOptions(caseDir: string): CompileOptions {
  const file = join(caseDir, "case.yml");
  const overrides = existsSync(file) ? (parse(readFileSync(file, "utf8")) ?? {}) : {};
  return { ...defaultCompileOptions(), ...overrides };
}

/**
 * What a case produces, as relative path → text. A case whose case.yml names bundles is seen as
 * `dusty compile` of them sees it (only errors in the specs they use stop it); one without, as `dusty validate`.
 */
function produce(caseDir: string): Record<string, string> {
  const loaded = loadSpecs(readCaseSpecs(caseDir));
  const options = readCaseOptions(caseDir);
  const all = [...loaded.diagnostics, ...validateSpecs(loaded)];
  const diagnostics = sortDiagnostics(existsSync(join(caseDir, "case.yml")) ? scopeDiagnostics(loaded, all, options.bundles) : all);
  const out: Record<string, string> = {};
  if (diagnostics.length > 0) out["diagnostics.txt"] = diagnostics.map(formatDiagnostic).join("\n") + "\n";
  if (hasErrors(diagnostics)) return out;
  const compiled = compileEnvironment(loaded.specs, options);
  out["hosts"] = compiled.hosts;
  out["nginx.conf"] = compiled.nginx;
  out["docker-compose.yml"] = compiled.composeYaml;
  out["ports.json"] = JSON.stringify(compiled.ports, null, 2) + "\n";
  for (const [path, text] of Object.entries(compiled.commandFiles)) out[`command-files/${path}`] = text;
  return out;
}

function readExpected(dir: string, prefix = ""): Record<string, string> {
  const out: Record<string, string> = {};
  if (!existsSync(dir)) return out;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const rel = prefix + entry.name;
    if (entry.isDirectory()) Object.assign(out, readExpected(join(dir, entry.name), rel + "/"));
    else out[rel] = readFileSync(join(dir, entry.name), "utf8");
  }
  return out;
}

const cases = readdirSync(FIXTURES, { withFileTypes: true })
  // Folders starting with "_" hold other fixtures (service files …), not spec repos.
  .filter((e) => e.isDirectory() && !e.name.startsWith("_"))
  .map((e) => e.name)
  .sort();

describe("fixtures", () => {
  test("there are at least 12 cases", () => {
    expect(cases.length).toBeGreaterThanOrEqual(12);
  });

  for (const name of cases) {
    test(`compile fixture ${name} matches expected/`, () => {
      const caseDir = join(FIXTURES, name);
      const expectedDir = join(caseDir, "expected");
      const actual = produce(caseDir);
      if (UPDATE) {
        rmSync(expectedDir, { recursive: true, force: true });
        for (const [rel, text] of Object.entries(actual)) {
          mkdirSync(dirname(join(expectedDir, rel)), { recursive: true });
          writeFileSync(join(expectedDir, rel), text);
        }
      }
      expect(actual).toEqual(readExpected(expectedDir));
    });
  }
});
