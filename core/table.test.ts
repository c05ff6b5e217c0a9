import { expect, test } from "bun:test";
import { renderTable, wrapCell } from "./table.ts";

test("renderTable() aligns columns under a rule", () => {
  expect(renderTable(["Name", "Activated?"], [["website", "X"], ["everything", ""]])).toBe(
    "Name        Activated?\n" + "----------  ----------\n" + "website     X\n" + "everything\n",
  );
});

test("renderTable() wraps long cells onto continuation lines", () => {
  const out = renderTable(["Key", "Description"], [["a", "one two three four"]], { maxCellWidth: 9 });
  expect(out).toBe("Key  Description\n---  -----------\na    one two\n     three\n     four\n");
});

test("wrapCell() breaks a word longer than the width", () => {
  expect(wrapCell("abcdefghij", 4)).toEqual(["abcd", "efgh", "ij"]);
});
