/**
 * Shared flag definitions and the parsing citty does not do: it keeps only the last of a repeated flag,
 * so repeated flags are read from the raw arguments here.
 */

/** `--specs PATH`: which specs repo to read. */
export const SPECS_FLAG = {
  specs: { type: "string", description: "Path of a specs repo (default: the configured one, else the built-in example)", valueHint: "path" },
} as const;

/** `--json`: a read command's answer as one JSON object (its shape: docs/json.md). */
export const JSON_FLAG = {
  json: { type: "boolean", description: "Print one JSON object instead of a table (shapes: docs/json.md)" },
} as const;

/** `-q/--quiet`: only the names, one a line, for scripts and shell loops. */
export const QUIET_FLAG = {
  quiet: { type: "boolean", alias: "q", description: "Print only the names, one a line" },
} as const;

/** The read flags as the daemon takes them. */
export function readFlags(args: { json?: boolean; quiet?: boolean }): { json: boolean; quiet: boolean } {
  return { json: args.json === true, quiet: args.quiet === true };
}

/** Every value of a flag that may be repeated: `--bundle a --bundle b` and `--bundle=a`. */
export function collectRepeated(rawArgs: readonly string[], flag: string): string[] {
  const values: string[] = [];
  for (let i = 0; i < rawArgs.length; i++) {
    const arg = rawArgs[i]!;
    if (arg === flag && i + 1 < rawArgs.length) values.push(rawArgs[++i]!);
    else if (arg.startsWith(flag + "=")) values.push(arg.slice(flag.length + 1));
  }
  return values;
}

/** How a command hands words on: after its first N positionals, or after `--`. */
export interface Passthrough {
  afterPositionals?: number;
  afterDashes?: boolean;
}

// Arguments after `dusty test APP SUITE` and `dusty scripts APP SCRIPT` belong to the suite or script,
// -h included; citty's runMain would show dusty's help wherever -h stands. `dusty exec APP -- CMD...`
// hands on everything after `--`. cmd/_strict-args.ts checks nothing past these points.
export const PASSTHROUGH: Record<string, Passthrough> = {
  test: { afterPositionals: 2 },
  scripts: { afterPositionals: 2 },
  exec: { afterDashes: true },
};

/** True when -h/--help stands after the positionals whose followers go to a suite or script, or after `--`. */
export function passesHelpThrough(argv: readonly string[]): boolean {
  const passthrough = PASSTHROUGH[argv[0] ?? ""];
  const helpAt = argv.findIndex((a) => a === "-h" || a === "--help");
  if (passthrough === undefined || helpAt < 0) return false;
  if (passthrough.afterDashes) return argv.indexOf("--") >= 0 && argv.indexOf("--") < helpAt;
  return argv.slice(1, helpAt).filter((a) => !a.startsWith("-")).length >= (passthrough.afterPositionals ?? Infinity);
}
