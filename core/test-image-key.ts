/**
 * The content key of a test image: a test image is reused for as long as everything it was made from is
 * unchanged, and rebuilt when any of it changes. The original compared only the repos' commits (kept in
 * the config), so a changed `once`, lib install or base image went unnoticed until `--recreate`.
 */

/** Bump when the way dusty builds test images changes, so images made the old way are rebuilt. */
export const TEST_IMAGE_KEY_VERSION = 1;
/** How many hex digits of the SHA-256 the key keeps (96 bits: collisions are not a practical concern). */
const KEY_LENGTH = 24;

/** One repo mounted while the image was prepared, and which version of it. */
export interface RepoRevision {
  url: string;
  /** `commit:<sha>` for a managed clone, `content:<digest>` for an overridden folder (uncommitted work counts). */
  revision: string;
}

/** Everything a test image is made from. */
export interface TestImageKeyInput {
  /** The app or lib. */
  name: string;
  /**
   * The image preparation script (lib installs, the `cd` into the mount, `test.once`): the part of the test
   * spec the image depends on. Suites are not part of it: their commands are mounted at run time.
   */
  prepScript: string;
  /** The id (`sha256:…`) of the base image, from `test.image` or built from `test.build`. */
  baseImageId: string;
  /** `host:container` mounts of the preparation container. */
  mounts: readonly string[];
  repos: readonly RepoRevision[];
}

/** The key: 24 hex digits, usable as a Docker tag. The same input always gives the same key, whatever the order of mounts and repos. */
export async function computeTestImageKey(input: TestImageKeyInput): Promise<string> {
  const canonical = JSON.stringify({
    version: TEST_IMAGE_KEY_VERSION,
    name: input.name,
    prepScript: input.prepScript,
    baseImageId: input.baseImageId,
    mounts: [...input.mounts].sort(),
    repos: [...input.repos].sort((a, b) => (a.url < b.url ? -1 : a.url > b.url ? 1 : 0)).map((r) => [r.url, r.revision]),
  });
  // Web Crypto is the one SHA-256 that Bun, Node and Deno share, which keeps this file runtime-neutral.
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(canonical));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("").slice(0, KEY_LENGTH);
}
