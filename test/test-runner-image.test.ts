// The test image of `dusty test` against the real engine: reused while nothing changed, rebuilt after a
// new commit, a changed override or --recreate, the replaced image removed; `test.build`; a missing
// image and a failing `once` as errors that leave nothing behind.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { containersOf, imagesOf, startTestRunnerFixture, type TestRunnerFixture } from "./test-runner-fixture.ts";

const MANAGED = "trimg";
const OVERRIDDEN = "trover";
const BUILT = "trbuilt";
const BROKEN = "trbroken";
const MISSING = "trmissing";
let fx: TestRunnerFixture;

const suite = (command: string) => `  suites:\n    - name: show\n      command: [${JSON.stringify(command)}]\n`;

beforeAll(async () => {
  fx = await startTestRunnerFixture({
    names: [MANAGED, OVERRIDDEN, BUILT, BROKEN, MISSING],
    repos: {
      img: { "version.txt": "img-v1\n" },
      over: { "version.txt": "over-v1\n" },
      built: { "docker/Dockerfile": "FROM dusty-example/busybox:latest\nRUN echo from-dockerfile > /base.txt\n" },
    },
    overrides: (r) => ({ [r.over!.url]: r.over!.path }),
    specs: (r) => ({
      "bundles/main.yml": `apps: [${MANAGED}]\n`,
      [`apps/${MANAGED}.yml`]: `image: dusty-example/busybox:latest\nrepo: ${r.img!.url}\nmount: /src\ntest:\n  image: dusty-example/busybox:latest\n  once: ["cp /src/version.txt /baked.txt"]\n${suite("cat /baked.txt")}`,
      [`apps/${OVERRIDDEN}.yml`]: `image: dusty-example/busybox:latest\nrepo: ${r.over!.url}\nmount: /src\ntest:\n  image: dusty-example/busybox:latest\n  once: ["cp /src/version.txt /baked.txt"]\n${suite("cat /baked.txt")}`,
      [`apps/${BUILT}.yml`]: `image: dusty-example/busybox:latest\nrepo: ${r.built!.url}\nmount: /src\ntest:\n  build: docker\n${suite("cat /base.txt")}`,
      [`apps/${BROKEN}.yml`]: `image: dusty-example/busybox:latest\ntest:\n  image: dusty-example/busybox:latest\n  once: ["echo about to fail", "exit 7"]\n${suite("true")}`,
      [`apps/${MISSING}.yml`]: `image: dusty-example/busybox:latest\ntest:\n  image: dusty-example/not-built-here:1\n${suite("true")}`,
    }),
  });
}, 60_000);

afterAll(() => fx?.stop(), 60_000);

describe("dusty test's image", () => {
  test("is reused on the second run and rebuilt after a new commit in the repo, the old one removed", async () => {
    const first = await fx.test([MANAGED, "show"]);
    expect(first.stderr).toContain(`Creating the test image dusty/test_${MANAGED}:`);
    expect(first.stdout).toBe("img-v1\nTESTS show PASSED\n");
    const second = await fx.test([MANAGED, "show"]);
    expect(second.stderr).toContain(`Using the test image dusty/test_${MANAGED}:`);
    expect(second.stderr).not.toContain("Creating the test image");
    expect(await imagesOf(MANAGED)).toHaveLength(1);

    fx.repos.img!.commit({ "version.txt": "img-v2\n" });
    const third = await fx.test([MANAGED, "show"]);
    expect(third.stderr).toContain("Creating the test image");
    expect(third.stderr).toContain(`Removed 1 older test image of ${MANAGED}`);
    expect(third.stdout).toBe("img-v2\nTESTS show PASSED\n");
    expect(await imagesOf(MANAGED)).toHaveLength(1);
  }, 60_000);

  test("with --no-pull, a new commit is not pulled and the image is reused", async () => {
    fx.repos.img!.commit({ "version.txt": "img-v3\n" });
    const run = await fx.test(["--no-pull", MANAGED, "show"]);
    expect(run.stderr).toContain("Using the test image");
    expect(run.stdout).toBe("img-v2\nTESTS show PASSED\n");
  }, 60_000);

  test("--recreate rebuilds an up-to-date image", async () => {
    const run = await fx.test(["--recreate", "--no-pull", MANAGED, "show"]);
    expect(run.stderr).toContain("Recreating the test image");
    expect(run.code).toBe(0);
    expect(await imagesOf(MANAGED)).toHaveLength(1);
  }, 60_000);

  test("is rebuilt when an overridden repo's content changes, committed or not", async () => {
    expect((await fx.test([OVERRIDDEN, "show"])).stdout).toBe("over-v1\nTESTS show PASSED\n");
    expect((await fx.test([OVERRIDDEN, "show"])).stderr).toContain("Using the test image");
    writeFileSync(join(fx.repos.over!.path, "version.txt"), "over-uncommitted\n");
    const changed = await fx.test([OVERRIDDEN, "show"]);
    expect(changed.stderr).toContain("Creating the test image");
    expect(changed.stdout).toBe("over-uncommitted\nTESTS show PASSED\n");
  }, 60_000);

  test("test.build builds the base from a Dockerfile folder in the repo", async () => {
    const run = await fx.test([BUILT, "show"]);
    expect(run.stderr).toContain(`Building the base image from ${fx.dir}/etc/repos/`);
    expect(run.stdout).toBe("from-dockerfile\nTESTS show PASSED\n");
    expect(run.code).toBe(0);
    expect((await fx.test([BUILT, "show"])).stderr).toContain("Using the test image");
  }, 60_000);

  test("a failing once stops the run with its output, and leaves no container and no image", async () => {
    const run = await fx.test([BROKEN, "show"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("about to fail\n");
    expect(run.stderr).toContain(`Cannot create the test image of ${BROKEN}: its lib installs and test.once failed with exit code 7 (output above)`);
    expect(run.stdout).not.toContain("TESTS");
    expect(await containersOf(BROKEN)).toEqual([]);
    expect(await imagesOf(BROKEN)).toEqual([]);
  }, 60_000);

  test("a test image missing on this machine is an error saying so (dusty never pulls)", async () => {
    const run = await fx.test([MISSING, "show"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`Cannot test ${MISSING}: its test image dusty-example/not-built-here:1 is not on this machine`);
    expect(run.stderr).toContain("docker pull dusty-example/not-built-here:1");
  }, 60_000);
});
