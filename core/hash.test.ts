import { expect, test } from "bun:test";
import { hashText, hashTexts } from "./hash.ts";

test("hashText() matches the published FNV-1a 64 test vectors", () => {
  expect(hashText("")).toBe("cbf29ce484222325");
  expect(hashText("a")).toBe("af63dc4c8601ec8c");
  expect(hashText("foobar")).toBe("85944171f73967e8");
});

test("hashText() hashes UTF-8 bytes, so non-ASCII text is stable and distinct", () => {
  expect(hashText("é")).not.toBe(hashText("e"));
  expect(hashText("é")).toBe(hashText("\u00e9"));
  expect(hashText("x".repeat(10_000))).toMatch(/^[0-9a-f]{16}$/);
});

test("hashTexts() keeps the boundaries between texts", () => {
  expect(hashTexts(["ab", "c"])).not.toBe(hashTexts(["a", "bc"]));
  expect(hashTexts(["a", "b"])).toBe(hashTexts(["a", "b"]));
});
