/**
 * `dusty validate PATH` and `dusty compile --specs PATH` run in the client alone: reading a folder and
 * compiling it needs no privileges. Also the fallback to the built-in example when no daemon answers.
 * Loaded lazily by cmd/validate.ts and cmd/compile.ts, which stay light for their daemon form.
 */
import { existsSync } from "node:fs";
import { compileEnvironment, defaultCompileOptions } from "../../core/compile.ts";
import { chooseBundles, describeValidSpecs, formatCompiled } from "../_compile-output.ts";
import { log, printResult, printWarning } from "../_log.ts";
import { runGuarded } from "./run-guarded.ts";
import { readCheckedSpecs } from "../_specs.ts";
import { loadConfig } from "../../platform/config-file.ts";
import { errorMessage, UserError } from "../../platform/errors.ts";
import { resolveLocations, type Locations } from "../../platform/locations.ts";
import { localRepoPath } from "../../platform/repos.ts";

/** What `compileLocally()` compiles. */
export interface LocalCompileRequest {
  /** A specs folder; undefined means the built-in example. */
  specsPath: string | undefined;
  /** `--bundle` values; none means every bundle of the specs. */
  bundles: string[];
  json: boolean;
}

/** Validates the specs at `specsPath` (the built-in example when undefined) and prints the summary. */
export function validateLocally(specsPath: string | undefined): Promise<void> {
  return runGuarded(async () => {
    const checked = await readCheckedSpecs(specsPath);
    for (const w of checked.warnings) printWarning(w);
    printResult(describeValidSpecs(checked));
  });
}

/**
 * `dusty validate` with no path and no daemon: the configured specs repo, found here when this user can
 * read the config and the repo's folder; else an error with the fix. Checking the built-in example
 * instead would pass for the user's own specs being valid.
 */
export function validateConfiguredLocally(): Promise<void> {
  return runGuarded(async () => {
    const found = await findConfiguredSpecs(resolveLocations());
    if ("why" in found) {
      throw new UserError(`Cannot validate: no specs path was given and ${found.why}. Give the path of your specs repo, as in \`dusty validate ~/specs\`, or start the daemon with \`sudo dusty -d\``);
    }
    log.info(`Validating the configured specs repo, ${found.path ?? "the built-in example"}, in the client`);
    const checked = await readCheckedSpecs(found.path);
    for (const w of checked.warnings) printWarning(w);
    printResult(describeValidSpecs(checked));
  });
}

/** The configured specs repo's folder (undefined: the built-in example), or why it cannot be known here. */
async function findConfiguredSpecs(locations: Locations): Promise<{ path: string | undefined } | { why: string }> {
  let loaded;
  try {
    loaded = await loadConfig(locations.configFile);
  } catch (error) {
    return { why: `the dusty config cannot be read here: ${errorMessage(error)}` };
  }
  if (!loaded.exists) return { why: `no dusty config exists at ${locations.configFile} (\`dusty setup\` writes one)` };
  const url = loaded.config.specs_repo;
  if (!url) return { path: undefined };
  const path = localRepoPath(url, loaded.config, locations);
  if (!existsSync(path)) return { why: `the configured specs repo ${url} has no folder at ${path} yet (\`dusty repos update\` clones it)` };
  return { path };
}

/** Compiles local specs with the default (native) options and prints the artifacts. */
export function compileLocally(request: LocalCompileRequest): Promise<void> {
  return runGuarded(async () => {
    const { loaded, warnings } = await readCheckedSpecs(request.specsPath, { bundles: request.bundles.length > 0 ? request.bundles : "all" });
    for (const w of warnings) printWarning(w);
    const bundles = chooseBundles(loaded.specs, request.bundles, Object.keys(loaded.specs.bundles));
    const compiled = compileEnvironment(loaded.specs, { ...defaultCompileOptions(), bundles });
    printResult(formatCompiled(compiled, request.json));
  });
}
