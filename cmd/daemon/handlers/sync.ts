/**
 * `sync` (the original 0.4 command): args `{ repos?: string[] }`. Mirrors the active repos (or the named
 * ones) at their place on the Docker host, as `up` does, and restarts nothing: for apps that reload
 * code themselves, or before a `dusty restart --no-sync`.
 */
import { requireSetup } from "./_setup-gate.ts";
import { assembleActive, readConfiguredSpecs, readState } from "./_state.ts";
import type { Handler } from "./_types.ts";
import { syncRepos } from "../../../platform/repo-sync.ts";
import { dockerHostFor } from "./_environment.ts";
import { targetRepos } from "./_repo-targets.ts";

const handler: Handler<"sync"> = {
  async run(ctx, args) {
    const names = args.repos;
    const state = await readState(ctx);
    requireSetup(state.config);
    const specs = (await readConfiguredSpecs(state, ctx)).loaded.specs;
    const assembled = assembleActive(specs, state.config);
    const urls = targetRepos(specs, assembled, names, { command: "sync", apps: false, specsUrl: state.config.specs_repo });
    if (urls.length === 0) {
      ctx.output("No active app or lib mounts a repo: nothing to sync");
      return 0;
    }
    const host = dockerHostFor(state);
    const started = performance.now();
    await syncRepos(host, urls, { config: state.config, locations: state.locations, log: ctx.log, signal: ctx.signal });
    const ms = Math.round(performance.now() - started);
    ctx.output(`Synced ${urls.length} repo${urls.length === 1 ? "" : "s"} to the Docker host (${ms} ms): ${urls.join(", ")}`);
    return 0;
  },
};

export default handler;
