/**
 * `test`: the daemon's half of `dusty test [--recreate] [--no-pull] APP_OR_LIB [SUITE | all] [ARGS...]`
 * (the spec key `test`; test/test-runner.test.ts). Without a suite it lists the suites; with one it pulls and syncs the repos,
 * makes sure the test image is up to date and runs the suite (or every suite) in fresh containers.
 * Not a mutating command: runs for different apps go at once, runs for the same app share one image
 * build (see _test-image.ts), and nothing of a run outlives it.
 */
import { randomBytes } from "node:crypto";
import {
  ALL_SUITES,
  describeKnownTargets,
  findTestTarget,
  noSuitesMessage,
  renderSuiteList,
  renderSuiteSummary,
  selectSuites,
  testMounts,
  testRepos,
  type SuiteResult,
} from "../../../core/test-plan.ts";
import { UserError } from "../../../platform/errors.ts";
import { dockerHostFor } from "./_environment.ts";
import { composeFor } from "../../../platform/compose.ts";
import { readConfiguredSpecs, readState } from "./_state.ts";
import { outputJson, outputNames } from "./_read-format.ts";
import { ensureTestImage } from "./_test-image.ts";
import { fetchRepos } from "./_test-prepare.ts";
import { cleanUp, runSuite } from "./_test-suite.ts";
import type { Handler } from "./_types.ts";

const USAGE = "dusty test [--recreate] [--no-pull] <app_or_lib> [<suite> | all] [<args>...]";

const handler: Handler<"test"> = {
  async run(ctx, request) {
    const state = await readState(ctx);
    const running = request.name !== undefined && request.suite !== undefined;
    // As `up` does: a run reads the latest specs, unless the user asked for no pulls. Listing suites only
    // needs a copy of the specs.
    if (state.config.specs_repo) await fetchRepos([state.config.specs_repo], { pull: running && request.pull, state, ctx });
    const specs = (await readConfiguredSpecs(state, ctx)).loaded.specs;
    if (request.name === undefined) throw new UserError(`Name the app or lib to test: ${USAGE}. ${describeKnownTargets(specs)}`);

    const target = findTestTarget(specs, request.name);
    if ("error" in target) throw new UserError(target.error);
    if (request.suite === undefined) {
      const { suites } = target.spec.test;
      if (request.quiet) return outputNames(ctx, suites.map((s) => s.name));
      if (request.json) {
        const listed = suites.map((s) => ({ name: s.name, description: s.description, defaultArgs: s.default_args }));
        return outputJson(ctx, { kind: target.kind, name: target.name, suites: listed });
      }
      ctx.output(target.spec.test.suites.length > 0 ? renderSuiteList(target) : noSuitesMessage(target));
      return 0;
    }
    const suites = selectSuites(target, request.suite);
    if ("error" in suites) throw new UserError(suites.error);

    const repos = testRepos(specs, target);
    await fetchRepos(repos.map((r) => r.url), { pull: request.pull, state, ctx });
    const host = dockerHostFor(state);
    await host.ensureUp(ctx.log);
    const env = await host.dockerEnv();
    const mounts = testMounts(target, repos, host.paths());
    const runId = randomBytes(4).toString("hex");
    try {
      const image = await ensureTestImage({ specs, target, repos, mounts, state, host, env, ctx, runId, recreate: request.recreate });
      const compose = await composeFor(state.config.compose_command);
      const results: SuiteResult[] = [];
      for (const [index, suite] of suites.entries()) {
        if (request.suite === ALL_SUITES) ctx.log(`Running test ${suite.name}`);
        const started = performance.now();
        const exitCode = await runSuite({ specs, target, suite, args: request.args, image, mounts, runId, number: index + 1, compose, env, ctx });
        results.push({ suite: suite.name, exitCode, seconds: (performance.now() - started) / 1000 });
        ctx.output(`TESTS ${suite.name} ${exitCode === 0 ? "PASSED" : "FAILED"}`);
      }
      if (request.suite !== ALL_SUITES) return results[0]?.exitCode ?? 1;
      const passed = results.every((r) => r.exitCode === 0);
      ctx.output(renderSuiteSummary(results).trimEnd());
      ctx.output(`TESTS ${passed ? "PASSED" : "FAILED"}`);
      return passed ? 0 : 1;
    } finally {
      // Whatever step stopped the run (a failed build, an abort), nothing labelled with its id stays.
      await cleanUp(ctx, { runId, env });
    }
  },
};

export default handler;

