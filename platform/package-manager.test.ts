// Real dpkg-query on this Debian machine, and a Homebrew-shaped Cellar in a temp folder.
import { afterAll, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findPackageOwner } from "./package-manager.ts";
import { run } from "./run.ts";

const scratch = mkdtempSync(join(tmpdir(), "dusty-package-owner-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const options = { run: (argv: string[]) => run(argv, { timeoutMs: 30_000 }) };

test("findPackageOwner() names the package dpkg installed a file from", async () => {
  expect(await findPackageOwner("/usr/bin/dpkg", options)).toEqual({
    manager: "dpkg",
    packageName: "dpkg",
    upgradeWith: "apt (`sudo apt install ./dpkg_<version>_<arch>.deb` with the release's package)",
  });
});

test("findPackageOwner() knows a binary Homebrew linked from its Cellar, by the link or the file", async () => {
  const cellar = join(scratch, "Cellar", "dusty", "1.0.0", "bin");
  mkdirSync(cellar, { recursive: true });
  writeFileSync(join(cellar, "dusty"), "");
  mkdirSync(join(scratch, "bin"));
  symlinkSync(join(cellar, "dusty"), join(scratch, "bin", "dusty"));
  for (const path of [join(scratch, "bin", "dusty"), join(cellar, "dusty")]) {
    expect((await findPackageOwner(path, options))?.manager).toBe("Homebrew");
  }
});

test("findPackageOwner() finds no owner for a binary copied by hand, nor where dpkg is missing", async () => {
  const path = join(scratch, "dusty");
  writeFileSync(path, "");
  expect(await findPackageOwner(path, options)).toBeUndefined();
  const noDpkg = { run: (argv: string[]) => run(argv, { env: { PATH: scratch } }) };
  expect(await findPackageOwner("/usr/bin/dpkg", noDpkg)).toBeUndefined();
});
