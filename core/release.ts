/**
 * What a dusty release is: its targets, its file names, SHA256SUMS, the release index, and the choice
 * `dusty upgrade` makes between two versions. A release URL holds `index.json` and one folder per version:
 *
 *   <release_url>/index.json                                 {"latest": "0.2.0", "versions": ["0.1.0", "0.2.0"]}
 *   <release_url>/<version>/SHA256SUMS                        what `make release` writes into dist/release/
 *   <release_url>/<version>/dusty-<version>-<os>-<arch>.tar.gz
 */

/** Every `<os>-<arch>` a release is built for, in the order `make release` builds them. */
export const RELEASE_TARGETS = ["darwin-arm64", "darwin-x64", "linux-x64", "linux-arm64"] as const;
export type ReleaseTarget = (typeof RELEASE_TARGETS)[number];

/** The release's checksum file: `sha256sum` output, one `<hex>  <file>` line per tarball and package. */
export const SHA256SUMS_FILE = "SHA256SUMS";
/** The release index file under the release URL. */
export const RELEASE_INDEX_FILE = "index.json";

/** The tarball of one target; it unpacks to a folder of the same name without `.tar.gz`. */
export function tarballName(version: string, target: string): string {
  return `${tarballFolder(version, target)}.tar.gz`;
}

/** The one folder a tarball holds: the binary `dusty`, README.md, and completions/ and man/ when they exist. */
export function tarballFolder(version: string, target: string): string {
  return `dusty-${version}-${target}`;
}

/** The release target of a machine (Node's platform and arch names), or undefined when dusty has none for it. */
export function releaseTargetFor(platform: string, arch: string): ReleaseTarget | undefined {
  const target = `${platform}-${arch}`;
  return (RELEASE_TARGETS as readonly string[]).includes(target) ? (target as ReleaseTarget) : undefined;
}

/** SHA256SUMS text → file name → lowercase hex digest. Lines that are not `<64 hex> [ *]<name>` are skipped. */
export function parseSha256Sums(text: string): Map<string, string> {
  const sums = new Map<string, string>();
  for (const line of text.split("\n")) {
    const match = /^([0-9a-fA-F]{64}) [ *](.+)$/.exec(line.trimEnd());
    if (match) sums.set(match[2]!, match[1]!.toLowerCase());
  }
  return sums;
}

/** The release index: which versions the release URL holds, and the newest. */
export interface ReleaseIndex {
  latest: string;
  versions: string[];
}

/** A version dusty can compare: MAJOR.MINOR.PATCH with an optional -prerelease. */
const VERSION_PATTERN = /^(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?$/;

/** True for a version `compareVersions` understands (and that is safe in a URL and a file name). */
export function isVersion(text: string): boolean {
  return VERSION_PATTERN.test(text);
}

/** Reads index.json's text; returns the index, or the problem as a sentence. */
export function parseReleaseIndex(text: string): ReleaseIndex | { error: string } {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { error: "it is not JSON" };
  }
  const { latest, versions } = (data ?? {}) as { latest?: unknown; versions?: unknown };
  if (typeof latest !== "string" || !isVersion(latest)) return { error: `"latest" is not a version like 1.2.3` };
  const list = Array.isArray(versions) ? versions : [latest];
  const bad = list.find((version) => typeof version !== "string" || !isVersion(version));
  if (bad !== undefined) return { error: `"versions" holds ${JSON.stringify(bad)}, not a version like 1.2.3` };
  return { latest, versions: list as string[] };
}

/** Semantic-version order: negative when a < b, 0 when equal, positive when a > b; a prerelease sorts before its release. */
export function compareVersions(a: string, b: string): number {
  const [pa, pb] = [VERSION_PATTERN.exec(a), VERSION_PATTERN.exec(b)];
  if (!pa || !pb) throw new Error(`Cannot compare versions "${a}" and "${b}": expected MAJOR.MINOR.PATCH`);
  for (let i = 1; i <= 3; i++) {
    const difference = Number(pa[i]) - Number(pb[i]);
    if (difference !== 0) return Math.sign(difference);
  }
  if (pa[4] === pb[4]) return 0;
  if (pa[4] === undefined) return 1;
  if (pb[4] === undefined) return -1;
  return comparePrerelease(pa[4], pb[4]!);
}

function comparePrerelease(a: string, b: string): number {
  const [xs, ys] = [a.split("."), b.split(".")];
  for (let i = 0; i < Math.max(xs.length, ys.length); i++) {
    const [x, y] = [xs[i], ys[i]];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const numeric = /^\d+$/.test(x) && /^\d+$/.test(y);
    const difference = numeric ? Number(x) - Number(y) : x < y ? -1 : x > y ? 1 : 0;
    if (difference !== 0) return Math.sign(difference);
  }
  return 0;
}

/** What `dusty upgrade` does, decided from the versions alone. */
export type UpgradeDecision =
  | { action: "install"; version: string; direction: "upgrade" | "downgrade" | "reinstall" }
  | { action: "none"; why: "installed" | "older" };

/** Decides whether to install `wanted` over `current`: a downgrade or a reinstall only with force. */
export function decideUpgrade(current: string, wanted: string, options: { force?: boolean } = {}): UpgradeDecision {
  const order = compareVersions(wanted, current);
  if (order > 0) return { action: "install", version: wanted, direction: "upgrade" };
  if (options.force) return { action: "install", version: wanted, direction: order < 0 ? "downgrade" : "reinstall" };
  return { action: "none", why: order === 0 ? "installed" : "older" };
}
