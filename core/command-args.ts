/**
 * The arguments of every daemon command (core/commands.ts), as valibot schemas: the daemon checks a
 * request against its command's schema before the handler runs, so a handler reads fields whose JSON
 * types are already known. Keys a schema does not name pass through (a newer client may send more);
 * rules beyond the type (a name that must exist, a path that must be absolute) stay with the handler.
 */
import * as v from "valibot";
import type { CommandName } from "./commands.ts";
import { ENGINE_COMMANDS, type ClientEngine } from "./docker-engine.ts";

// null counts as absent: JSON has no undefined, and some clients send null for "not given".
const text = v.nullish(v.string());
const flag = v.nullish(v.boolean());
const count = v.nullish(v.number());
const texts = v.nullish(v.array(v.string()));
const args = <T extends v.ObjectEntries>(entries: T) => v.looseObject(entries);

const NONE = args({});
const READ_FORMAT = args({ json: flag, quiet: flag });
const AGENT = { sshAuthSock: text };
/** The engine the client would use itself (core/docker-engine.ts); the daemon checks the endpoint before using it. */
const CLIENT_ENGINE = v.looseObject({
  source: v.picklist(["DOCKER_HOST", "DOCKER_CONTEXT", "currentContext"]),
  context: v.optional(v.string()),
  host: v.optional(v.string()),
  certPath: v.optional(v.string()),
  tlsVerify: v.optional(v.boolean()),
  problem: v.optional(v.string()),
});
const ENGINE = { dockerEngine: v.nullish(CLIENT_ENGINE) };

/** Each command's arguments; `satisfies` makes a command without a schema a type error. */
export const COMMAND_ARGS = {
  version: args({ json: flag }),
  dump: args({ daemonProblem: text, ...AGENT, ...ENGINE }),
  doctor: args({ ...ENGINE }),
  shutdown: args({ ...ENGINE }),
  setup: args({ mac_username: text, specs_repo: text, vm_memory_size: v.nullish(v.union([v.string(), v.number()])), update: flag, ...AGENT }),
  "config.list": READ_FORMAT,
  "config.listvalues": NONE,
  "config.set": args({ key: text, value: text }),
  "bundles.list": READ_FORMAT,
  "bundles.activate": args({ names: texts, only: flag }),
  "bundles.deactivate": args({ names: texts }),
  "repos.list": READ_FORMAT,
  "repos.from": args({ dir: text }),
  "repos.override": args({ name: text, path: text }),
  "repos.manage": args({ name: text, all: flag }),
  "repos.update": args({ ...AGENT }),
  "env.list": args({ name: text, json: flag, quiet: flag }),
  "env.set": args({ name: text, vars: v.nullish(v.record(v.string(), v.nullable(v.string()))), file: text }),
  "env.unset": args({ name: text, variable: text, all: flag }),
  "assets.list": args({ name: text, json: flag, quiet: flag }),
  "assets.read": args({ key: text }),
  "assets.set": args({ key: text, content: text }),
  "assets.unset": args({ key: text }),
  validate: NONE,
  compile: args({ bundles: texts, json: flag }),
  up: args({ recreate: flag, pull: flag, wait: count, ...AGENT, ...ENGINE }),
  stop: args({ names: texts, rm: flag, ...ENGINE }),
  restart: args({ names: texts, repos: texts, sync: flag, ...ENGINE }),
  sync: args({ repos: texts, ...ENGINE }),
  watch: args({ names: texts, restart: flag, ...ENGINE }),
  status: args({ json: flag, quiet: flag, ...ENGINE }),
  "containers.find": args({ name: text, running: flag, ...ENGINE }),
  scripts: args({ app: text, script: text, ...ENGINE }),
  cp: args({ source: text, destination: text, ...ENGINE }),
  "disk.inspect": args({ json: flag, quiet: flag, ...ENGINE }),
  "disk.cleanup_containers": args({ ...ENGINE }),
  "disk.cleanup_images": args({ ...ENGINE }),
  "disk.backup": args({ destination: text, ...ENGINE }),
  "disk.restore": args({ source: text, ...ENGINE }),
  test: args({ name: text, suite: text, args: texts, recreate: flag, pull: flag, json: flag, quiet: flag, ...ENGINE }),
  "debug.sleep": args({ ms: count, bytes: count }),
  "debug.read": args({ ms: count, bytes: count }),
} satisfies Record<CommandName, v.GenericSchema>;

/** The client's engine of a checked request, when the command reaches the engine (else undefined). */
export function clientEngineOf(command: CommandName, args: Record<string, unknown>): ClientEngine | undefined {
  if (!ENGINE_COMMANDS.includes(command)) return undefined;
  const result = v.safeParse(CLIENT_ENGINE, args.dockerEngine);
  return result.success ? result.output : undefined;
}

const EXPECTED: Record<string, string> = { string: "a string", boolean: "true or false", number: "a number", Array: "a list", Object: "an object" };

/** Undefined when `value` fits the command's arguments, else what is wrong, in the daemon's words. */
export function checkCommandArgs(command: CommandName, value: unknown): string | undefined {
  const result = v.safeParse(COMMAND_ARGS[command], value);
  if (result.success) return undefined;
  const issue = result.issues[0];
  const key = issue.path?.map((p) => String(p.key)).join(".") ?? "";
  const what = key === "" ? "args" : `"${key}"`;
  const expected = EXPECTED[issue.expected ?? ""] ?? issue.expected ?? "something else";
  return `Cannot run ${command}: the request's ${what} must be ${expected}. Update the dusty client to the daemon's version`;
}

/**
 * The `test` request once the daemon has checked it (cmd/daemon/handlers/_test-args.ts), and what the
 * client (cmd/test.ts) builds: one wire type for both sides.
 */
export interface TestRequest {
  /** The app or lib; absent, the daemon lists what can be tested. */
  name?: string;
  /** A suite or `all`; absent, the daemon lists the suites. */
  suite?: string;
  /** Arguments for the suite; empty means its default_args. */
  args: string[];
  /** Rebuild the test image even when it is up to date. */
  recreate: boolean;
  /** Pull the specs repo and the managed repos first (`--no-pull` turns it off). */
  pull: boolean;
  /** List the suites as JSON (`--json`) or by name only (`-q`); only without a suite. */
  json: boolean;
  quiet: boolean;
}
