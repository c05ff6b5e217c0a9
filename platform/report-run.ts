/**
 * Programs run for a report (`dump`): what they printed is the point, so a program that fails or cannot
 * start is described in the text and never thrown, since a broken machine is exactly when a report is wanted.
 */
import { errorMessage } from "./errors.ts";
import { run } from "./run.ts";

/** How long a program may take, where it looks and what stops it. */
export interface ReportRunOptions {
  env?: Record<string, string>;
  /** Stopping the command stops the program and throws; nothing else does. */
  signal: AbortSignal;
  timeoutMs: number;
}

/** Runs `argv` and returns its stdout and stderr interleaved as printed, with a note when it failed. */
export async function runForReport(argv: string[], options: ReportRunOptions): Promise<string> {
  const lines: string[] = [];
  try {
    const result = await run(argv, { env: options.env, signal: options.signal, timeoutMs: options.timeoutMs, onLine: (line) => lines.push(line) });
    if (result.exitCode !== 0) lines.push(`(exit code ${result.exitCode})`);
  } catch (error) {
    options.signal.throwIfAborted();
    lines.push(errorMessage(error));
  }
  return lines.join("\n");
}
