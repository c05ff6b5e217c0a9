/**
 * Warnings for keys docker-compose would not know in the maps Dusty passes to it: an app's `compose`,
 * a test suite's `compose` (of an app or a lib), and a whole service spec. Warnings, not errors: newer compose versions add keys.
 */
import { COMPOSE_SERVICE_KEYS, isComposeServiceKey } from "./compose-keys.ts";
import type { KeyPath } from "./diagnostics.ts";
import { isMapping } from "./load-schema.ts";
import type { SpecKind } from "./specs.ts";
import { formatSuggestion } from "./validate-suggest.ts";

/** One unknown compose key, to point at with a warning. */
export interface ComposeKeyProblem {
  path: KeyPath;
  message: string;
}

/** Every unknown compose key of one spec document of `kind`. */
export function findUnknownComposeKeys(kind: SpecKind, data: Record<string, unknown>): ComposeKeyProblem[] {
  if (kind === "services") return [...checkComposeMap(data, []), ...checkDroppedKeys(data, [])];
  if (kind === "bundles") return [];
  const problems = kind === "apps" ? [...checkComposeMap(data.compose, ["compose"]), ...checkOverriddenKeys(data.compose), ...checkDroppedKeys(data.compose, ["compose"])] : [];
  const suites = isMapping(data.test) ? data.test.suites : undefined;
  if (Array.isArray(suites)) {
    suites.forEach((suite, i) => {
      if (isMapping(suite)) problems.push(...checkComposeMap(suite.compose, ["test", "suites", i, "compose"]));
    });
  }
  return problems;
}

function checkComposeMap(map: unknown, path: KeyPath): ComposeKeyProblem[] {
  if (!isMapping(map)) return [];
  return Object.keys(map)
    .filter((key) => !isComposeServiceKey(key))
    .map((key) => ({ path: [...path, key], message: `unknown docker-compose key${formatSuggestion(key, COMPOSE_SERVICE_KEYS)}` }));
}

// dusty sets an app's entrypoint to [] so its command file runs whatever the image's ENTRYPOINT is.
function checkOverriddenKeys(map: unknown): ComposeKeyProblem[] {
  if (!isMapping(map) || !("entrypoint" in map)) return [];
  if (Array.isArray(map.entrypoint) && map.entrypoint.length === 0) return [];
  return [{ path: ["compose", "entrypoint"], message: "ignored: apps run their command file with `entrypoint: []`; put what the entrypoint does in commands.always" }];
}

// The one docker-compose v1 key the Compose Specification has no place for on a service (core/compose-v1.ts).
function checkDroppedKeys(map: unknown, path: KeyPath): ComposeKeyProblem[] {
  if (!isMapping(map) || !("volume_driver" in map)) return [];
  return [{ path: [...path, "volume_driver"], message: "ignored: the Compose Specification has no volume_driver; give the driver to a named volume instead" }];
}
