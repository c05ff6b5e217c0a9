/**
 * Where a key path sits in a spec file: walks the yaml package's node tree (through aliases and `<<`
 * merge keys) and turns node offsets into 1-based line:col with the document's LineCounter.
 */
import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter, type Node, type Pair } from "yaml";
import type { Diagnostic, KeyPath, Severity } from "./diagnostics.ts";
import { formatKeyPath } from "./diagnostics.ts";
import type { SourcePosition, SpecSource } from "./load.ts";

const DOCUMENT_START: SourcePosition = { line: 1, col: 1 };
// Merge sources can themselves merge; a bound keeps a hostile file from recursing forever.
const MAX_MERGE_DEPTH = 32;

/** A SpecSource over a parsed document; without a document every path points at the file's start. */
export function createSpecSource(file: string, doc?: Document, lineCounter?: LineCounter): SpecSource {
  return {
    file,
    locate(path, target = "value") {
      if (!doc || !lineCounter) return DOCUMENT_START;
      const found = findNodes(doc, path);
      const node = target === "key" || isEmpty(found.value) ? (found.key ?? found.value) : found.value;
      const offset = node?.range?.[0];
      return offset === undefined ? DOCUMENT_START : lineCounter.linePos(offset);
    },
  };
}

/** Options of `diagnosticAt`: which node to point at and how severe the problem is. */
export interface DiagnosticOptions {
  target?: "key" | "value";
  severity?: Severity;
}

/** A diagnostic at `path` of a spec, positioned by its source. */
export function diagnosticAt(source: SpecSource, path: KeyPath, message: string, options: DiagnosticOptions = {}): Diagnostic {
  const { line, col } = source.locate(path, options.target);
  return { file: source.file, line, col, keyPath: formatKeyPath(path), message, severity: options.severity ?? "error" };
}

// Follows the path as far as it exists; a missing key leaves the deepest node found (its parent).
function findNodes(doc: Document, path: KeyPath): { key?: Node; value?: Node } {
  let value = (doc.contents ?? undefined) as Node | undefined;
  let key: Node | undefined;
  for (const segment of path) {
    const node = resolveAlias(doc, value);
    if (isMap(node)) {
      const pair = findPair(doc, node.items, String(segment), 0);
      if (!pair) break;
      key = pair.key as Node;
      value = (pair.value ?? undefined) as Node | undefined;
      if (!value) break;
    } else if (isSeq(node) && typeof segment === "number") {
      const item = node.items[segment] as Node | undefined;
      if (!item) break;
      key = item;
      value = item;
    } else break;
  }
  return { key, value };
}

function findPair(doc: Document, pairs: readonly Pair[], key: string, depth: number): Pair | undefined {
  for (const pair of pairs) {
    if (!isMergeKey(pair.key) && isScalar(pair.key) && String(pair.key.value) === key) return pair;
  }
  if (depth >= MAX_MERGE_DEPTH) return undefined;
  // Own keys win over merged ones, and earlier merge sources over later ones, as in YAML 1.1.
  for (const pair of pairs) {
    if (!isMergeKey(pair.key)) continue;
    const merged = resolveAlias(doc, pair.value as Node | undefined);
    const sources = isSeq(merged) ? merged.items.map((item) => resolveAlias(doc, item as Node)) : [merged];
    for (const source of sources) {
      const found = isMap(source) ? findPair(doc, source.items, key, depth + 1) : undefined;
      if (found) return found;
    }
  }
  return undefined;
}

function resolveAlias(doc: Document, node: Node | undefined): Node | undefined {
  return isAlias(node) ? node.resolve(doc) : node;
}

// The yaml package marks a `<<` merge key by giving its scalar a symbol value.
function isMergeKey(key: unknown): boolean {
  return isScalar(key) && typeof key.value === "symbol";
}

// `key:` with nothing after it has an empty scalar that sits past the colon: point at the key instead.
function isEmpty(node: Node | undefined): boolean {
  return !node || (isScalar(node) && node.value === null && (node as { source?: string }).source === "");
}
