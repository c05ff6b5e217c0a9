/**
 * The arguments of every daemon command (core/commands.ts), as valibot schemas: the daemon checks a
 * request against its command's schema before the handler runs and hands the handler what the schema
 * outputs (defaults applied, duplicates dropped), typed as `CommandArgs<"up">`. So the rules of the
 * wire (required or not, non-empty, in range) live here once; rules that need the world (a name that
 * must exist in the specs, a folder that must exist) stay with the handler.
 */
import * as v from "valibot";
import type { CommandName } from "./commands.ts";
import { absolutePath, args, flag, name, names, number, optional, optionalName, required, say, string, text, texts } from "./command-arg-rules.ts";
import { checkAssetKey } from "./load-names.ts";
import { ENGINE_COMMANDS, type ClientEngine } from "./docker-engine.ts";

/** Longest `--wait` accepted, in seconds: an hour is already more than any start should take. */
export const MAX_WAIT_SECONDS = 3600;
/** How long `up` waits for the apps to stay up when the client does not say. */
export const DEFAULT_WAIT_SECONDS = 30;

const got = (what: string) => (input: unknown) => `${what}, got ${JSON.stringify(input)}`;
const sshAuthSock = optional(v.string("Cannot use the SSH agent: `sshAuthSock` must be a path"));
const NONE = args({});
/** The engine the client would use itself (core/docker-engine.ts); the daemon checks the endpoint before using it. */
const CLIENT_ENGINE = v.looseObject({
  source: v.picklist(["DOCKER_HOST", "DOCKER_CONTEXT", "currentContext"]),
  context: v.optional(v.string()),
  host: v.optional(v.string()),
  certPath: v.optional(v.string()),
  tlsVerify: v.optional(v.boolean()),
  problem: v.optional(v.string()),
  knownHostsFile: v.optional(v.string()),
});
/** For the commands of ENGINE_COMMANDS, which reach the Docker Engine. */
const ENGINE = { dockerEngine: v.nullish(CLIENT_ENGINE) };
const containerName = (input: unknown) => `Cannot find a container: ${JSON.stringify(input)} is not the name of an app or service`;

/** How a read command answers: a table, one JSON object (`json`) or the names only (`quiet`); not both. */
const formatArgs = <T extends v.ObjectEntries = {}>(entries: T = {} as T) =>
  v.pipe(
    args({ ...entries, json: flag(false), quiet: flag(false) }),
    v.check((format) => !(format.json && format.quiet), "Cannot use --json and --quiet together: choose one"),
  );

// A variable name as Compose accepts it in `environment:`: no "=", no whitespace.
const VARIABLE_NAME = /^[^=\s\0]+$/;

const NO_VARS = "Cannot set environment overrides: give a variable and its value, or a --file with at least one variable";

/** What is wrong with the variables of `env set` (`{VAR: value or null}`), in the user's words, or undefined. */
function checkVars(vars: unknown): string | undefined {
  if (vars === null || typeof vars !== "object" || Array.isArray(vars) || Object.keys(vars).length === 0) return NO_VARS;
  for (const [variable, value] of Object.entries(vars)) {
    if (!VARIABLE_NAME.test(variable)) return `Cannot set environment variable "${variable}": a name must not be empty or contain "=" or whitespace`;
    if (value !== null && (typeof value !== "string" || value.includes("\0"))) return `Cannot set environment variable ${variable}: its value must be text without NUL characters`;
  }
  return undefined;
}

const envVars = required(
  v.pipe(
    v.unknown(),
    v.rawCheck(({ dataset, addIssue }) => {
      const problem = checkVars(dataset.value);
      if (problem !== undefined) addIssue({ message: problem });
    }),
    v.transform((vars) => vars as Record<string, string | null>),
  ),
  NO_VARS,
);

const assetKey = v.pipe(
  name("Cannot run the assets command: `key` must be a non-empty string"),
  v.rawCheck(({ dataset, addIssue }) => {
    const problem = dataset.typed ? checkAssetKey(dataset.value) : undefined;
    if (problem !== undefined) addIssue({ message: `Cannot use asset key ${JSON.stringify(dataset.value)}: ${problem}` });
  }),
);

// Base64 as the client sends it: a decoder would skip what is not base64, and a garbled request must not become a garbled secret.
const NOT_BASE64 = "Cannot set the asset: `content` must be base64-encoded";
const base64 = required(v.pipe(v.string(NOT_BASE64), v.check((s) => s.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(s), NOT_BASE64)), NOT_BASE64);

const testField = (key: string, expected: string) => `Cannot run test: the request's "${key}" must be ${expected}. Update the dusty client to the daemon's version`;
const testText = (key: string) => optional(v.pipe(v.string(testField(key, "a non-empty string")), v.nonEmpty(testField(key, "a non-empty string"))));

/** The `test` request: a suite needs its target, and --json/-q list the suites, so they take no suite. */
const TEST = v.pipe(
  args({ name: testText("name"), suite: testText("suite"), args: texts, recreate: flag(false), pull: flag(true), json: flag(false), quiet: flag(false), ...ENGINE }),
  v.check((r) => r.suite === undefined || r.name !== undefined, testField("name", "an app or lib name when a suite is given")),
  v.check(
    (r) => !(r.json || r.quiet) || r.suite === undefined,
    (issue) => {
      const r = issue.input as { suite?: string; json?: boolean };
      return `Cannot run suite ${r.suite} with ${r.json ? "--json" : "--quiet"}: those list the suites. Leave out the suite name to list them`;
    },
  ),
);

const debugSleep = args({ ms: number({ min: 0, max: Number.MAX_SAFE_INTEGER, fallback: 1000 }, "debug: ms must be 0 or more"), bytes: number({ min: 0, max: Number.MAX_SAFE_INTEGER, fallback: 0 }, "debug: bytes must be 0 or more") });

/** Each command's arguments; `satisfies` makes a command without a schema a type error. */
export const COMMAND_ARGS = {
  version: formatArgs(),
  dump: args({ daemonProblem: text, sshAuthSock, ...ENGINE }),
  doctor: args({ ...ENGINE }),
  shutdown: args({ ...ENGINE }),
  setup: args({
    mac_username: name("Cannot complete setup: `mac_username` must be a non-empty string. Run `dusty setup` again"),
    specs_repo: v.nullish(v.string("Cannot complete setup: `specs_repo` must be a non-empty string. Run `dusty setup` again"), ""),
    vm_memory_size: name("Cannot complete setup: `vm_memory_size` must be a non-empty string. Run `dusty setup` again"),
    update: flag(true),
    sshAuthSock,
  }),
  "config.list": formatArgs(),
  "config.listvalues": NONE,
  "config.set": args({
    key: string("Cannot set a config value: give a key and a value, as in `dusty config set <key> <value>`"),
    value: string("Cannot set a config value: give a key and a value, as in `dusty config set <key> <value>`"),
  }),
  "bundles.list": formatArgs(),
  "bundles.activate": args({ names: names("Cannot activate bundles: give at least one bundle name, as in `dusty bundles activate <name>...`", { atLeastOne: true }), only: flag(false) }),
  "bundles.deactivate": args({ names: names("Cannot deactivate bundles: give at least one bundle name, as in `dusty bundles deactivate <name>...`", { atLeastOne: true }) }),
  "repos.list": formatArgs(),
  "repos.from": args({ dir: absolutePath(got("Cannot use dir: expected an absolute path")) }),
  "repos.override": args({
    name: name("Cannot resolve the repo: give its full name or short name (see `dusty repos list`)"),
    path: absolutePath(got("Cannot use path: expected an absolute path")),
  }),
  "repos.manage": v.pipe(
    args({ name: optionalName("Cannot resolve the repo: give its full name or short name (see `dusty repos list`)"), all: flag(false) }),
    v.check((r) => r.all !== (r.name !== undefined), "Cannot manage repos: give either a repo name or --all"),
  ),
  "repos.update": args({ sshAuthSock }),
  "env.list": formatArgs({ name: optionalName("Cannot list environment overrides: give the name of an app or service") }),
  "env.set": args({
    name: name("Cannot set environment overrides: give the name of an app or service"),
    vars: envVars,
    file: optionalName("Cannot change environment overrides: `file` must be a non-empty string"),
  }),
  "env.unset": args({
    name: name("Cannot unset environment overrides: give the name of an app or service"),
    variable: optionalName("Cannot change environment overrides: `variable` must be a non-empty string"),
    all: flag(false),
  }),
  "assets.list": formatArgs({ name: optionalName("Cannot run the assets command: `name` must be a non-empty string") }),
  "assets.read": args({ key: assetKey }),
  "assets.set": args({ key: assetKey, content: base64 }),
  "assets.unset": args({ key: assetKey }),
  validate: NONE,
  compile: args({ bundles: names("Cannot compile: `bundles` must be a list of bundle names"), json: flag(false) }),
  up: args({
    recreate: flag(true),
    pull: flag(true),
    wait: number({ min: 0, max: MAX_WAIT_SECONDS, fallback: DEFAULT_WAIT_SECONDS }, got(`Cannot use "wait": expected a number of seconds from 0 to ${MAX_WAIT_SECONDS}`)),
    sshAuthSock,
    ...ENGINE,
  }),
  stop: args({ names: names(got("Cannot run stop: expected a list of names")), rm: flag(false), ...ENGINE }),
  restart: args({ names: names(got("Cannot run restart: expected a list of names")), repos: names(got("Cannot run restart --repos: expected a list of names")), sync: flag(true), ...ENGINE }),
  sync: args({ repos: names(got("Cannot run sync: expected a list of names")), ...ENGINE }),
  watch: args({ names: names(got("Cannot run watch: expected a list of names")), restart: flag(false), ...ENGINE }),
  status: formatArgs({ ...ENGINE }),
  // Checked against the rule for compose service names, so it cannot turn into a filter.
  "containers.find": args({
    name: required(v.pipe(v.string(say(containerName)), v.regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, say(containerName))), containerName),
    running: flag(false),
    ...ENGINE,
  }),
  scripts: args({ app: name(got("Cannot run a script: the app name must be a non-empty text")), script: optionalName(got("Cannot run a script: the script name must be a non-empty text")), ...ENGINE }),
  cp: args({ source: string(got("Cannot copy: the source must be a path")), destination: string(got("Cannot copy: the destination must be a path")), ...ENGINE }),
  "disk.inspect": formatArgs({ ...ENGINE }),
  "disk.cleanup_containers": args({ ...ENGINE }),
  "disk.cleanup_images": args({ ...ENGINE }),
  "disk.backup": args({ destination: name("Cannot run disk backup: the destination must be a path"), ...ENGINE }),
  "disk.restore": args({ source: name("Cannot run disk restore: the source must be a path"), ...ENGINE }),
  test: TEST,
  "debug.sleep": debugSleep,
  "debug.read": debugSleep,
} satisfies Record<CommandName, v.GenericSchema>;

/** The client's engine of a checked request, when the command reaches the engine (else undefined). */
export function clientEngineOf(command: CommandName, args: Record<string, unknown>): ClientEngine | undefined {
  if (!ENGINE_COMMANDS.includes(command)) return undefined;
  const result = v.safeParse(CLIENT_ENGINE, args.dockerEngine);
  return result.success ? result.output : undefined;
}

/** A command's arguments as a client sends them (the client imports this type only, never valibot). */
export type CommandArgsInput<C extends CommandName> = v.InferInput<(typeof COMMAND_ARGS)[C]>;

/** A command's arguments as its handler gets them: checked, defaults applied. */
export type CommandArgs<C extends CommandName> = v.InferOutput<(typeof COMMAND_ARGS)[C]>;

const EXPECTED: Record<string, string> = { string: "a string", boolean: "true or false", number: "a number", Array: "a list", Object: "an object" };

// What an issue without a message of its own gets: a value of the wrong JSON type. Its key path is known
// only once the parse is over, so the message is made then.
const WRONG_TYPE = "\0wrong type";

/** The table's one message for a value of the wrong JSON type: the client is not the daemon's version. */
function describeWrongType(command: CommandName, issue: v.BaseIssue<unknown>): string {
  const key = issue.path?.map((p) => String(p.key)).join(".") ?? "";
  const what = key === "" ? "args" : `"${key}"`;
  const expected = EXPECTED[issue.expected ?? ""] ?? issue.expected ?? "something else";
  return `Cannot run ${command}: the request's ${what} must be ${expected}. Update the dusty client to the daemon's version`;
}

/** The arguments `value` gives `command`, checked; or the first problem, in the words of the rule it broke. */
export function parseCommandArgs<C extends CommandName>(command: C, value: unknown): { args: CommandArgs<C> } | { problem: string } {
  const result = v.safeParse(COMMAND_ARGS[command], value, { abortEarly: true, message: WRONG_TYPE });
  if (result.success) return { args: result.output as CommandArgs<C> };
  const issue = result.issues[0];
  return { problem: issue.message === WRONG_TYPE ? describeWrongType(command, issue) : issue.message };
}

/** Undefined when `value` fits the command's arguments, else what is wrong, in the daemon's words. */
export function checkCommandArgs(command: CommandName, value: unknown): string | undefined {
  const parsed = parseCommandArgs(command, value);
  return "problem" in parsed ? parsed.problem : undefined;
}

/**
 * The `test` request once the daemon has checked it, and what the client (cmd/test.ts) builds: one
 * wire type for both sides.
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

// The schema's output is the same wire type the client builds: a drift between them fails to compile.
true satisfies CommandArgs<"test"> extends TestRequest ? true : false;
