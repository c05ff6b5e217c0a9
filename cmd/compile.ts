/**
 * `dusty compile --print`: shows exactly what `dusty up` would write, without a daemon, so a change
 * to the specs can be reviewed as a diff.
 */
import { defineCommand } from "citty";
import { compileEnvironment, defaultCompileOptions, type CompiledEnvironment } from "../core/compile.ts";
import { formatDiagnostic } from "../core/diagnostics.ts";
import { UserError } from "../platform/errors.ts";
import { collectRepeated, SPECS_FLAG } from "./_args.ts";
import { log, printResult } from "./_log.ts";
import { runGuarded } from "./_run.ts";
import { readCheckedSpecs } from "./_specs.ts";

export default defineCommand({
  meta: { name: "compile", description: "Print the hosts section, nginx config, compose file and command files `up` would write" },
  args: {
    ...SPECS_FLAG,
    bundle: { type: "string", description: "Compile this bundle (repeat for more; default: the active bundles, else all)", valueHint: "name" },
    print: { type: "boolean", description: "Print the artifacts (the default; kept for Dusty users)" },
    json: { type: "boolean", description: "Print one JSON object instead of text" },
  },
  run: ({ args, rawArgs }) =>
    runGuarded(async () => {
      const { loaded, warnings } = await readCheckedSpecs(args.specs);
      for (const w of warnings) log.warn(formatDiagnostic(w));
      const known = Object.keys(loaded.specs.bundles);
      const requested = collectRepeated(rawArgs, "--bundle");
      const unknown = requested.filter((b) => !known.includes(b));
      if (unknown.length > 0) {
        throw new UserError(`Cannot compile: no bundle named ${unknown.map((b) => `"${b}"`).join(", ")}. Known bundles: ${known.join(", ")}`);
      }
      const bundles = requested.length > 0 ? requested : known;
      const compiled = compileEnvironment(loaded.specs, { ...defaultCompileOptions(), bundles });
      printResult(args.json ? JSON.stringify(toJson(compiled), null, 2) : toText(compiled));
    }),
});

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
