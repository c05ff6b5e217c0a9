#!/usr/bin/env bun
/**
 * The dusty binary. `dusty -d` becomes the daemon; everything else is a command, most of which are
 * thin clients of the daemon. Commands load lazily so that a client round trip starts fast.
 */
// First: citty reads the color decision from the environment when it loads.
import { restoreColorEnv } from "./_color.ts";
import { runCommand, runMain } from "citty";
import { passesHelpThrough } from "./_args.ts";
import { COMMANDS, root } from "./_commands.ts";
import { showFullUsage } from "./_usage.ts";
import { VERSION } from "./_version.ts";

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
