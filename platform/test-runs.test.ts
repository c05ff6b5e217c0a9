import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { TestContainers } from "../test/docker/containers.ts";
import { run, runChecked } from "./run.ts";
import { BUSYBOX_IMAGE, ensureTestImages } from "./test-images.ts";
import { localImageId } from "./docker.ts";
import { commitTestImage, pruneTestImages, removeTestRun, testImageIds, TEST_RUN_LABEL } from "./test-runs.ts";

describe("test runs on the engine", () => {
  const containers = new TestContainers("platform/test-runs.test.ts");
  const name = `trplatform${process.pid}`;
  const images: string[] = [];
  beforeAll(() => ensureTestImages(), 120_000);
  afterAll(async () => {
    await containers.removeAll();
    if (images.length > 0) await run(["docker", "rmi", "--force", ...images]);
  });

  test("removeTestRun() removes every container of the run, running or not, and no other", async () => {
    const runFlags = ["--label", `${TEST_RUN_LABEL}=run-a`];
    await containers.start({ flags: runFlags });
    await containers.start({ flags: runFlags, command: ["true"] });
    const other = await containers.start({ flags: ["--label", `${TEST_RUN_LABEL}=run-b`] });
    expect(await removeTestRun("run-a")).toBe(2);
    const left = await runChecked(["docker", "ps", "--all", "--quiet", "--filter", `label=${TEST_RUN_LABEL}=run-a`]);
    expect(left.stdout.trim()).toBe("");
    expect((await run(["docker", "container", "inspect", other])).exitCode).toBe(0);
    expect(await removeTestRun("run-a")).toBe(0);
  }, 30_000);

  test("pruneTestImages() removes the other test images of a name and keeps the given one and one still in use", async () => {
    const source = await containers.start({ command: ["true"] });
    const ids: string[] = [];
    for (const key of ["k1", "k2", "k3"]) {
      images.push(`dusty/test_${name}:${key}`);
      ids.push(await commitTestImage(source, `dusty/test_${name}:${key}`, { name, key }));
    }
    const inUse = await containers.start({ image: `dusty/test_${name}:k2` });
    expect(inUse).toBeTruthy();
    expect(await pruneTestImages(name, ids[2]!)).toBe(1);
    expect(await localImageId(`dusty/test_${name}:k1`)).toBeUndefined();
    expect((await testImageIds(name)).sort()).toEqual([ids[1]!, ids[2]!].sort());
    // The locally built test images are labelled dusty.test-image=true: an app named "true" must not reach them.
    expect(await testImageIds("true")).toEqual([]);
    expect(await localImageId(BUSYBOX_IMAGE)).toMatch(/^sha256:/);
  }, 30_000);
});
