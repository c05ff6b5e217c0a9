/**
 * Test releases made by the real scripts/release.sh, at most once per version in a test run (bun runs
 * every test file in one process, so test/release.test.ts and test/upgrade.test.ts share them). They live
 * in one temp folder laid out like a release URL: <root>/<version>/{SHA256SUMS, tarballs, .debs}.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { VERSION } from "../cmd/_version.ts";
import { RELEASE_TARGETS } from "../core/release.ts";
import { ROOT } from "./harness.ts";

/** A version newer than the one dist/dusty is built with: what a test upgrade installs. */
export const NEXT_VERSION = VERSION.replace(/^(\d+)\.(\d+)\.(\d+).*$/, (_, major, minor, patch) => `${major}.${minor}.${Number(patch) + 1}`);

/** The folder served as the release URL in tests. */
export const RELEASE_ROOT = mkdtempSync(join(tmpdir(), "dusty-release-test-"));
process.on("exit", () => rmSync(RELEASE_ROOT, { recursive: true, force: true }));

/** How long a release build may take on a loaded 2-core machine (each target compiles and compresses ~110 MB). */
export const RELEASE_BUILD_TIMEOUT_MS = 300_000;

const builds = new Map<string, { targets: readonly string[]; done: Promise<string> }>();

/** Builds (or reuses) the release of `version` for at least `targets`; resolves with its folder. */
export function buildTestRelease(version: string, targets: readonly string[] = RELEASE_TARGETS): Promise<string> {
  const existing = builds.get(version);
  if (existing && targets.every((target) => existing.targets.includes(target))) return existing.done;
  const folder = join(RELEASE_ROOT, version);
  const formula = join(RELEASE_ROOT, `formula-${version}`, "dusty.rb");
  const done = (async () => {
    await existing?.done.catch(() => {});
    const child = Bun.spawn(["bash", "scripts/release.sh", "--out", folder, "--version", version, "--formula", formula, ...targets], {
      cwd: ROOT,
      // Level 1 compresses 2.4 times faster here; the release is otherwise the one `make release` makes.
      env: { ...process.env, GZIP_LEVEL: "1", RELEASE_URL: "" },
      stdout: "pipe",
      stderr: "pipe",
    });
    const [stdout, stderr, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
    if (code !== 0) throw new Error(`scripts/release.sh ${version} ${targets.join(" ")} exited with ${code}:\n${stdout}${stderr}`);
    return folder;
  })();
  builds.set(version, { targets, done });
  return done;
}

/** The Homebrew formula the full release of `version` wrote (after buildTestRelease with every target). */
export function formulaPathOf(version: string): string {
  return join(RELEASE_ROOT, `formula-${version}`, "dusty.rb");
}

/** The sha256 (hex) of a file, read as a stream (release files are ~55 MB). */
export async function sha256Of(path: string): Promise<string> {
  const hasher = new Bun.CryptoHasher("sha256");
  for await (const chunk of Bun.file(path).stream()) hasher.update(chunk);
  return hasher.digest("hex");
}
