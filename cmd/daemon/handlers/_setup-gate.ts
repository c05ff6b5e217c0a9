/**
 * The setup gate (test/setup.test.ts): commands that read the specs refuse to run before `dusty setup`,
 * which is what chooses the specs repo. Commands that do not need specs (setup, version, config, dump,
 * validate and compile of a given folder) stay usable, so a fresh install can still be inspected.
 */
import type { DustyConfig } from "../../../core/config.ts";
import { UserError } from "../../../platform/errors.ts";

/** The original's message, kept word for word so Dusty users recognise it. */
export const SETUP_REQUIRED_MESSAGE = "You must run `dusty setup` before you run any other commands";

/** Throws the setup message unless `dusty setup` has run. */
export function requireSetup(config: Pick<DustyConfig, "setup_has_run">): void {
  if (!config.setup_has_run) throw new UserError(SETUP_REQUIRED_MESSAGE);
}
