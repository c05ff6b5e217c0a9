/**
 * Loads a specs repo from its files (no I/O): parses each `<kind>/<name>.yml`, checks it against its
 * schema and its own rules, and applies defaults. Every problem comes back as a positioned diagnostic;
 * a spec with an error is left out of `specs`, so later steps only see valid specs, but its file stays
 * in `sources` ("present but invalid"): references to it are neither "missing" nor compiled, and the
 * errors on its file make compile and up refuse.
 */
import * as v from "valibot";
import { hasErrors, type Diagnostic, type KeyPath } from "./diagnostics.ts";
import { findUnknownComposeKeys } from "./load-compose.ts";
import { isPlainYaml, type FastYamlParser } from "./load-fast.ts";
import { checkSchema } from "./load-issues.ts";
import { checkSpecName, isEscapingName, parseSpecPath, type SpecPath } from "./load-names.ts";
import { createSpecSource, diagnosticAt } from "./load-positions.ts";
import { checkSpecRules } from "./load-rules.ts";
import { describeValue, findListsForMappings, isMapping, type SchemaShape } from "./load-schema.ts";
import { parseSpecYaml, type ParsedYaml } from "./load-yaml.ts";
import { emptySpecs, SPEC_SCHEMAS, type Specs } from "./specs.ts";

/** One file of a specs repo; `path` is relative to the repo root, like "apps/web.yml". */
export interface SpecFile {
  path: string;
  text: string;
}

/** A 1-based place in a file. */
export interface SourcePosition {
  line: number;
  col: number;
}

/** Where the keys of one spec file sit, for diagnostics about them. */
export interface SpecSource {
  file: string;
  /** The position of the key or the value at `path` (default: the value); a missing key gives its parent's. */
  locate(path: KeyPath, target?: "key" | "value"): SourcePosition;
}

/** Every valid spec, the source of every spec file read (valid or not) keyed `${kind}/${name}`, and the problems. */
export interface LoadedSpecs {
  specs: Specs;
  sources: Record<string, SpecSource>;
  diagnostics: Diagnostic[];
}

/** How to load: `parseYaml` is a fast native parser for plain files (see load-fast.ts); without it every file takes the careful path. */
export interface LoadOptions {
  parseYaml?: FastYamlParser;
}

/** Loads every spec file; files outside `<kind>/<name>.yml` are not specs and are skipped. */
export function loadSpecs(files: readonly SpecFile[], options: LoadOptions = {}): LoadedSpecs {
  const loaded: LoadedSpecs = { specs: emptySpecs(), sources: {}, diagnostics: [] };
  const valid: { at: SpecPath; spec: unknown }[] = [];
  for (const file of files) {
    const at = parseSpecPath(file.path);
    if (!at) continue;
    const id = `${at.kind}/${at.name}`;
    if (!isEscapingName(at.name) && loaded.sources[id]) {
      loaded.diagnostics.push(wholeFile(file.path, "this spec file is given twice: only the first one counts"));
      continue;
    }
    const result = (options.parseYaml && loadPlainSpecFile(file, at, options.parseYaml)) || loadSpecFileSafely(file, at);
    if (!isEscapingName(at.name)) loaded.sources[id] = result.source;
    loaded.diagnostics.push(...result.diagnostics);
    // A spec left out of the model always says why: it must never vanish without an error.
    if (result.spec === undefined && !hasErrors(result.diagnostics)) loaded.diagnostics.push(wholeFile(file.path, "cannot load this spec: it does not match the spec schema"));
    if (result.spec !== undefined) valid.push({ at, spec: result.spec });
  }
  // Specs and sources are built in name order: every later step and every artifact is then stable.
  valid.sort((a, b) => compareText(a.at.name, b.at.name));
  for (const { at, spec } of valid) (loaded.specs[at.kind] as Record<string, unknown>)[at.name] = spec;
  loaded.sources = Object.fromEntries(Object.entries(loaded.sources).sort(([a], [b]) => compareText(a, b)));
  return loaded;
}

// A last net: whatever a file holds, the user gets a diagnostic naming it, never a stack trace.
function loadSpecFileSafely(file: SpecFile, at: SpecPath): ReturnType<typeof loadSpecFile> {
  try {
    return loadSpecFile(file, at);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return { source: createSpecSource(file.path), diagnostics: [wholeFile(file.path, `cannot load this spec: ${detail}`)] };
  }
}

/**
 * The fast path: a plain file read by the native parser that passes every check without a single
 * diagnostic. Anything else returns undefined and is loaded again the careful way, for positions.
 */
function loadPlainSpecFile(file: SpecFile, at: SpecPath, parseYaml: FastYamlParser): ReturnType<typeof loadSpecFile> | undefined {
  if (checkSpecName(at.kind, at.name) || !isPlainYaml(file.text)) return undefined;
  let data: unknown;
  try {
    data = parseYaml(file.text);
  } catch {
    return undefined;
  }
  if (!isMapping(data)) return undefined;
  // Any problem at all sends the file down the careful path, which finds every problem and its place:
  // here the first is enough (abortEarly), and strict objects already reject unknown keys.
  const schema = SPEC_SCHEMAS[at.kind] as v.GenericSchema;
  const checked = v.safeParse(schema, data, { abortEarly: true });
  // valibot takes an empty list for a mapping (`commands: []`): the careful path reports it.
  if (!checked.success || findListsForMappings(schema as unknown as SchemaShape, data).length > 0 || checkSpecRules(at.kind, data).length > 0 || findUnknownComposeKeys(at.kind, data).length > 0) return undefined;
  // Positions are only needed when a later check reports on this file: parse for them then.
  let source: SpecSource | undefined;
  const locate: SpecSource["locate"] = (path, target) => {
    source ??= createSpecSource(file.path, ...documentOf(file));
    return source.locate(path, target);
  };
  return { source: { file: file.path, locate }, diagnostics: [], spec: checked.output };
}

function documentOf(file: SpecFile): [ParsedYaml["doc"], ParsedYaml["lineCounter"]] {
  const parsed = parseSpecYaml(file.path, file.text);
  return [parsed.doc, parsed.lineCounter];
}

/** One loaded file: its source, its problems, and its spec with defaults when it had no errors. */
function loadSpecFile(file: SpecFile, at: SpecPath): { source: SpecSource; diagnostics: Diagnostic[]; spec?: unknown } {
  const diagnostics: Diagnostic[] = [];
  const nameProblem = checkSpecName(at.kind, at.name);
  if (nameProblem) diagnostics.push(wholeFile(file.path, nameProblem));
  const parsed = parseSpecYaml(file.path, file.text);
  const source = createSpecSource(file.path, parsed.doc, parsed.lineCounter);
  diagnostics.push(...parsed.diagnostics);
  if (!parsed.ok) return { source, diagnostics };
  const data = parsed.data;
  if (!isMapping(data)) {
    const got = data === null || data === undefined ? "an empty document" : describeValue(data);
    diagnostics.push(diagnosticAt(source, [], `expected a mapping, got ${got}`));
    return { source, diagnostics };
  }
  const checked = checkSchema(SPEC_SCHEMAS[at.kind], data);
  for (const problem of checked.problems) diagnostics.push(diagnosticAt(source, problem.path, problem.message, { target: problem.target }));
  for (const problem of checkSpecRules(at.kind, data)) diagnostics.push(diagnosticAt(source, problem.path, problem.message, { target: problem.target, severity: problem.severity }));
  for (const problem of findUnknownComposeKeys(at.kind, data)) {
    diagnostics.push(diagnosticAt(source, problem.path, problem.message, { target: "key", severity: "warning" }));
  }
  return { source, diagnostics, spec: hasErrors(diagnostics) ? undefined : checked.output };
}

function wholeFile(file: string, message: string): Diagnostic {
  return { file, line: 0, col: 0, keyPath: "", message, severity: "error" };
}

// Plain code-unit order, as the original's Python sort; localeCompare would depend on the runtime's locale.
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
