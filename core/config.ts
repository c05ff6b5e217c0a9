/**
 * config.yml as text: parse it with line:col diagnostics, render it in a stable order. The schema,
 * defaults and `config set` live in core/config-schema.ts and are re-exported here.
 */
import * as v from "valibot";
import { isMap, isNode, isScalar, LineCounter, parseDocument, stringify, type Document } from "yaml";
import { CONFIG_KEYS, describeIssue, DustyConfig } from "./config-schema.ts";
import { formatSuggestion } from "./validate-suggest.ts";
import { formatKeyPath, hasErrors, sortDiagnostics, type Diagnostic, type KeyPath, type Severity } from "./diagnostics.ts";

export * from "./config-schema.ts";

/** A usable config with any warnings, or every problem that makes the file unusable. */
export type ConfigParseResult = { config: DustyConfig; warnings: Diagnostic[] } | { diagnostics: Diagnostic[] };

const CONFIG_HEADER =
  "# dusty's configuration. Change it with `dusty config set <key> <value>`; `dusty config list` explains the keys.\n" +
  "# dusty rewrites this file whole, so comments added here are not kept.\n";

/**
 * Parses config.yml. Unknown keys are warnings, not errors, and are kept: a config written by a newer
 * dusty must not stop an older one from starting (after a downgrade), nor lose the newer settings
 * when the older one rewrites the file. The warning still catches typos (`bundels:`).
 */
export function parseConfig(text: string, file: string): ConfigParseResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const at = (offset: number | undefined, path: KeyPath, message: string, severity: Severity = "error"): Diagnostic => {
    const { line, col } = offset === undefined ? { line: 0, col: 0 } : lineCounter.linePos(offset);
    return { file, line, col, keyPath: formatKeyPath(path), message, severity };
  };
  const diagnostics = [
    ...doc.errors.map((error) => at(error.pos[0], [], error.message)),
    ...doc.warnings.map((warning) => at(warning.pos[0], [], warning.message, "warning")),
  ];
  if (hasErrors(diagnostics)) return { diagnostics: sortDiagnostics(diagnostics) };

  const data: unknown = doc.toJS() ?? {};
  if (typeof data !== "object" || Array.isArray(data)) {
    const offset = isNode(doc.contents) ? doc.contents.range?.[0] : undefined;
    return { diagnostics: [at(offset, [], `expected a mapping of config keys, got ${Array.isArray(data) ? "a list" : JSON.stringify(data)}`)] };
  }

  const extras: Record<string, unknown> = {};
  if (isMap(doc.contents)) {
    for (const pair of doc.contents.items) {
      const key = String(isScalar(pair.key) ? pair.key.value : pair.key);
      if ((CONFIG_KEYS as string[]).includes(key)) continue;
      extras[key] = (data as Record<string, unknown>)[key];
      const offset = isNode(pair.key) ? pair.key.range?.[0] : undefined;
      diagnostics.push(at(offset, [key], `unknown key, kept but not used${formatSuggestion(key, CONFIG_KEYS)}`, "warning"));
    }
  }

  const result = v.safeParse(DustyConfig, data, { abortEarly: false });
  if (!result.success) {
    for (const issue of result.issues) {
      const path = (issue.path ?? []).map((item) => item.key as string | number);
      diagnostics.push(at(nodeAt(doc, path)?.range?.[0], path, describeIssue(issue)));
    }
    return { diagnostics: sortDiagnostics(diagnostics) };
  }
  return { config: { ...result.output, ...extras }, warnings: sortDiagnostics(diagnostics) };
}

/** Renders the config: known keys in schema order, then any unknown ones sorted, maps sorted by key. */
export function renderConfig(config: DustyConfig): string {
  const all = config as Record<string, unknown>;
  const extraKeys = Object.keys(all).filter((key) => !(CONFIG_KEYS as string[]).includes(key)).sort();
  const ordered: Record<string, unknown> = {};
  for (const key of [...CONFIG_KEYS, ...extraKeys]) {
    if (all[key] !== undefined) ordered[key] = sortMaps(all[key]);
  }
  // lineWidth 0: never fold a long path or URL over two lines.
  return CONFIG_HEADER + stringify(ordered, { lineWidth: 0 });
}

// The node a key path points at, or its nearest ancestor that exists, so every problem gets a line.
function nodeAt(doc: Document, path: KeyPath) {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = doc.getIn(path.slice(0, depth), true);
    if (isNode(node)) return node;
  }
  return undefined;
}

// Maps are sorted so that rewriting an unchanged config gives the same bytes; lists keep their order.
function sortMaps(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortMaps);
  if (value === null || typeof value !== "object") return value;
  const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(entries.map(([key, item]) => [key, sortMaps(item)]));
}
