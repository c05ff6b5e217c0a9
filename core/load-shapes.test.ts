// Every key of every spec kind, given a value of the wrong shape, must either load or be an error at
// that key: a spec never drops out of the model without a word (the bug: `commands:\n  - serve`).
import { expect, test } from "bun:test";
import { stringify } from "yaml";
import { formatDiagnostic, formatKeyPath, type KeyPath } from "./diagnostics.ts";
import { loadSpecs } from "./load.ts";
import { unwrapSchema, type SchemaShape } from "./load-schema.ts";
import { SPEC_SCHEMAS, type SpecKind } from "./specs.ts";

const VALID: Record<SpecKind, Record<string, unknown>> = {
  apps: {
    image: "busybox",
    repo: "/src/web",
    mount: "/web",
    depends: { apps: [], libs: [], services: [] },
    conditional_links: { apps: [], services: [] },
    host_forwarding: [{ host_name: "web.local", host_port: 80, container_port: 80 }],
    commands: { always: ["serve"], once: [] },
    scripts: [{ name: "s", command: ["a"] }],
    assets: [{ name: "key", path: "/key" }],
    compose: { environment: { A: "1" } },
    test: { once: [], suites: [{ name: "unit", command: ["t"], compose: {}, services: [] }] },
  },
  libs: { repo: "/src/lib", mount: "/lib", install: [], depends: { libs: [] }, assets: [], test: { suites: [] } },
  services: { image: "postgres", volumes: ["/data"], environment: { A: "1" } },
  bundles: { description: "d", apps: ["web"], services: [] },
};

const WRONG: unknown[] = [[], ["serve"], [null], { a: 1 }, "serve", 7, null];

/** Every key path of `data` that its schema knows, down through mappings and the first list item. */
function listPaths(schema: SchemaShape, data: unknown, path: KeyPath = []): KeyPath[] {
  const inner = unwrapSchema(schema);
  const out: KeyPath[] = [];
  if (inner.entries && data && typeof data === "object" && !Array.isArray(data)) {
    for (const [key, value] of Object.entries(data)) {
      const entry = inner.entries[key];
      if (entry) out.push([...path, key], ...listPaths(entry, value, [...path, key]));
    }
  } else if (inner.type === "array" && inner.item && Array.isArray(data) && data.length > 0) {
    out.push(...listPaths(inner.item, data[0], [...path, 0]));
  }
  return out;
}

function withValue(data: unknown, path: KeyPath, value: unknown): unknown {
  if (path.length === 0) return value;
  const copy: any = Array.isArray(data) ? [...data] : { ...(data as object) };
  copy[path[0]!] = withValue(copy[path[0]!], path.slice(1), value);
  return copy;
}

for (const kind of Object.keys(VALID) as SpecKind[]) {
  test(`loadSpecs() never drops a ${kind} spec without an error, whatever shape a key has`, () => {
    const base = VALID[kind];
    const paths = kind === "services" ? Object.keys(base).map((k) => [k]) : listPaths(SPEC_SCHEMAS[kind] as unknown as SchemaShape, base);
    expect(paths.length).toBeGreaterThanOrEqual(kind === "apps" ? 20 : 3);
    const vanished: string[] = [];
    for (const path of paths) {
      for (const value of WRONG) {
        const file = { path: `${kind}/x.yml`, text: stringify(withValue(base, path, value)) };
        for (const loaded of [loadSpecs([file]), loadSpecs([file], { parseYaml: (t) => Bun.YAML.parse(t) })]) {
          const present = Object.hasOwn(loaded.specs[kind], "x");
          // Loaded, or at least one real error: the loader's last-net message would not say where the problem is.
          const errors = loaded.diagnostics.filter((d) => d.severity === "error" && !d.message.includes("does not match the spec schema"));
          if (!present && errors.length === 0) {
            vanished.push(`${formatKeyPath(path)} = ${JSON.stringify(value)}: ${errors.map(formatDiagnostic).join("; ") || "no error"}`);
          }
        }
      }
    }
    expect(vanished).toEqual([]);
  });
}

test("loadSpecs() reports a list where a mapping belongs once, at the key's value", () => {
  const loaded = loadSpecs([{ path: "apps/web.yml", text: "image: busybox\ncommands:\n  - serve\n" }]);
  expect(loaded.specs.apps).toEqual({});
  expect(Object.keys(loaded.sources)).toEqual(["apps/web"]);
  expect(loaded.diagnostics.map(formatDiagnostic)).toEqual(["apps/web.yml:3:3: commands: expected a mapping, got a list"]);
});
