/**
 * Cross-spec rules, run after loading: the ones no single file can break alone. Every problem is
 * reported at once, each at the list item or key that causes it. Only valid specs are checked;
 * a spec that failed to load already has its diagnostics.
 */
import type { Diagnostic } from "./diagnostics.ts";
import type { LoadedSpecs } from "./load.ts";
import { checkCycles } from "./validate-cycles.ts";
import { checkBundlesExist, checkSharedNames } from "./validate-names.ts";
import { checkForwarding } from "./validate-ports.ts";
import { checkReferences } from "./validate-refs.ts";

/** The cross-spec diagnostics of loaded specs (only the new ones, not `loaded.diagnostics`). */
export function validateSpecs(loaded: LoadedSpecs): Diagnostic[] {
  return [
    ...checkBundlesExist(loaded),
    ...checkSharedNames(loaded),
    ...checkReferences(loaded),
    ...checkCycles(loaded),
    ...checkForwarding(loaded),
  ];
}
