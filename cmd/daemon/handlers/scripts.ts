/**
 * `scripts`: the daemon's half of `dusty scripts APP [SCRIPT]` (the spec key `scripts`). Without a script it
 * lists the app's scripts; with one it checks the app, the script and the running container and prints
 * a `ScriptTarget` as JSON, which the client runs with `docker exec` so the script gets its terminal.
 */
import { commandFileName } from "../../../core/command-files.ts";
import { renderTable } from "../../../core/table.ts";
import { formatSuggestion } from "../../../core/validate-suggest.ts";
import { execInContainer } from "../../../platform/docker.ts";
import { UserError } from "../../../platform/errors.ts";
import type { FoundContainer } from "./containers-find.ts";
import { dockerHostFor, runningContainer } from "./_environment.ts";
import { requireSetup } from "./_setup-gate.ts";
import { readConfiguredSpecs, readState } from "./_state.ts";
import type { Handler } from "./_types.ts";

/** What the client runs: `docker exec … <id> ...command <args>`. */
export interface ScriptTarget extends FoundContainer {
  /** The command inside the container, before the user's arguments: ["sh", "/command_files/<file>"]. */
  command: string[];
}

const handler: Handler<"scripts"> = {
  async run(ctx, args) {
    const { app, script: scriptName } = args;
    const state = await readState(ctx);
    requireSetup(state.config);
    const { specs } = (await readConfiguredSpecs(state, ctx)).loaded;
    const spec = Object.hasOwn(specs.apps, app) ? specs.apps[app] : undefined;
    if (!spec) throw new UserError(`No app found named ${app} in specs${formatSuggestion(app, Object.keys(specs.apps))}`);

    if (scriptName === undefined) {
      if (spec.scripts.length === 0) {
        ctx.output(`No scripts registered for app ${app}`);
        return 0;
      }
      const rows = spec.scripts.map((s) => [s.name, s.description]).sort(([a], [b]) => (a! < b! ? -1 : a! > b! ? 1 : 0));
      ctx.output(renderTable(["Script", "Description"], rows));
      return 0;
    }

    if (!spec.scripts.some((s) => s.name === scriptName)) {
      const names = spec.scripts.map((s) => s.name);
      const known = names.length > 0 ? `. Its scripts: ${names.join(", ")}` : "";
      throw new UserError(`No script found named ${scriptName} in specs for app ${app}${formatSuggestion(scriptName, names)}${known}`);
    }
    const host = dockerHostFor(state);
    const env = await host.dockerEnv();
    const container = await runningContainer(state, app, { env });
    const file = `/command_files/${commandFileName(app, { script: scriptName })}`;
    // A script added to the specs after `up` has no command file in the container yet: say so rather than let sh fail.
    if ((await execInContainer(container.id, ["test", "-f", file], { env })).exitCode !== 0) {
      throw new UserError(`The container of ${app} has no command file for script ${scriptName}: it was started before the script existed. Run \`dusty up\` to update it`);
    }
    const target: ScriptTarget = {
      id: container.id,
      name: container.name,
      running: true,
      // The client runs docker as its user: on an ssh host the daemon's engine socket is root's alone.
      env: ctx.caller && host.dockerEnvFor ? await host.dockerEnvFor(ctx.caller) : env,
      command: ["sh", file],
    };
    ctx.output(JSON.stringify(target));
    return 0;
  },
};

export default handler;

