/**
 * The errors dusty expects and prints without a stack: each message says what failed, why, and what to do.
 * Every one is a `UserError` (platform/run.ts's program failures, the config's and the specs' problems, the
 * client's lost daemon …), so one `instanceof` tells them apart from bugs, which keep their stack.
 */
import { formatDiagnostic, type Diagnostic } from "../core/diagnostics.ts";

/** An error whose message is complete and actionable: print it as is, and end with `exitStatus`. */
export class UserError extends Error {
  override name = "UserError";
  /** The exit code the command ends with (1 unless a subclass says otherwise). */
  readonly exitStatus: number = 1;
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
export function isExpectedError(error: unknown): error is UserError {
  return error instanceof UserError;
}

/** An error as one text for a warning or a log line: its message (no stack), or the thrown value itself. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** An error as the user sees it at the end of a command: the message of an expected one, the stack of a bug. */
export function describeFailure(error: unknown, options: { verbose?: boolean } = {}): string {
  if (isExpectedError(error) && !options.verbose) return error.message;
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

/** The exit code a failed command ends with. */
export function failureExitCode(error: unknown): number {
  return isExpectedError(error) ? error.exitStatus : 1;
}
