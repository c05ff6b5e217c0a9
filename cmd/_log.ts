/**
 * The one consola instance. Logs go to stderr so that results on stdout stay clean
 * (`dusty compile --print > out.yml`); consola would send info to stdout by default.
 */
import { createConsola } from "consola";
import { forStream } from "./_color.ts";

// Strips what consola colors when stderr is not a terminal (consola judges by stdout).
const stderr = { write: (text: string) => process.stderr.write(forStream("stderr", text)) } as unknown as NodeJS.WriteStream;

export const log = createConsola({
  stdout: stderr,
  stderr,
  level: process.env.DUSTY_QUIET === "1" ? 1 : 3,
  formatOptions: { date: false },
});

/** Writes a result to stdout, unformatted. */
export function printResult(text: string): void {
  process.stdout.write(text.endsWith("\n") || text === "" ? text : text + "\n");
}
