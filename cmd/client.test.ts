import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { describeConnectFailure } from "./client.ts";

const errno = (code: string) => Object.assign(new Error("Failed to connect"), { code });

test("describeConnectFailure() names the path and the reason, and says how to fix it", () => {
  expect(describeConnectFailure("/run/d.sock", errno("ENOENT"))).toBe(
    'Cannot connect to the dusty daemon at "/run/d.sock": no such file. Start it with `sudo dusty -d`',
  );
  expect(describeConnectFailure("/run/d.sock", errno("ECONNREFUSED"))).toBe(
    'Cannot connect to the dusty daemon at "/run/d.sock": connection refused. Start it with `sudo dusty -d`',
  );
  expect(describeConnectFailure("/run/d.sock", errno("EACCES"))).toBe(
    'Cannot connect to the dusty daemon at "/run/d.sock": permission denied. ' +
      'Run dusty with sudo, or ask an admin to add you to the group "dusty" (then log in again)',
  );
});

/**
 * Every package a file brings into the compiled binary's start-up, following relative imports. Dynamic
 * imports count too: the bundler hoists a lazily imported module's own package imports to the top.
 */
function startupPackages(file: string, seen = new Set<string>()): Set<string> {
  const packages = new Set<string>();
  if (seen.has(file)) return packages;
  seen.add(file);
  const text = readFileSync(file, "utf8");
  const imports = [
    ...text.matchAll(/^import\s+(?!type\s)[^;]*?from\s+["']([^"']+)["']/gm),
    ...text.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g),
  ];
  for (const match of imports) {
    const specifier = match[1]!;
    if (specifier.startsWith(".")) {
      for (const p of startupPackages(resolve(dirname(file), specifier), seen)) packages.add(p);
    } else {
      packages.add(specifier);
    }
  }
  return packages;
}

test("cmd/version.ts and cmd/client.ts bring no heavy package into start-up, not even lazily", () => {
  const packages = startupPackages(join(import.meta.dir, "version.ts"));
  expect(packages.has("citty")).toBe(true);
  expect([...packages].filter((p) => ["consola", "yaml", "valibot"].includes(p))).toEqual([]);
  expect([...packages].sort()).toEqual(["citty", "node:fs", "node:path"]);
});
