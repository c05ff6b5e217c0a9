import { expect, test } from "bun:test";
import { formatKeyPath } from "./diagnostics.ts";
import { checkSchema } from "./load-issues.ts";
import { AppSpec, BundleSpec, LibSpec } from "./specs.ts";

function messages(problems: { path: readonly (string | number)[]; message: string }[]): string[] {
  return problems.map((p) => `${formatKeyPath(p.path)}: ${p.message}`);
}

test("checkSchema() words type problems as expected/got", () => {
  const { problems, output } = checkSchema(AppSpec, {
    image: "x",
    host_forwarding: [{ host_name: "a", host_port: "80a", container_port: 80, type: "tcp" }],
    depends: { apps: { web: 1 } },
    commands: { always: "make" },
    image_requires_login: "yes",
  });
  expect(output).toBeUndefined();
  // In the schema's key order; diagnostics are sorted by position later.
  expect(messages(problems)).toEqual([
    "depends.apps: expected a list of strings, got a mapping",
    'host_forwarding[0].host_port: expected a number, got "80a"',
    'host_forwarding[0].type: expected one of "http", "stream", got "tcp"',
    'image_requires_login: expected true or false, got "yes"',
    'commands.always: expected a list of strings, got "make"',
  ]);
});

test("checkSchema() gives one message per path: a port's range, not its integer check too", () => {
  const forward = (port: number) => ({ image: "x", host_forwarding: [{ host_name: "a", host_port: port, container_port: 80 }] });
  expect(messages(checkSchema(AppSpec, forward(0.5)).problems)).toEqual(["host_forwarding[0].host_port: expected a whole number, got 0.5"]);
  expect(messages(checkSchema(AppSpec, forward(70000)).problems)).toEqual(["host_forwarding[0].host_port: expected a number from 1 to 65535, got 70000"]);
  expect(messages(checkSchema(AppSpec, forward(Infinity)).problems)).toEqual(["host_forwarding[0].host_port: expected a whole number, got Infinity"]);
});

test("checkSchema() reports every unknown key, with a suggestion when one is close", () => {
  const { problems } = checkSchema(LibSpec, { repo: "/r", mount: "/m", instal: [], foo: 1, depends: { lib: [] }, constructor: 1 });
  expect(problems.map((p) => [formatKeyPath(p.path), p.message, p.target])).toEqual([
    ["instal", 'unknown key (did you mean "install"?)', "key"],
    ["foo", "unknown key", "key"],
    ["depends.lib", 'unknown key (did you mean "libs"?)', "key"],
    ["constructor", "unknown key", "key"],
  ]);
});

test("checkSchema() reports missing required keys and empty names", () => {
  const { problems } = checkSchema(AppSpec, { image: "x", scripts: [{ name: "", command: ["a"] }, { description: "d" }] });
  expect(messages(problems)).toEqual([
    'scripts[0].name: expected a non-empty string, got ""',
    "scripts[1].name: missing required key",
    "scripts[1].command: missing required key",
  ]);
});

test("checkSchema() applies defaults for null values and keeps the output when valid", () => {
  const { problems, output } = checkSchema(BundleSpec, { apps: null, services: ["db"], description: null });
  expect(problems).toEqual([]);
  expect(output).toEqual({ apps: [], services: ["db"], description: "" });
});

test("checkSchema() reports a list where a mapping belongs, once, and nothing valibot says inside it", () => {
  const { problems, output } = checkSchema(AppSpec, {
    image: "x",
    commands: ["serve"],
    depends: [],
    compose: ["volumes"],
    host_forwarding: [[1, 2]],
    test: { suites: [{ name: "u", command: [], compose: [] }] },
  });
  expect(output).toBeUndefined();
  expect(messages(problems)).toEqual([
    "commands: expected a mapping, got a list",
    "depends: expected a mapping, got a list",
    "compose: expected a mapping, got a list",
    "host_forwarding[0]: expected a mapping, got a list",
    "test.suites[0].compose: expected a mapping, got a list",
  ]);
});
