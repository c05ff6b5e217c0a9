import { expect, test } from "bun:test";
import { formatSuggestion, measureEditDistance, suggestName } from "./validate-suggest.ts";

test("measureEditDistance() counts a swap of neighbours as one edit", () => {
  expect(measureEditDistance("wbe", "web")).toBe(1);
  expect(measureEditDistance("kitten", "sitting")).toBe(3);
  expect(measureEditDistance("", "abc")).toBe(3);
  expect(measureEditDistance("abcdef", "zzzzzz", 2)).toBe(3);
});

test("suggestName() picks the closest name within two edits, ties in sorted order", () => {
  expect(suggestName("wbe", ["api", "web", "worker"])).toBe("web");
  expect(suggestName("postgress", ["redis", "postgres"])).toBe("postgres");
  expect(suggestName("ab", ["ac", "aa"])).toBe("aa");
  expect(suggestName("API", ["api", "apj"])).toBe("api");
});

test("suggestName() accepts a shared prefix and refuses what is not close", () => {
  expect(suggestName("common", ["common-utils", "logging"])).toBe("common-utils");
  expect(suggestName("mongo", ["postgres", "redis"])).toBeUndefined();
  expect(suggestName("a", ["b"])).toBeUndefined();
  expect(suggestName("web", [])).toBeUndefined();
});

test("formatSuggestion() is empty when nothing is close", () => {
  expect(formatSuggestion("wbe", ["web"])).toBe(' (did you mean "web"?)');
  expect(formatSuggestion("frontend", ["web"])).toBe("");
});

test("suggestName() finds a flag that is the start of what was typed, and not a far name sharing two letters", () => {
  expect(suggestName("rm-all", ["rm", "help"])).toBe("rm");
  expect(suggestName("down", ["doctor", "dump", "up"])).toBeUndefined();
  expect(suggestName("V", ["v", "d", "help"])).toBe("v");
});
