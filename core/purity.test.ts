// core/ must stay runtime-neutral (Bun, Node and Deno alike): this test keeps the rule true by itself.
import { expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const FORBIDDEN = [
  /from\s+["'](node:|bun:|bun["'])/, // runtime modules
  /import\(\s*["'](node:|bun)/, // dynamic imports of them
  /require\(/,
  /\bBun\./,
  /\bDeno\./,
  /\bprocess\./,
  /\bBuffer\b/,
];

function coreSources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? coreSources(join(dir, e.name)) : e.name.endsWith(".ts") && !e.name.endsWith(".test.ts") ? [join(dir, e.name)] : [],
  );
}

test("core/ imports nothing from Bun, Node or Deno", () => {
  const files = coreSources(import.meta.dir);
  expect(files.length).toBeGreaterThan(5);
  const offenders = files.flatMap((file) => {
    const text = readFileSync(file, "utf8");
    return FORBIDDEN.filter((re) => re.test(text)).map((re) => `${file}: ${re}`);
  });
  expect(offenders).toEqual([]);
});

test("core/ imports only core/ files and the allowed packages", () => {
  const allowed = new Set(["valibot", "yaml"]);
  const offenders = coreSources(import.meta.dir).flatMap((file) => {
    const specifiers = [...readFileSync(file, "utf8").matchAll(/from\s+["']([^"']+)["']/g)].map((m) => m[1]!);
    return specifiers.filter((s) => !(s.startsWith("./") || allowed.has(s))).map((s) => `${file}: ${s}`);
  });
  expect(offenders).toEqual([]);
});
