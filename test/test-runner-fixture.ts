/**
 * The world of a `dusty test` end-to-end test: code repos and a specs repo as real git repos in a temp
 * folder, a config that points at them, and a real daemon on the real Docker Engine. `stop()` removes the
 * daemon, the folder, and every test image and container made for the fixture's app and lib names.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { run } from "../platform/run.ts";
import { ensureTestImages } from "../platform/test-images.ts";
import { TEST_NAME_LABEL } from "../platform/test-runs.ts";
import { makeGitRepo, makeTempDir, type GitFixture } from "./git-fixtures.ts";
import { startDaemon, type DaemonHandle, type RunResult } from "./harness.ts";

/** What to create. */
export interface TestRunnerFixtureOptions {
  /** Code repos by short name → their files. */
  repos: Record<string, Record<string, string>>;
  /** Spec files (`apps/web.yml` → YAML), given the repos. */
  specs: (repos: Record<string, GitFixture>) => Record<string, string>;
  /** repo_overrides of the config (URL → folder), given the repos. */
  overrides?: (repos: Record<string, GitFixture>) => Record<string, string>;
  /** App and lib names whose images and containers `stop()` removes. */
  names: string[];
}

/** A running fixture. */
export interface TestRunnerFixture {
  dir: string;
  daemon: DaemonHandle;
  repos: Record<string, GitFixture>;
  specs: GitFixture;
  /** Runs `dusty test …` against the daemon. */
  test(args: string[]): Promise<RunResult>;
  stop(): Promise<void>;
}

/** Creates the repos, the specs repo and the config, and starts a daemon. */
export async function startTestRunnerFixture(options: TestRunnerFixtureOptions): Promise<TestRunnerFixture> {
  await ensureTestImages();
  const temp = makeTempDir("dusty-test-runner-");
  const repos: Record<string, GitFixture> = {};
  for (const [name, files] of Object.entries(options.repos)) repos[name] = makeGitRepo(join(temp.path, "src", name), files);
  const specs = makeGitRepo(join(temp.path, "specs"), options.specs(repos));
  const configDir = join(temp.path, "etc");
  mkdirSync(configDir, { recursive: true });
  const overrides = options.overrides?.(repos) ?? {};
  const config = {
    bundles: [],
    setup_has_run: true,
    specs_repo: specs.url,
    docker_host_driver: "native",
    repo_overrides: overrides,
  };
  writeFileSync(join(configDir, "config.yml"), JSON.stringify(config, null, 2));
  let daemon: DaemonHandle;
  try {
    daemon = await startDaemon({ env: { DUSTY_CONFIG_DIR: configDir } });
  } catch (error) {
    temp.remove();
    throw error;
  }
  return {
    dir: temp.path,
    daemon,
    repos,
    specs,
    test: (args) => daemon.run(["test", ...args], { timeoutMs: 120_000 }),
    async stop() {
      await daemon.stop();
      for (const name of options.names) await removeEverythingOf(name);
      rmSync(temp.path, { recursive: true, force: true });
    },
  };
}

/** Ids of the containers, running or not, made for `name` by any test run. */
export async function containersOf(name: string): Promise<string[]> {
  const result = await run(["docker", "ps", "--all", "--quiet", "--filter", `label=${TEST_NAME_LABEL}=${name}`]);
  return result.stdout.split("\n").filter(Boolean);
}

/** Ids of the test images of `name`. */
export async function imagesOf(name: string): Promise<string[]> {
  const result = await run(["docker", "images", "--quiet", "--no-trunc", "--filter", `label=${TEST_NAME_LABEL}=${name}`]);
  return [...new Set(result.stdout.split("\n").filter(Boolean))];
}

async function removeEverythingOf(name: string): Promise<void> {
  const containers = await containersOf(name);
  if (containers.length > 0) await run(["docker", "rm", "--force", "--volumes", ...containers]);
  const images = await imagesOf(name);
  if (images.length > 0) await run(["docker", "rmi", "--force", ...images]);
  await run(["docker", "rmi", "--force", `dusty/test_base_${name}:latest`]);
}
