/**
 * The one consola instance. Logs go to stderr so that results on stdout stay clean
 * (`dusty compile --print > out.yml`); consola would send info to stdout by default.
 */
import { createConsola } from "consola";
import { formatWarning, type Diagnostic } from "../core/diagnostics.ts";
import { COLOR, forStream } from "./_color.ts";

// Strips what consola colors when stderr is not a terminal (consola judges by stdout).
const stderr = { write: (text: string) => process.stderr.write(forStream("stderr", text)) } as unknown as NodeJS.WriteStream;

export const log = createConsola({
  stdout: stderr,
  stderr,
  level: process.env.DUSTY_QUIET === "1" ? 1 : 3,
  formatOptions: { date: false },
});

/**
 * Writes one warning to stderr as `formatWarning()` words it. Not consola's warn: its " WARN " badge
 * before a diagnostic that says "warning:" itself named the level twice.
 */
export function printWarning(warning: string | Diagnostic): void {
  const line = formatWarning(warning);
  // On a terminal the level stands out in yellow, as a compiler's does.
  process.stderr.write(`${COLOR.stderr ? line.replace(/(^|: )([Ww]arning:)/, "$1\x1b[33m$2\x1b[39m") : line}\n`);
}

/** Writes a result to stdout, unformatted. */
export function printResult(text: string): void {
  process.stdout.write(text.endsWith("\n") || text === "" ? text : text + "\n");
}
