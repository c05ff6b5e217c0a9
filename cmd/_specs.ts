/**
 * Where a command's specs come from, read once and checked: the `--specs` folder, else the configured
 * specs repo, else the built-in example embedded in the binary.
 */
import { hasErrors, sortDiagnostics, type Diagnostic } from "../core/diagnostics.ts";
import { loadSpecs, type LoadedSpecs, type SpecFile } from "../core/load.ts";
import { validateSpecs } from "../core/validate.ts";
import { scopeDiagnostics, type BundleScope } from "../core/validate-scope.ts";
import { SpecError } from "../platform/errors.ts";
import { readSpecsRepo } from "../platform/specs-folder.ts";
import { EXAMPLE_SPECS } from "./_example-specs.ts";

/** Loaded, validated specs plus their warnings and where they came from. */
export interface CheckedSpecs {
  loaded: LoadedSpecs;
  warnings: Diagnostic[];
  origin: string;
}

/** How strictly to check: `bundles` (for compile and up) lets only errors in the specs they use fail. */
export interface CheckOptions {
  bundles?: BundleScope;
}

/** Every spec file read and loaded, with every problem found (unscoped, unsorted): what can be shared between commands. */
export interface AnalysedSpecs {
  loaded: LoadedSpecs;
  diagnostics: Diagnostic[];
}

/** Reads the specs at `path`, or the built-in example when `path` is undefined. */
export async function readCheckedSpecs(path: string | undefined, options: CheckOptions = {}): Promise<CheckedSpecs> {
  if (path === undefined) return checkSpecs(EXAMPLE_SPECS, "the built-in example", [], options);
  return judgeSpecs(await readAnalysedSpecs(path), path, options);
}

/** Reads and loads the specs repo at `path`; problems come back as diagnostics, never thrown. */
export async function readAnalysedSpecs(path: string): Promise<AnalysedSpecs> {
  // Files that could not be read are reported with the problems of the rest, all at once.
  const folder = await readSpecsRepo(path);
  return analyseSpecs(folder.files, folder.diagnostics);
}

/** Loads and validates spec files (plus the problems met reading them); throws a SpecError listing every error at once. */
export function checkSpecs(files: readonly SpecFile[], origin: string, readProblems: readonly Diagnostic[] = [], options: CheckOptions = {}): CheckedSpecs {
  return judgeSpecs(analyseSpecs(files, readProblems), origin, options);
}

/** Loads and validates spec files; every problem is a diagnostic. */
export function analyseSpecs(files: readonly SpecFile[], readProblems: readonly Diagnostic[] = []): AnalysedSpecs {
  // Bun's native YAML parser reads plain spec files ~20× faster; core falls back to the careful parser for the rest.
  const loaded = loadSpecs(files, { parseYaml: (text) => Bun.YAML.parse(text) });
  return { loaded, diagnostics: [...readProblems, ...loaded.diagnostics, ...validateSpecs(loaded)] };
}

/** What one command makes of analysed specs: errors (of the specs `options.bundles` use, if given) throw a SpecError. */
export function judgeSpecs(analysed: AnalysedSpecs, origin: string, options: CheckOptions = {}): CheckedSpecs {
  const { loaded, diagnostics: all } = analysed;
  const diagnostics = sortDiagnostics(options.bundles === undefined ? all : scopeDiagnostics(loaded, all, options.bundles));
  if (hasErrors(diagnostics)) throw new SpecError(diagnostics, origin);
  return { loaded, warnings: diagnostics, origin };
}
