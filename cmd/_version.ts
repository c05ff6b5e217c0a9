/**
 * The version of this binary and what it was built from. The version lives in package.json only;
 * `bun build --compile` bakes package.json in, so it needs no file at run time. The commit and the
 * target are baked in by the build (`--define`, see the Makefile and scripts/release.sh); a release
 * build may also pin the version (scripts/release.sh --version) for test releases.
 */
import pkg from "../package.json" with { type: "json" };

declare const DUSTY_BUILD_VERSION: string | undefined;
declare const DUSTY_BUILD_COMMIT: string | undefined;
declare const DUSTY_BUILD_TARGET: string | undefined;
declare const DUSTY_BUILD_RELEASE_URL: string | undefined;

export const VERSION: string = typeof DUSTY_BUILD_VERSION === "string" ? DUSTY_BUILD_VERSION : pkg.version;
/** The git commit the binary was built from; "unknown" when run from source. */
export const COMMIT: string = typeof DUSTY_BUILD_COMMIT === "string" ? DUSTY_BUILD_COMMIT : "unknown";
/** `<os>-<arch>` the binary was built for (darwin-arm64, linux-x64 …); from source, the machine's. */
export const TARGET: string =
  typeof DUSTY_BUILD_TARGET === "string" ? DUSTY_BUILD_TARGET : `${process.platform}-${process.arch}`;
/** Where `dusty upgrade` looks for releases unless DUSTY_RELEASE_URL says otherwise (the Makefile's RELEASE_URL). */
export const RELEASE_URL: string = typeof DUSTY_BUILD_RELEASE_URL === "string" ? DUSTY_BUILD_RELEASE_URL : "";
