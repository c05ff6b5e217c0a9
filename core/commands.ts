/**
 * The wire between client and daemon, as one table: every command a client may send, whether it
 * changes state (mutating commands run one at a time in the daemon's queue) and what its stdout
 * carries. The client names commands by `CommandName`, so a typo does not compile; the daemon's
 * registry (cmd/daemon/handlers/index.ts) is checked against this table by cmd/daemon/handlers/commands.test.ts, and
 * each command's arguments are checked against core/command-args.ts before its handler runs.
 * No imports: the client loads this file at every start.
 */

/** What a command's stdout (`output` frames) carries. */
export type CommandResult =
  /** Lines for a person. */
  | "text"
  /** Lines for a person, or one JSON document when asked (`json: true`, docs/json.md; `scripts` with a script for the client). */
  | "text-or-json"
  /** One JSON document, for the client itself (not the user). */
  | "json"
  /** The bytes of a file, base64-encoded. */
  | "base64";

/** One command of the table. */
export interface CommandEntry {
  /** True when it changes state (config, hosts file, containers, files on the Docker host). */
  mutates: boolean;
  result: CommandResult;
  /** Only with DUSTY_DEBUG_COMMANDS=1 in the daemon's environment: for tests. */
  debug?: true;
}

const READ = (result: CommandResult = "text"): CommandEntry => ({ mutates: false, result });
const CHANGE = (result: CommandResult = "text"): CommandEntry => ({ mutates: true, result });

/** Every daemon command, grouped by what it does. */
export const COMMANDS = {
  // The daemon itself.
  version: READ("text-or-json"),
  dump: READ(),
  doctor: CHANGE(),
  shutdown: CHANGE(),
  // Configuration: setup, config values, bundles, repos, env overrides, assets.
  setup: CHANGE(),
  "config.list": READ("text-or-json"),
  "config.listvalues": READ(),
  "config.set": CHANGE(),
  "bundles.list": READ("text-or-json"),
  "bundles.activate": CHANGE(),
  "bundles.deactivate": CHANGE(),
  "repos.list": READ("text-or-json"),
  "repos.from": CHANGE(),
  "repos.override": CHANGE(),
  "repos.manage": CHANGE(),
  "repos.update": CHANGE(),
  "env.list": READ("text-or-json"),
  "env.set": CHANGE(),
  "env.unset": CHANGE(),
  "assets.list": READ("text-or-json"),
  "assets.read": READ("base64"),
  "assets.set": CHANGE(),
  "assets.unset": CHANGE(),
  // The specs: checking and compiling them.
  validate: READ(),
  compile: READ("text-or-json"),
  // The environment: bringing it up, changing and stopping it.
  up: CHANGE(),
  stop: CHANGE(),
  restart: CHANGE(),
  // It writes where containers mount code, as `up` does: never at the same time as an `up`.
  sync: CHANGE(),
  // Seeing and reaching it: a long-lived watch is not mutating, or it would hold the queue for hours.
  watch: READ(),
  status: READ("text-or-json"),
  "containers.find": READ("json"),
  scripts: READ("text-or-json"),
  cp: CHANGE(),
  // The Docker host's disk.
  "disk.inspect": READ("text-or-json"),
  "disk.cleanup_containers": CHANGE(),
  "disk.cleanup_images": CHANGE(),
  "disk.backup": CHANGE(),
  "disk.restore": CHANGE(),
  // Tests of the apps and libs.
  test: READ("text-or-json"),
  // For dusty's own tests.
  "debug.sleep": { mutates: true, result: "text", debug: true },
  "debug.read": { mutates: false, result: "text", debug: true },
} as const satisfies Record<string, CommandEntry>;

/** The name of a daemon command. */
export type CommandName = keyof typeof COMMANDS;

/** The table's entry for `name`, or undefined when there is no such command (own keys only: no `__proto__`). */
export function commandEntry(name: string): CommandEntry | undefined {
  return Object.hasOwn(COMMANDS, name) ? COMMANDS[name as CommandName] : undefined;
}

/** The commands for dusty's own tests only. */
export type DebugCommandName = { [K in CommandName]: (typeof COMMANDS)[K] extends { debug: true } ? K : never }[CommandName];
