/**
 * Before `up` starts compose: finish off what a previous `up` left half-done when it was stopped midway
 * (its daemon SIGKILLed, the machine rebooted, compose killed). Compose recreates a container by creating
 * the new one under a temporary name (`<old id>_<name>`), removing the old one and renaming the new one;
 * stopped in between, it leaves containers that make the next `compose up` fail with "container name
 * already in use". Containers that never started (state "created") and temporary-named ones that are not
 * running hold nothing compose will not make again, so they are removed; anything else is left alone.
 */
import { findComposeProcesses } from "../../../platform/processes.ts";
import { removeContainers } from "../../../platform/docker.ts";
import { UserError } from "../../../platform/errors.ts";
import { composeProject } from "./_environment.ts";
import { listProjectContainers, type ProjectContainer } from "../../../platform/project-containers.ts";
import type { UpPlan } from "./_up-prepare.ts";
import type { CommandContext } from "./_types.ts";

/** How long `up` waits for a compose that is still working on the project (started by someone else). */
const COMPOSE_WAIT_MS = 60_000;

/** Compose's temporary name for a container it is recreating: the old container's short id, "_", the name. */
const TEMPORARY_NAME = /^[0-9a-f]{12}_/;

/** The containers of a half-finished run: never started, or left under compose's temporary name. */
export function halfMadeContainers(containers: readonly ProjectContainer[]): ProjectContainer[] {
  return containers.filter((c) => c.state === "created" || (TEMPORARY_NAME.test(c.name) && !c.running));
}

/** Waits for a compose still at work on the project, then removes what a stopped `up` left half-made. */
export async function settleHalfFinishedRun(ctx: Pick<CommandContext, "log" | "signal">, plan: Pick<UpPlan, "state" | "host">): Promise<void> {
  const project = composeProject(plan.state);
  await waitForOtherCompose(ctx, project);
  const env = await plan.host.dockerEnv();
  const leftovers = halfMadeContainers(await listProjectContainers(project, env));
  if (leftovers.length === 0) return;
  const names = leftovers.map((c) => `${c.name} (${c.state})`).join(", ");
  ctx.log(`Removing ${leftovers.length} container${leftovers.length === 1 ? "" : "s"} an interrupted \`dusty up\` left half-made: ${names}`);
  await removeContainers(leftovers.map((c) => c.id), { env });
}

// This daemon's own leftovers were ended when it started, and its own `up`s run one at a time, so a
// compose on the project here was started by someone else (or by hand): two at once would race.
async function waitForOtherCompose(ctx: Pick<CommandContext, "log" | "signal">, project: string): Promise<void> {
  let pids = findComposeProcesses(project);
  if (pids.length === 0) return;
  ctx.log(`Waiting for the compose already working on project ${project} (pid ${pids.join(", ")}) to finish`);
  const deadline = Date.now() + COMPOSE_WAIT_MS;
  while (pids.length > 0 && Date.now() < deadline) {
    ctx.signal.throwIfAborted();
    await Bun.sleep(200);
    pids = findComposeProcesses(project);
  }
  if (pids.length > 0) {
    throw new UserError(
      `Cannot start the containers: compose (pid ${pids.join(", ")}) is still working on project ${project} after ${COMPOSE_WAIT_MS / 1000} s. ` +
        "Wait for it to finish (or stop it), then run `dusty up` again",
    );
  }
}
