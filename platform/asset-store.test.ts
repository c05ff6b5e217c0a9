import { expect, test } from "bun:test";
import { mkdirSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeTempDir } from "../test/git-fixtures.ts";
import { assetsDir, checkAssetKey, listSetAssets, readAsset, removeAsset, writeAsset } from "./asset-store.ts";

test("an asset is written 0600 in a 0700 folder, read back byte for byte, listed and removed", async () => {
  const work = makeTempDir();
  const locations = { persistDir: join(work.path, "persist") };
  const bytes = new Uint8Array([0, 1, 2, 255]);
  await writeAsset(locations, "KEY", bytes);
  expect(statSync(assetsDir(locations)).mode & 0o777).toBe(0o700);
  expect(statSync(join(assetsDir(locations), "KEY")).mode & 0o777).toBe(0o600);
  expect(new Uint8Array((await readAsset(locations, "KEY"))!)).toEqual(bytes);
  expect(await listSetAssets(locations)).toEqual(["KEY"]);
  expect(await removeAsset(locations, "KEY")).toBe(true);
  expect(await removeAsset(locations, "KEY")).toBe(false);
  expect(await readAsset(locations, "KEY")).toBeUndefined();
  work.remove();
});

test("a symlink where an asset should be is refused, never followed; keys are file names", async () => {
  const work = makeTempDir();
  const locations = { persistDir: join(work.path, "persist") };
  mkdirSync(assetsDir(locations), { recursive: true });
  writeFileSync(join(work.path, "secret"), "not yours");
  symlinkSync(join(work.path, "secret"), join(assetsDir(locations), "LINK"));
  await expect(readAsset(locations, "LINK")).rejects.toThrow("is not a regular file");
  await expect(writeAsset(locations, "LINK", new Uint8Array([1]))).rejects.toThrow("is not a regular file");
  expect(checkAssetKey("../etc")).toContain("keys are file names");
  expect(checkAssetKey("OK_KEY")).toBeUndefined();
  work.remove();
});
