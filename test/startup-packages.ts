// For tests that keep client commands light: which packages a file brings into the binary's start-up.
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";

/** Packages that would slow every client command's start: they belong to the daemon and to compile. */
export const HEAVY_PACKAGES = ["consola", "yaml", "valibot"];

/**
 * Every package a file brings into start-up, following relative imports. Dynamic imports count too:
 * without code splitting the bundler hoists a lazily imported module's package imports to the top.
 */
export function startupPackages(file: string, seen = new Set<string>()): Set<string> {
  const packages = new Set<string>();
  if (seen.has(file)) return packages;
  seen.add(file);
  const text = readFileSync(file, "utf8");
  const imports = [
    ...text.matchAll(/^import\s+(?!type\s)[^;]*?from\s+["']([^"']+)["']/gm),
    ...text.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g),
  ];
  for (const [, specifier] of imports) {
    if (specifier!.startsWith(".")) for (const p of startupPackages(resolve(dirname(file), specifier!), seen)) packages.add(p);
    else packages.add(specifier!);
  }
  return packages;
}
