/**
 * Whether a dusty binary belongs to a package manager. `dusty upgrade` must not replace such a binary:
 * the package manager would still record the old version, and its next upgrade or removal would fight ours.
 */
import { realpath } from "node:fs/promises";
import { CommandNotFoundError } from "./run.ts";
import type { CommandResult } from "./service-install.ts";

/** The package manager that installed a binary, and how to upgrade through it. */
export interface PackageOwner {
  manager: "Homebrew" | "dpkg";
  /** The package's name (dpkg) or "dusty" (Homebrew). */
  packageName: string;
  /** The command that upgrades it, for the message. */
  upgradeWith: string;
}

/** How findPackageOwner asks dpkg. */
export interface PackageOwnerOptions {
  /** Runs dpkg-query; a missing program (not Debian) means "not dpkg's". */
  run: (argv: string[]) => Promise<CommandResult>;
}

/** The package manager that owns `binaryPath` (or the file it links to), or undefined for a hand-installed binary. */
export async function findPackageOwner(binaryPath: string, options: PackageOwnerOptions): Promise<PackageOwner | undefined> {
  const resolved = await realpath(binaryPath).catch(() => binaryPath);
  const paths = [...new Set([binaryPath, resolved])];
  // Homebrew installs every version under <prefix>/Cellar/<formula>/<version>/ and links bin/ to it.
  if (paths.some((path) => /\/Cellar\/[^/]+\/[^/]+\//.test(path))) {
    return { manager: "Homebrew", packageName: "dusty", upgradeWith: "`brew upgrade dusty`" };
  }
  for (const path of paths) {
    const owner = await dpkgOwner(path, options.run);
    if (owner) return { manager: "dpkg", packageName: owner, upgradeWith: `apt (\`sudo apt install ./${owner}_<version>_<arch>.deb\` with the release's package)` };
  }
  return undefined;
}

// `dpkg-query -S /usr/bin/dusty` prints "dusty: /usr/bin/dusty" for an owned file and exits 1 otherwise.
async function dpkgOwner(path: string, run: PackageOwnerOptions["run"]): Promise<string | undefined> {
  let result: CommandResult;
  try {
    result = await run(["dpkg-query", "-S", path]);
  } catch (error) {
    if (error instanceof CommandNotFoundError) return undefined;
    throw error;
  }
  if (result.exitCode !== 0) return undefined;
  for (const line of result.stdout.split("\n")) {
    // "pkg1, pkg2: /path", or "diversion by pkg from: /path" lines, which are not owners.
    const match = /^([^:\s][^:]*): (.+)$/.exec(line);
    if (match && match[2] === path && !match[1]!.startsWith("diversion ")) return match[1]!.split(",")[0]!.trim();
  }
  return undefined;
}
