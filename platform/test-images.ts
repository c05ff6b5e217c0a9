/**
 * The images tests and the demo run, built on this machine by scripts/build-test-images.sh (no registry
 * is needed). Tests call `ensureTestImages()` first; when the images exist that costs one `docker image
 * inspect` per image.
 */
import { resolve } from "node:path";
import { imageExists } from "./docker.ts";
import { runChecked } from "./run.ts";

/** Static busybox with its applets; CMD ["sh"]. */
export const BUSYBOX_IMAGE = "dusty-example/busybox:latest";
/** Debian's nginx with the stream module and a busybox shell; CMD ["nginx", "-g", "daemon off;"]. */
export const NGINX_IMAGE = "dusty-test/nginx:latest";
/** Every image the build script makes. */
export const TEST_IMAGES = [BUSYBOX_IMAGE, NGINX_IMAGE] as const;
/** The script that builds them. */
export const BUILD_TEST_IMAGES_SCRIPT = resolve(import.meta.dir, "../scripts/build-test-images.sh");

let ensured: Promise<void> | undefined;

/** Makes sure every test image exists, running the build script (once per process) when one is missing. */
export function ensureTestImages(): Promise<void> {
  ensured ??= buildMissingImages().catch((error) => {
    ensured = undefined; // let a later call try again
    throw error;
  });
  return ensured;
}

async function buildMissingImages(): Promise<void> {
  const present = await Promise.all(TEST_IMAGES.map((ref) => imageExists(ref)));
  if (present.every(Boolean)) return;
  // The script skips images that are up to date and holds a lock, so parallel test runs do not clash.
  await runChecked(["bash", BUILD_TEST_IMAGES_SCRIPT], { timeoutMs: 120_000 });
}
