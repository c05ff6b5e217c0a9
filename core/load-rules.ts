/**
 * Rules of one spec that a schema cannot say: which keys go together, reserved and repeated names,
 * and (core/load-grammar.ts) the grammar of values that reach system files. They read the raw document so they run even when the schema check failed too.
 */
import type { KeyPath, Severity } from "./diagnostics.ts";
import { describeValue, isMapping } from "./load-schema.ts";
import { isPlainFileName } from "./grammar.ts";
import { checkSpecGrammar } from "./load-grammar.ts";
import type { SpecKind } from "./specs.ts";

/** One rule problem; `target` says whether to point at the key or its value. An error unless `severity` says otherwise. */
export interface RuleProblem {
  path: KeyPath;
  message: string;
  target?: "key" | "value";
  severity?: Severity;
}

/** Every rule problem of one spec document (a mapping) of `kind`. */
export function checkSpecRules(kind: SpecKind, data: Record<string, unknown>): RuleProblem[] {
  switch (kind) {
    case "apps":
      return [...checkImageOrBuild(data), ...checkRepoAndMount(data), ...checkUniqueNames(data, ["scripts"], "script"), ...checkTestSpec(data), ...checkAssets(data), ...checkSpecGrammar(kind, data)];
    case "libs":
      return [...checkTestSpec(data), ...checkAssets(data), ...checkSpecGrammar(kind, data)];
    case "services":
      // Dusty took any mapping here, `{}` too, and left docker-compose to refuse it at `up`.
      return [...(hasValue(data, "image") || hasValue(data, "build") ? [] : [{ path: [], message: "needs image or build: docker-compose cannot create a service without one" }]), ...checkSpecGrammar(kind, data)];
    case "bundles":
      return "apps" in data || "services" in data ? [] : [{ path: [], message: "needs apps or services" }];
  }
}

function checkImageOrBuild(data: Record<string, unknown>): RuleProblem[] {
  if (hasValue(data, "image") && hasValue(data, "build")) {
    return [{ path: ["build"], message: "only one of image and build is allowed", target: "key" }];
  }
  if (!hasValue(data, "image") && !hasValue(data, "build")) return [{ path: [], message: "needs image or build" }];
  return [];
}

// Presence-based, as in the original: `repo:` with no value still counts as given.
function checkRepoAndMount(data: Record<string, unknown>): RuleProblem[] {
  if ("repo" in data && !("mount" in data)) return [{ path: ["repo"], message: "given without mount: give both repo and mount, or neither", target: "key" }];
  if ("mount" in data && !("repo" in data)) return [{ path: ["mount"], message: "given without repo: give both repo and mount, or neither", target: "key" }];
  return []; // what a mount may be is core/load-grammar.ts's
}

// An asset's name is a file name under /dusty_assets on the host: it must not reach outside that folder.
function checkAssets(data: Record<string, unknown>): RuleProblem[] {
  if (!Array.isArray(data.assets)) return [];
  return data.assets.flatMap((asset, i): RuleProblem[] => {
    const name = isMapping(asset) ? asset.name : undefined;
    if (typeof name !== "string" || isPlainFileName(name)) return [];
    return [{ path: ["assets", i, "name"], message: `expected letters, digits, ".", "_" and "-" (a file name), got ${describeValue(name)}` }];
  });
}

function checkTestSpec(data: Record<string, unknown>): RuleProblem[] {
  if (!isMapping(data.test)) return [];
  const problems = checkUniqueNames(data.test, ["test", "suites"], "suite");
  const suites = data.test.suites;
  if (!Array.isArray(suites)) return problems;
  suites.forEach((suite, i) => {
    const name = isMapping(suite) ? suite.name : undefined;
    if (typeof name === "string" && name.toLowerCase() === "all") {
      problems.push({ path: ["test", "suites", i, "name"], message: `"${name}" is a reserved suite name: it runs every suite` });
    }
  });
  return problems;
}

// `list` is the last key of `path`, read from `parent`.
function checkUniqueNames(parent: Record<string, unknown>, path: readonly string[], what: string): RuleProblem[] {
  const list = parent[path.at(-1)!];
  if (!Array.isArray(list)) return [];
  const firstIndex = new Map<string, number>();
  const problems: RuleProblem[] = [];
  list.forEach((item, i) => {
    const name = isMapping(item) ? item.name : undefined;
    if (typeof name !== "string") return;
    const first = firstIndex.get(name);
    if (first === undefined) firstIndex.set(name, i);
    else problems.push({ path: [...path, i, "name"], message: `${what} name "${name}" is already used by ${path.join(".")}[${first}]` });
  });
  return problems;
}

function hasValue(data: Record<string, unknown>, key: string): boolean {
  return data[key] !== undefined && data[key] !== null;
}
