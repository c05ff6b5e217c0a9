/**
 * Problems found in specs, reported like a compiler's: `apps/web.yml:4:16: host_forwarding[0].host_port: message`.
 * core/ never prints: it returns these as data and cmd/ decides how to show them.
 */

export type Severity = "error" | "warning";

/** One problem at one place of one spec file. Line and column are 1-based; 0 means "the whole file". */
export interface Diagnostic {
  file: string;
  line: number;
  col: number;
  /** The key path inside the document, e.g. `host_forwarding[0].host_port`; empty for the document itself. */
  keyPath: string;
  message: string;
  severity: Severity;
}

/** A key path as a list of keys and indexes, as valibot and the yaml package both use. */
export type KeyPath = readonly (string | number)[];

/** Formats a key path the way users write it: `host_forwarding[0].host_port`. */
export function formatKeyPath(path: KeyPath): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out === "" ? key : `.${key}`;
  }
  return out;
}

/** One line per diagnostic; warnings say so, errors are the default. */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.line > 0 ? `${d.file}:${d.line}:${d.col}` : d.file;
  const key = d.keyPath ? `${d.keyPath}: ` : "";
  const level = d.severity === "warning" ? "warning: " : "";
  return `${where}: ${level}${key}${d.message}`;
}

/**
 * A warning as the user reads it, naming its level once: a diagnostic in its compiler form
 * (`apps/web.yml:4:16: warning: …`), any other text after `Warning: `.
 */
export function formatWarning(warning: string | Diagnostic): string {
  return typeof warning === "string" ? `Warning: ${warning}` : formatDiagnostic(warning);
}

/** Sorts by file, line and column, so output is stable and reads top to bottom. */
export function sortDiagnostics(list: readonly Diagnostic[]): Diagnostic[] {
  return [...list].sort(
    (a, b) =>
      (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
      a.line - b.line ||
      a.col - b.col ||
      (a.message < b.message ? -1 : a.message > b.message ? 1 : 0),
  );
}

/** True when any diagnostic is an error (warnings alone do not fail a command). */
export function hasErrors(list: readonly Diagnostic[]): boolean {
  return list.some((d) => d.severity === "error");
}
