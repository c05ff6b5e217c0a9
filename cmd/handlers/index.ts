/**
 * Every daemon command, by the name clients send. Handlers load on first use, so the daemon starts fast
 * and a command's dependencies cost nothing until someone runs it.
 */
import type { Handler } from "./_types.ts";

type HandlerLoader = () => Promise<Handler>;

const load = (module: Promise<{ default: Handler }>) => module.then((m) => m.default);

/** The daemon's commands. */
export const HANDLERS: Record<string, HandlerLoader> = {
  version: () => load(import("./version.ts")),
};

/** Commands for tests only; DUSTY_DEBUG_COMMANDS=1 in the daemon's environment turns them on. */
const DEBUG_HANDLERS: Record<string, HandlerLoader> = {
  "debug.sleep": () => load(import("./debug-sleep.ts")),
};

/** The loader of a command, or undefined when the daemon has no such command. */
export function findHandler(command: string, env: Record<string, string | undefined> = process.env): HandlerLoader | undefined {
  // Own keys only: a command named "constructor" or "__proto__" must not reach Object.prototype.
  if (Object.hasOwn(HANDLERS, command)) return HANDLERS[command];
  if (env.DUSTY_DEBUG_COMMANDS === "1" && Object.hasOwn(DEBUG_HANDLERS, command)) return DEBUG_HANDLERS[command];
  return undefined;
}
