/**
 * Docker operations of `dusty test`: base images, the image preparation container, committing and
 * pruning test images, running compose on a suite's own project, and removing everything a run started. Every container of a run carries the
 * label `dusty.test-run=<run id>`, so cleanup finds them by that label alone, whatever step failed.
 */
import type { ComposeRunner } from "./compose.ts";
import { DOCKER, localImageId, type DockerEnv, type DockerOptions } from "./docker.ts";
import { UserError } from "./errors.ts";
import { CommandFailedError, run, runChecked, type RunOptions, type RunResult } from "./run.ts";

/** Names the run a container belongs to. */
export const TEST_RUN_LABEL = "dusty.test-run";
/** Names the app or lib a test container or image is for. */
export const TEST_NAME_LABEL = "dusty.test-name";
/** On test images: the content key they were built for. */
export const TEST_KEY_LABEL = "dusty.test-key";
/** On test images only, so that pruning never touches base or user images (the images of scripts/build-test-images.sh carry `dusty.test-image=true`). */
export const TEST_IMAGE_LABEL = "dusty.test-image-of";

/** Builds `context` (a folder with a Dockerfile) as `tag` and returns the image id; the layer cache makes an unchanged build quick. */
export async function buildBaseImage(context: string, tag: string, options: DockerOptions & { signal?: AbortSignal } = {}): Promise<string> {
  const result = await run([DOCKER, "build", "--quiet", "--tag", tag, context], { signal: options.signal, env: options.env });
  if (result.exitCode !== 0) {
    const detail = (result.stderr.trim() || result.stdout.trim()).split("\n").slice(-10).join("\n");
    throw new UserError(`Cannot build the test base image from ${context}: docker build failed with exit code ${result.exitCode}:\n${detail}`);
  }
  return (await localImageId(tag, options)) ?? result.stdout.trim();
}

/** How to run the container that prepares a test image. */
export interface PrepContainerOptions extends DockerOptions {
  /** The container's name, so it can be committed and removed. */
  containerName: string;
  image: string;
  /** `host:container` bind mounts. */
  mounts: readonly string[];
  labels: Record<string, string>;
  command: readonly string[];
  signal?: AbortSignal;
  onLine?: RunOptions["onLine"];
}

/** Runs the preparation container to its end (it is kept for the commit) and returns its exit code. */
export async function runPrepContainer(options: PrepContainerOptions): Promise<number> {
  const argv = [DOCKER, "run", "--name", options.containerName, "--init"];
  for (const [key, value] of Object.entries(options.labels)) argv.push("--label", `${key}=${value}`);
  for (const mount of options.mounts) argv.push("--volume", mount);
  argv.push(options.image, ...options.command);
  const result = await run(argv, { signal: options.signal, onLine: options.onLine, env: options.env });
  return result.exitCode;
}

/** Commits a container as `ref`, labelled as the test image of `name` for `key`; returns the new image's id. */
export async function commitTestImage(container: string, ref: string, options: DockerOptions & { name: string; key: string }): Promise<string> {
  const label = (key: string, value: string) => ["--change", `LABEL ${key}=${JSON.stringify(value)}`];
  await runChecked([
    DOCKER, "commit",
    ...label(TEST_IMAGE_LABEL, options.name),
    ...label(TEST_NAME_LABEL, options.name),
    ...label(TEST_KEY_LABEL, options.key),
    container, ref,
  ], { env: options.env });
  const id = await localImageId(ref, options);
  if (!id) throw new Error(`docker commit reported success but ${ref} does not exist`);
  return id;
}

/** Ids of every test image of `name` (tagged or left dangling by a rebuild), each once. */
export async function testImageIds(name: string, options: DockerOptions = {}): Promise<string[]> {
  const result = await runChecked([DOCKER, "images", "--no-trunc", "--quiet", "--filter", `label=${TEST_IMAGE_LABEL}=${name}`], { env: options.env });
  return [...new Set(result.stdout.split("\n").map((l) => l.trim()).filter(Boolean))];
}

/**
 * Removes the test images of `name` other than `keepId`. An image a running test still uses stays (docker
 * refuses without --force) and goes with a later build. Returns how many were removed.
 */
export async function pruneTestImages(name: string, keepId: string, options: DockerOptions = {}): Promise<number> {
  let removed = 0;
  for (const id of await testImageIds(name, options)) {
    if (id === keepId) continue;
    // Untagged parents (an old `test.build` base) go with it: docker rmi prunes them.
    if ((await run([DOCKER, "rmi", id], { env: options.env })).exitCode === 0) removed++;
  }
  return removed;
}

/** Removes one container by name or id, running or not, if it exists. */
export async function removeContainerIfPresent(nameOrId: string, options: DockerOptions = {}): Promise<void> {
  await run([DOCKER, "rm", "--force", "--volumes", nameOrId], { env: options.env });
}

/** Removes every container and network of a run, running or not, with their anonymous volumes. Returns the container count. */
export async function removeTestRun(runId: string, composeProjects: readonly string[] = [], options: DockerOptions = {}): Promise<number> {
  const ids = await listIds([DOCKER, "ps", "--all", "--quiet", "--no-trunc", "--filter", `label=${TEST_RUN_LABEL}=${runId}`], options);
  if (ids.length > 0) {
    const result = await run([DOCKER, "rm", "--force", "--volumes", ...ids], { env: options.env });
    // A container that vanished meanwhile (compose run --rm) is not a failure.
    const errors = result.stderr.split("\n").filter((l) => l.trim() && !/no such container/i.test(l));
    if (result.exitCode !== 0 && errors.length > 0) throw new CommandFailedError(result);
  }
  for (const project of composeProjects) {
    const networks = await listIds([DOCKER, "network", "ls", "--quiet", "--filter", `label=com.docker.compose.project=${project}`], options);
    if (networks.length > 0) await run([DOCKER, "network", "rm", ...networks], { env: options.env });
  }
  return ids.length;
}

async function listIds(argv: string[], options: DockerOptions): Promise<string[]> {
  return (await runChecked(argv, { env: options.env })).stdout.split("\n").map((l) => l.trim()).filter(Boolean);
}

/** Which suite compose file and project, on which engine, and where each line of output goes. */
export interface SuiteComposeOptions {
  compose: ComposeRunner;
  file: string;
  project: string;
  env: DockerEnv;
  signal?: AbortSignal;
  onLine: NonNullable<RunOptions["onLine"]>;
}

/**
 * Runs `compose --file F --project-name P <sub…>` for one suite. Not compose-run.ts's runner: a suite
 * may run for hours (no engine time limit), its project folder is its own temp folder, and every line
 * it prints is the test's output, blank ones included.
 */
export function runSuiteCompose(sub: readonly string[], options: SuiteComposeOptions): Promise<RunResult> {
  return run(options.compose.argv(options.file, options.project, ...sub), { env: options.env, signal: options.signal, onLine: options.onLine });
}
