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

test("hashText() hashes the same UTF-8 bytes TextEncoder gives, astral characters and lone surrogates included", () => {
  // A reference FNV-1a 64 over TextEncoder's bytes with BigInt, to compare against.
  const reference = (text: string) => {
    let h = 0xcbf29ce484222325n;
    for (const byte of new TextEncoder().encode(text)) h = ((h ^ BigInt(byte)) * 0x100000001b3n) & 0xffffffffffffffffn;
    return h.toString(16).padStart(16, "0");
  };
  for (const text of ["", "a", "é", "日本", "😀 smile", "a\ud800b", "\udc00", "x".repeat(1000) + "ü"]) {
    expect(hashText(text)).toBe(reference(text));
  }
});
