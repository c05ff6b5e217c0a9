/**
 * The steps of `dusty up`, each announced by one progress line and, when it fails, named in the error
 * together with its cause. What the failure left behind (restored, down, unchanged) is checked and
 * added by `_up-recover.ts`, never promised here.
 */
import { isExpectedError, UserError } from "../../../platform/errors.ts";
import type { CommandContext } from "./_types.ts";

/** A step of `up` failed; the message names the step and the cause, then (once reported) what it left behind. */
export class UpStepError extends UserError {
  override name = "UpStepError";
  constructor(
    /** What `up` was doing, e.g. "starting the containers". */
    readonly step: string,
    /** The cause, as the failing part worded it. */
    readonly reason: string,
    /** The lines saying what was restored, what is down and what is unchanged; empty until reported. */
    readonly report: readonly string[] = [],
  ) {
    super([`dusty up stopped while ${step}: ${reason}`, ...report].join("\n"));
  }
}

/**
 * Said only when a check found it true: the three files `up` writes last compare equal, byte for byte,
 * to how they were before it started.
 */
export const UNCHANGED_NOTE = "The hosts file, the compose file and the config are as they were before this `dusty up`";

/**
 * Logs `progress`, runs `work`, and turns an expected failure into "dusty up stopped while <doing>: <cause>".
 * Bugs keep their own error (and stack) so the daemon reports them as bugs.
 */
export async function runStep<T>(ctx: Pick<CommandContext, "log">, doing: string, work: () => Promise<T>, progress?: string): Promise<T> {
  ctx.log(progress ?? capitalize(doing));
  try {
    return await work();
  } catch (error) {
    if (!isExpectedError(error) || error instanceof UpStepError) throw error;
    throw new UpStepError(doing, error.message.trimEnd());
  }
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
