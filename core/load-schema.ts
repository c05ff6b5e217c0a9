/**
 * Reads the valibot schemas of core/specs.ts as data: what a path expects, in words, and which keys
 * a document holds that its strict objects do not know (valibot reports only the first per object).
 */
import type { KeyPath } from "./diagnostics.ts";

/** The parts of a valibot schema this module reads. */
export interface SchemaShape {
  type: string;
  entries?: Record<string, SchemaShape>;
  item?: SchemaShape;
  wrapped?: SchemaShape;
  value?: SchemaShape;
  options?: readonly unknown[];
  pipe?: readonly { type: string; requirement?: unknown }[];
}

const WRAPPERS = new Set(["optional", "nullish", "nullable", "exact_optional", "non_optional", "non_nullish", "non_nullable"]);
const MAPPINGS = new Set(["object", "strict_object", "loose_object", "record"]);
const PLURALS: Record<string, string> = { string: "strings", number: "numbers", boolean: "true/false values", array: "lists" };

/** The schema without its optional/nullish wrappers. */
export function unwrapSchema(schema: SchemaShape): SchemaShape {
  let inner = schema;
  while (WRAPPERS.has(inner.type) && inner.wrapped) inner = inner.wrapped;
  return inner;
}

/** The schema that checks the value at `path`, or undefined past the schema's known shape. */
export function findSchemaAt(schema: SchemaShape, path: KeyPath): SchemaShape | undefined {
  let current: SchemaShape | undefined = schema;
  for (const key of path) {
    if (!current) return undefined;
    const inner = unwrapSchema(current);
    if (inner.entries) current = Object.hasOwn(inner.entries, key) ? inner.entries[String(key)] : undefined;
    else if (inner.type === "array") current = inner.item;
    else if (inner.type === "record") current = inner.value;
    else return undefined;
  }
  return current;
}

/** What a schema expects, in words: `a number`, `a list of strings`, `one of "http", "stream"`. */
export function describeSchema(schema: SchemaShape): string {
  const inner = unwrapSchema(schema);
  if (inner.type === "picklist") return `one of ${(inner.options ?? []).map((o) => JSON.stringify(o)).join(", ")}`;
  if (inner.type === "array") return inner.item ? `a list of ${describePlural(inner.item)}` : "a list";
  if (MAPPINGS.has(inner.type)) return "a mapping";
  if (inner.type === "boolean") return "true or false";
  if (inner.type === "string" || inner.type === "number") return `a ${inner.type}`;
  return "a value";
}

function describePlural(schema: SchemaShape): string {
  const inner = unwrapSchema(schema);
  return MAPPINGS.has(inner.type) ? "mappings" : (PLURALS[inner.type] ?? "values");
}

/** A value as a message shows it: `"80a"`, `70000`, `a mapping`. */
export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") {
    const chars = [...value]; // code points, so a cut never splits a surrogate pair
    return JSON.stringify(chars.length > 40 ? `${chars.slice(0, 40).join("")}…` : value);
  }
  return String(value);
}

/** A key that its strict object does not define, and the keys it does (for "did you mean"). */
export interface UnknownKey {
  path: KeyPath;
  known: string[];
}

/** Every key that a strict object of `schema` does not define, in document order. */
export function findUnknownKeys(schema: SchemaShape, data: unknown, path: KeyPath = []): UnknownKey[] {
  const inner = unwrapSchema(schema);
  const out: UnknownKey[] = [];
  if (inner.entries && isMapping(data)) {
    for (const [key, value] of Object.entries(data)) {
      const entry = Object.hasOwn(inner.entries, key) ? inner.entries[key] : undefined;
      if (entry) out.push(...findUnknownKeys(entry, value, [...path, key]));
      else if (inner.type === "strict_object") out.push({ path: [...path, key], known: Object.keys(inner.entries) });
    }
  } else if (inner.type === "array" && inner.item && Array.isArray(data)) {
    data.forEach((item, i) => out.push(...findUnknownKeys(inner.item!, item, [...path, i])));
  }
  return out;
}

/**
 * Every place where a mapping schema meets a list. valibot's object and record schemas take any JS
 * object, arrays included: `commands:\n  - serve` would pass as an empty mapping, or fail with nothing
 * but an "unknown key 0" that no person could read. This walk makes it a plain shape error.
 */
export function findListsForMappings(schema: SchemaShape, data: unknown, path: KeyPath = []): KeyPath[] {
  const inner = unwrapSchema(schema);
  if (MAPPINGS.has(inner.type) && Array.isArray(data)) return [path];
  const out: KeyPath[] = [];
  if (isMapping(data) && (inner.entries || (inner.type === "record" && inner.value))) {
    for (const key in data) {
      const entry = inner.entries ? (Object.hasOwn(inner.entries, key) ? inner.entries[key] : undefined) : inner.value;
      if (entry && holdsMapping(entry)) out.push(...findListsForMappings(entry, data[key], [...path, key]));
    }
  } else if (inner.type === "array" && inner.item && Array.isArray(data) && holdsMapping(inner.item)) {
    data.forEach((item, i) => out.push(...findListsForMappings(inner.item!, item, [...path, i])));
  }
  return out;
}

// Whether a mapping schema sits anywhere in `schema`: the walk skips the rest (lists of strings,
// scalars, compose's free values), which is most of every file. Cached: the fast path asks per file.
const HOLDS_MAPPING = new WeakMap<SchemaShape, boolean>();

function holdsMapping(schema: SchemaShape): boolean {
  let known = HOLDS_MAPPING.get(schema);
  if (known === undefined) {
    const inner = unwrapSchema(schema);
    known = MAPPINGS.has(inner.type) || (inner.type === "array" && !!inner.item && holdsMapping(inner.item));
    HOLDS_MAPPING.set(schema, known);
  }
  return known;
}

/** True for a YAML mapping read as plain data. */
export function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
