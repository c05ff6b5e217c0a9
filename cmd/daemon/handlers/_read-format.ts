/**
 * How a read command answers: a table for people, one JSON object (`--json`) or only the names, one a
 * line (`-q`), for scripts. The JSON shapes are documented in docs/json.md and checked by test/json.test.ts.
 */
import type { CommandContext } from "./_types.ts";

/** The answer's form the client asked for (the table refuses both at once: core/command-args.ts). */
export interface ReadFormat {
  json: boolean;
  quiet: boolean;
}

/** Prints one JSON object; returns the exit code 0. */
export function outputJson(ctx: CommandContext, value: unknown): number {
  ctx.output(JSON.stringify(value, null, 2));
  return 0;
}

/** Prints the names one a line (nothing at all for none); returns the exit code 0. */
export function outputNames(ctx: CommandContext, names: readonly string[]): number {
  if (names.length > 0) ctx.output(names.join("\n"));
  return 0;
}
