/**
 * Grammar rules of one spec: every value that reaches a system file must fit its file's syntax, and
 * is reported here, at its key, when it does not (the grammar itself is core/grammar.ts). Values that
 * are quoted for their file (compose YAML, shell words) are only checked where quoting is not enough:
 * a ":" in a volume path, a ".." out of a repo, two script names that make the same file name.
 */
import type { KeyPath } from "./diagnostics.ts";
import { checkContainerPath, checkHostName, checkRelativePath, hasControlChars, toFileNameWord } from "./grammar.ts";
import type { RuleProblem } from "./load-rules.ts";
import { describeValue, isMapping } from "./load-schema.ts";
import type { SpecKind } from "./specs.ts";

/** Where dusty mounts its own files in every app container: a spec's mount must stay out of them. */
export const DUSTY_CONTAINER_DIRS = ["/cp", "/command_files", "/dusty_assets"] as const;

// A docker image reference is one word that is not a flag. Only that is checked: docker says the rest
// better, and `${REGISTRY}/web` is compose interpolation that specs may rely on.
const IMAGE = /^[^\s-]\S*$/;

/** Every grammar problem of one spec document (a mapping) of `kind`. */
export function checkSpecGrammar(kind: SpecKind, data: Record<string, unknown>): RuleProblem[] {
  switch (kind) {
    case "apps":
      return [
        ...checkHostNames(data),
        ...checkMount(data, true),
        ...checkImages(data, []),
        ...checkBuild(data, []),
        ...checkRepo(data),
        ...checkFileNames(data, ["scripts"], "script"),
        ...checkTest(data),
        ...checkAssetPaths(data),
        ...checkComposeShapes(data.compose, ["compose"]),
      ];
    case "libs":
      return [...checkMount(data, false), ...checkRepo(data), ...checkTest(data), ...checkAssetPaths(data)];
    case "services":
      return [...checkComposeShapes(data, []), ...checkImageType(data), ...checkImages(data, [])];
    case "bundles":
      return [];
  }
}

function checkHostNames(data: Record<string, unknown>): RuleProblem[] {
  if (!Array.isArray(data.host_forwarding)) return [];
  return data.host_forwarding.flatMap((fwd, i): RuleProblem[] => {
    const name = isMapping(fwd) ? fwd.host_name : undefined;
    const problem = typeof name === "string" && name !== "" ? checkHostName(name) : undefined;
    return problem ? [{ path: ["host_forwarding", i, "host_name"], message: problem }] : [];
  });
}

// An app's `mount: ""` means "no mount" (the schema's default). A lib must say `mount:`, but Dusty took
// "" there too: its repo is then in no container and its install runs in $HOME, which is worth a warning.
function checkMount(data: Record<string, unknown>, emptyMeansNone: boolean): RuleProblem[] {
  if (typeof data.mount !== "string" || (emptyMeansNone && data.mount === "")) return [];
  if (data.mount === "") return [{ path: ["mount"], message: "empty: this lib's repo is mounted in no container, and its install commands run in $HOME", severity: "warning" }];
  const problem = checkContainerPath(data.mount, { noColon: true, reserved: DUSTY_CONTAINER_DIRS });
  return problem ? [{ path: ["mount"], message: problem }] : [];
}

// A relative asset path is relative to the app's mount: the command file has `cd`'d there before it
// copies assets (Dusty's default fixtures use one). It reaches only a quoted shell word in the container.
function checkAssetPaths(data: Record<string, unknown>): RuleProblem[] {
  if (!Array.isArray(data.assets)) return [];
  return data.assets.flatMap((asset, i): RuleProblem[] => {
    const path = isMapping(asset) ? asset.path : undefined;
    const problem = typeof path === "string" ? checkAssetPath(path) : undefined;
    return problem ? [{ path: ["assets", i, "path"], message: problem }] : [];
  });
}

function checkImages(data: Record<string, unknown>, path: KeyPath): RuleProblem[] {
  const image = data.image;
  if (typeof image !== "string" || (IMAGE.test(image) && !hasControlChars(image))) return [];
  return [{ path: [...path, "image"], message: `expected a docker image name (one word, not starting with "-"), got ${describeValue(image)}` }];
}

// A service spec is compose's own map, so no schema checked its image's type (an app's schema does).
function checkImageType(data: Record<string, unknown>): RuleProblem[] {
  const image = data.image;
  return image === undefined || image === null || typeof image === "string" ? [] : [{ path: ["image"], message: `expected a string, got ${describeValue(image)}` }];
}

// A relative `build:` (or `test.build:`) is joined to the repo's checkout: it must not climb out of it.
function checkBuild(data: Record<string, unknown>, path: KeyPath): RuleProblem[] {
  const build = data.build;
  if (typeof build !== "string") return [];
  const problem = build.startsWith("/") ? controlProblem(build) : checkRelativePath(build);
  return problem ? [{ path: [...path, "build"], message: problem }] : [];
}

function checkRepo(data: Record<string, unknown>): RuleProblem[] {
  const repo = data.repo;
  if (typeof repo !== "string") return [];
  const problem = controlProblem(repo) ?? (repo.startsWith("-") ? `expected a repo URL or path, got ${describeValue(repo)}: it would read as a git option` : undefined);
  return problem ? [{ path: ["repo"], message: problem }] : [];
}

function checkTest(data: Record<string, unknown>): RuleProblem[] {
  if (!isMapping(data.test)) return [];
  const problems = [...checkImages(data.test, ["test"]), ...checkBuild(data.test, ["test"]), ...checkFileNames(data.test, ["test", "suites"], "suite")];
  if (Array.isArray(data.test.suites)) {
    data.test.suites.forEach((suite, i) => {
      if (isMapping(suite)) problems.push(...checkComposeShapes(suite.compose, ["test", "suites", i, "compose"]));
    });
  }
  return problems;
}

/**
 * Script and suite names become command file names (`…_script_<name>.sh`) with unusual characters
 * turned into "_": a control character is an error, and two names that make the same file would
 * overwrite each other's file.
 */
function checkFileNames(parent: Record<string, unknown>, path: readonly string[], what: string): RuleProblem[] {
  const list = parent[path.at(-1)!];
  if (!Array.isArray(list)) return [];
  const first = new Map<string, { index: number; name: string }>();
  const problems: RuleProblem[] = [];
  list.forEach((item, i) => {
    const name = isMapping(item) ? item.name : undefined;
    if (typeof name !== "string" || name === "") return;
    const at = [...path, i, "name"];
    if (hasControlChars(name)) {
      problems.push({ path: at, message: `expected a ${what} name without control characters, got ${describeValue(name)}` });
      return;
    }
    const word = toFileNameWord(name);
    const seen = first.get(word);
    if (!seen) first.set(word, { index: i, name });
    else if (seen.name !== name) {
      problems.push({ path: at, message: `${what} name ${describeValue(name)} makes the same command file name as ${path.join(".")}[${seen.index}] (${describeValue(seen.name)}): rename one` });
    }
  });
  return problems;
}

/** The compose keys dusty merges its own values into must have the shape compose gives them. */
function checkComposeShapes(map: unknown, path: KeyPath): RuleProblem[] {
  if (!isMapping(map)) return [];
  const problems: RuleProblem[] = [];
  if (map.volumes !== undefined && map.volumes !== null && !Array.isArray(map.volumes)) {
    problems.push({ path: [...path, "volumes"], message: `expected a list, got ${describeValue(map.volumes)}` });
  }
  for (const key of ["environment", "labels"]) {
    const value = map[key];
    if (value !== undefined && value !== null && typeof value !== "object") {
      problems.push({ path: [...path, key], message: `expected a mapping or a list, got ${describeValue(value)}` });
    }
    // The list form is `NAME=value` strings, which dusty splits to merge its own values in.
    if (Array.isArray(value)) {
      value.forEach((item, i) => {
        if (typeof item !== "string") problems.push({ path: [...path, key, i], message: `expected a "NAME=value" string, got ${describeValue(item)}` });
      });
    }
  }
  return problems;
}

function controlProblem(text: string): string | undefined {
  return hasControlChars(text) ? `expected a value without control characters (newline, tab, NUL …), got ${describeValue(text)}` : undefined;
}

function checkAssetPath(path: string): string | undefined {
  if (path.startsWith("/")) return checkContainerPath(path);
  if (path === "") return "expected a path in the container (absolute, or relative to the app's mount), got \"\"";
  if (hasControlChars(path)) return checkContainerPath(path);
  // `cp` would read it as an option.
  if (path.startsWith("-")) return `expected a path that does not start with "-", got ${JSON.stringify(path)}: write "./${path}"`;
  return undefined;
}
