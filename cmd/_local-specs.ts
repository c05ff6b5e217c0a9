/**
 * `dusty validate PATH` and `dusty compile --specs PATH` run in the client alone: reading a folder and
 * compiling it needs no privileges. Also the fallback to the built-in example when no daemon answers.
 * Loaded lazily by cmd/validate.ts and cmd/compile.ts, which stay light for their daemon form.
 */
import { compileEnvironment, defaultCompileOptions } from "../core/compile.ts";
import { formatDiagnostic } from "../core/diagnostics.ts";
import { chooseBundles, describeValidSpecs, formatCompiled } from "./_compile-output.ts";
import { log, printResult } from "./_log.ts";
import { runGuarded } from "./_run.ts";
import { readCheckedSpecs } from "./_specs.ts";

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
    for (const w of checked.warnings) log.warn(formatDiagnostic(w));
    printResult(describeValidSpecs(checked));
  });
}

/** Compiles local specs with the default (native) options and prints the artifacts. */
export function compileLocally(request: LocalCompileRequest): Promise<void> {
  return runGuarded(async () => {
    const { loaded, warnings } = await readCheckedSpecs(request.specsPath, { bundles: request.bundles.length > 0 ? request.bundles : "all" });
    for (const w of warnings) log.warn(formatDiagnostic(w));
    const bundles = chooseBundles(loaded.specs, request.bundles, Object.keys(loaded.specs.bundles));
    const compiled = compileEnvironment(loaded.specs, { ...defaultCompileOptions(), bundles });
    printResult(formatCompiled(compiled, request.json));
  });
}
