import { expect, test } from "bun:test";
import { collectRepeated, passesHelpThrough } from "./_args.ts";

test("collectRepeated() reads every value of a repeated flag, both spellings", () => {
  expect(collectRepeated(["--bundle", "a", "--json", "--bundle=b"], "--bundle")).toEqual(["a", "b"]);
});

test("passesHelpThrough() gives -h to the suite or script only after their names", () => {
  expect(passesHelpThrough(["test", "web", "unit", "-h"])).toBe(true);
  expect(passesHelpThrough(["test", "--recreate", "web", "unit", "--help"])).toBe(true);
  expect(passesHelpThrough(["scripts", "web", "check", "-v", "-h"])).toBe(true);
  expect(passesHelpThrough(["test", "web", "-h"])).toBe(false);
  expect(passesHelpThrough(["up", "a", "b", "-h"])).toBe(false);
  expect(passesHelpThrough(["exec", "web", "--", "grep", "-h", "x"])).toBe(true);
  expect(passesHelpThrough(["exec", "web", "-h", "--", "ls"])).toBe(false);
  expect(passesHelpThrough(["exec", "web", "ls", "-h"])).toBe(false);
});
