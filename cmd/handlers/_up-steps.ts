/**
 * The steps of `dusty up`, each announced by one progress line and, when it fails, named in the error
 * together with its cause and the promise that nothing the user relies on was changed.
 */
import { isExpectedError, UserError } from "../../platform/errors.ts";
import type { CommandContext } from "./_types.ts";

/** A step of `up` failed; the message names the step and the cause. */
export class UpStepError extends UserError {
  override name = "UpStepError";
}

/** What a failed `up` leaves alone: said after every failure, so users know what still holds. */
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
    throw new UpStepError(`dusty up stopped while ${doing}: ${error.message.trimEnd()}\n${UNCHANGED_NOTE}`);
  }
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
