/**
 * Every daemon command, by the name clients send. Handlers load on first use, so the daemon starts fast
 * and a command's dependencies cost nothing until someone runs it. A group's handlers live in one file
 * (`bundles.ts` exports `list`, `activate`, `deactivate`).
 */
import type { Handler } from "./_types.ts";

type HandlerLoader = () => Promise<Handler>;
type HandlerModule = Promise<Record<string, unknown>>;

/** The handler exported as `name` (default: the default export) by a lazily imported module. */
const from = (module: () => HandlerModule, name = "default"): HandlerLoader => () =>
  module().then((m) => {
    const handler = m[name];
    if (!handler) throw new Error(`handler module does not export ${name}`);
    return handler as Handler;
  });

const bundles = () => import("./bundles.ts");
const config = () => import("./config.ts");
const env = () => import("./env.ts");
const repos = () => import("./repos.ts");
const assets = () => import("./assets.ts");
const disk = () => import("./disk.ts");

/** The daemon's commands. */
export const HANDLERS: Record<string, HandlerLoader> = {
  version: from(() => import("./version.ts")),
  // issue 3: configuration, bundles, repos, env, assets
  "bundles.list": from(bundles, "list"),
  "bundles.activate": from(bundles, "activate"),
  "bundles.deactivate": from(bundles, "deactivate"),
  "config.list": from(config, "list"),
  "config.listvalues": from(config, "listValues"),
  "config.set": from(config, "set"),
  setup: from(() => import("./setup.ts")),
  dump: from(() => import("./dump.ts")),
  "env.list": from(env, "list"),
  "env.set": from(env, "set"),
  "env.unset": from(env, "unset"),
  "repos.list": from(repos, "list"),
  "repos.from": from(repos, "from"),
  "repos.override": from(repos, "override"),
  "repos.manage": from(repos, "manage"),
  "repos.update": from(repos, "update"),
  "assets.list": from(assets, "list"),
  "assets.read": from(assets, "read"),
  "assets.set": from(assets, "set"),
  "assets.unset": from(assets, "unset"),
  validate: from(() => import("./validate.ts")),
  compile: from(() => import("./compile.ts")),
  // issue 4: the environment on a Docker host
  up: from(() => import("./up.ts")),
  stop: from(() => import("./stop.ts")),
  restart: from(() => import("./restart.ts")),
  // issue 11: edit and see
  sync: from(() => import("./sync.ts")),
  watch: from(() => import("./watch.ts")),
  status: from(() => import("./status.ts")),
  "containers.find": from(() => import("./containers-find.ts")),
  scripts: from(() => import("./scripts.ts")),
  cp: from(() => import("./cp.ts")),
  "disk.inspect": from(disk, "inspect"),
  "disk.cleanup_containers": from(disk, "cleanupContainers"),
  "disk.cleanup_images": from(disk, "cleanupImages"),
  "disk.backup": from(disk, "backup"),
  "disk.restore": from(disk, "restore"),
  // the Docker host's VM
  shutdown: from(() => import("./shutdown.ts")),
  doctor: from(() => import("./doctor.ts")),
  // issue 5: the test runner
  test: from(() => import("./test.ts")),
};

/** Commands for tests only; DUSTY_DEBUG_COMMANDS=1 in the daemon's environment turns them on. */
const DEBUG_HANDLERS: Record<string, HandlerLoader> = {
  "debug.sleep": from(() => import("./debug-sleep.ts")),
  "debug.read": from(() => import("./debug-sleep.ts"), "read"),
};

/** The loader of a command, or undefined when the daemon has no such command. */
export function findHandler(command: string, env: Record<string, string | undefined> = process.env): HandlerLoader | undefined {
  // Own keys only: a command named "constructor" or "__proto__" must not reach Object.prototype.
  if (Object.hasOwn(HANDLERS, command)) return HANDLERS[command];
  if (env.DUSTY_DEBUG_COMMANDS === "1" && Object.hasOwn(DEBUG_HANDLERS, command)) return DEBUG_HANDLERS[command];
  return undefined;
}
