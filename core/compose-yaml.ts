/**
 * Renders the compose file as YAML. docker-compose 1.x reads it with PyYAML (YAML 1.1: `22:22` is a
 * base-60 number, `yes` and `on` are booleans) and `docker compose` v2 with a YAML 1.2 parser, so a
 * string is written plain only when both read it back as that same string; otherwise double-quoted.
 * A small emitter of our own: the yaml package's stringify took 150 ms for a 1,000-app file, most of
 * `dusty compile`'s time, and compose files need only maps, lists and scalars.
 */
import type { ComposeFile } from "./compose.ts";

/** The YAML text: keys sorted at every level, list order kept, 2-space indent, one trailing newline. */
export function renderComposeYaml(file: ComposeFile): string {
  const lines: string[] = [];
  writeMapping(file as unknown as Record<string, unknown>, "", lines);
  return lines.join("\n") + "\n";
}

/** A YAML document for any plain data (maps, lists, strings, numbers, booleans, null), same rules. */
export function renderYaml(value: unknown): string {
  const lines: string[] = [];
  if (isMapping(value) && Object.keys(value).length > 0) writeMapping(value, "", lines);
  else if (Array.isArray(value) && value.length > 0) writeSequence(value, "", lines);
  else lines.push(renderScalar(value));
  return lines.join("\n") + "\n";
}

function writeMapping(map: Record<string, unknown>, pad: string, lines: string[]): void {
  const keys = Object.keys(map).sort(compareText);
  for (const key of keys) {
    const value = map[key];
    if (value === undefined) continue;
    const renderedKey = renderScalar(key);
    // YAML caps an implicit key at 1024 characters: a longer one is written as an explicit `? key`.
    if (renderedKey.length > MAX_IMPLICIT_KEY) lines.push(`${pad}? ${renderedKey}`);
    const head = renderedKey.length > MAX_IMPLICIT_KEY ? `${pad}:` : `${pad}${renderedKey}:`;
    if (isMapping(value) && Object.keys(value).length > 0) {
      lines.push(head);
      writeMapping(value, pad + "  ", lines);
    } else if (Array.isArray(value) && value.length > 0) {
      lines.push(head);
      writeSequence(value, pad + "  ", lines);
    } else {
      lines.push(`${head} ${renderScalar(value)}`);
    }
  }
}

function writeSequence(list: readonly unknown[], pad: string, lines: string[]): void {
  for (const item of list) {
    if ((isMapping(item) && Object.keys(item).length > 0) || (Array.isArray(item) && item.length > 0)) {
      // The item's first line goes after "- "; the rest are indented to line up with it.
      const nested: string[] = [];
      if (Array.isArray(item)) writeSequence(item, "", nested);
      else writeMapping(item as Record<string, unknown>, "", nested);
      lines.push(`${pad}- ${nested[0]}`);
      for (const line of nested.slice(1)) lines.push(`${pad}  ${line}`);
    } else {
      lines.push(`${pad}- ${renderScalar(item)}`);
    }
  }
}

/** One scalar (or an empty collection) as YAML. */
export function renderScalar(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "number") {
    if (Number.isNaN(value)) return ".nan";
    if (!Number.isFinite(value)) return value > 0 ? ".inf" : "-.inf";
    return String(value);
  }
  if (typeof value === "bigint") return value.toString();
  if (Array.isArray(value)) return "[]";
  if (isMapping(value)) return "{}";
  const text = String(value);
  return isPlainSafe(text) ? text : quoteYaml(text);
}

// Below YAML's 1024, counted in UTF-16 units, which are never fewer than the characters YAML counts.
const MAX_IMPLICIT_KEY = 1000;

// What a YAML reader does not take raw in a quoted scalar, or reads as another character: C0 and C1
// controls and DEL, line and paragraph separators (line breaks to PyYAML), BOM, the non-characters
// U+FFFE and U+FFFF, and lone surrogates (UTF-8 cannot hold them; they would become U+FFFD).
const UNPRINTABLE = "[\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029\\ufeff\\ufffe\\uffff]|[\\ud800-\\udbff](?![\\udc00-\\udfff])|(?<![\\ud800-\\udbff])[\\udc00-\\udfff]";
const HAS_UNPRINTABLE = new RegExp(UNPRINTABLE);
const NEEDS_ESCAPE = new RegExp(`["\\\\]|${UNPRINTABLE}`, "g");
const SHORT_ESCAPES: Record<string, string> = { "\0": "\\0", "\t": "\\t", "\n": "\\n", "\r": "\\r", '"': '\\"', "\\": "\\\\" };

/** A double-quoted scalar that YAML 1.1 and 1.2 (and PyYAML) read back as exactly `text`. */
export function quoteYaml(text: string): string {
  return `"${text.replace(NEEDS_ESCAPE, (c) => SHORT_ESCAPES[c] ?? escapeCode(c.charCodeAt(0)))}"`;
}

function escapeCode(code: number): string {
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
}

// Scalars that PyYAML (YAML 1.1) or a YAML 1.2 core-schema parser resolve to something other than a string.
const IMPLICIT_TYPES = [
  /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/, // bool
  /^(?:~|null|Null|NULL)$/, // null
  /^[-+]?(?:0b[0-1_]+|0o?[0-7_]+|0x[0-9a-fA-F_]+|[0-9][0-9_]*)$/, // int, every base of both versions
  /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/, // base 60 (1.1)
  /^[-+]?(?:[0-9][0-9_]*)?\.?[0-9_]*(?:[eE][-+]?[0-9]+)?$/, // float of both versions (a lone "." too: harmless)
  /^[-+]?\.(?:inf|Inf|INF)$|^\.(?:nan|NaN|NAN)$/,
  /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}/, // timestamp (1.1)
  /^(?:<<|=)$/, // merge and value keys (1.1)
];

/** True when `text` reads back as itself, unquoted, under YAML 1.1 and 1.2 alike. */
export function isPlainSafe(text: string): boolean {
  if (text === "" || text !== text.trim()) return false;
  // Printable ASCII and non-ASCII letters only: anything else needs escapes.
  if (HAS_UNPRINTABLE.test(text)) return false;
  // An indicator at the start changes the meaning; "-x" (a flag) is fine, "- x" is not.
  if (/^[?:,[\]{}#&*!|>'"%@`]/.test(text) || /^-(\s|$)/.test(text)) return false;
  if (/:(\s|$)|\s#/.test(text)) return false;
  return !IMPLICIT_TYPES.some((re) => re.test(text));
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
