/** Reading the arguments of up, stop and restart as they come from the wire: checked, never trusted. */
import { UserError } from "../../../platform/errors.ts";

/** A list of names (duplicates dropped); absent means none. */
export function readNames(value: unknown, command: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((n) => typeof n === "string" && n !== "")) {
    throw new UserError(`Cannot run ${command}: expected a list of names, got ${JSON.stringify(value)}`);
  }
  return [...new Set(value as string[])];
}

/** A boolean flag; absent means `fallback`. */
export function readFlag(value: unknown, name: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== "boolean") throw new UserError(`Cannot use "${name}": expected true or false, got ${JSON.stringify(value)}`);
  return value;
}

/** Longest `--wait` accepted, in seconds: an hour is already more than any start should take. */
export const MAX_WAIT_SECONDS = 3600;

/** `wait`: seconds to wait for the apps to stay up, 0 for not at all; absent means `fallback`. */
export function readWaitSeconds(value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0 || value > MAX_WAIT_SECONDS) {
    throw new UserError(`Cannot use "wait": expected a number of seconds from 0 to ${MAX_WAIT_SECONDS}, got ${JSON.stringify(value)}`);
  }
  return value;
}
