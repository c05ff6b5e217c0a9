/**
 * `dusty upgrade`'s work: find the release, download this machine's tarball, check it against the
 * release's SHA256SUMS, check that the binary inside runs and is the version asked for, and only then
 * replace the installed binary in one rename (platform/atomic-write.ts keeps its mode and owner).
 * Any failure before the rename leaves the installed binary exactly as it was.
 */
import { constants } from "node:fs";
import { access, mkdtemp, realpath, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import {
  decideUpgrade,
  isVersion,
  parseReleaseIndex,
  parseSha256Sums,
  RELEASE_INDEX_FILE,
  SHA256SUMS_FILE,
  tarballFolder,
  tarballName,
  type ReleaseTarget,
} from "../core/release.ts";
import { writeFileAtomic } from "./atomic-write.ts";
import { UserError } from "./errors.ts";
import { findPackageOwner } from "./package-manager.ts";
import { downloadReleaseFile, fetchReleaseText } from "./release-download.ts";
import { run, runChecked } from "./run.ts";

/** What to upgrade, from where. */
export interface SelfUpgradeOptions {
  /** The installed binary (process.execPath). */
  binaryPath: string;
  currentVersion: string;
  target: ReleaseTarget;
  /** The release URL base (core/release.ts describes its layout). */
  releaseUrl: string;
  /** The version to install; default: the index's latest. */
  version?: string;
  /** Install an older version, or the same one again. */
  force?: boolean;
  /** Progress lines for the user. */
  progress: (line: string) => void;
}

/** What upgradeSelf() did. */
export type SelfUpgradeResult =
  | { kind: "installed"; version: string; direction: "upgrade" | "downgrade" | "reinstall"; path: string }
  | { kind: "up-to-date"; version: string };

/** Replaces the installed dusty with another release; throws a UserError (nothing replaced) on any problem. */
export async function upgradeSelf(options: SelfUpgradeOptions): Promise<SelfUpgradeResult> {
  const path = await realpath(options.binaryPath).catch(() => options.binaryPath);
  const owner = await findPackageOwner(options.binaryPath, { run: (argv) => run(argv, { timeoutMs: 30_000 }) });
  if (owner) {
    throw new UserError(
      `Cannot upgrade ${options.binaryPath}: ${owner.manager} installed it (package "${owner.packageName}"), and would not know about a replaced binary. ` +
        `Upgrade it with ${owner.upgradeWith}`,
    );
  }
  const base = options.releaseUrl.replace(/\/+$/, "");
  if (base === "") {
    throw new UserError(
      "Cannot upgrade dusty: no release URL is set. Set it with `sudo dusty config set release_url https://…` (or DUSTY_RELEASE_URL) to where the releases are published (…/index.json, …/<version>/SHA256SUMS)",
    );
  }
  if (!/^https?:\/\//.test(base)) {
    throw new UserError(`Cannot upgrade dusty: the release URL "${options.releaseUrl}" is not an http(s) URL. Set release_url (or DUSTY_RELEASE_URL) to where the releases are published`);
  }
  const version = options.version ?? (await latestVersion(base));
  if (!isVersion(version)) throw new UserError(`Cannot upgrade dusty: "${version}" is not a version like 1.2.3. Give one of the versions in ${base}/${RELEASE_INDEX_FILE}`);
  const decision = decideUpgrade(options.currentVersion, version, { force: options.force });
  if (decision.action === "none") {
    if (decision.why === "installed") return { kind: "up-to-date", version };
    throw new UserError(`Cannot downgrade dusty from ${options.currentVersion} to ${version}: it is older. Add --force to install it anyway`);
  }
  try {
    await access(dirname(path), constants.W_OK);
  } catch {
    throw new UserError(`Cannot replace ${path}: no permission to write in ${dirname(path)}. Run \`sudo dusty upgrade\``);
  }

  const work = await mkdtemp(join(tmpdir(), "dusty-upgrade-"));
  try {
    const binary = await fetchVerifiedBinary({ base, version, target: options.target, work, progress: options.progress });
    await writeFileAtomic(path, await Bun.file(binary).bytes());
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  return { kind: "installed", version, direction: decision.direction, path };
}

async function latestVersion(base: string): Promise<string> {
  const url = `${base}/${RELEASE_INDEX_FILE}`;
  const index = parseReleaseIndex(await fetchReleaseText(url));
  if ("error" in index) throw new UserError(`Cannot read the release index ${url}: ${index.error}. Fix the index, or name the version: \`dusty upgrade 1.2.3\``);
  return index.latest;
}

interface FetchOptions {
  base: string;
  version: string;
  target: ReleaseTarget;
  work: string;
  progress: (line: string) => void;
}

/** Downloads and unpacks the tarball, and returns the path of a binary that matched SHA256SUMS and ran. */
async function fetchVerifiedBinary({ base, version, target, work, progress }: FetchOptions): Promise<string> {
  const tarball = tarballName(version, target);
  const sumsUrl = `${base}/${version}/${SHA256SUMS_FILE}`;
  const expected = parseSha256Sums(await fetchReleaseText(sumsUrl)).get(tarball);
  if (!expected) throw new UserError(`Cannot upgrade to dusty ${version}: ${sumsUrl} lists no ${tarball}. This release has no build for ${target}`);

  const url = `${base}/${version}/${tarball}`;
  progress(`Downloading ${url}`);
  const file = join(work, tarball);
  const download = await downloadReleaseFile(url, file);
  if (download.sha256 !== expected) {
    throw new UserError(
      `Cannot upgrade to dusty ${version}: ${tarball} (${download.bytes} bytes) has sha256 ${download.sha256}, but ${SHA256SUMS_FILE} says ${expected}. ` +
        "Nothing was replaced. Try again; if it persists, the release is damaged: tell its publisher",
    );
  }
  const member = `${tarballFolder(version, target)}/dusty`;
  try {
    await runChecked(["tar", "-xzf", file, "-C", work, member], { timeoutMs: 120_000 });
  } catch (error) {
    throw new UserError(`Cannot unpack ${tarball}: ${(error as Error).message}. Nothing was replaced`);
  }
  const binary = join(work, member);
  // Proof it runs on this machine and is what was asked for, before it replaces anything.
  const check = await run([binary, "-v"], { timeoutMs: 60_000 }).catch((error: Error) => ({ exitCode: -1, stdout: "", stderr: error.message }));
  if (check.exitCode !== 0 || check.stdout.trim() !== `Dusty version ${version}`) {
    const said = (check.stdout.trim() || check.stderr.trim() || `exit code ${check.exitCode}`).split("\n")[0];
    throw new UserError(`Cannot upgrade to dusty ${version}: the downloaded binary does not run as dusty ${version} here (\`dusty -v\` said: ${said}). Nothing was replaced`);
  }
  return binary;
}
