/**
 * `dusty scripts APP [SCRIPT] [ARGS...]` (the spec key `scripts`). Without a script the daemon lists the
 * app's scripts. With one, the daemon checks it and names the container, and the script runs here with
 * `docker exec`, attached to the terminal; ARGS reach the script's last command line via "$@".
 */
import { defineCommand } from "citty";
import { DOCKER } from "../platform/docker.ts";
import { runClientCommand } from "./client/call.ts";
import { askDaemonFor, execFlags, refuseInClient, runDockerAttached, runDockerCommand, type ContainerTarget } from "./client/exec-docker.ts";

/** The app, the script and the script's arguments. */
export interface ScriptCall {
  app?: string;
  script?: string;
  args: string[];
}

/**
 * Splits the raw arguments as Dusty's docopt (options_first) did: options before the app name are
 * dusty's, everything after the script name goes to the script verbatim, flags included.
 * citty would parse `-v --x=1` as its own flags, so its parsed args are not used here.
 */
export function splitScriptArgs(rawArgs: readonly string[]): ScriptCall {
  const start = rawArgs.findIndex((arg) => !arg.startsWith("-"));
  if (start < 0) return { args: [] };
  const [app, script, ...args] = rawArgs.slice(start);
  return { app, script, args };
}

export default defineCommand({
  meta: { name: "scripts", description: "Execute predefined scripts inside running containers" },
  args: {
    app_name: { type: "positional", required: true, description: "The app whose scripts to list or run", valueHint: "app" },
    script_name: { type: "positional", required: false, description: "The script to run (omit to list them)", valueHint: "script" },
    args: { type: "positional", required: false, description: "Arguments for the script, flags included (all but -h and --help)", valueHint: "args..." },
  },
  async run({ rawArgs }) {
    const call = splitScriptArgs(rawArgs);
    if (call.app === undefined) return refuseInClient("Missing the app name: dusty scripts APP [SCRIPT] [ARGS...]");
    if (call.script === undefined) return runClientCommand("scripts", { app: call.app });
    await runDockerCommand(async () => {
      const target = await askDaemonFor<ContainerTarget>("scripts", { app: call.app, script: call.script });
      if (!target.ok) return target.exitCode;
      const { id, env, command = [] } = target.value;
      return runDockerAttached([DOCKER, "exec", ...execFlags(), id, ...command, ...call.args], env);
    });
  },
});
