/**
 * `dusty exec [-t | -T] NAME -- COMMAND...`: one command in the running container of an app or service,
 * on the user's terminal, its exit code passed through (as `docker compose exec`). A terminal is
 * allocated when dusty's input and output are both terminals; -t forces one, -T (or --no-tty) refuses it,
 * so `dusty exec web -- cat f > copy` gets the bytes without a terminal's CRs.
 */
import { defineCommand } from "citty";
import { DOCKER } from "../platform/docker.ts";
import { askDaemonFor, execFlags, runDockerAttached, runDockerCommand, type ContainerTarget } from "./client/exec-docker.ts";
import { USAGE_EXIT_CODE } from "./_strict-args.ts";
import { writeToTerminal } from "./client/call.ts";

/** The command to run: the words after `--`, else the positionals after NAME. */
export function commandOf(rawArgs: readonly string[], positionals: readonly string[]): string[] {
  const dashes = rawArgs.indexOf("--");
  return dashes >= 0 ? rawArgs.slice(dashes + 1) : positionals.slice(1);
}

export default defineCommand({
  meta: { name: "exec", description: "Run one command inside a running container, passing its exit code through" },
  args: {
    tty: {
      type: "boolean",
      alias: "t",
      description: "Allocate a terminal even when dusty's input or output is not one",
    },
    "without-tty": { type: "boolean", alias: "T", description: "Never allocate a terminal (as --no-tty; docker compose exec's -T)" },
    service: { type: "positional", required: true, description: "App or service whose container runs the command", valueHint: "name" },
    command: { type: "positional", required: false, description: "The command and its arguments, after `--`", valueHint: "command..." },
  },
  async run({ args, rawArgs }) {
    const command = commandOf(rawArgs, args._.map(String));
    if (command.length === 0) {
      await writeToTerminal("stderr", `Cannot exec in ${args.service}: no command given. Write it after \`--\`: dusty exec ${args.service} -- COMMAND...\n`);
      process.exitCode = USAGE_EXIT_CODE;
      return;
    }
    const tty = args["without-tty"] === true ? false : args.tty;
    await runDockerCommand(async () => {
      const found = await askDaemonFor<ContainerTarget>("containers.find", { name: args.service, running: true });
      if (!found.ok) return found.exitCode;
      return runDockerAttached([DOCKER, "exec", ...execFlags(tty), found.value.id, ...command], found.value.env);
    });
  },
});
