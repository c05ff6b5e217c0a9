import { expect, test } from "bun:test";
import { joinWords } from "./prose.ts";

test("joinWords() lists none, one, two and more words as a sentence does", () => {
  expect(joinWords([])).toBe("");
  expect(joinWords(["a"])).toBe("a");
  expect(joinWords(["a", "b"])).toBe("a and b");
  expect(joinWords(["a", "b", "c"])).toBe("a, b and c");
});
