// The rules of the wire as the daemon applies them before a handler runs: defaults, the user's messages
// for a value that breaks a rule, and the table's one message for a value of the wrong JSON type.
import { describe, expect, test } from "bun:test";
import { checkCommandArgs, parseCommandArgs, type CommandArgs } from "./command-args.ts";
import type { CommandName } from "./commands.ts";

function parsed<C extends CommandName>(command: C, value: unknown): CommandArgs<C> {
  const result = parseCommandArgs(command, value);
  if ("problem" in result) throw new Error(result.problem);
  return result.args;
}

describe("parseCommandArgs()", () => {
  test("parseCommandArgs() applies each command's defaults and drops duplicate names", () => {
    expect(parsed("up", {})).toMatchObject({ recreate: true, pull: true, wait: 30 });
    expect(parsed("up", { pull: null, wait: 0, sshAuthSock: null })).toMatchObject({ pull: true, wait: 0, sshAuthSock: undefined });
    expect(parsed("stop", { names: ["web", "db", "web"] })).toMatchObject({ names: ["web", "db"], rm: false });
    expect(parsed("restart", {})).toMatchObject({ names: [], repos: [], sync: true });
    expect(parsed("setup", { mac_username: "u", vm_memory_size: "2048" })).toMatchObject({ specs_repo: "", update: true });
    expect(parsed("test", { name: "web" })).toMatchObject({ name: "web", args: [], recreate: false, pull: true, json: false, quiet: false });
    expect(parsed("debug.sleep", {})).toMatchObject({ ms: 1000, bytes: 0 });
  });

  test("parseCommandArgs() refuses a value that breaks a rule in the user's words", () => {
    const problem = (command: CommandName, value: unknown) => checkCommandArgs(command, value);
    expect(problem("up", { wait: 3601 })).toBe('Cannot use "wait": expected a number of seconds from 0 to 3600, got 3601');
    expect(problem("up", { wait: -1 })).toBe('Cannot use "wait": expected a number of seconds from 0 to 3600, got -1');
    expect(problem("stop", { names: ["web", ""] })).toBe('Cannot run stop: expected a list of names, got ["web",""]');
    expect(problem("restart", { repos: [""] })).toBe('Cannot run restart --repos: expected a list of names, got [""]');
    expect(problem("bundles.activate", {})).toBe("Cannot activate bundles: give at least one bundle name, as in `dusty bundles activate <name>...`");
    expect(problem("bundles.deactivate", { names: [] })).toBe("Cannot deactivate bundles: give at least one bundle name, as in `dusty bundles deactivate <name>...`");
    expect(problem("compile", { bundles: [""] })).toBe("Cannot compile: `bundles` must be a list of bundle names");
    expect(problem("config.set", { key: "x" })).toBe("Cannot set a config value: give a key and a value, as in `dusty config set <key> <value>`");
    expect(problem("repos.from", { dir: "rel" })).toBe('Cannot use dir: expected an absolute path, got "rel"');
    expect(problem("repos.override", { name: "", path: "/x" })).toBe("Cannot resolve the repo: give its full name or short name (see `dusty repos list`)");
    expect(problem("repos.manage", {})).toBe("Cannot manage repos: give either a repo name or --all");
    expect(problem("repos.manage", { name: "x", all: true })).toBe("Cannot manage repos: give either a repo name or --all");
    expect(problem("env.set", { name: "web", vars: {} })).toBe("Cannot set environment overrides: give a variable and its value, or a --file with at least one variable");
    expect(problem("env.set", { name: "web", vars: { "BAD NAME": "1" } })).toBe('Cannot set environment variable "BAD NAME": a name must not be empty or contain "=" or whitespace');
    expect(problem("env.set", { name: "web", vars: { A: "x\0y" } })).toBe("Cannot set environment variable A: its value must be text without NUL characters");
    expect(problem("env.set", { name: "web", vars: { A: 1 } })).toBe("Cannot set environment variable A: its value must be text without NUL characters");
    expect(problem("env.set", { name: "web", vars: ["A=1"] })).toBe("Cannot set environment overrides: give a variable and its value, or a --file with at least one variable");
    expect(problem("env.set", { name: "web" })).toBe("Cannot set environment overrides: give a variable and its value, or a --file with at least one variable");
    expect(problem("env.unset", {})).toBe("Cannot unset environment overrides: give the name of an app or service");
    expect(problem("assets.read", { key: "../etc" })).toBe(`Cannot use asset key "../etc": keys are file names: no "/", "\\" or "..", and no "." at the start`);
    expect(problem("assets.set", { key: "k", content: "not base64!" })).toBe("Cannot set the asset: `content` must be base64-encoded");
    expect(problem("containers.find", { name: "--filter=x" })).toBe('Cannot find a container: "--filter=x" is not the name of an app or service');
    expect(problem("scripts", { app: "" })).toBe('Cannot run a script: the app name must be a non-empty text, got ""');
    expect(problem("cp", { source: "/a" })).toBe("Cannot copy: the destination must be a path, got undefined");
    expect(problem("disk.backup", { destination: "" })).toBe("Cannot run disk backup: the destination must be a path");
    expect(problem("setup", { vm_memory_size: "1" })).toBe("Cannot complete setup: `mac_username` must be a non-empty string. Run `dusty setup` again");
    expect(problem("up", { sshAuthSock: 42 })).toBe("Cannot use the SSH agent: `sshAuthSock` must be a path");
  });

  test("parseCommandArgs() refuses --json with --quiet on every read command", () => {
    for (const command of ["version", "config.list", "bundles.list", "repos.list", "env.list", "assets.list", "status", "disk.inspect"] as const) {
      expect(checkCommandArgs(command, { json: true, quiet: true })).toBe("Cannot use --json and --quiet together: choose one");
      expect(checkCommandArgs(command, { json: true })).toBeUndefined();
    }
  });

  test("parseCommandArgs() checks the test request as a whole", () => {
    expect(checkCommandArgs("test", { name: "" })).toBe(`Cannot run test: the request's "name" must be a non-empty string. Update the dusty client to the daemon's version`);
    expect(checkCommandArgs("test", { suite: "unit" })).toBe(`Cannot run test: the request's "name" must be an app or lib name when a suite is given. Update the dusty client to the daemon's version`);
    expect(checkCommandArgs("test", { name: "web", suite: "unit", quiet: true })).toBe("Cannot run suite unit with --quiet: those list the suites. Leave out the suite name to list them");
    expect(checkCommandArgs("test", { args: "x" })).toBe(`Cannot run test: the request's "args" must be a list. Update the dusty client to the daemon's version`);
    expect(checkCommandArgs("test", { name: "web", suite: "unit", args: ["-v", ""] })).toBeUndefined();
  });
});
