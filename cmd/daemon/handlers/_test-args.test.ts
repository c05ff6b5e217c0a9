import { describe, expect, test } from "bun:test";
import { parseTestRequest } from "./_test-args.ts";

describe("parseTestRequest()", () => {
  test("parseTestRequest() applies the defaults: pull, no recreate, no args", () => {
    expect(parseTestRequest({ name: "web", suite: "unit" })).toEqual({ name: "web", suite: "unit", args: [], recreate: false, pull: true, json: false, quiet: false });
    expect(parseTestRequest({})).toEqual({ name: undefined, suite: undefined, args: [], recreate: false, pull: true, json: false, quiet: false });
  });

  test("parseTestRequest() refuses fields of the wrong type and a suite without a name", () => {
    expect(() => parseTestRequest({ name: 3 })).toThrow(`the request's "name" must be a non-empty string`);
    expect(() => parseTestRequest({ name: "web", args: ["a", 1] })).toThrow(`"args" must be a list of strings`);
    expect(() => parseTestRequest({ name: "web", pull: "no" })).toThrow(`"pull" must be true or false`);
    expect(() => parseTestRequest({ suite: "unit" })).toThrow(`"name" must be an app or lib name when a suite is given`);
  });
});
