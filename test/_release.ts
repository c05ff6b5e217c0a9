/**
 * Test releases made by the real scripts/release.sh, in a temp folder laid out like a release URL:
 * <root>/<version>/{SHA256SUMS, tarballs, .debs}. Each test file makes its own and removes it in afterAll
 * (bun test fires no process "exit" event, so nothing could clean up a folder shared between files).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { VERSION } from "../cmd/_version.ts";
import { RELEASE_TARGETS } from "../core/release.ts";
import { ROOT } from "./harness.ts";

/** A version newer than the one dist/dusty is built with: what a test upgrade installs. */
export const NEXT_VERSION = VERSION.replace(/^(\d+)\.(\d+)\.(\d+).*$/, (_, major, minor, patch) => `${major}.${minor}.${Number(patch) + 1}`);

/** How long a release build may take on a loaded 2-core machine (each target compiles and compresses ~110 MB). */
export const RELEASE_BUILD_TIMEOUT_MS = 300_000;

/** A folder of test releases. */
export class TestReleases {
  /** The folder served as the release URL in tests. */
  readonly root = mkdtempSync(join(tmpdir(), "dusty-release-test-"));

  /** Builds the release of `version` for `targets` into <root>/<version>/; resolves with that folder. */
  async build(version: string, targets: readonly string[] = RELEASE_TARGETS): Promise<string> {
    const folder = join(this.root, version);
    const child = Bun.spawn(["bash", "scripts/release.sh", "--out", folder, "--version", version, "--formula", this.formulaPath(version), ...targets], {
      cwd: ROOT,
      // Level 1 compresses 2.4 times faster here; the release is otherwise the one `make release` makes.
      env: { ...process.env, GZIP_LEVEL: "1", RELEASE_URL: "" },
      stdout: "pipe",
      stderr: "pipe",
    });
    const [stdout, stderr, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
    if (code !== 0) throw new Error(`scripts/release.sh ${version} ${targets.join(" ")} exited with ${code}:\n${stdout}${stderr}`);
    return folder;
  }

  /** Where build() asks for the Homebrew formula (written only when every target is built). */
  formulaPath(version: string): string {
    return join(this.root, `formula-${version}`, "dusty.rb");
  }

  remove(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** The sha256 (hex) of a file, read as a stream (release files are ~55 MB). */
export async function sha256Of(path: string): Promise<string> {
  const hasher = new Bun.CryptoHasher("sha256");
  for await (const chunk of Bun.file(path).stream()) hasher.update(chunk);
  return hasher.digest("hex");
}
