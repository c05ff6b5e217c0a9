import { describe, expect, test } from "bun:test";
import { parseTestArgs } from "./test.ts";

describe("parseTestArgs()", () => {
  test("parseTestArgs() reads options before the name, then the name, the suite and the suite's args", () => {
    expect(parseTestArgs(["--recreate", "--no-pull", "web", "unit", "-k", "x"])).toEqual({
      name: "web",
      suite: "unit",
      args: ["-k", "x"],
      recreate: true,
      pull: false,
      json: false,
      quiet: false,
    });
    expect(parseTestArgs(["--json", "web"])).toMatchObject({ name: "web", json: true, quiet: false });
    expect(parseTestArgs(["-q", "web"])).toMatchObject({ name: "web", json: false, quiet: true });
    expect(parseTestArgs(["web"])).toEqual({ name: "web", suite: undefined, args: [], recreate: false, pull: true, json: false, quiet: false });
    expect(parseTestArgs([])).toEqual({ name: undefined, suite: undefined, args: [], recreate: false, pull: true, json: false, quiet: false });
  });

  test("parseTestArgs() passes flags after the suite to the suite, dusty's own included", () => {
    expect(parseTestArgs(["web", "unit", "--recreate", "--no-pull", "-v"])).toMatchObject({
      recreate: false,
      pull: true,
      args: ["--recreate", "--no-pull", "-v"],
    });
  });

  test("parseTestArgs() refuses unknown options and options put where the suite goes", () => {
    expect(parseTestArgs(["--recreat", "web"])).toEqual({
      error: "Unknown option --recreat for dusty test: the options are --recreate, --no-pull, --json and -q/--quiet, given before the app or lib name",
    });
    expect(parseTestArgs(["web", "--recreate"])).toEqual({ error: "Options go before the app or lib name: dusty test --recreate web …" });
  });
});
