/**
 * `dusty test [--recreate] [--no-pull] APP_OR_LIB [SUITE | all] [ARGS...]`: runs an app's or lib's test
 * suites in the daemon, which streams their output back. As in Dusty, options count only BEFORE the app
 * name: everything after the suite name, flags included, goes to the suite. citty would take those flags
 * for its own, so the raw arguments are parsed here.
 */
import { defineCommand } from "citty";
import type { TestRequest } from "../core/command-args.ts";
import { USAGE_EXIT_CODE } from "./_strict-args.ts";
import { runClientCommand, writeToTerminal } from "./client/call.ts";

const OPTIONS = ["--recreate", "--no-pull", "--json", "--quiet", "-q"];

/** Splits `dusty test`'s raw arguments; a mistake gives a message saying how to write it. */
export function parseTestArgs(rawArgs: readonly string[]): TestRequest | { error: string } {
  const parsed: TestRequest = { args: [], recreate: false, pull: true, json: false, quiet: false };
  let i = 0;
  for (; i < rawArgs.length && rawArgs[i]!.startsWith("-"); i++) {
    const option = rawArgs[i]!;
    if (option === "--recreate") parsed.recreate = true;
    else if (option === "--no-pull") parsed.pull = false;
    else if (option === "--json") parsed.json = true;
    else if (option === "-q" || option === "--quiet") parsed.quiet = true;
    else return { error: `Unknown option ${option} for dusty test: the options are --recreate, --no-pull, --json and -q/--quiet, given before the app or lib name` };
  }
  parsed.name = rawArgs[i];
  parsed.suite = rawArgs[i + 1];
  parsed.args = rawArgs.slice(i + 2);
  if (parsed.suite !== undefined && OPTIONS.includes(parsed.suite)) {
    return { error: `Options go before the app or lib name: dusty test ${parsed.suite} ${parsed.name} …` };
  }
  return parsed;
}

export default defineCommand({
  meta: {
    name: "test",
    description: "Run test suites of an app or lib in isolated containers (options go before the app or lib name)",
  },
  args: {
    recreate: { type: "boolean", description: "Rebuild the test image even when it is up to date" },
    pull: {
      type: "boolean",
      default: true,
      description: "Pull the specs repo and the managed repos of the app or lib first",
      negativeDescription: "Use the repos as they are (a repo never cloned is still cloned)",
    },
    json: { type: "boolean", description: "With no suite: list the suites as one JSON object (shapes: docs/json.md)" },
    quiet: { type: "boolean", alias: "q", description: "With no suite: list only the suites' names, one a line" },
    app_or_lib: { type: "positional", required: false, description: "The app or lib to test; without a suite, list its suites" },
    suite: { type: "positional", required: false, description: "A suite name, or `all` for every suite in turn" },
    args: { type: "positional", required: false, description: "Arguments for the suite (they replace its default_args); flags too", valueHint: "args..." },
  },
  async run({ rawArgs }) {
    const parsed = parseTestArgs(rawArgs);
    if ("error" in parsed) {
      await writeToTerminal("stderr", `${parsed.error}\n`);
      process.exitCode = USAGE_EXIT_CODE;
      return;
    }
    await runClientCommand("test", { ...parsed });
  },
});
