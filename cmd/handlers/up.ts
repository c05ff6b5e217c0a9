/**
 * `up` (reference §2.1): args `{ recreate?: boolean, pull?: boolean, sshAuthSock?: string }`. Pulls,
 * compiles and starts the active bundles; skips everything when nothing changed since the last `up`;
 * never leaves a new hosts section or compose file behind a failed start.
 */
import { readFile } from "node:fs/promises";
import { planHostsFile } from "../../core/hosts.ts";
import { writeFileAtomic } from "../../platform/atomic-write.ts";
import { environmentStatePath, readEnvironmentState } from "../../platform/environment-state.ts";
import { checkHostsFile, updateHostsFile } from "../../platform/hosts-file.ts";
import { composeFilePath } from "./_environment.ts";
import { requireSetup } from "./_setup-gate.ts";
import { readFlag } from "./_up-args.ts";
import { agentSocketFor } from "./_ssh-agent.ts";
import { readState } from "./_state.ts";
import type { Handler } from "./_types.ts";
import { prepareUp, type UpOptions, type UpPlan } from "./_up-prepare.ts";
import { startEnvironment } from "./_up-start.ts";
import { runStep } from "./_up-steps.ts";
import { renderUpSummary } from "./_up-summary.ts";
import { collectInputs, isUnchanged } from "./_up-unchanged.ts";

const handler: Handler = {
  mutates: true,
  async run(ctx, args) {
    const options: UpOptions = {
      pull: readFlag(args.pull, "pull", true),
      recreate: readFlag(args.recreate, "recreate", true),
      sshAuthSock: await agentSocketFor(ctx, args.sshAuthSock),
    };
    const state = await readState(ctx);
    requireSetup(state.config);
    // Before anything is pulled or started: a hosts file dusty cannot update must not fail the last step.
    await runStep(ctx, "checking the hosts file", () => checkHostsFile(state.locations.hostsFile));
    const plan = await prepareUp(ctx, state, options);

    const inputs = await collectInputs(plan);
    const previous = await readEnvironmentState(environmentStatePath(state.locations));
    const before = previous ? await plan.containersBefore() : [];
    const summary = { bindAddress: state.config.bind_address, heading: "Your local environment is now started!" };
    if (isUnchanged(inputs, previous, before)) {
      await keepFilesInPlace(plan);
      ctx.log(`Nothing changed since the last up: ${before.length} containers running`);
      ctx.output(renderUpSummary(plan.compiled.ports, { ...summary, heading: "Your local environment is running." }));
      return 0;
    }
    await startEnvironment(ctx, plan, { options, inputs, previous, before });
    ctx.output(renderUpSummary(plan.compiled.ports, summary));
    return 0;
  },
};

export default handler;

/** Puts back the compose file and hosts section if something removed them since the last `up` (cheap: nothing is written when they match). */
async function keepFilesInPlace(plan: UpPlan): Promise<void> {
  const { state, compiled } = plan;
  const path = composeFilePath(state);
  if ((await readFile(path, "utf8").catch(() => undefined)) !== compiled.composeYaml) await writeFileAtomic(path, compiled.composeYaml, { mode: 0o644 });
  await updateHostsFile(state.locations.hostsFile, (current) => planHostsFile(current, compiled.hosts));
}
