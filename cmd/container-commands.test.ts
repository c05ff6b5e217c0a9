// The client-side parsing of `logs`, `scripts`, `shell` and `disk restore`: no daemon needed.
import { expect, test } from "bun:test";
import { join } from "node:path";
import { HEAVY_PACKAGES, startupPackages } from "../test/startup-packages.ts";
import { isYes } from "./disk.ts";
import { execFlags } from "./client/exec-docker.ts";
import { parseTail } from "./logs.ts";
import { splitScriptArgs } from "./scripts.ts";

test("splitScriptArgs() hands everything after the script name to the script, flags included", () => {
  expect(splitScriptArgs(["web", "migrate", "-v", "--x=1", "a b", "--"])).toEqual({ app: "web", script: "migrate", args: ["-v", "--x=1", "a b", "--"] });
  expect(splitScriptArgs(["--verbose", "web"])).toEqual({ app: "web", script: undefined, args: [] });
  expect(splitScriptArgs(["web", "--flag-as-script"])).toEqual({ app: "web", script: "--flag-as-script", args: [] });
  expect(splitScriptArgs([])).toEqual({ args: [] });
});

test("parseTail() takes a count or all, and refuses anything else", () => {
  expect(parseTail(undefined)).toEqual({ ok: true, tail: undefined });
  expect(parseTail("all")).toEqual({ ok: true, tail: undefined });
  expect(parseTail("0")).toEqual({ ok: true, tail: 0 });
  expect(parseTail("25")).toEqual({ ok: true, tail: 25 });
  expect(parseTail("-3")).toMatchObject({ ok: false });
  expect(parseTail("ten")).toEqual({ ok: false, error: 'Invalid value for --tail: "ten". Give a number of lines, e.g. --tail=100' });
});

test("execFlags() asks docker for a TTY only when there is one", () => {
  expect(execFlags(true)).toEqual(["--interactive", "--tty"]);
  expect(execFlags(false)).toEqual(["--interactive"]);
});

test("isYes() accepts y and Y only", () => {
  expect(["y", "Y", " y\n"].map(isYes)).toEqual([true, true, true]);
  expect(["", "n", "yes", null].map(isYes)).toEqual([false, false, false, false]);
});

test("the container commands' client files bring no heavy package into start-up", () => {
  for (const file of ["logs.ts", "shell.ts", "scripts.ts", "cp.ts", "disk.ts"]) {
    const heavy = [...startupPackages(join(import.meta.dir, file))].filter((p) => HEAVY_PACKAGES.includes(p));
    expect(`${file}: ${heavy.join(", ")}`).toBe(`${file}: `);
  }
});
