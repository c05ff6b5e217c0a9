/**
 * `bundles.list`, `bundles.activate`, `bundles.deactivate` (test/bundles.test.ts): which bundles `dusty up`
 * runs. Args: `names` (string[], activate and deactivate), `only` (boolean, activate).
 */
import { renderTable } from "../../../core/table.ts";
import { formatSuggestion } from "../../../core/validate-suggest.ts";
import { updateConfig } from "../../../platform/config-file.ts";
import { UserError } from "../../../platform/errors.ts";
import { outputJson, outputNames } from "./_read-format.ts";
import { requireSetup } from "./_setup-gate.ts";
import { readConfiguredSpecs, readState } from "./_state.ts";
import type { CommandContext, Handler } from "./_types.ts";

/** `dusty bundles list`: every bundle of the specs, its description and whether it is activated. */
export const list: Handler<"bundles.list"> = {
  async run(ctx, args) {
    const format = args;
    const { known, config } = await readBundles(ctx);
    if (format.quiet) return outputNames(ctx, known.map(([name]) => name));
    if (format.json) {
      return outputJson(ctx, { bundles: known.map(([name, description]) => ({ name, description, activated: config.bundles.includes(name) })) });
    }
    const rows = known.map(([name, description]) => [name, description, config.bundles.includes(name) ? "X" : ""]);
    ctx.output(renderTable(["Name", "Description", "Activated?"], rows).trimEnd());
    return 0;
  },
};

/** `dusty bundles activate [--only] NAMES...`: adds the bundles to the activated set (or makes them the whole set). */
export const activate: Handler<"bundles.activate"> = {
  async run(ctx, args) {
    const { names, only } = args;
    const { known } = await readBundles(ctx);
    checkNames(names, known.map(([name]) => name), "activate");
    await updateConfig(ctx.locations.configFile, (config) => ({
      ...config,
      bundles: sortedUnique(only ? names : [...config.bundles, ...names]),
    }));
    ctx.output(`Activated bundles ${names.join(", ")}`);
    if (only) ctx.output("All other bundles have been deactivated");
    return 0;
  },
};

/** `dusty bundles deactivate NAMES...`: removes the bundles from the activated set. */
export const deactivate: Handler<"bundles.deactivate"> = {
  async run(ctx, args) {
    const { names } = args;
    const { known, config } = await readBundles(ctx);
    // A bundle removed from the specs may still be activated; it must stay possible to deactivate it.
    checkNames(names, sortedUnique([...known.map(([name]) => name), ...config.bundles]), "deactivate");
    await updateConfig(ctx.locations.configFile, (current) => ({
      ...current,
      bundles: current.bundles.filter((bundle) => !names.includes(bundle)),
    }));
    ctx.output(`Deactivated bundles ${names.join(", ")}`);
    return 0;
  },
};

/** The bundles of the configured specs as [name, description], sorted by name, and the config. */
async function readBundles(ctx: CommandContext) {
  const state = await readState(ctx);
  requireSetup(state.config);
  // Listing and choosing bundles runs none: a broken spec is a warning here, as in Dusty, or a repo
  // with one bad app could not even activate the bundles that do not use it.
  const { loaded } = await readConfiguredSpecs(state, ctx, { bundles: [] });
  const known = Object.entries(loaded.specs.bundles)
    .map(([name, spec]): [string, string] => [name, spec.description])
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return { known, config: state.config };
}

// All names are checked before anything changes: one typo must not leave half of the request applied.
function checkNames(names: readonly string[], known: readonly string[], verb: string): void {
  const unknown = names.filter((name) => !known.includes(name));
  if (unknown.length === 0) return;
  const which =
    unknown.length === 1
      ? `no bundle exists named ${unknown[0]}${formatSuggestion(unknown[0]!, known)}`
      : `no bundles exist named ${unknown.join(", ")}`;
  const listed = known.length > 0 ? `Known bundles: ${known.join(", ")}` : "The specs define no bundles";
  throw new UserError(`Cannot ${verb} bundles: ${which}. ${listed}. Nothing was changed`);
}

function sortedUnique(names: readonly string[]): string[] {
  return [...new Set(names)].sort();
}
