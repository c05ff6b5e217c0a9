/**
 * Every daemon command of core/commands.ts, by the name clients send. Handlers load on first use, so the daemon starts fast
 * and a command's dependencies cost nothing until someone runs it. A group's handlers live in one file
 * (`bundles.ts` exports `list`, `activate`, `deactivate`).
 */
import { commandEntry, COMMANDS, type CommandName, type DebugCommandName } from "../../../core/commands.ts";
import type { CheckedHandler, Handler } from "./_types.ts";

/** Loads the handler of command `C` (its module on first use). */
type HandlerLoader<C extends CommandName> = () => Promise<Handler<C>>;

/**
 * The handler exported as `name` (default: the default export) by a lazily imported module. Typed by
 * the module: a handler for the wrong command's arguments in a slot of the table does not compile.
 */
const from = <M, K extends keyof M & string = "default" & keyof M>(module: () => Promise<M>, name: K = "default" as K) => () =>
  module().then((m) => {
    const handler = m[name];
    if (!handler) throw new Error(`handler module does not export ${name}`);
    return handler;
  });

const bundles = () => import("./bundles.ts");
const config = () => import("./config.ts");
const env = () => import("./env.ts");
const repos = () => import("./repos.ts");
const assets = () => import("./assets.ts");
const disk = () => import("./disk.ts");

/** The daemon's commands, in the order and groups of core/commands.ts; the types make a missing or extra one an error. */
export const HANDLERS: { [C in Exclude<CommandName, DebugCommandName>]: HandlerLoader<C> } = {
  // The daemon itself.
  version: from(() => import("./version.ts")),
  dump: from(() => import("./dump.ts")),
  doctor: from(() => import("./doctor.ts")),
  shutdown: from(() => import("./shutdown.ts")),
  // Configuration: setup, config values, bundles, repos, env overrides, assets.
  setup: from(() => import("./setup.ts")),
  "config.list": from(config, "list"),
  "config.listvalues": from(config, "listValues"),
  "config.set": from(config, "set"),
  "bundles.list": from(bundles, "list"),
  "bundles.activate": from(bundles, "activate"),
  "bundles.deactivate": from(bundles, "deactivate"),
  "repos.list": from(repos, "list"),
  "repos.from": from(repos, "from"),
  "repos.override": from(repos, "override"),
  "repos.manage": from(repos, "manage"),
  "repos.update": from(repos, "update"),
  "env.list": from(env, "list"),
  "env.set": from(env, "set"),
  "env.unset": from(env, "unset"),
  "assets.list": from(assets, "list"),
  "assets.read": from(assets, "read"),
  "assets.set": from(assets, "set"),
  "assets.unset": from(assets, "unset"),
  // The specs: checking and compiling them.
  validate: from(() => import("./validate.ts")),
  compile: from(() => import("./compile.ts")),
  // The environment: bringing it up, changing and stopping it.
  up: from(() => import("./up.ts")),
  stop: from(() => import("./stop.ts")),
  restart: from(() => import("./restart.ts")),
  sync: from(() => import("./sync.ts")),
  // Seeing and reaching it.
  watch: from(() => import("./watch.ts")),
  status: from(() => import("./status.ts")),
  "containers.find": from(() => import("./containers-find.ts")),
  scripts: from(() => import("./scripts.ts")),
  cp: from(() => import("./cp.ts")),
  // The Docker host's disk.
  "disk.inspect": from(disk, "inspect"),
  "disk.cleanup_containers": from(disk, "cleanupContainers"),
  "disk.cleanup_images": from(disk, "cleanupImages"),
  "disk.backup": from(disk, "backup"),
  "disk.restore": from(disk, "restore"),
  // Tests of the apps and libs.
  test: from(() => import("./test.ts")),
};

/** Commands for tests only; DUSTY_DEBUG_COMMANDS=1 in the daemon's environment turns them on. */
const DEBUG_HANDLERS: { [C in DebugCommandName]: HandlerLoader<C> } = {
  "debug.sleep": from(() => import("./debug-sleep.ts")),
  "debug.read": from(() => import("./debug-sleep.ts"), "read"),
};

/** The loader of a command, or undefined when the daemon has no such command. */
export function findHandler(command: string, env: Record<string, string | undefined> = process.env): (() => Promise<CheckedHandler>) | undefined {
  // Own keys only: a command named "constructor" or "__proto__" must not reach Object.prototype.
  const entry = commandEntry(command);
  if (entry === undefined || (entry.debug && env.DUSTY_DEBUG_COMMANDS !== "1")) return undefined;
  const name = command as CommandName;
  const load = (entry.debug ? DEBUG_HANDLERS[name as DebugCommandName] : HANDLERS[name as Exclude<CommandName, DebugCommandName>]) as HandlerLoader<CommandName>;
  return async () => checkedAgainstTable(name, await load());
}

/**
 * The handler with the table's word on whether it mutates, its arguments checked against the
 * command's schema (core/command-args.ts) and handed on as the schema outputs them.
 */
export async function checkedAgainstTable<C extends CommandName>(name: C, handler: Handler<C>): Promise<CheckedHandler> {
  const { parseCommandArgs, clientEngineOf } = await import("../../../core/command-args.ts");
  return {
    mutates: COMMANDS[name].mutates,
    check: (args) => {
      const parsed = parseCommandArgs(name, args);
      if ("problem" in parsed) return { problem: parsed.problem };
      // Read from the request as sent: the engine is context for the command, not one of its arguments.
      const clientEngine = clientEngineOf(name, args as Record<string, unknown>);
      return { run: (ctx) => handler.run({ ...ctx, clientEngine }, parsed.args) };
    },
  };
}
