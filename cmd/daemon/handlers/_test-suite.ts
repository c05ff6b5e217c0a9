/**
 * One suite run: a per-run compose project with the suite's services (started fresh) and the suite's
 * container from the test image, all in one network namespace. The suite's output streams to the client
 * as it comes (stdout to stdout, stderr to stderr) and its exit code is the result. Everything the run
 * started is removed afterwards, also when it fails or the client hangs up.
 */
import { join } from "node:path";
import { renderComposeYaml } from "../../../core/compose-yaml.ts";
import type { Specs, TestSuite } from "../../../core/specs.ts";
import { planSuiteCompose } from "../../../core/test-plan-compose.ts";
import { suiteArgs, suiteCommand, testRunName, type TestTarget } from "../../../core/test-plan.ts";
import { writeNewFile } from "../../../platform/atomic-write.ts";
import type { ComposeRunner } from "../../../platform/compose.ts";
import type { DockerEnv } from "../../../platform/docker.ts";
import { errorMessage, UserError } from "../../../platform/errors.ts";
import { withTempFolder } from "../../../platform/temp-folder.ts";
import { removeTestRun, runSuiteCompose, TEST_NAME_LABEL, TEST_RUN_LABEL } from "../../../platform/test-runs.ts";
import type { CommandContext } from "./_types.ts";

/** What `runSuite()` needs. */
export interface SuiteRunRequest {
  specs: Specs;
  target: TestTarget;
  suite: TestSuite;
  /** The user's arguments; empty means the suite's default_args. */
  args: readonly string[];
  image: string;
  /** `host:container` mounts (command files and repos). */
  mounts: readonly string[];
  runId: string;
  /** The suite's position in this run (from 1), to name its compose project. */
  number: number;
  compose: ComposeRunner;
  /** The Docker host's environment (`host.dockerEnv()`), for compose and docker. */
  env: DockerEnv;
  ctx: CommandContext;
}

/** Runs one suite and returns its container's exit code. */
export async function runSuite(request: SuiteRunRequest): Promise<number> {
  const { target, suite, ctx } = request;
  const project = testRunName(target.name, request.runId, String(request.number));
  const plan = planSuiteCompose(request.specs, {
    name: target.name,
    suite,
    command: suiteCommand(target.name, suite.name, suiteArgs(suite, request.args)),
    image: request.image,
    mounts: request.mounts,
    labels: { [TEST_RUN_LABEL]: request.runId, [TEST_NAME_LABEL]: target.name },
  });
  if ("error" in plan) throw new UserError(plan.error);
  for (const note of plan.notes) ctx.log(note);

  return withTempFolder("dusty-test-run-", async (dir) => {
    const file = join(dir, "docker-compose.yml");
    const compose = { compose: request.compose, file, project, env: request.env, signal: ctx.signal };
    try {
      await writeNewFile(file, renderComposeYaml(plan.file), 0o644);
      if (plan.services.length > 0) {
        ctx.log(`Starting the services of suite ${suite.name}: ${plan.services.join(", ")}`);
        const up = await runSuiteCompose(["up", "--detach", ...plan.services], { ...compose, onLine: (line) => ctx.log(line) });
        if (up.exitCode !== 0) {
          throw new UserError(`Cannot start the services of suite ${suite.name}: compose up failed with exit code ${up.exitCode} (output above)`);
        }
      }
      const result = await runSuiteCompose(["run", "--rm", "-T", "--no-deps", plan.suiteService], {
        ...compose,
        onLine: (line, stream) => (stream === "stdout" ? ctx.output(line) : ctx.log(line)),
      });
      return result.exitCode;
    } finally {
      await cleanUp(ctx, { runId: request.runId, project, env: request.env });
    }
  });
}

/** Removes the run's containers and networks; a failure here is reported, never thrown over the suite's own result. */
export async function cleanUp(ctx: CommandContext, run: { runId: string; project?: string; env?: DockerEnv }): Promise<void> {
  const { runId, project } = run;
  try {
    await removeTestRun(runId, project === undefined ? [] : [project], { env: run.env });
  } catch (error) {
    ctx.warn(`Could not remove every container of test run ${runId}: ${errorMessage(error)}. Remove them with \`docker rm -f $(docker ps -aq --filter label=${TEST_RUN_LABEL}=${runId})\``);
  }
}
