/**
 * The errors dusty expects and prints without a stack: each message says what failed, why, and what to do.
 * Anything else that reaches the top is a bug and keeps its stack.
 */
import { formatDiagnostic, type Diagnostic } from "../core/diagnostics.ts";

/** An error whose message is complete and actionable: print it as is. */
export class UserError extends Error {
  override name = "UserError";
}

/** Specs that failed to load or validate; the message lists every problem, one per line. */
export class SpecError extends UserError {
  override name = "SpecError";
  constructor(
    readonly diagnostics: readonly Diagnostic[],
    readonly specsPath: string,
  ) {
    const errors = diagnostics.filter((d) => d.severity === "error").length;
    super(
      `${diagnostics.map(formatDiagnostic).join("\n")}\n` +
        `Specs at ${specsPath} have ${errors} error${errors === 1 ? "" : "s"}: fix them and run the command again`,
    );
  }
}

/** True for errors whose message alone is enough for the user (no stack trace). */
export function isExpectedError(error: unknown): error is Error {
  if (!(error instanceof Error)) return false;
  // Errors from other modules opt in by name, so platform files need not import this one.
  return error instanceof UserError || ["ConfigError", "CommandFailedError", "CommandNotFoundError", "DaemonUnavailableError"].includes(error.name);
}
