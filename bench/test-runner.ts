/**
 * What `dusty test` costs on the real engine, each as a whole client process against a real daemon:
 * a suite run that builds the test image (`--recreate`, as a first run does) against one that reuses it,
 * and the reused run of a trivial suite (`true`) against a bare `docker run --rm IMAGE true` of the same
 * image, interleaved so machine noise hits them alike. The repo is a managed file:// clone, so the
 * default run includes its pulls; `--no-pull` is shown too.
 * Target: the cached run's overhead over the bare `docker run` ≤ 0.5 s.
 *
 *   make build && bun bench/test-runner.ts [runs]
 */
import { ROOT } from "../test/harness.ts";
import { runChecked } from "../platform/run.ts";
import { TEST_NAME_LABEL } from "../platform/test-runs.ts";
import { startTestRunnerFixture } from "../test/test-runner-fixture.ts";
import { formatMs, timeSideBySide, useBenchBinary } from "./_timing.ts";

const RUNS = Number(process.argv[2] ?? 10);
const TARGET_OVERHEAD_MS = 500;
const APP = "trbench";

async function main(): Promise<number> {
  const path = useBenchBinary(ROOT);
  if (!path) return 1;
  const fx = await startTestRunnerFixture({
    names: [APP],
    repos: { code: { "README": "bench\n" } },
    specs: (r) => ({
      "bundles/main.yml": `apps: [${APP}]\n`,
      [`apps/${APP}.yml`]: `image: dusty-example/busybox:latest
repo: ${r.code!.url}
mount: /code
test:
  image: dusty-example/busybox:latest
  once: ["echo preparing"]
  suites:
    - name: trivial
      command: ["true"]
`,
    }),
  });
  try {
    Object.assign(process.env, fx.daemon.env);
    const check = await fx.test([APP, "trivial"]);
    if (check.code !== 0) throw new Error(`dusty test failed (exit ${check.code}):\n${check.stderr}`);
    // By tag: --recreate replaces the image under the same tag (the key is unchanged), so an id would go stale.
    const listed = await runChecked(["docker", "images", "--filter", `label=${TEST_NAME_LABEL}=${APP}`, "--format", "{{.Repository}}:{{.Tag}}"]);
    const image = listed.stdout.trim().split("\n")[0];
    if (!image) throw new Error("the test image was not built");

    const medians = await timeSideBySide(
      {
        "dusty test --recreate (image built)": [path, "test", "--recreate", APP, "trivial"],
        "dusty test (image reused)": [path, "test", APP, "trivial"],
        "dusty test --no-pull (image reused)": [path, "test", "--no-pull", APP, "trivial"],
        "docker run --rm IMAGE true": ["docker", "run", "--rm", image, "true"],
      },
      RUNS,
      1,
    );
    const built = medians["dusty test --recreate (image built)"]!;
    const reused = medians["dusty test (image reused)"]!;
    const noPull = medians["dusty test --no-pull (image reused)"]!;
    const bare = medians["docker run --rm IMAGE true"]!;
    process.stdout.write(`${path}: median of ${RUNS} runs each, interleaved\n`);
    for (const [label, ms] of Object.entries(medians)) process.stdout.write(`${formatMs(label, ms)}\n`);
    process.stdout.write(
      `built / reused: ${(built / reused).toFixed(2)}x; reused / docker run: ${(reused / bare).toFixed(2)}x\n` +
        `overhead over docker run: ${(reused - bare).toFixed(0)} ms (with pulls), ${(noPull - bare).toFixed(0)} ms (--no-pull)\n` +
        `target: overhead ≤ ${TARGET_OVERHEAD_MS} ms: ${reused - bare <= TARGET_OVERHEAD_MS ? "met" : "not met"}\n`,
    );
  } finally {
    await fx.stop();
  }
  return 0;
}

process.exitCode = await main();
