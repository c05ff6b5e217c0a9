/**
 * `up` (docs/daemon.md, "dusty up"; its args and their defaults are in core/command-args.ts). Pulls,
 * compiles and starts the active bundles; skips everything when nothing changed since the last `up`;
 * refuses to start while a port it publishes is taken; after a failure it puts back what it touched
 * and says what it found: never a new hosts section or compose file behind a failed start.
 */
import { planHostsFile } from "../../../core/hosts.ts";
import { writeFileIfChanged } from "../../../platform/saved-files.ts";
import { environmentStatePath, readEnvironmentState } from "../../../platform/environment-state.ts";
import { checkHostsFile, updateHostsFile } from "../../../platform/hosts-file.ts";
import { composeFilePath, composeProject } from "./_environment.ts";
import { requireSetup } from "./_setup-gate.ts";
import { describeAppProblems, waitForApps, type AppProblem } from "./_up-wait.ts";
import { UserError } from "../../../platform/errors.ts";
import { agentSocketFor } from "../../../platform/agent-socket.ts";
import { readState } from "./_state.ts";
import type { CommandContext, Handler } from "./_types.ts";
import type { ProjectContainer } from "../../../platform/project-containers.ts";
import { requireFreeHostPorts, requireFreeRemotePorts } from "./_up-ports.ts";
import { prepareUp, type UpOptions, type UpPlan } from "./_up-prepare.ts";
import { readFilesBefore, recoverFailedUp, untouched } from "./_up-recover.ts";
import { startEnvironment } from "./_up-start.ts";
import { runStep } from "./_up-steps.ts";
import { renderUpSummary } from "./_up-summary.ts";
import { collectInputs, isUnchanged } from "./_up-unchanged.ts";

const handler: Handler<"up"> = {
  async run(ctx, args) {
    const options: UpOptions = {
      pull: args.pull,
      recreate: args.recreate,
      sshAuthSock: await agentSocketFor(ctx, args.sshAuthSock),
    };
    const waitSeconds = args.wait;
    const state = await readState(ctx);
    requireSetup(state.config);
    // Read before anything can change them, so a failure reports what it finds, not what it hopes.
    const filesBefore = await readFilesBefore(state);
    const touched = untouched();
    let plan: UpPlan | undefined;
    let before: ProjectContainer[] = [];
    try {
      // Before anything is pulled or started: a hosts file dusty cannot update must not fail the last step.
      await runStep(ctx, "checking the hosts file", () => checkHostsFile(state.locations.hostsFile));
      plan = await prepareUp(ctx, state, options);
      const inputs = await collectInputs(plan);
      const previous = await readEnvironmentState(environmentStatePath(state.locations));
      before = plan.containersBefore;
      if (isUnchanged(inputs, previous, before)) {
        await keepFilesInPlace(plan);
        ctx.log(`Nothing changed since the last up: ${before.length} containers running`);
        ctx.output(renderUpSummary(plan.compiled.ports, { bindAddress: plan.bindAddress, heading: "Your local environment is running." }));
        return 0;
      }
      await checkPorts(ctx, plan);
      await startEnvironment(ctx, plan, { options, inputs, previous, before, touched });
    } catch (error) {
      throw await recoverFailedUp(ctx, { error, state, plan, filesBefore, touched, before, options });
    }
    // Started as compose sees it; whether each app keeps running is for the wait to say. A crashed app
    // is not undone: the other containers are fine, and its logs are what the user needs.
    const problems = await waitForStart(ctx, plan, waitSeconds);
    const down = problems.map((p) => p.app);
    const heading =
      problems.length === 0
        ? "Your local environment is now started!"
        : `The containers are started, but ${down.join(", ")} ${down.length === 1 ? "is" : "are"} not running (see below):`;
    ctx.output(renderUpSummary(plan.compiled.ports, { bindAddress: plan.bindAddress, heading }));
    if (problems.length > 0) throw new UserError(describeAppProblems(problems, waitSeconds * 1000));
    return 0;
  },
};

async function waitForStart(ctx: CommandContext, plan: UpPlan, seconds: number): Promise<AppProblem[]> {
  if (seconds === 0) return [];
  const services = Object.keys(plan.compiled.compose.services).sort();
  return waitForApps(ctx, services, { project: composeProject(plan.state), env: await plan.host.dockerEnv(), timeoutMs: seconds * 1000 });
}

/**
 * Every port the environment publishes must be free or held by its own running containers before a
 * container is touched: compose stops a container it recreates before it finds the new one's port taken.
 * This machine's ports are tried by binding them; an ssh host's are read from its kernel (`ss` there). On
 * a VM a taken port shows as a compose failure, which is undone.
 */
async function checkPorts(ctx: CommandContext, plan: UpPlan): Promise<void> {
  if (plan.host.name !== "native" && plan.host.name !== "ssh") return;
  const address = plan.bindAddress;
  if (plan.host.name === "native" && (await plan.host.engineElsewhere?.()) !== undefined) {
    // Binding here says nothing about that machine's ports, and only docker reaches it.
    ctx.log(`Not checking the ports on ${address}: that machine is reached only through its Docker Engine, so a taken port fails compose (and this \`up\` is undone)`);
    return;
  }
  // The containers listed before this `up`: nothing has started or stopped one since.
  const check = { address, containers: plan.containersBefore };
  await runStep(ctx, "checking the host ports", async () =>
    plan.host.name === "native" ? requireFreeHostPorts(plan.compiled.ports, check) : requireFreeRemotePorts(plan.compiled.ports, { ...check, host: plan.host }),
    `Checking that the ports to publish on ${address} are free`);
}

export default handler;

/** Puts back the compose file and hosts section if something removed them since the last `up` (cheap: nothing is written when they match). */
async function keepFilesInPlace(plan: UpPlan): Promise<void> {
  const { state, compiled } = plan;
  const path = composeFilePath(state);
  await writeFileIfChanged(path, compiled.composeYaml);
  await updateHostsFile(state.locations.hostsFile, (current) => planHostsFile(current, compiled.hosts));
}
