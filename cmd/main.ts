#!/usr/bin/env bun
/**
 * The dusty binary. `dusty -d` becomes the daemon; everything else is a command, most of which are
 * thin clients of the daemon. Commands load lazily so that a client round trip starts fast.
 */
// First: citty reads the color decision from the environment when it loads.
import { restoreColorEnv } from "./_color.ts";
import { runCommand, runMain } from "citty";
import { passesHelpThrough } from "./_args.ts";
import { findUsageProblem, USAGE_EXIT_CODE } from "./_strict-args.ts";
import { root } from "./_commands.ts";
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
  // Unknown commands, flags and surplus words are refused here, before any command runs or the daemon hears of it.
  const problem = await findUsageProblem(root, argv);
  if (problem !== undefined) {
    await Bun.write(Bun.stderr, `${problem}\n`);
    process.exitCode = USAGE_EXIT_CODE;
    return;
  }
  if (passesHelpThrough(argv)) {
    await runCommand(root, { rawArgs: argv });
    return;
  }
  await runMain(root, { rawArgs: argv, showUsage: showFullUsage });
}

// Run only as the program itself (tests import the command tree from cmd/_commands.ts).
if (import.meta.main) await main(process.argv.slice(2));
