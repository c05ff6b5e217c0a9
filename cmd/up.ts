/**
 * `dusty up [--no-recreate] [--no-pull] [--wait SECONDS | --no-wait]`: start the active bundles (the
 * daemon does the work), then wait until each app's container stays up, naming every app that exited.
 */
import { defineCommand } from "citty";
import { MAX_WAIT_SECONDS } from "../core/command-args.ts";
import { collectRepeated } from "./_args.ts";
import { USAGE_EXIT_CODE } from "./_strict-args.ts";
import { runClientCommand, writeToTerminal } from "./client/call.ts";

/** `--wait` as a number of seconds, 0 for `--no-wait`, undefined for the daemon's default; or the usage error. */
export function parseWait(value: unknown, noWait: boolean): { seconds: number | undefined } | { error: string } {
  if (noWait) return value === undefined ? { seconds: 0 } : { error: "Cannot use --wait and --no-wait together: give one" };
  if (value === undefined) return { seconds: undefined };
  const text = String(value);
  const seconds = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || seconds > MAX_WAIT_SECONDS) {
    return { error: `Invalid value for --wait: "${text}". Give a number of seconds up to ${MAX_WAIT_SECONDS}, e.g. --wait 60, or --no-wait` };
  }
  return { seconds };
}

export default defineCommand({
  meta: { name: "up", description: "Set up the Dusty environment and start activated applications" },
  args: {
    recreate: {
      type: "boolean",
      default: true,
      description: "Recreate containers whose config changed (the default)",
      negativeDescription: "Keep existing containers as they are, even when their config changed",
    },
    pull: {
      type: "boolean",
      default: true,
      description: "Pull the managed repos first (the default)",
      negativeDescription: "Use the managed repos as they are (missing ones are still cloned)",
    },
    wait: {
      type: "string",
      description: "Wait up to SECONDS for each app's container to stay up; exit 1 naming each app that exited (default: 30)",
      valueHint: "seconds",
    },
    "no-wait": { type: "boolean", description: "Do not wait: report the apps as started once compose has started them" },
  },
  async run({ args, rawArgs }) {
    // citty reads --no-wait as wait=false, the string flag negated: the raw arguments say which was typed.
    const wait = parseWait(collectWait(rawArgs), rawArgs.includes("--no-wait"));
    if ("error" in wait) {
      await writeToTerminal("stderr", `${wait.error}\n`);
      process.exitCode = USAGE_EXIT_CODE;
      return;
    }
    await runClientCommand("up", {
      recreate: args.recreate !== false,
      pull: args.pull !== false,
      sshAuthSock: process.env.SSH_AUTH_SOCK,
      ...(wait.seconds === undefined ? {} : { wait: wait.seconds }),
    });
  },
});

function collectWait(rawArgs: readonly string[]): string | undefined {
  const values = collectRepeated(rawArgs, "--wait");
  return values.at(-1);
}
