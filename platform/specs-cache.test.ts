import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, unlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SpecError } from "./errors.ts";
import { fingerprintSpecsFolder, SpecsCache } from "./specs-cache.ts";

let root: string;
const HOUR_AGO = new Date(Date.now() - 3_600_000);

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "dusty-specs-cache-"));
  for (const kind of ["apps", "libs", "services", "bundles"]) mkdirSync(join(root, kind));
  for (const name of ["web", "api"]) {
    writeFileSync(join(root, "apps", `${name}.yml`), "image: busybox:latest\n");
    // An mtime well in the past, so a rewrite now shows in mtime even on a coarse file-system clock.
    utimesSync(join(root, "apps", `${name}.yml`), HOUR_AGO, HOUR_AGO);
  }
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe("fingerprintSpecsFolder()", () => {
  test("fingerprintSpecsFolder() is the same for two passes over unchanged files", async () => {
    expect((await fingerprintSpecsFolder(root)).key).toBe((await fingerprintSpecsFolder(root)).key);
  });

  test("fingerprintSpecsFolder() changes when a file is rewritten with other content of the same size", async () => {
    const before = (await fingerprintSpecsFolder(root)).key;
    writeFileSync(join(root, "apps", "web.yml"), "image: busybox:latesT\n");
    expect((await fingerprintSpecsFolder(root)).key).not.toBe(before);
  });

  test("fingerprintSpecsFolder() changes when only a file's mtime is touched", async () => {
    const before = (await fingerprintSpecsFolder(root)).key;
    const later = new Date(HOUR_AGO.getTime() + 1_000);
    utimesSync(join(root, "apps", "web.yml"), later, later);
    expect((await fingerprintSpecsFolder(root)).key).not.toBe(before);
  });

  test("fingerprintSpecsFolder() changes when a file is added, also one that is not *.yml", async () => {
    const before = (await fingerprintSpecsFolder(root)).key;
    writeFileSync(join(root, "apps", "worker.yml"), "image: busybox:latest\n");
    const withYml = (await fingerprintSpecsFolder(root)).key;
    expect(withYml).not.toBe(before);
    writeFileSync(join(root, "apps", "notes.yaml"), "x\n");
    expect((await fingerprintSpecsFolder(root)).key).not.toBe(withYml);
  });

  test("fingerprintSpecsFolder() changes when a file is deleted", async () => {
    const before = (await fingerprintSpecsFolder(root)).key;
    unlinkSync(join(root, "apps", "api.yml"));
    expect((await fingerprintSpecsFolder(root)).key).not.toBe(before);
  });

  test("fingerprintSpecsFolder() changes when a symlinked spec's target changes", async () => {
    writeFileSync(join(root, "target.yml"), "image: busybox:latest\n");
    utimesSync(join(root, "target.yml"), HOUR_AGO, HOUR_AGO);
    symlinkSync(join(root, "target.yml"), join(root, "apps", "linked.yml"));
    const before = (await fingerprintSpecsFolder(root)).key;
    writeFileSync(join(root, "target.yml"), "image: busybox:latesT\n");
    expect((await fingerprintSpecsFolder(root)).key).not.toBe(before);
  });

  test("fingerprintSpecsFolder() changes when a kind folder is replaced by a file", async () => {
    const before = (await fingerprintSpecsFolder(root)).key;
    rmSync(join(root, "libs"), { recursive: true });
    writeFileSync(join(root, "libs"), "");
    expect((await fingerprintSpecsFolder(root)).key).not.toBe(before);
  });

  test("fingerprintSpecsFolder() throws when the folder does not exist", async () => {
    await expect(fingerprintSpecsFolder(join(root, "missing"))).rejects.toThrow();
  });
});

/** A cache whose loads are counted; results are "load N". */
function countingCache(options: { racyWindowMs: number; enabled?: boolean; fail?: () => Error | undefined }) {
  const counter = { loads: 0 };
  const cache = new SpecsCache<string>({
    enabled: options.enabled,
    racyWindowMs: options.racyWindowMs,
    keepsError: (error) => error instanceof SpecError,
    load: async () => {
      const n = ++counter.loads;
      await Bun.sleep(5);
      const error = options.fail?.();
      if (error) throw error;
      return `load ${n}`;
    },
  });
  return { cache, counter };
}

// A window shorter than the wait below, so the files written in beforeEach count as settled.
const SHORT_WINDOW_MS = 50;
const settle = () => Bun.sleep(SHORT_WINDOW_MS * 3);

describe("SpecsCache", () => {
  test("SpecsCache.get() gives concurrent callers of an unchanged folder one shared load", async () => {
    await settle();
    const { cache, counter } = countingCache({ racyWindowMs: SHORT_WINDOW_MS });
    const results = await Promise.all(Array.from({ length: 50 }, () => cache.get(root)));
    expect(counter.loads).toBe(1);
    expect(new Set(results)).toEqual(new Set(["load 1"]));
    expect(await cache.get(root)).toBe("load 1");
    expect(counter.loads).toBe(1);
  });

  test("SpecsCache.get() loads again after a file changed, and keeps the new load", async () => {
    await settle();
    const { cache } = countingCache({ racyWindowMs: SHORT_WINDOW_MS });
    expect(await cache.get(root)).toBe("load 1");
    writeFileSync(join(root, "apps", "web.yml"), "image: busybox:latesT\n");
    expect(await cache.get(root)).toBe("load 2");
    await settle();
    expect(await cache.get(root)).toBe("load 3");
    expect(await cache.get(root)).toBe("load 3");
  });

  test("SpecsCache.get() does not keep a load of files changed within the racy window", async () => {
    const { cache, counter } = countingCache({ racyWindowMs: 3_600_000 });
    await cache.get(root);
    await Promise.all([cache.get(root), cache.get(root)]);
    expect(counter.loads).toBe(3);
  });

  test("SpecsCache.get() replaces the entry of another folder", async () => {
    const other = mkdtempSync(join(tmpdir(), "dusty-specs-cache-other-"));
    try {
      await settle();
      const { cache, counter } = countingCache({ racyWindowMs: SHORT_WINDOW_MS });
      await cache.get(root);
      await cache.get(other);
      await cache.get(root);
      expect(counter.loads).toBe(3);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  test("SpecsCache.get() keeps a spec error but not another failure", async () => {
    await settle();
    let next: Error | undefined = new SpecError([], root);
    const { cache, counter } = countingCache({ racyWindowMs: SHORT_WINDOW_MS, fail: () => next });
    await expect(cache.get(root)).rejects.toBeInstanceOf(SpecError);
    await expect(Promise.all([cache.get(root), cache.get(root)])).rejects.toBeInstanceOf(SpecError);
    expect(counter.loads).toBe(1);

    const { cache: failing, counter: failures } = countingCache({ racyWindowMs: SHORT_WINDOW_MS, fail: () => next });
    next = new Error("EMFILE: too many open files");
    await failing.get(root).catch(() => {});
    next = undefined;
    expect(await failing.get(root)).toBe("load 2");
    expect(failures.loads).toBe(2);
  });

  test("SpecsCache.get() loads every time when disabled", async () => {
    await settle();
    const { cache, counter } = countingCache({ racyWindowMs: SHORT_WINDOW_MS, enabled: false });
    await Promise.all([cache.get(root), cache.get(root), cache.get(root)]);
    expect(counter.loads).toBe(3);
  });

  test("SpecsCache.get() passes a missing folder to the load, which says what is wrong", async () => {
    const { cache, counter } = countingCache({ racyWindowMs: SHORT_WINDOW_MS });
    await cache.get(join(root, "missing"));
    await cache.get(join(root, "missing"));
    expect(counter.loads).toBe(2);
  });
});
