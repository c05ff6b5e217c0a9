/** Repo-wide name rules: at least one bundle, and no name shared between apps, libs and services. */
import type { Diagnostic } from "./diagnostics.ts";
import type { LoadedSpecs } from "./load.ts";
import { SPEC_KIND_SINGULAR } from "./load-names.ts";
import type { SpecKind } from "./specs.ts";

// Apps, libs and services share one namespace: compose services, containers and repo mounts are named after them.
const CLASHING_KINDS: readonly [SpecKind, SpecKind][] = [
  ["apps", "libs"],
  ["apps", "services"],
  ["libs", "services"],
];

/** The names of every spec file of `kind` that was read, loaded or not, sorted. */
export function listSpecNames(loaded: LoadedSpecs, kind: SpecKind): string[] {
  const names = new Set(Object.keys(loaded.specs[kind]));
  for (const id of Object.keys(loaded.sources)) {
    if (id.startsWith(`${kind}/`)) names.add(id.slice(kind.length + 1));
  }
  return [...names].sort();
}

/** One error when the repo has no bundle: nothing could ever be activated. */
export function checkBundlesExist(loaded: LoadedSpecs): Diagnostic[] {
  if (listSpecNames(loaded, "bundles").length > 0) return [];
  return [{ file: "bundles/", line: 0, col: 0, keyPath: "", message: "no bundles found: add at least one bundles/<name>.yml", severity: "error" }];
}

/** An error on the first spec's file for every name two kinds share. */
export function checkSharedNames(loaded: LoadedSpecs): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const [first, second] of CLASHING_KINDS) {
    const others = new Set(listSpecNames(loaded, second));
    for (const name of listSpecNames(loaded, first)) {
      if (!others.has(name)) continue;
      const file = loaded.sources[`${first}/${name}`]?.file ?? `${first}/${name}.yml`;
      const message = `${SPEC_KIND_SINGULAR[first]} "${name}" has the same name as ${SPEC_KIND_SINGULAR[second]} "${name}"`;
      out.push({ file, line: 0, col: 0, keyPath: "", message, severity: "error" });
    }
  }
  return out;
}
