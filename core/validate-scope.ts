/**
 * What `compile` and `up` refuse: only problems in the specs they use. Dusty compiled any bundle while
 * a spec no active bundle touched was broken, and reported that spec in `dusty validate` only; dusty
 * does the same, but says so: such errors become warnings naming why they do not stop the command.
 * Problems that only the active closure shows (a `compose.links` entry to a service that is not
 * running) are added here, as warnings, since validate cannot know what runs.
 */
import { ownValue } from "./assemble.ts";
import type { Diagnostic } from "./diagnostics.ts";
import type { LoadedSpecs } from "./load.ts";
import { diagnosticAt } from "./load-positions.ts";
import { linkTarget, NGINX_SERVICE } from "./compose.ts";
import { listSpecNames } from "./validate-names.ts";

/** The bundles a command compiles: names, or every bundle of the repo (`dusty compile --specs` without --bundle). */
export type BundleScope = readonly string[] | "all";

/** Why an error is only a warning for a command compiling bundles that do not use its spec. */
export const OTHER_BUNDLES_NOTE = "(no bundle this command works on uses this spec: only `dusty validate` fails on it)";
/** Why an error is only a warning for a command that compiles no bundle at all. */
export const NO_BUNDLE_NOTE = "(this command uses no bundle's specs: `dusty validate` fails on it, as do `compile` and `up` of a bundle that uses this spec)";

/**
 * `diagnostics` (of loading and validation) as `compile` and `up` of `bundles` see them: an error in a
 * spec file those bundles do not use becomes a warning; diagnostics not about one spec file (a folder
 * that cannot be read) keep their severity. Plus warnings about links to services that do not run.
 */
export function scopeDiagnostics(loaded: LoadedSpecs, diagnostics: readonly Diagnostic[], bundles: BundleScope): Diagnostic[] {
  const active = bundles === "all" ? listSpecNames(loaded, "bundles") : bundles;
  const used = usedSpecFiles(loaded, active);
  // A command with no bundle (bundles list, activate, deactivate) cannot speak of "the bundles it works on".
  const why = active.length === 0 ? NO_BUNDLE_NOTE : OTHER_BUNDLES_NOTE;
  const scoped = diagnostics.map((d) => {
    if (d.severity !== "error" || !isSpecFile(d.file) || used.has(d.file)) return d;
    return { ...d, severity: "warning" as const, message: `${d.message} ${why}` };
  });
  return [...scoped, ...checkLinks(loaded, used)];
}

/** The spec files the closure of `bundles` reads, valid or not: `apps/web.yml` … */
export function usedSpecFiles(loaded: LoadedSpecs, bundles: readonly string[]): Set<string> {
  const { specs } = loaded;
  const used = new Set<string>();
  // A spec with errors is not in `specs`, but its file is used when the closure names it.
  const use = (kind: string, name: string): boolean => {
    const file = loaded.sources[`${kind}/${name}`]?.file;
    if (file === undefined || used.has(file)) return false;
    used.add(file);
    return true;
  };
  const useLib = (lib: string): void => {
    if (use("libs", lib)) for (const dep of ownValue(specs.libs, lib)?.depends.libs ?? []) useLib(dep);
  };
  const useApp = (app: string): void => {
    if (!use("apps", app)) return;
    const spec = ownValue(specs.apps, app);
    if (!spec) return;
    spec.depends.apps.forEach(useApp);
    spec.depends.libs.forEach(useLib);
    for (const service of spec.depends.services) use("services", service);
  };
  for (const bundle of bundles) {
    if (!use("bundles", bundle)) continue;
    const spec = ownValue(specs.bundles, bundle);
    spec?.apps.forEach(useApp);
    for (const service of spec?.services ?? []) use("services", service);
  }
  return used;
}

/**
 * A warning at every `links` entry of a used app's `compose` or a used service whose target does not
 * run: compose would refuse a link to an undefined service, so dusty drops it (core/compose.ts).
 */
function checkLinks(loaded: LoadedSpecs, used: ReadonlySet<string>): Diagnostic[] {
  const running = new Set([NGINX_SERVICE]);
  const owners: { kind: "apps" | "services"; name: string; links: unknown; path: string[] }[] = [];
  for (const [kind, name] of [...used].map((file) => file.replace(/\.yml$/, "").split("/", 2) as [string, string])) {
    if (kind === "apps" && ownValue(loaded.specs.apps, name)) {
      running.add(name);
      owners.push({ kind, name, links: loaded.specs.apps[name]?.compose.links, path: ["compose", "links"] });
    } else if (kind === "services" && ownValue(loaded.specs.services, name)) {
      running.add(name);
      owners.push({ kind, name, links: loaded.specs.services[name]?.links, path: ["links"] });
    }
  }
  const out: Diagnostic[] = [];
  for (const owner of owners) {
    if (!Array.isArray(owner.links)) continue;
    const source = loaded.sources[`${owner.kind}/${owner.name}`];
    owner.links.forEach((link, i) => {
      const target = linkTarget(link);
      if (!source || target === undefined || running.has(target)) return;
      out.push(diagnosticAt(source, [...owner.path, i], `dropped: "${target}" does not run with these bundles, and compose refuses a link to a service it does not define`, { severity: "warning" }));
    });
  }
  return out;
}

function isSpecFile(file: string): boolean {
  return /^(apps|libs|services|bundles)\/[^/]+\.yml$/.test(file);
}
