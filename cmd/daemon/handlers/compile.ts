/**
 * `compile`: the daemon's half of `dusty compile --print` without --specs: the configured specs with the
 * options `dusty up` uses (active bundles, repo checkouts, env overrides, the Docker host's folders).
 * Args: `bundles` (string[], optional: instead of the active ones), `json` (boolean).
 */
import { compileEnvironment } from "../../../core/compile.ts";
import { portAssignmentsPath, readPortAssignments } from "../../../platform/port-assignments.ts";
import { chooseBundles, formatCompiled } from "../../_compile-output.ts";
import { requireSetup } from "./_setup-gate.ts";
import { compileOptionsFor, readConfiguredSpecs, readState, type DaemonState } from "./_state.ts";
import { dockerHostFor } from "./_environment.ts";
import { hostPlacement } from "./_engine.ts";
import type { Handler } from "./_types.ts";

const handler: Handler<"compile"> = {
  async run(ctx, args) {
    const requested = args.bundles;
    const state = await readState(ctx);
    requireSetup(state.config);
    // Only the specs these bundles use must be free of errors, as `up` (Dusty compiled around a broken spec elsewhere).
    const { loaded } = await readConfiguredSpecs(state, ctx, { bundles: requested.length > 0 ? requested : state.config.bundles });
    const bundles = chooseBundles(loaded.specs, requested, state.config.bundles);
    if (bundles.length === 0) {
      ctx.warn("No bundles are activated, so nothing runs: activate some with `dusty bundles activate <name>`, or pass --bundle <name>");
    }
    const host = await dockerHostLayout(state);
    const options = { ...compileOptionsFor(state, loaded.specs, host), bundles };
    ctx.output(formatCompiled(compileEnvironment(loaded.specs, options), args.json));
    return 0;
  },
};

export default handler;

/** The Docker host's folders and address and the remembered ports, as `dusty up` will use them. */
async function dockerHostLayout(state: DaemonState) {
  const host = dockerHostFor(state);
  const [placement, previousPorts] = await Promise.all([hostPlacement(host), readPortAssignments(portAssignmentsPath(state.locations))]);
  return { paths: host.paths(), ...placement, previousPorts };
}

