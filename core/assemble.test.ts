import { describe, expect, test } from "bun:test";
import { assembleSpecs, expandLibs, sameContainerRepos } from "./assemble.ts";
import { specsFromRaw } from "./compile-test-helpers.ts";

const specs = specsFromRaw({
  apps: {
    web: { image: "x", depends: { apps: ["auth"], libs: ["top"], services: ["db"] }, conditional_links: { apps: ["admin"], services: ["mail"] } },
    auth: { image: "x", depends: { apps: ["tokens"], libs: ["base"] } },
    tokens: { image: "x", repo: "/code/tokens", mount: "/tokens" },
    admin: { image: "x" },
    lonely: { image: "x", depends: { services: ["cache"] } },
  },
  libs: {
    top: { repo: "/code/top", mount: "/top", depends: { libs: ["middle", "base"] } },
    middle: { repo: "/code/middle", mount: "/middle", depends: { libs: ["base"] } },
    base: { repo: "/code/base", mount: "/base" },
    aaa: { repo: "/code/aaa", mount: "/aaa" },
    cyc1: { repo: "/code/c1", mount: "/c1", depends: { libs: ["cyc2"] } },
    cyc2: { repo: "/code/c2", mount: "/c2", depends: { libs: ["cyc1"] } },
  },
  services: { db: { image: "postgres" }, mail: { image: "mail" }, cache: { image: "redis" }, queue: { image: "q" } },
  bundles: {
    site: { apps: ["web"] },
    infra: { services: ["queue", "nosuchservice"] },
    other: { apps: ["lonely", "nosuchapp"] },
  },
});

describe("assembleSpecs()", () => {
  test("assembleSpecs() takes bundle apps plus their depends.apps closure, not conditional links", () => {
    const assembled = assembleSpecs(specs, ["site"]);
    expect(assembled.bundles).toEqual(["site"]);
    expect(Object.keys(assembled.apps)).toEqual(["auth", "tokens", "web"]);
    expect(Object.keys(assembled.services)).toEqual(["db"]);
  });

  test("assembleSpecs() adds bundle services and ignores names without a spec", () => {
    const assembled = assembleSpecs(specs, ["infra", "ghost", "other", "infra"]);
    expect(assembled.bundles).toEqual(["infra", "other"]);
    expect(Object.keys(assembled.apps)).toEqual(["lonely"]);
    expect(Object.keys(assembled.services)).toEqual(["cache", "queue"]);
  });

  test("assembleSpecs() lists each app's libs in dependency order and keeps only used libs", () => {
    const assembled = assembleSpecs(specs, ["site"]);
    expect(assembled.appLibs).toEqual({ auth: ["base"], tokens: [], web: ["base", "middle", "top"] });
    expect(Object.keys(assembled.libs)).toEqual(["base", "middle", "top"]);
  });

  test("assembleSpecs() with no bundles is empty", () => {
    expect(assembleSpecs(specs, [])).toEqual({ bundles: [], apps: {}, libs: {}, services: {}, appLibs: {} });
  });

  test("assembleSpecs() does not find inherited object keys", () => {
    const assembled = assembleSpecs(specs, ["constructor", "toString"]);
    expect(assembled.bundles).toEqual([]);
    expect(expandLibs(specs, ["constructor"])).toEqual([]);
  });
});

describe("expandLibs()", () => {
  test("expandLibs() puts a lib after its dependencies and breaks ties by name", () => {
    expect(expandLibs(specs, ["top"])).toEqual(["base", "middle", "top"]);
    expect(expandLibs(specs, ["top", "aaa"])).toEqual(["aaa", "base", "middle", "top"]);
    expect(expandLibs(specs, ["aaa", "top"])).toEqual(["aaa", "base", "middle", "top"]);
  });

  test("expandLibs() ends on a cycle (validation reports it)", () => {
    expect(expandLibs(specs, ["cyc1"])).toEqual(["cyc1", "cyc2"]);
  });
});

describe("sameContainerRepos()", () => {
  test("sameContainerRepos() gives an app's own repo then its libs' repos", () => {
    expect(sameContainerRepos(specs, "tokens")).toEqual(["/code/tokens"]);
    expect(sameContainerRepos(specs, "web")).toEqual(["/code/base", "/code/middle", "/code/top"]);
  });

  test("sameContainerRepos() gives a lib's repo then its dependencies' repos", () => {
    expect(sameContainerRepos(specs, "top")).toEqual(["/code/top", "/code/base", "/code/middle"]);
    expect(sameContainerRepos(specs, "nothing")).toEqual([]);
  });
});
