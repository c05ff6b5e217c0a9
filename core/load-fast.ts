/**
 * The fast path of loading: most spec files are plain block YAML, and a native parser (Bun's, injected
 * by the platform) reads them about twenty times faster than the yaml package's position-keeping
 * document parser. Only files this module deems plain take the fast path, and only when they come out
 * of it without a single diagnostic; everything else is loaded the careful way, with positions.
 */

/** A YAML parser that returns plain data or throws. */
export type FastYamlParser = (text: string) => unknown;

// What the fast parser may read differently from the yaml package, or what needs its limits:
// anchors and aliases (alias bombs, merge keys), flow collections (keys the line scan cannot see),
// tags, several documents, tabs, and directives.
const NOT_PLAIN = /(^|[\s[{,])[&*][^\s]|[{}]|!|^---|^\.\.\.|\t|^%/m;

/** True when a file is plain enough for the fast parser: no construct it might read differently. */
export function isPlainYaml(text: string): boolean {
  return !NOT_PLAIN.test(text) && !mayRepeatKey(text);
}

/**
 * A conservative check for duplicate keys, which the yaml package reports and native parsers silently
 * merge: true when any block mapping may hold the same key twice. Unsure cases say true (slow path).
 */
export function mayRepeatKey(text: string): boolean {
  // Open mappings, innermost last: the column their keys start at and the keys seen so far.
  const open: { indent: number; keys: Set<string> }[] = [];
  let blockScalarIndent = -1;
  for (const raw of text.split("\n")) {
    const line = raw.replace(/\r$/, "");
    const trimmed = line.trimStart();
    if (trimmed === "" || trimmed.startsWith("#")) continue;
    let indent = line.length - trimmed.length;
    if (blockScalarIndent >= 0) {
      if (indent > blockScalarIndent) continue; // inside a `|` or `>` scalar
      blockScalarIndent = -1;
    }
    let rest = trimmed;
    // Each "- " starts a sequence item whose mapping (if any) begins two columns further right.
    while (rest.startsWith("- ") || rest === "-") {
      while (open.length > 0 && open[open.length - 1]!.indent >= indent + 1) open.pop();
      indent += 2;
      rest = rest.slice(2).trimStart();
      open.push({ indent, keys: new Set() });
    }
    // `- |` starts a block scalar as a sequence item: its lines sit right of the dash.
    if (/^[|>][-+0-9]*\s*(#.*)?$/.test(rest)) {
      blockScalarIndent = indent - 2;
      continue;
    }
    const key = /^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s#'"][^#]*?)\s*:(\s|$)/.exec(rest);
    if (!key) continue;
    while (open.length > 0 && open[open.length - 1]!.indent > indent) open.pop();
    let current = open[open.length - 1];
    if (!current || current.indent < indent) {
      current = { indent, keys: new Set() };
      open.push(current);
    }
    if (current.keys.has(key[1]!)) return true;
    current.keys.add(key[1]!);
    if (/:\s*[|>][-+0-9]*\s*(#.*)?$/.test(rest)) blockScalarIndent = indent;
  }
  return false;
}
