/**
 * The building blocks of core/command-args.ts. A value of the wrong JSON type gets the table's one
 * message ("the request's "x" must be …": the client is out of date); a value of the right type that
 * breaks a rule (empty, not absolute, out of range) gets the message given here, written for the user.
 * null counts as absent: JSON has no undefined, and some clients send null for "not given".
 */
import * as v from "valibot";

/** A message: fixed text, or made from the value that broke the rule. */
export type RuleMessage = string | ((input: unknown) => string);

/** `message` as valibot takes it. */
export const say = (message: RuleMessage) => (issue: { input: unknown }) => (typeof message === "string" ? message : message(issue.input));

/** Absent (or null) becomes undefined; present, it must fit `schema`. */
export function optional<S extends v.GenericSchema>(schema: S) {
  return v.pipe(v.nullish(schema), v.transform((value) => value ?? undefined));
}

/**
 * Present and fitting `schema`; absent (or null), `message`. The default that is no value makes valibot
 * run the check for a key missing from the object too, instead of the object's own "missing key".
 */
export function required<S extends v.GenericSchema>(schema: S, message: RuleMessage) {
  return v.pipe(
    v.nullish(schema, () => undefined as never),
    v.check((value) => value !== undefined && value !== null, say(message)),
    v.transform((value) => value as NonNullable<v.InferOutput<S>>),
  );
}

/** A string; `message` when it is missing or not a string. */
export function string(message: RuleMessage) {
  return required(v.string(say(message)), message);
}

/** A boolean; absent means `fallback`. */
export function flag(fallback: boolean) {
  return v.nullish(v.boolean(), fallback);
}

/** A string the handler reads as it is (the empty string included); absent means undefined. */
export const text = optional(v.string());

/** A non-empty string; `message` for a missing, non-string or empty one. */
export function name(message: RuleMessage) {
  return required(v.pipe(v.string(say(message)), v.nonEmpty(say(message))), message);
}

/** A non-empty string, or absent (undefined). */
export function optionalName(message: RuleMessage) {
  return optional(v.pipe(v.string(), v.nonEmpty(say(message))));
}

/** An absolute path (starts with "/"); `message` also for a missing or non-string one. */
export function absolutePath(message: RuleMessage) {
  return required(v.pipe(v.string(say(message)), v.startsWith("/", say(message))), message);
}

/** A list of non-empty names, duplicates dropped; absent means none, and `atLeastOne` refuses none. */
export function names(message: RuleMessage, options: { atLeastOne?: boolean } = {}) {
  return v.pipe(
    // No default with `atLeastOne`, so that the check below refuses a missing list too.
    v.nullish(v.array(v.string()), () => (options.atLeastOne ? (undefined as never) : [])),
    v.check((list) => Array.isArray(list) && (!options.atLeastOne || list.length > 0) && list.every((n) => n !== ""), say(message)),
    v.transform((list) => [...new Set(list)]),
  );
}

/** A list of strings the handler reads as they are; absent means none. */
export const texts = v.nullish(v.array(v.string()), () => []);

/** A finite number from `min` to `max`; absent means `fallback`. */
export function number(range: { min: number; max: number; fallback: number }, message: RuleMessage) {
  return v.nullish(v.pipe(v.number(), v.finite(say(message)), v.minValue(range.min, say(message)), v.maxValue(range.max, say(message))), range.fallback);
}

/** The arguments object: keys it does not name pass through (a newer client may send more). */
export function args<T extends v.ObjectEntries>(entries: T) {
  return v.looseObject(entries);
}
