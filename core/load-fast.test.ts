import { expect, test } from "bun:test";
import { isPlainYaml, mayRepeatKey } from "./load-fast.ts";

test("mayRepeatKey() finds a key repeated in the same mapping", () => {
  expect(mayRepeatKey("a: 1\nb: 2\na: 3\n")).toBe(true);
  expect(mayRepeatKey("depends:\n  apps: []\n  apps: [x]\n")).toBe(true);
  expect(mayRepeatKey("host_forwarding:\n  - host_name: a\n    host_port: 80\n    host_name: b\n")).toBe(true);
});

test("mayRepeatKey() accepts the same key in different mappings", () => {
  const spec = [
    "depends:",
    "  apps: [web]",
    "conditional_links:",
    "  apps: [api]",
    "host_forwarding:",
    "  - host_name: a",
    "    host_port: 80",
    "  - host_name: b",
    "    host_port: 81",
    "commands:",
    "  always:",
    "    - |",
    "      name: not a key",
    "      name: still not a key",
    "scripts:",
    "  - name: x",
    "    command: [a]",
  ].join("\n");
  expect(mayRepeatKey(spec)).toBe(false);
});

test("isPlainYaml() sends anchors, aliases, flow mappings and tags to the careful parser", () => {
  expect(isPlainYaml("a: &x 1\nb: *x\n")).toBe(false);
  expect(isPlainYaml("a: {b: 1}\n")).toBe(false);
  expect(isPlainYaml("a: !!str 1\n")).toBe(false);
  expect(isPlainYaml("---\na: 1\n")).toBe(false);
  expect(isPlainYaml("a:\n\t- 1\n")).toBe(false);
  expect(isPlainYaml("image: busybox\ncommands:\n  always:\n    - echo a*b & wait\n")).toBe(true);
});

import { readdirSync, readFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { formatDiagnostic } from "./diagnostics.ts";
import { loadSpecs, type SpecFile } from "./load.ts";
import { SPEC_KINDS } from "./specs.ts";
import { validateSpecs } from "./validate.ts";

const FIXTURES = join(import.meta.dir, "..", "fixtures");

function readCase(dir: string): SpecFile[] {
  return SPEC_KINDS.flatMap((kind) =>
    existsSync(join(dir, kind))
      ? readdirSync(join(dir, kind)).sort().filter((n) => n.endsWith(".yml")).map((n) => ({ path: `${kind}/${n}`, text: readFileSync(join(dir, kind, n), "utf8") }))
      : [],
  );
}

test("loadSpecs() gives the same specs and diagnostics with and without the fast parser, on every fixture", () => {
  const cases = readdirSync(FIXTURES).filter((n) => !n.startsWith("_"));
  let fastFiles = 0;
  for (const name of cases) {
    const files = readCase(join(FIXTURES, name));
    fastFiles += files.filter((f) => isPlainYaml(f.text)).length;
    const careful = loadSpecs(files);
    const fast = loadSpecs(files, { parseYaml: (text) => Bun.YAML.parse(text) });
    const report = (l: typeof careful) => [...l.diagnostics, ...validateSpecs(l)].map(formatDiagnostic).sort();
    expect({ name, specs: fast.specs, diagnostics: report(fast) }).toEqual({ name, specs: careful.specs, diagnostics: report(careful) });
  }
  // The comparison means something only if many files really took the fast path.
  expect(fastFiles).toBeGreaterThan(20);
});
