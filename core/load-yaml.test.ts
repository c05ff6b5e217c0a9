import { expect, test } from "bun:test";
import { formatDiagnostic, hasErrors } from "./diagnostics.ts";
import { loadSpecs } from "./load.ts";
import { parseSpecYaml } from "./load-yaml.ts";

// Hostile or broken input: each must come back as diagnostics, never as an exception or a hang.
const GARBAGE: Record<string, string> = {
  binary: "\u0000\u0001\u0002\u00ff\ufffe\ud800: \u0007\n\u001b[31m",
  random: Array.from({ length: 2000 }, (_, i) => String.fromCharCode((i * 7919) % 0x3000)).join(""),
  deepFlow: "[".repeat(10_000) + "]".repeat(10_000),
  deepBlock: Array.from({ length: 200 }, (_, i) => `${" ".repeat(i)}a:`).join("\n"),
  hugeNumbers: "image: x\nhost_forwarding:\n  - {host_name: a, host_port: 1e400, container_port: 99999999999999999999999}\n",
  tabs: "image: x\ndepends:\n\tapps: []\n",
  duplicateKeys: "image: x\nimage: y\n",
  aliasBomb: "a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ncompose: [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n",
  recursiveAlias: "image: x\ncompose: &c\n  labels: *c\n",
  recursiveMerge: "image: x\ncompose: &c\n  <<: *c\n",
  undefinedAlias: "image: *nowhere\n",
  badMerge: "image: x\ncompose:\n  <<: 42\n",
  protoKeys: "__proto__: {image: x}\nconstructor: 1\nimage: x\n",
  nonStringKeys: "? [a, b]\n: 1\n1: 2\nimage: x\n",
  manyErrors: "]\n".repeat(500),
  onlyComment: "# nothing here\n",
};

test("loadSpecs() turns garbage into diagnostics, never exceptions", () => {
  for (const [name, text] of Object.entries(GARBAGE)) {
    let loaded = loadSpecs([]);
    expect(() => (loaded = loadSpecs([{ path: `apps/${name.toLowerCase()}.yml`, text }]))).not.toThrow();
    expect({ name, errors: hasErrors(loaded.diagnostics) }).toEqual({ name, errors: true });
    for (const d of loaded.diagnostics) expect(formatDiagnostic(d)).not.toContain("    at ");
  }
});

test("parseSpecYaml() keeps an unknown tag's value and warns", () => {
  const { data, ok, diagnostics } = parseSpecYaml("a.yml", "image: !custom x\n");
  expect({ data, ok }).toEqual({ data: { image: "x" }, ok: true });
  expect(diagnostics.map(formatDiagnostic)).toEqual(["a.yml:1:8: warning: unresolved tag: !custom"]);
});

test("parseSpecYaml() reports duplicate keys and tabs at their line and column", () => {
  expect(parseSpecYaml("a.yml", "image: x\nimage: y\n").diagnostics.map(formatDiagnostic)).toEqual([
    "a.yml:2:1: duplicate key: each key may appear once in a mapping",
  ]);
  expect(parseSpecYaml("a.yml", "a:\n\tb: 1\n").diagnostics.map(formatDiagnostic)).toEqual([
    "a.yml:2:1: invalid YAML: tabs are not allowed as indentation",
  ]);
});

test("parseSpecYaml() rejects alias bombs and self-containing aliases", () => {
  expect(parseSpecYaml("a.yml", GARBAGE.aliasBomb!).diagnostics.map(formatDiagnostic)).toEqual([
    "a.yml: aliases expand to too much data: use fewer nested aliases",
  ]);
  expect(parseSpecYaml("a.yml", GARBAGE.recursiveAlias!).diagnostics.map(formatDiagnostic)).toEqual([
    "a.yml:3:11: alias *c refers to a node that contains it",
  ]);
});

test("parseSpecYaml() caps a flood of syntax errors", () => {
  const { diagnostics, ok } = parseSpecYaml("a.yml", GARBAGE.manyErrors!);
  expect(ok).toBe(false);
  expect(diagnostics.length).toBe(11);
  expect(diagnostics.at(-1)?.message).toMatch(/^\d+ more YAML errors not shown$/);
});

test("parseSpecYaml() reads YAML 1.2 with merge keys: `yes` and `80:80` stay strings", () => {
  const { data } = parseSpecYaml("a.yml", "base: &b {x: 1}\nm:\n  <<: *b\n  y: yes\n  p: 80:80\n");
  expect(data).toEqual({ base: { x: 1 }, m: { x: 1, y: "yes", p: "80:80" } });
});
