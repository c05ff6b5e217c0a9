/**
 * References between specs must name specs that exist: app and lib dependencies, conditional links,
 * bundle members and test-suite services. Each unknown name is an error at its list item.
 */
import type { Diagnostic, KeyPath } from "./diagnostics.ts";
import type { LoadedSpecs, SpecSource } from "./load.ts";
import { SPEC_KIND_SINGULAR } from "./load-names.ts";
import { diagnosticAt } from "./load-positions.ts";
import type { SpecKind, TestSpec } from "./specs.ts";
import { listSpecNames } from "./validate-names.ts";
import { formatSuggestion } from "./validate-suggest.ts";

/** One list of names inside a spec, and the kind of spec its names refer to. */
interface Reference {
  path: KeyPath;
  names: readonly string[];
  kind: SpecKind;
}

/** An error for every reference to a spec that no file defines. */
export function checkReferences(loaded: LoadedSpecs): Diagnostic[] {
  // A spec whose file exists but failed to load is not "missing": its own diagnostics say what is wrong.
  const known = {
    apps: listSpecNames(loaded, "apps"),
    libs: listSpecNames(loaded, "libs"),
    services: listSpecNames(loaded, "services"),
    bundles: listSpecNames(loaded, "bundles"),
  };
  // Looked up in sets: a scan of the 1,000-name list per reference was quadratic in the repo's size.
  const lookup: KnownNames = {
    apps: { list: known.apps, set: new Set(known.apps) },
    libs: { list: known.libs, set: new Set(known.libs) },
    services: { list: known.services, set: new Set(known.services) },
    bundles: { list: known.bundles, set: new Set(known.bundles) },
  };
  const out: Diagnostic[] = [];
  const check = (kind: SpecKind, name: string, references: Reference[]) => {
    const source = loaded.sources[`${kind}/${name}`];
    if (source) out.push(...checkReferenceLists(source, references, lookup));
  };
  for (const [name, app] of Object.entries(loaded.specs.apps)) {
    check("apps", name, [
      { path: ["depends", "apps"], names: app.depends.apps, kind: "apps" },
      { path: ["depends", "libs"], names: app.depends.libs, kind: "libs" },
      { path: ["depends", "services"], names: app.depends.services, kind: "services" },
      { path: ["conditional_links", "apps"], names: app.conditional_links.apps, kind: "apps" },
      { path: ["conditional_links", "services"], names: app.conditional_links.services, kind: "services" },
      ...listSuiteServices(app.test),
    ]);
  }
  for (const [name, lib] of Object.entries(loaded.specs.libs)) {
    check("libs", name, [{ path: ["depends", "libs"], names: lib.depends.libs, kind: "libs" }, ...listSuiteServices(lib.test)]);
  }
  for (const [name, bundle] of Object.entries(loaded.specs.bundles)) {
    check("bundles", name, [
      { path: ["apps"], names: bundle.apps, kind: "apps" },
      { path: ["services"], names: bundle.services, kind: "services" },
    ]);
  }
  return out;
}

function listSuiteServices(test: TestSpec): Reference[] {
  return test.suites.map((suite, i) => ({ path: ["test", "suites", i, "services"], names: suite.services, kind: "services" }));
}

/** The names of every spec of each kind: sorted for suggestions, and as a set to look up. */
type KnownNames = Record<SpecKind, { list: string[]; set: ReadonlySet<string> }>;

function checkReferenceLists(source: SpecSource, references: Reference[], known: KnownNames): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const { path, names, kind } of references) {
    names.forEach((name, i) => {
      if (known[kind].set.has(name)) return;
      const message = `no ${SPEC_KIND_SINGULAR[kind]} named "${name}"${formatSuggestion(name, known[kind].list)}`;
      out.push(diagnosticAt(source, [...path, i], message));
    });
  }
  return out;
}
