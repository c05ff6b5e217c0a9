/**
 * Checks one document against its valibot schema and words every problem for people:
 * `expected a number, got "80a"` rather than valibot's `Invalid type: Expected number but received "80a"`.
 */
import * as v from "valibot";
import { formatKeyPath, type KeyPath } from "./diagnostics.ts";
import { describeSchema, describeValue, findListsForMappings, findSchemaAt, findUnknownKeys, unwrapSchema, type SchemaShape } from "./load-schema.ts";
import { formatSuggestion } from "./validate-suggest.ts";

/** One schema problem: where, what, and whether to point at the key or its value. */
export interface SchemaProblem {
  path: KeyPath;
  message: string;
  target: "key" | "value";
}

/** The result of a schema check: the output (defaults applied) when there were no problems. */
export interface SchemaCheck<T> {
  output?: T;
  problems: SchemaProblem[];
}

/** Validates `data` with every problem at once, at most one per key path. */
export function checkSchema<T>(schema: v.GenericSchema<unknown, T>, data: unknown): SchemaCheck<T> {
  const shape = schema as unknown as SchemaShape;
  const result = v.safeParse(schema, data, { abortEarly: false });
  // valibot stops at the first unknown key of an object, so unknown keys come from our own walk.
  const problems: SchemaProblem[] = findUnknownKeys(shape, data).map(({ path, known }) => ({
    path,
    message: `unknown key${formatSuggestion(String(path.at(-1)), known)}`,
    target: "key",
  }));
  const lists = findListsForMappings(shape, data);
  for (const path of lists) {
    problems.push({ path, message: `expected ${describeSchema(findSchemaAt(shape, path) ?? shape)}, got a list`, target: "value" });
  }
  for (const issue of result.issues ?? []) {
    const path = (issue.path ?? []).map((item) => item.key as string | number);
    // Unknown keys come from our walk; so do a list's indexes, which valibot reports as unknown keys.
    const unknownKey = issue.type.endsWith("object") && issue.expected === "never";
    if (!unknownKey && !lists.some((list) => isInside(path, list))) problems.push({ path, message: describeIssue(issue, findSchemaAt(shape, path)), target: "value" });
  }
  const seen = new Set<string>();
  const unique = problems.filter((p) => {
    const key = formatKeyPath(p.path);
    return seen.has(key) ? false : (seen.add(key), true);
  });
  // A last net: a failed check always says why, so a spec never drops out of the model without a word.
  if (!result.success && unique.length === 0) unique.push({ path: [], message: "does not match the spec schema", target: "value" });
  return { output: result.success && unique.length === 0 ? result.output : undefined, problems: unique };
}

// True when `path` lies below `parent`: what valibot says inside a list that should be a mapping is noise.
function isInside(path: KeyPath, parent: KeyPath): boolean {
  return path.length > parent.length && parent.every((key, i) => path[i] === key);
}

function describeIssue(issue: v.GenericIssue, schema: SchemaShape | undefined): string {
  const got = describeValue(issue.input);
  if (issue.type.endsWith("object") && issue.input === undefined && issue.path?.at(-1)?.origin === "key") {
    return "missing required key";
  }
  if (issue.kind === "schema") return `expected ${schema ? describeSchema(schema) : issue.expected}, got ${got}`;
  const requirement = (issue as { requirement?: unknown }).requirement;
  switch (issue.type) {
    case "integer":
      return `expected a whole number, got ${got}`;
    case "min_value":
    case "max_value": {
      const range = findRange(schema);
      if (range) return `expected a number from ${range.min} to ${range.max}, got ${got}`;
      return `expected a number ${issue.type === "min_value" ? "of at least" : "of at most"} ${String(requirement)}, got ${got}`;
    }
    case "min_length":
      return requirement === 1
        ? `expected a non-empty ${schema && unwrapSchema(schema).type === "array" ? "list" : "string"}, got ${got}`
        : `expected at least ${String(requirement)} characters, got ${got}`;
    default:
      return `${issue.message.charAt(0).toLowerCase()}${issue.message.slice(1)}`;
  }
}

// A port is `integer, minValue(1), maxValue(65535)`: say both bounds, whichever one failed.
function findRange(schema: SchemaShape | undefined): { min: unknown; max: unknown } | undefined {
  const pipe = (schema && unwrapSchema(schema).pipe) ?? [];
  const min = pipe.find((a) => a.type === "min_value");
  const max = pipe.find((a) => a.type === "max_value");
  return min && max ? { min: min.requirement, max: max.requirement } : undefined;
}
