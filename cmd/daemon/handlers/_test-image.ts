/**
 * The test image of an app or lib: its base (`test.image` or `test.build`), then the lib installs and
 * `test.once` run in a container with the repos mounted, committed as `dusty/test_<name>:<content key>`.
 * Reused while the key is unchanged; a rebuild removes the images it replaces. One build per name at a
 * time: a second run for the same app waits here and then finds the image the first one built.
 */
import { isAbsolute, join } from "node:path";
import { computeTestImageKey } from "../../../core/test-image-key.ts";
import { prepCommand, testBaseImageRef, testImageRef, testRunName, type TestRepo, type TestTarget } from "../../../core/test-plan.ts";
import type { Specs } from "../../../core/specs.ts";
import { localImageId, type DockerEnv } from "../../../platform/docker.ts";
import { UserError } from "../../../platform/errors.ts";
import { localRepoPath } from "../../../platform/repos.ts";
import {
  buildBaseImage,
  commitTestImage,
  pruneTestImages,
  removeContainerIfPresent,
  runPrepContainer,
  TEST_NAME_LABEL,
  TEST_RUN_LABEL,
} from "../../../platform/test-runs.ts";
import type { DockerHost } from "../../../platform/vm/index.ts";
import type { DaemonState } from "./_state.ts";
import { TEST_LOCKS } from "./_test-lock.ts";
import { syncCommandFiles, syncTestRepos } from "./_test-prepare.ts";
import type { CommandContext } from "./_types.ts";

/** What `ensureTestImage()` needs. */
export interface TestImageRequest {
  specs: Specs;
  target: TestTarget;
  repos: readonly TestRepo[];
  /** `host:container` mounts of the preparation container. */
  mounts: readonly string[];
  state: DaemonState;
  host: DockerHost;
  /** `host.dockerEnv()`, read once for the run. */
  env: DockerEnv;
  ctx: CommandContext;
  runId: string;
  /** Build even when an image for the key exists. */
  recreate: boolean;
}

/** Syncs what the image is made from, then returns the reference of an up-to-date test image, building it if needed. */
export async function ensureTestImage(request: TestImageRequest): Promise<string> {
  const { target, ctx } = request;
  const release = await TEST_LOCKS.acquire([`image:${target.name}`], ctx.signal);
  try {
    const prepScript = await syncCommandFiles(target, { ...request, signal: ctx.signal });
    const revisions = await syncTestRepos(request.repos, request);
    const baseImageId = await resolveBaseImage(request);
    const key = await computeTestImageKey({ name: target.name, prepScript, baseImageId, mounts: request.mounts, repos: revisions });
    const ref = testImageRef(target.name, key);
    if (!request.recreate && (await localImageId(ref, request))) {
      ctx.log(`Using the test image ${ref}: its base image, once commands and repos are unchanged`);
      return ref;
    }
    ctx.log(request.recreate ? `Recreating the test image ${ref} (--recreate)` : `Creating the test image ${ref}, with the installed dependencies of ${target.name}`);
    const id = await buildTestImage(request, { baseImageId, ref, key });
    const removed = await pruneTestImages(target.name, id, request);
    if (removed > 0) ctx.log(`Removed ${removed} older test image${removed === 1 ? "" : "s"} of ${target.name}`);
    return ref;
  } finally {
    release();
  }
}

/** The id of the base image: `test.image` as found locally (never pulled), or `test.build` built. */
async function resolveBaseImage(request: TestImageRequest): Promise<string> {
  const { target, ctx } = request;
  const { image, build } = target.spec.test;
  if (build !== undefined) {
    const context = buildContext(request, build);
    ctx.log(`Building the base image from ${context}`);
    return buildBaseImage(context, testBaseImageRef(target.name), { signal: ctx.signal, env: request.env });
  }
  if (image !== undefined) {
    const id = await localImageId(image, request);
    if (id) return id;
    throw new UserError(
      `Cannot test ${target.name}: its test image ${image} is not on this machine, and dusty does not pull images. ` +
        `Get it first (\`docker pull ${image}\`, or build it), then run the test again`,
    );
  }
  throw new UserError(`Cannot test ${target.name}: its spec has neither test.image nor test.build. Set one of them to the image the tests start from`);
}

/** An absolute `test.build` as written; a relative one inside the checkout of the app's or lib's repo (the original passed it to docker as is). */
function buildContext(request: TestImageRequest, build: string): string {
  if (isAbsolute(build)) return build;
  const { repo } = request.target.spec;
  if (repo === "") {
    throw new UserError(`Cannot test ${request.target.name}: test.build "${build}" is relative but the spec has no repo to resolve it in. Make it an absolute path`);
  }
  return join(localRepoPath(repo, request.state.config, request.state.locations), build);
}

/** Runs the preparation container, commits it, and removes it whatever happened. */
async function buildTestImage(request: TestImageRequest, image: { baseImageId: string; ref: string; key: string }): Promise<string> {
  const { target, ctx } = request;
  const containerName = testRunName(target.name, request.runId, "prep");
  try {
    ctx.log("Running the lib installs and test.once to create the image:");
    const exitCode = await runPrepContainer({
      containerName,
      image: image.baseImageId,
      mounts: request.mounts,
      labels: { [TEST_RUN_LABEL]: request.runId, [TEST_NAME_LABEL]: target.name },
      command: prepCommand(target.name),
      signal: ctx.signal,
      onLine: (line) => ctx.log(line),
      env: request.env,
    });
    if (exitCode !== 0) {
      throw new UserError(
        `Cannot create the test image of ${target.name}: its lib installs and test.once failed with exit code ${exitCode} (output above). Fix them in the specs and run the test again`,
      );
    }
    const id = await commitTestImage(containerName, image.ref, { name: target.name, key: image.key, env: request.env });
    ctx.log(`Created the test image ${image.ref}`);
    return id;
  } finally {
    await removeContainerIfPresent(containerName, request);
  }
}
