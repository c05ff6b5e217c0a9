// The command table (core/commands.ts) against both ends of the wire: the daemon's registry and the
// client's calls. A command added on one side only fails here.
import { expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { checkCommandArgs, clientEngineOf, COMMAND_ARGS } from "../../../core/command-args.ts";
import { ENGINE_COMMANDS } from "../../../core/docker-engine.ts";
import { COMMANDS, type CommandName } from "../../../core/commands.ts";
import { findHandler, HANDLERS } from "./index.ts";

const DEBUG = { DUSTY_DEBUG_COMMANDS: "1" };
const NAMES = Object.keys(COMMANDS) as CommandName[];

test("every command of the table has a handler that loads, and every handler a command", async () => {
  const product = NAMES.filter((name) => !("debug" in COMMANDS[name]));
  expect(Object.keys(HANDLERS).sort()).toEqual(product.sort());
  for (const name of NAMES) {
    const load = findHandler(name, DEBUG);
    expect(load).toBeDefined();
    // Loading fails when a module does not export the handler its slot names.
    expect(typeof (await load!()).check).toBe("function");
  }
  expect(findHandler("debug.sleep", {})).toBeUndefined();
  expect(findHandler("__proto__", DEBUG)).toBeUndefined();
  expect(findHandler("no.such", DEBUG)).toBeUndefined();
});

test("every command the client sends is in the table", () => {
  const cmd = join(import.meta.dir, "../..");
  const sent = new Set<string>();
  const sources = [cmd, join(cmd, "client")].flatMap((dir) => readdirSync(dir).filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts")).map((f) => join(dir, f)));
  for (const file of sources) {
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(/(?:callDaemon|runClientCommand|askDaemonFor<[^>]*>|runWithFallback)\(\s*"([^"]+)"/g)) sent.add(m[1]!);
  }
  // The scan finds the commands of up, stop, status … so it would notice a client call outside the table.
  expect(sent.size).toBeGreaterThan(30);
  expect([...sent].filter((name) => !Object.hasOwn(COMMANDS, name))).toEqual([]);
});

test("the daemon refuses arguments of the wrong type before the handler runs, in one message", async () => {
  expect(checkCommandArgs("stop", { names: ["web"], rm: true })).toBeUndefined();
  expect(checkCommandArgs("up", { recreate: true, pull: false, sshAuthSock: null, extra: 1 })).toBeUndefined();
  expect(checkCommandArgs("stop", { names: "web" })).toBe(`Cannot run stop: the request's "names" must be a list. Update the dusty client to the daemon's version`);
  expect(checkCommandArgs("up", { pull: "no" })).toBe(`Cannot run up: the request's "pull" must be true or false. Update the dusty client to the daemon's version`);
  expect(checkCommandArgs("version", "x")).toContain("Cannot run version: the request's args must be");
  const handler = await findHandler("bundles.activate", DEBUG)!();
  expect(handler.check({ names: [1] })).toEqual({ problem: expect.stringContaining(`the request's "names.0" must be a string`) });
});

test("every command that reaches the engine takes the client's dockerEngine, and only those", () => {
  const withEngine = (Object.keys(COMMAND_ARGS) as CommandName[]).filter((name) => "dockerEngine" in (COMMAND_ARGS[name] as { entries: object }).entries);
  expect(withEngine.sort()).toEqual([...ENGINE_COMMANDS].sort());
  const engine = { source: "DOCKER_CONTEXT", context: "colima", host: "unix:///Users/al/.colima/default/docker.sock" };
  expect(checkCommandArgs("status", { dockerEngine: engine })).toBeUndefined();
  expect(checkCommandArgs("status", { dockerEngine: { ...engine, source: "somewhere" } })).toContain(`Cannot run status: the request's "dockerEngine.source" must be`);
  expect(checkCommandArgs("up", { dockerEngine: { ...engine, host: 42 } })).toContain(`the request's "dockerEngine.host" must be a string`);
  expect(clientEngineOf("status", { dockerEngine: engine })).toEqual(engine as never);
  // A command that never reaches the engine ignores it.
  expect(clientEngineOf("bundles.list", { dockerEngine: engine })).toBeUndefined();
});
