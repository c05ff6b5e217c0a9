/**
 * The command tree: every command, one file each, loaded lazily so that a client round trip starts
 * fast. cmd/main.ts runs it; `dusty completion` and the man page are generated from it (cmd/_command-tree.ts).
 */
import { defineCommand } from "citty";
import { VERSION } from "./_version.ts";

const load = (file: Promise<{ default: unknown }>) => () => file.then((m) => m.default as never);

/** Every command; each file's meta.description is what `dusty --help` lists. */
export const COMMANDS = {
  assets: () => load(import("./assets.ts"))(),
  bundles: () => load(import("./bundles.ts"))(),
  compile: () => load(import("./compile.ts"))(),
  completion: () => load(import("./completion.ts"))(),
  config: () => load(import("./config.ts"))(),
  cp: () => load(import("./cp.ts"))(),
  daemon: () => load(import("./daemon-service.ts"))(),
  disk: () => load(import("./disk.ts"))(),
  doctor: () => load(import("./doctor.ts"))(),
  dump: () => load(import("./dump.ts"))(),
  env: () => load(import("./env.ts"))(),
  exec: () => load(import("./exec.ts"))(),
  logs: () => load(import("./logs.ts"))(),
  repos: () => load(import("./repos.ts"))(),
  restart: () => load(import("./restart.ts"))(),
  scripts: () => load(import("./scripts.ts"))(),
  setup: () => load(import("./setup.ts"))(),
  shell: () => load(import("./shell.ts"))(),
  shutdown: () => load(import("./shutdown.ts"))(),
  status: () => load(import("./status.ts"))(),
  stop: () => load(import("./stop.ts"))(),
  sync: () => load(import("./sync.ts"))(),
  test: () => load(import("./test.ts"))(),
  up: () => load(import("./up.ts"))(),
  upgrade: () => load(import("./upgrade.ts"))(),
  validate: () => load(import("./validate.ts"))(),
  version: () => load(import("./version.ts"))(),
  watch: () => load(import("./watch.ts"))(),
};

export const root = defineCommand({
  meta: { name: "dusty", version: VERSION, description: "Docker-powered local development environments" },
  subCommands: COMMANDS,
});

