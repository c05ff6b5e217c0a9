import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, symlinkSync, unlinkSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeTempDir } from "../test/git-fixtures.ts";
import { TestContainers } from "../test/docker/containers.ts";
import { run, runChecked } from "./run.ts";
import { BUSYBOX_IMAGE, ensureTestImages } from "./test-images.ts";
import { commitTestImage, folderFingerprint, localImageId, pruneTestImages, removeTestRun, testImageIds, TEST_RUN_LABEL } from "./test-runs.ts";

describe("folderFingerprint()", () => {
  const temp = makeTempDir("dusty-fingerprint-");
  afterAll(() => temp.remove());

  test("folderFingerprint() changes with a file's content, a new file or a link, and ignores .git", async () => {
    const dir = join(temp.path, "repo");
    mkdirSync(join(dir, ".git"), { recursive: true });
    mkdirSync(join(dir, "src"));
    writeFileSync(join(dir, "src", "a.txt"), "one");
    const first = await folderFingerprint(dir);
    expect(await folderFingerprint(dir)).toBe(first);

    writeFileSync(join(dir, ".git", "index"), "whatever git does");
    expect(await folderFingerprint(dir)).toBe(first);

    writeFileSync(join(dir, "src", "a.txt"), "two");
    utimesSync(join(dir, "src", "a.txt"), new Date(2020, 0, 1), new Date(2020, 0, 1));
    const edited = await folderFingerprint(dir);
    expect(edited).not.toBe(first);

    writeFileSync(join(dir, "b.txt"), "");
    const added = await folderFingerprint(dir);
    expect(added).not.toBe(edited);

    symlinkSync("src/a.txt", join(dir, "link"));
    const linked = await folderFingerprint(dir);
    unlinkSync(join(dir, "link"));
    symlinkSync("b.txt", join(dir, "link"));
    expect(await folderFingerprint(dir)).not.toBe(linked);
    expect(linked).not.toBe(added);
  });
});

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
