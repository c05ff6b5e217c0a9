/**
 * Spec assembly (config `bundles`; fixtures/<case>/case.yml): from the active bundles to the closed set of apps, libs and services
 * that `dusty up` runs. Names without a spec are skipped silently: validation reports them, and the
 * compilers must still produce something sensible for whatever is left.
 */
import type { AppSpec, LibSpec, ServiceSpec, Specs } from "./specs.ts";

/** The active part of the specs; every record's keys are sorted. */
export interface AssembledSpecs {
  /** Active bundles that exist, sorted. */
  bundles: string[];
  apps: Record<string, AppSpec>;
  libs: Record<string, LibSpec>;
  services: Record<string, ServiceSpec>;
  /** Each app's transitive libs in dependency order (a lib after the libs it depends on). */
  appLibs: Record<string, string[]>;
}

/** The apps, libs and services that the given bundles bring in. */
export function assembleSpecs(specs: Specs, bundles: readonly string[]): AssembledSpecs {
  const active = [...new Set(bundles)].filter((b) => Object.hasOwn(specs.bundles, b)).sort();
  const appNames = new Set<string>();
  const serviceNames = new Set<string>();
  const visit = (app: string): void => {
    const spec = ownValue(specs.apps, app);
    if (!spec || appNames.has(app)) return;
    appNames.add(app);
    // Only `depends.apps` pulls an app in: a conditional link is followed only when its target is already active.
    for (const dep of spec.depends.apps) visit(dep);
  };
  for (const bundle of active) {
    for (const app of ownValue(specs.bundles, bundle)?.apps ?? []) visit(app);
    for (const service of ownValue(specs.bundles, bundle)?.services ?? []) serviceNames.add(service);
  }
  const apps: Record<string, AppSpec> = {};
  const appLibs: Record<string, string[]> = {};
  for (const name of [...appNames].sort()) {
    const spec = specs.apps[name] as AppSpec;
    apps[name] = spec;
    appLibs[name] = expandLibs(specs, spec.depends.libs);
    for (const service of spec.depends.services) serviceNames.add(service);
  }
  const libNames = new Set(Object.values(appLibs).flat());
  return {
    bundles: active,
    apps,
    libs: pick(specs.libs, libNames),
    services: pick(specs.services, serviceNames),
    appLibs,
  };
}

/** `record[name]` only when the record itself holds it: a bundle naming "constructor" must not find a function. */
export function ownValue<T>(record: Record<string, T>, name: string): T | undefined {
  return Object.hasOwn(record, name) ? record[name] : undefined;
}

function pick<T>(all: Record<string, T>, names: ReadonlySet<string>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const name of [...names].sort()) {
    const spec = ownValue(all, name);
    if (spec !== undefined) out[name] = spec;
  }
  return out;
}

/**
 * The libs named plus everything they depend on, in dependency order: a lib comes after its
 * dependencies, and among libs that are ready at the same time the smallest name goes first.
 */
export function expandLibs(specs: Specs, libs: readonly string[]): string[] {
  const closure = new Set<string>();
  const collect = (name: string): void => {
    const spec = ownValue(specs.libs, name);
    if (!spec || closure.has(name)) return;
    closure.add(name);
    for (const dep of spec.depends.libs) collect(dep);
  };
  for (const lib of libs) collect(lib);
  const order: string[] = [];
  const pending = [...closure].sort();
  while (pending.length > 0) {
    const placed = new Set(order);
    const ready = pending.findIndex((name) => (ownValue(specs.libs, name)?.depends.libs ?? []).every((d) => placed.has(d) || !closure.has(d)));
    // A cycle (reported by validation) leaves nothing ready: take the smallest name so this still ends.
    const [next] = pending.splice(Math.max(ready, 0), 1);
    if (next !== undefined) order.push(next);
  }
  return order;
}

/** An app's or lib's own repo plus its libs' repos (spec key `depends.libs`): what one container mounts. */
export function sameContainerRepos(specs: Specs, name: string): string[] {
  const spec = ownValue(specs.apps, name) ?? ownValue(specs.libs, name);
  if (!spec) return [];
  const repos = [spec.repo, ...expandLibs(specs, spec.depends.libs).map((l) => ownValue(specs.libs, l)?.repo ?? "")];
  return [...new Set(repos.filter((repo) => repo !== ""))];
}
