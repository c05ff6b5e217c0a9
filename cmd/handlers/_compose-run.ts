/**
 * Running Compose on the environment's compose file for `stop` (and anything else that acts on the
 * running environment): the same project, project folder and engine as `up`, output streamed line by line.
 */
import { runEngine } from "../../platform/engine-run.ts";
import { CommandFailedError, formatArgv } from "../../platform/run.ts";
import type { DockerHost } from "../../platform/vm/index.ts";
import { composeFilePath, composeProject } from "./_environment.ts";
import type { DaemonState } from "./_state.ts";
import type { CommandContext } from "./_types.ts";
import { composeFor } from "./_up-containers.ts";

/** Runs `compose <sub…>` on the current compose file; a non-zero exit throws a CommandFailedError. */
export async function runCompose(ctx: Pick<CommandContext, "log" | "signal" | "drained">, state: DaemonState, host: DockerHost, sub: string[]): Promise<void> {
  const compose = await composeFor(state.config.compose_command);
  const argv = compose.argv(composeFilePath(state), composeProject(state), "--project-directory", state.locations.composeDir, ...sub);
  const result = await runEngine(argv, {
    env: await host.dockerEnv(),
    signal: ctx.signal,
    work: true,
    what: formatArgv([...compose.command, ...sub.slice(0, 1)]),
    onLine: (line) => {
      if (line.trim() !== "") ctx.log(line);
      return ctx.drained?.();
    },
  });
  if (result.exitCode !== 0) throw new CommandFailedError(result);
}
