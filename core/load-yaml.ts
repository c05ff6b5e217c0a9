/**
 * Parses one spec file with the yaml package, turning every YAML problem into a positioned diagnostic.
 * Hostile input (binary, deep nesting, alias bombs, recursive aliases) ends as a diagnostic, never a throw.
 */
import { isAlias, isCollection, isMap, isSeq, LineCounter, parseDocument, type Alias, type Document, type YAMLError } from "yaml";
import type { Diagnostic, Severity } from "./diagnostics.ts";

/** A parsed spec file: the document for positions, and its data unless the YAML was broken. */
export interface ParsedYaml {
  doc?: Document;
  lineCounter: LineCounter;
  /** The document as plain data; undefined when `ok` is false. */
  data: unknown;
  ok: boolean;
  diagnostics: Diagnostic[];
}

// A file that trips the parser thousands of times says nothing more after the first few.
const MAX_YAML_ERRORS = 10;
// YAML 1.2 keeps `80:80` and `no` as strings (YAML 1.1 read them as a number and a boolean);
// merge keys stay on because compose-minded specs use `<<: *defaults`.
// logLevel "error": core never prints, and yaml would warn on stderr about non-scalar keys.
const PARSE_OPTIONS = { merge: true, prettyErrors: false, uniqueKeys: true, logLevel: "error" } as const;
// Clearer words for the yaml package's codes whose own message names its API or reads oddly.
const MESSAGES: Record<string, string> = {
  MULTIPLE_DOCS: "a spec file holds one YAML document: remove the extra `---`",
  RESOURCE_EXHAUSTION: "the document is nested too deeply",
  DUPLICATE_KEY: "duplicate key: each key may appear once in a mapping",
};

/** Parses `text`; `ok` is false when the YAML itself is broken. */
export function parseSpecYaml(file: string, text: string): ParsedYaml {
  const lineCounter = new LineCounter();
  const fail = (diagnostics: Diagnostic[], doc?: Document): ParsedYaml => ({ doc, lineCounter, data: undefined, ok: false, diagnostics });
  let doc: Document;
  try {
    doc = parseDocument(text, { ...PARSE_OPTIONS, lineCounter });
  } catch (error) {
    return fail([wholeFile(file, `cannot parse YAML: ${describeError(error)}`)]);
  }
  const toDiagnostic = (e: YAMLError, severity: Severity): Diagnostic => {
    const { line, col } = lineCounter.linePos(e.pos[0]);
    const message = MESSAGES[e.code] ?? (severity === "error" ? `invalid YAML: ${tidy(e.message)}` : tidy(e.message));
    return { file, line, col, keyPath: "", message, severity };
  };
  const diagnostics = doc.warnings.map((w) => toDiagnostic(w, "warning"));
  if (doc.errors.length > 0) {
    diagnostics.push(...doc.errors.slice(0, MAX_YAML_ERRORS).map((e) => toDiagnostic(e, "error")));
    if (doc.errors.length > MAX_YAML_ERRORS) {
      diagnostics.push(wholeFile(file, `${doc.errors.length - MAX_YAML_ERRORS} more YAML errors not shown`));
    }
    return fail(diagnostics, doc);
  }
  try {
    const aliasProblems = checkAliases(file, doc, lineCounter);
    if (aliasProblems.length > 0) return fail([...diagnostics, ...aliasProblems], doc);
    return { doc, lineCounter, data: doc.toJS(), ok: true, diagnostics };
  } catch (error) {
    const message = /alias count/i.test(describeError(error))
      ? "aliases expand to too much data: use fewer nested aliases"
      : `cannot read YAML: ${describeError(error)}`;
    return fail([...diagnostics, wholeFile(file, message)], doc);
  }
}

// The yaml package does not flag these while parsing: an undefined alias throws later, and an alias
// inside its own anchor builds a cyclic object that every later step would loop on. An anchor always
// comes before its aliases, so in document order an alias's target is either finished or an ancestor
// (a cycle). Iterative, because yaml's own visit() copies the ancestor path at every level.
function checkAliases(file: string, doc: Document, lineCounter: LineCounter): Diagnostic[] {
  const out: Diagnostic[] = [];
  const report = (alias: Alias, message: string) => {
    const { line, col } = lineCounter.linePos(alias.range?.[0] ?? 0);
    out.push({ file, line, col, keyPath: "", message, severity: "error" });
  };
  const open = new Set<unknown>();
  const stack: { node: unknown; children: unknown[]; next: number }[] = [];
  const enter = (node: unknown) => {
    open.add(node);
    stack.push({ node, children: listChildren(node), next: 0 });
  };
  if (doc.contents) enter(doc.contents);
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    if (top.next >= top.children.length) {
      open.delete(top.node);
      stack.pop();
      continue;
    }
    const child = top.children[top.next++];
    if (isAlias(child)) {
      const target = child.resolve(doc);
      if (!target) report(child, `alias *${child.source} has no anchor &${child.source} before it`);
      else if (open.has(target)) report(child, `alias *${child.source} refers to a node that contains it`);
    } else if (isCollection(child)) enter(child);
  }
  return out;
}

function listChildren(node: unknown): unknown[] {
  if (isMap(node)) return node.items.flatMap((pair) => [pair.key, pair.value]);
  if (isSeq(node)) return node.items;
  return [];
}

function wholeFile(file: string, message: string): Diagnostic {
  return { file, line: 0, col: 0, keyPath: "", message, severity: "error" };
}

function describeError(error: unknown): string {
  return error instanceof Error ? tidy(error.message) : tidy(String(error));
}

// yaml's messages read "Tabs are not allowed as indentation."; ours continue a sentence.
function tidy(message: string): string {
  const firstLine = message.split("\n")[0] ?? "";
  return (firstLine.charAt(0).toLowerCase() + firstLine.slice(1)).replace(/\.$/, "");
}
