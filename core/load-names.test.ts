import { expect, test } from "bun:test";
import { checkSpecName, describeIgnoredSpecFile, parseSpecPath } from "./load-names.ts";

test("parseSpecPath() accepts only <kind>/<name>.yml", () => {
  expect(parseSpecPath("apps/web.yml")).toEqual({ kind: "apps", name: "web" });
  expect(parseSpecPath("apps/sub/web.yml")).toEqual({ kind: "apps", name: "sub/web" });
  expect(parseSpecPath("apps/web.yaml")).toBeUndefined();
  expect(parseSpecPath("tests/web.yml")).toBeUndefined();
  expect(parseSpecPath("web.yml")).toBeUndefined();
});

test("checkSpecName() holds apps and libs to Dusty's lowercase rule", () => {
  expect(checkSpecName("apps", "web-api.v2_x")).toBeUndefined();
  expect(checkSpecName("libs", "Utils")).toContain('lib name "Utils" is not allowed');
  expect(checkSpecName("apps", "web--api")).toContain("is not allowed");
  expect(checkSpecName("apps", "web-")).toContain("is not allowed");
});

test("checkSpecName() lets services and bundles use compose-safe names", () => {
  expect(checkSpecName("services", "Postgres_16.1-x")).toBeUndefined();
  expect(checkSpecName("bundles", "-web")).toContain('bundle name "-web" is not allowed');
  expect(checkSpecName("services", "my db")).toContain("is not allowed");
});

test("checkSpecName() lets bundles use letters of any script, as Dusty's own tests do, and nothing that leaves the folder", () => {
  for (const name of ["bundle-Ɯ", "café", "サイト", "Web_2.x", "e\u0301t\u0301e"]) expect(checkSpecName("bundles", name)).toBeUndefined();
  for (const name of ["a/b", "a\\b", "..", ".Ɯ", "Ɯ b", "Ɯ:x", "-Ɯ", "Ɯ\n"]) expect(checkSpecName("bundles", name)).toContain("is not allowed");
  expect(checkSpecName("services", "Ɯ")).toContain("is not allowed");
});

test("checkSpecName() rejects escaping names and the reserved nginx name with their own messages", () => {
  expect(checkSpecName("apps", "")).toBe("the app file has no name: name it like apps/example.yml");
  expect(checkSpecName("services", "..")).toBe('service name ".." is not allowed: names cannot contain ".."');
  expect(checkSpecName("bundles", ".hidden")).toBe('bundle name ".hidden" is not allowed: names cannot start with "."');
  expect(checkSpecName("libs", "a\\b")).toContain("not in subfolders");
  expect(checkSpecName("services", "dustyInternalNginx")).toContain("reserved for Dusty's internal nginx");
  expect(checkSpecName("apps", "dustyInternalNginx")).toContain("reserved for Dusty's internal nginx");
  expect(checkSpecName("bundles", "dustyInternalNginx")).toBeUndefined();
});

test("describeIgnoredSpecFile() warns about .yaml and odd-case .yml names only, and names the file to use", () => {
  const none = () => false;
  expect(describeIgnoredSpecFile("apps", "web.yaml", none)).toBe("ignored: spec files end in .yml (rename it to web.yml)");
  expect(describeIgnoredSpecFile("apps", "web.YML", none)).toBe("ignored: spec files end in .yml (rename it to web.yml)");
  expect(describeIgnoredSpecFile("libs", "util.yaml", (n) => n === "util.yml")).toBe(
    "ignored: spec files end in .yml, and libs/util.yml is read instead (remove one of them)",
  );
  expect(describeIgnoredSpecFile("apps", "web.yml", none)).toBeUndefined();
  expect(describeIgnoredSpecFile("apps", "README.md", none)).toBeUndefined();
  expect(describeIgnoredSpecFile("apps", "web.yml.bak", none)).toBeUndefined();
});
