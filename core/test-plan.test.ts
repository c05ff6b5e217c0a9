import { describe, expect, test } from "bun:test";
import { specsFromRaw } from "./compile-test-helpers.ts";
import type { TestSuite } from "./specs.ts";
import {
  findTestTarget,
  renderSuiteList,
  renderSuiteSummary,
  selectSuites,
  splitShellWords,
  suiteArgs,
  suiteCommand,
  testImageRef,
  testMounts,
  testRepos,
  testRunName,
  type TestTarget,
} from "./test-plan.ts";

const specs = specsFromRaw({
  apps: {
    web: {
      repo: "github.com/org/web",
      mount: "/web",
      depends: { libs: ["client"] },
      test: {
        image: "busybox",
        suites: [
          { name: "unit", description: "Fast tests", command: ["pytest"], default_args: "-x 'tests/a b'" },
          { name: "integration", command: ["pytest it"] },
        ],
      },
    },
    bare: {},
  },
  libs: {
    client: { repo: "github.com/org/client", mount: "/client", depends: { libs: ["base"] } },
    base: { repo: "github.com/org/web", mount: "/elsewhere" },
    nomount: { repo: "github.com/org/nomount", mount: "" },
  },
});

function target(name: string): TestTarget {
  const found = findTestTarget(specs, name);
  if ("error" in found) throw new Error(found.error);
  return found;
}

const suite = (name: string): TestSuite => target("web").spec.test.suites.find((s) => s.name === name)!;

describe("findTestTarget()", () => {
  test("findTestTarget() finds apps and libs, and names the known ones with a suggestion otherwise", () => {
    expect(target("web").kind).toBe("app");
    expect(target("client").kind).toBe("lib");
    expect(findTestTarget(specs, "wbe")).toEqual({
      error: 'No app or lib named "wbe" (did you mean "web"?). Apps: bare, web. Libs: base, client, nomount',
    });
    expect(findTestTarget(specs, "constructor")).toHaveProperty("error");
  });
});

describe("selectSuites()", () => {
  test("selectSuites() picks one suite by name, or every suite in spec order for all", () => {
    expect(selectSuites(target("web"), "integration")).toEqual([suite("integration")]);
    expect((selectSuites(target("web"), "all") as TestSuite[]).map((s) => s.name)).toEqual(["unit", "integration"]);
  });

  test("selectSuites() lists the suites when the name is unknown, and says so when there are none", () => {
    expect(selectSuites(target("web"), "unti")).toEqual({
      error: 'The app web has no test suite named "unti" (did you mean "unit"?). Its suites: unit, integration (or all)',
    });
    expect(selectSuites(target("bare"), "all")).toEqual({ error: "No test suite registered for bare: add suites under test.suites in its spec" });
  });
});

describe("suiteArgs()", () => {
  test("suiteArgs() uses the given args when there are any, else default_args split like sh", () => {
    expect(suiteArgs(suite("unit"), ["-k", "x"])).toEqual(["-k", "x"]);
    expect(suiteArgs(suite("unit"), [])).toEqual(["-x", "tests/a b"]);
    expect(suiteArgs(suite("integration"), [])).toEqual([]);
  });

  test("splitShellWords() handles blanks, both quotes, backslashes and empty quoted words", () => {
    expect(splitShellWords("  a   b\tc ")).toEqual(["a", "b", "c"]);
    expect(splitShellWords(`'x y' "p \\"q\\" $r" s\\ t ''`)).toEqual(["x y", 'p "q" $r', "s t", ""]);
    expect(splitShellWords(`a'b c'd 'a\\b'`)).toEqual(["ab cd", "a\\b"]);
    expect(splitShellWords("")).toEqual([]);
  });
});

describe("testRepos() and testMounts()", () => {
  test("testRepos() lists the target's repo then its libs' in dependency order, a repo once per mount", () => {
    expect(testRepos(specs, target("web"))).toEqual([
      { url: "github.com/org/web", mount: "/web" },
      { url: "github.com/org/web", mount: "/elsewhere" },
      { url: "github.com/org/client", mount: "/client" },
    ]);
    expect(testRepos(specs, target("nomount"))).toEqual([{ url: "github.com/org/nomount", mount: "" }]);
  });

  test("testMounts() mounts the test command files and every repo that has a mount", () => {
    const paths = { reposDir: "/persist/repos", commandFilesDir: "/persist/cmd" };
    expect(testMounts(target("web"), testRepos(specs, target("web")), paths)).toEqual([
      "/persist/cmd/web/test:/command_files",
      "/persist/repos/github.com/org/web:/web",
      "/persist/repos/github.com/org/web:/elsewhere",
      "/persist/repos/github.com/org/client:/client",
    ]);
    expect(testMounts(target("nomount"), testRepos(specs, target("nomount")), paths)).toEqual(["/persist/cmd/nomount/test:/command_files"]);
  });
});

describe("names", () => {
  test("testImageRef() and testRunName() give names Docker and compose accept, whatever the spec name", () => {
    expect(testImageRef("web", "abc123")).toBe("dusty/test_web:abc123");
    expect(testImageRef("My_App", "k")).toBe("dusty/test_my-app:k");
    expect(testImageRef("api.v2", "k")).toBe("dusty/test_api.v2:k");
    expect(testRunName("My App!", "0a1b2c3d", "prep")).toBe("dustytest-my-app-0a1b2c3d-prep");
    expect(testRunName("__", "r", "1")).toBe("dustytest-x-r-1");
  });

  test("suiteCommand() runs the suite's command file with the args as separate words", () => {
    expect(suiteCommand("web", "unit", ["a b", "$X"])).toEqual(["sh", "/command_files/dusty_command_file_web_test_unit.sh", "a b", "$X"]);
  });
});

describe("tables", () => {
  test("renderSuiteList() shows each suite with its description and default args", () => {
    expect(renderSuiteList(target("web"))).toMatchInlineSnapshot(`
      "Test Suite   Description  Default Args
      -----------  -----------  --------------
      unit         Fast tests   -x 'tests/a b'
      integration
      "
    `);
  });

  test("renderSuiteSummary() shows PASS or FAIL with the exit code and seconds with one decimal", () => {
    expect(renderSuiteSummary([
      { suite: "unit", exitCode: 0, seconds: 1.26 },
      { suite: "integration", exitCode: 2, seconds: 10 },
    ])).toMatchInlineSnapshot(`
      "Suite        Result              Time (s)
      -----------  ------------------  --------
      unit         PASS                1.3
      integration  FAIL (exit code 2)  10.0
      "
    `);
  });
});
