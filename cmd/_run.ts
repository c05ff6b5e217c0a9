/**
 * The one place that catches errors, prints them and sets the exit code. Expected errors print their
 * message only; anything else is a bug and prints its stack (always with --verbose).
 */
import { isExpectedError } from "../platform/errors.ts";
import { log } from "./_log.ts";

/** True when the user asked for stacks and debug output. */
export const VERBOSE = process.argv.includes("--verbose") || process.env.DUSTY_VERBOSE === "1";

/** Runs a command body; its number, if any, becomes the exit code. */
export async function runGuarded(body: () => Promise<number | void>): Promise<void> {
  try {
    const code = await body();
    if (typeof code === "number" && code !== 0) process.exitCode = code;
  } catch (error) {
    printError(error);
    process.exitCode = 1;
  }
}

/** Prints an error the way users should see it. */
export function printError(error: unknown): void {
  if (isExpectedError(error) && !VERBOSE) {
    process.stderr.write(`${error.message}\n`);
  } else {
    log.error(error);
  }
}
