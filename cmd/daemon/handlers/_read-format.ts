/**
 * How a read command answers: a table for people, one JSON object (`--json`) or only the names, one a
 * line (`-q`), for scripts. The JSON shapes are documented in docs/json.md and checked by test/json.test.ts.
 */
import { UserError } from "../../../platform/errors.ts";
import type { CommandContext } from "./_types.ts";
import { readFlag } from "./_up-args.ts";

/** The answer's form the client asked for. */
export interface ReadFormat {
  json: boolean;
  quiet: boolean;
}

/** `json` and `quiet` from the request; both at once is a mistake. */
export function readFormat(args: Record<string, unknown>): ReadFormat {
  const format = { json: readFlag(args.json, "json", false), quiet: readFlag(args.quiet, "quiet", false) };
  if (format.json && format.quiet) throw new UserError("Cannot use --json and --quiet together: choose one");
  return format;
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
