/**
 * A compose service's `environment`, merged with the overrides set by `dusty env`. Both compose forms
 * are accepted (the original crashed on the list form) and the result is always the map form.
 */

/** `dusty env` overrides for one app or service; `null` unsets a variable the spec sets. */
export type EnvOverrides = Record<string, string | null>;

/**
 * The merged map, or undefined when nothing is left. Values become strings (docker-compose 1.x rejects
 * booleans there); `null` stays null, which compose reads as "take it from the environment of compose".
 */
export function mergeEnvironment(
  environment: unknown,
  overrides: EnvOverrides | undefined,
): Record<string, string | null> | undefined {
  const merged: Record<string, string | null> = {};
  if (Array.isArray(environment)) {
    for (const item of environment) {
      const text = String(item);
      const eq = text.indexOf("=");
      if (eq < 0) merged[text] = null;
      else merged[text.slice(0, eq)] = text.slice(eq + 1);
    }
  } else if (environment !== null && typeof environment === "object") {
    for (const [key, value] of Object.entries(environment)) merged[key] = value === null ? null : String(value);
  }
  for (const [key, value] of Object.entries(overrides ?? {})) {
    if (value === null) delete merged[key];
    else merged[key] = value;
  }
  return Object.keys(merged).length > 0 ? merged : undefined;
}
