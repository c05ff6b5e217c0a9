/**
 * What `dusty compile` and `dusty validate` print, shared by the client (`--specs PATH`, the built-in
 * example) and the daemon (the configured specs), so both forms read exactly alike.
 */
import type { CompiledEnvironment } from "../core/compile.ts";
import type { Specs } from "../core/specs.ts";
import { formatSuggestion } from "../core/validate-suggest.ts";
import { UserError } from "../platform/errors.ts";
import type { CheckedSpecs } from "./_specs.ts";

/** The machine-readable form: every artifact plus what was assembled. */
export function toJson(compiled: CompiledEnvironment): Record<string, unknown> {
  const { assembled } = compiled;
  return {
    hosts: compiled.hosts,
    nginx: compiled.nginx,
    compose: compiled.compose,
    ports: compiled.ports,
    commandFiles: compiled.commandFiles,
    assembled: {
      bundles: [...assembled.bundles].sort(),
      apps: Object.keys(assembled.apps).sort(),
      libs: Object.keys(assembled.libs).sort(),
      services: Object.keys(assembled.services).sort(),
      appLibs: assembled.appLibs,
    },
  };
}

/** The readable form: a header per artifact, then its exact text. */
export function toText(compiled: CompiledEnvironment): string {
  const sections: [string, string][] = [
    ["hosts file section", compiled.hosts],
    ["nginx.conf", compiled.nginx],
    ["docker-compose.yml", compiled.composeYaml],
    ...Object.entries(compiled.commandFiles).map(([path, text]): [string, string] => [`command file ${path}`, text]),
  ];
  return sections.map(([title, text]) => `### ${title}\n${text}${text.endsWith("\n") ? "" : "\n"}`).join("\n");
}

/** `compiled` as `dusty compile` prints it: JSON (pretty) or text. */
export function formatCompiled(compiled: CompiledEnvironment, json: boolean): string {
  return json ? JSON.stringify(toJson(compiled), null, 2) : toText(compiled);
}

/** The bundles to compile: the requested ones (each must exist), else `fallback`. */
export function chooseBundles(specs: Specs, requested: readonly string[], fallback: readonly string[]): string[] {
  const known = Object.keys(specs.bundles);
  const unknown = requested.filter((b) => !Object.hasOwn(specs.bundles, b));
  if (unknown.length > 0) {
    const hint = unknown.length === 1 ? formatSuggestion(unknown[0]!, known) : "";
    throw new UserError(`Cannot compile: no bundle named ${unknown.map((b) => `"${b}"`).join(", ")}${hint}. Known bundles: ${known.join(", ")}`);
  }
  return [...(requested.length > 0 ? requested : fallback)];
}

/** `Specs at <origin> are valid: 2 apps, 1 lib, 1 service, 2 bundles (1 warning)`. */
export function describeValidSpecs(checked: CheckedSpecs): string {
  const { specs } = checked.loaded;
  const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? "" : "s"}`;
  const counts = [
    count(Object.keys(specs.apps).length, "app"),
    count(Object.keys(specs.libs).length, "lib"),
    count(Object.keys(specs.services).length, "service"),
    count(Object.keys(specs.bundles).length, "bundle"),
  ];
  const warnings = checked.warnings.length > 0 ? ` (${count(checked.warnings.length, "warning")})` : "";
  return `Specs at ${checked.origin} are valid: ${counts.join(", ")}${warnings}`;
}
