/**
 * How the daemon reads the configured specs: through one SpecsCache (platform/specs-cache.ts), so
 * concurrent and repeated commands share one read + parse + validate while the files stay the same,
 * and at most LOAD_SLOTS loads run at once when they cannot share (changed or freshly written files).
 *
 * DUSTY_SPEC_CACHE=0, read once when the daemon starts, turns the cache off: a benchmark switch
 * (bench/soak-read-load.ts measures with and without it), not a setting to run with.
 */
import type { Specs } from "../../core/specs.ts";
import { SpecError } from "../../platform/errors.ts";
import { SpecsCache } from "../../platform/specs-cache.ts";
import { readSpecsFolder } from "../../platform/specs-folder.ts";
import { logDaemon } from "../_daemon-log.ts";
import { WorkLimiter } from "../../platform/work-sharing.ts";
import { checkSpecs, type CheckedSpecs } from "../_specs.ts";

// Parsing is CPU-bound on the daemon's one thread: more loads at once only add memory, not speed.
const LOAD_SLOTS = 2;
const loads = new WorkLimiter(LOAD_SLOTS);

const cache = new SpecsCache<CheckedSpecs>({
  enabled: process.env.DUSTY_SPEC_CACHE !== "0",
  // Invalid specs stay invalid until a file changes: keep that verdict too, or 200 clients re-parse it.
  keepsError: (error) => error instanceof SpecError,
  load: (path) => loads.run(() => loadSpecsFolder(path)),
});

/** The checked specs at `path`, shared with every other command that reads the same unchanged files. */
export function readDaemonSpecs(path: string): Promise<CheckedSpecs> {
  return cache.get(path);
}

async function loadSpecsFolder(path: string): Promise<CheckedSpecs> {
  const started = performance.now();
  const files = await readSpecsFolder(path);
  let outcome = "valid";
  try {
    const checked = checkSpecs(files, path);
    freezeSpecs(checked.loaded.specs);
    return checked;
  } catch (error) {
    outcome = error instanceof SpecError ? "invalid" : "failed";
    throw error;
  } finally {
    // Counted by the tests and the read-load soak: one line per real load, none for a shared one.
    logDaemon(`specs loaded (${files.length} files, ${outcome}) from ${path} in ${(performance.now() - started).toFixed(0)} ms`);
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
