/**
 * How the daemon reads the configured specs: through one SpecsCache (platform/specs-cache.ts), so
 * concurrent and repeated commands share one read + parse + validate while the files stay the same,
 * and at most LOAD_SLOTS loads run at once when they cannot share (changed or freshly written files).
 *
 * DUSTY_SPEC_CACHE=0, read once when the daemon starts, turns the cache off: a benchmark switch
 * (bench/soak-read-load.ts measures with and without it), not a setting to run with.
 */
import { hasErrors } from "../../../core/diagnostics.ts";
import type { Specs } from "../../../core/specs.ts";
import { SpecsCache } from "../../../platform/specs-cache.ts";
import { WorkLimiter } from "../../../platform/work-sharing.ts";
import { logDaemon } from "../log.ts";
import { judgeSpecs, readAnalysedSpecs, type AnalysedSpecs, type CheckedSpecs, type CheckOptions } from "../../_specs.ts";

// Parsing is CPU-bound on the daemon's one thread: more loads at once only add memory, not speed.
const LOAD_SLOTS = 2;
const loads = new WorkLimiter(LOAD_SLOTS);

// What is cached is the analysis with every problem in it (invalid specs stay invalid until a file
// changes: kept too, or 200 clients re-parse them); each command then judges it for its own bundles.
const cache = new SpecsCache<AnalysedSpecs>({
  enabled: process.env.DUSTY_SPEC_CACHE !== "0",
  load: (path) => loads.run(() => loadSpecsFolder(path)),
});

/** The checked specs at `path`, read with every other command that reads the same unchanged files. */
export async function readDaemonSpecs(path: string, options: CheckOptions = {}): Promise<CheckedSpecs> {
  return judgeSpecs(await cache.get(path), path, options);
}

async function loadSpecsFolder(path: string): Promise<AnalysedSpecs> {
  const started = performance.now();
  let outcome = "failed";
  let count = 0;
  try {
    const analysed = await readAnalysedSpecs(path);
    count = Object.keys(analysed.loaded.sources).length;
    freezeSpecs(analysed.loaded.specs);
    outcome = hasErrors(analysed.diagnostics) ? "invalid" : "valid";
    return analysed;
  } finally {
    // Counted by the tests and the read-load soak: one line per real load, none for a shared one.
    logDaemon(`specs loaded (${count} files, ${outcome}) from ${path} in ${(performance.now() - started).toFixed(0)} ms`);
  }
}

// Every command now shares these objects: a handler that changed one would change it for all the others
// (and for later commands), so a write throws at the place that does it instead.
function freezeSpecs(specs: Specs): void {
  const freeze = (value: unknown): void => {
    if (typeof value !== "object" || value === null || Object.isFrozen(value)) return;
    Object.freeze(value);
    for (const child of Object.values(value)) freeze(child);
  };
  freeze(specs);
}
