#!/usr/bin/env bun
/**
 * The dusty binary. `dusty -d` becomes the daemon; everything else is a command, most of which are
 * thin clients of the daemon. Commands load lazily so that a client round trip starts fast.
 */
// First: citty reads the color decision from the environment when it loads.
import { restoreColorEnv } from "./_color.ts";
import { defineCommand, runCommand, runMain } from "citty";
import { passesHelpThrough } from "./_args.ts";
import { showFullUsage } from "./_usage.ts";
import { VERSION } from "./_version.ts";

const load = (file: Promise<{ default: unknown }>) => () => file.then((m) => m.default as never);

/** Every command, one file each; each file's meta.description is what `dusty --help` lists. */
export const COMMANDS = {
  assets: () => load(import("./assets.ts"))(),
  bundles: () => load(import("./bundles.ts"))(),
  compile: () => load(import("./compile.ts"))(),
  config: () => load(import("./config.ts"))(),
  cp: () => load(import("./cp.ts"))(),
  daemon: () => load(import("./daemon-service.ts"))(),
  disk: () => load(import("./disk.ts"))(),
  doctor: () => load(import("./doctor.ts"))(),
  dump: () => load(import("./dump.ts"))(),
  env: () => load(import("./env.ts"))(),
  logs: () => load(import("./logs.ts"))(),
  repos: () => load(import("./repos.ts"))(),
  restart: () => load(import("./restart.ts"))(),
  scripts: () => load(import("./scripts.ts"))(),
  setup: () => load(import("./setup.ts"))(),
  shell: () => load(import("./shell.ts"))(),
  shutdown: () => load(import("./shutdown.ts"))(),
  status: () => load(import("./status.ts"))(),
  stop: () => load(import("./stop.ts"))(),
  test: () => load(import("./test.ts"))(),
  up: () => load(import("./up.ts"))(),
  upgrade: () => load(import("./upgrade.ts"))(),
  validate: () => load(import("./validate.ts"))(),
  version: () => load(import("./version.ts"))(),
};

export const root = defineCommand({
  meta: { name: "dusty", version: VERSION, description: "Docker-powered local development environments" },
  subCommands: COMMANDS,
});

async function main(argv: string[]): Promise<void> {
  restoreColorEnv();
  if (argv[0] === "-d") {
    const { runDaemon } = await import("./daemon.ts");
    process.exitCode = await runDaemon(argv.slice(1));
    return;
  }
  if (argv[0] === "-v") {
    await Bun.write(Bun.stdout, `Dusty version ${VERSION}\n`);
    return;
  }
  if (argv.length === 0) {
    // Like Dusty: no command prints the overview and succeeds.
    await showFullUsage(root);
    return;
  }
  const command = argv[0]!;
  if (!command.startsWith("-") && !Object.hasOwn(COMMANDS, command)) {
    const close = Object.keys(COMMANDS).filter((c) => c.startsWith(command.slice(0, 2)));
    const hint = close.length > 0 ? ` (did you mean ${close.map((c) => `"${c}"`).join(" or ")}?)` : "";
    await Bun.write(Bun.stderr, `No such command "${command}"${hint}. Run \`dusty --help\` to see the commands\n`);
    process.exitCode = 1;
    return;
  }
  if (passesHelpThrough(argv)) {
    await runCommand(root, { rawArgs: argv });
    return;
  }
  await runMain(root, { rawArgs: argv, showUsage: showFullUsage });
}

await main(process.argv.slice(2));
