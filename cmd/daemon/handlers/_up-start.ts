/**
 * Steps 7–11 of `dusty up`: put the command files, the repos and nginx.conf where containers mount
 * them, start the containers with a staged compose file, and only once compose succeeded make the new
 * compose file, hosts section and environment state the current ones.
 */
import { join } from "node:path";
import { sameContainerRepos } from "../../../core/assemble.ts";
import { planHostsFile } from "../../../core/hosts.ts";
import { rememberPorts } from "../../../core/ports.ts";
import { writeFileAtomic } from "../../../platform/atomic-write.ts";
import { restartContainer } from "../../../platform/docker.ts";
import { environmentStatePath, writeEnvironmentState, type EnvironmentState } from "../../../platform/environment-state.ts";
import { portAssignmentsPath, readPortAssignments, writePortAssignments } from "../../../platform/port-assignments.ts";
import { updateHostsFile } from "../../../platform/hosts-file.ts";
import { errorMessage, UserError } from "../../../platform/errors.ts";
import { syncRepos } from "../../../platform/repo-sync.ts";
import { formatArgv } from "../../../platform/run.ts";
import { composeFilePath, composeProject, environmentCompose } from "./_environment.ts";
import { runComposeOn } from "../../../platform/compose-run.ts";
import { listProjectContainers, type ProjectContainer } from "../../../platform/project-containers.ts";
import { backUpHostFiles, prepareComposeDir, publishFolders } from "../../../platform/published-folders.ts";
import type { UpOptions, UpPlan } from "./_up-prepare.ts";
import type { UpTouched } from "./_up-recover.ts";
import { settleHalfFinishedRun } from "./_up-leftovers.ts";
import { runStep } from "./_up-steps.ts";
import { changedRepos, stateOf, type UpInputs } from "./_up-unchanged.ts";
import type { CommandContext } from "./_types.ts";

/**
 * Runs steps 7–11; `progress.before` are the project's containers before this `up`, to restart apps
 * whose code changed. Each step marks `progress.touched` as it begins, so a failure knows what to put back.
 */
export async function startEnvironment(
  ctx: CommandContext,
  plan: UpPlan,
  progress: { options: UpOptions; inputs: UpInputs; previous: EnvironmentState | undefined; before: ProjectContainer[]; touched: UpTouched },
): Promise<void> {
  const { touched } = progress;
  const { host, compiled, state } = plan;
  const paths = host.paths();
  const { composeDir } = state.locations;
  const staging = await prepareComposeDir(composeDir);

  // The host's folders first: the copies below create some of the same folders, and a mkdir racing
  // rsync's own makes rsync fail with "File exists".
  // On this machine the folders containers mount are made only now, when something is about to be written there.
  if (!plan.hostFoldersReady) await runStep(ctx, "preparing the Docker host's folders", () => host.ensureUp(() => {}));
  // A copy of what the running containers mount, to put back if a later step fails; a first `up` has none.
  if (progress.before.length > 0) {
    touched.backup = await runStep(ctx, "copying the current command files and nginx.conf", () => backUpHostFiles(host, composeDir),
      "Keeping a copy of the current command files and nginx.conf");
  }
  touched.hostFiles = true;
  touched.repos = plan.repos.length > 0;
  // Independent copies; rsync mostly waits, so they run side by side. Every one is awaited before
  // compose starts, and the first failure is the one reported.
  await firstFailure([
    runStep(ctx, "writing the command files and nginx.conf", () => {
      ctx.log(`Writing nginx.conf to ${paths.nginxDir}`);
      return publishFolders(host, staging, [
        { hostDir: paths.commandFilesDir, files: compiled.commandFiles },
        { hostDir: paths.nginxDir, files: { "nginx.conf": compiled.nginx } },
      ], ctx.signal);
    }, `Writing ${Object.keys(compiled.commandFiles).length} command files to ${paths.commandFilesDir}`),
    runStep(ctx, "syncing the repos", async () => {
      await syncRepos(host, plan.repos, { config: state.config, locations: state.locations, log: ctx.log, signal: ctx.signal });
      touched.reposSynced = true;
    },
      `Syncing ${plan.repos.length} repo${plan.repos.length === 1 ? "" : "s"} to ${paths.reposDir}`),
  ]);

  const stagedCompose = join(staging, "docker-compose.yml");
  await runStep(ctx, "starting the containers", async () => {
    await writeFileAtomic(stagedCompose, compiled.composeYaml, { mode: 0o644 });
    touched.containers = true;
    await settleHalfFinishedRun(ctx, plan);
    await composeUp(ctx, plan, stagedCompose, progress.options);
  }, `Starting ${Object.keys(compiled.compose.services).length} containers with Compose (project ${composeProject(state)})`);

  await runStep(ctx, "saving the compose file and the hosts file", async () => {
    touched.saved = true;
    await writeFileAtomic(composeFilePath(state), compiled.composeYaml, { mode: 0o644 });
    await updateHostsFile(state.locations.hostsFile, (current) => planHostsFile(current, compiled.hosts));
    await writeEnvironmentState(environmentStatePath(state.locations), stateOf(progress.inputs, { recreated: progress.options.recreate }));
    // Only now are the ports in use: the next plans keep them (and those of apps switched off).
    const portsFile = portAssignmentsPath(state.locations);
    await writePortAssignments(portsFile, rememberPorts(await readPortAssignments(portsFile), compiled.ports));
  }, `Saving the compose file and the hosts file (${state.locations.hostsFile})`);

  // After the save: the environment is up either way, and a restart that fails is only worth a warning.
  // Without a previous state nothing says which code the running containers have: leave them be.
  await restartChangedApps(ctx, plan, changedRepos(progress.inputs, progress.previous), progress.previous ? progress.before : []);
}

/** Waits for every promise, then rethrows the first rejection in list order. */
async function firstFailure(work: Promise<unknown>[]): Promise<void> {
  const outcomes = await Promise.allSettled(work);
  const failed = outcomes.find((o) => o.status === "rejected");
  if (failed) throw failed.reason;
}

/** `compose up -d --remove-orphans` on the staged file, its output streamed line by line. */
async function composeUp(ctx: CommandContext, plan: UpPlan, file: string, options: UpOptions): Promise<void> {
  const run = await environmentCompose(ctx, plan.state, plan.host, file);
  const { compose } = run;
  const result = await runComposeOn(["up", "-d", "--remove-orphans", ...(options.recreate ? [] : ["--no-recreate"])], run);
  if (result.exitCode !== 0) {
    // Compose's output was streamed already: the message needs only what failed and its last words.
    const last = (result.stderr.trim() || result.stdout.trim()).split("\n").at(-1)?.trim();
    throw new UserError(`\`${formatArgv([...compose.command, "up"])}\` exited with code ${result.exitCode}${last ? `: ${last}` : ""}`);
  }
  ctx.log(`Compose (${formatArgv(compose.command)} ${compose.version}) started the containers`);
}

/**
 * Dusty's `up` restarted every container, so changed code always ran. Compose leaves a container alone
 * when only the code it mounts changed: restart exactly the apps whose code changed, unless compose
 * has just created their container anyway.
 */
async function restartChangedApps(ctx: CommandContext, plan: UpPlan, changed: string[], before: ProjectContainer[]): Promise<void> {
  if (changed.length === 0 || before.length === 0) return;
  const apps = Object.keys(plan.compiled.assembled.apps).filter((app) => sameContainerRepos(plan.specs, app).some((url) => changed.includes(url)));
  if (apps.length === 0) return;
  const previousIds = new Set(before.filter((c) => c.running).map((c) => c.id));
  const env = await plan.host.dockerEnv();
  const now = await listProjectContainers(composeProject(plan.state), env);
  const stale = now.filter((c) => apps.includes(c.service) && c.running && previousIds.has(c.id));
  for (const container of stale) {
    ctx.log(`Restarting ${container.name}: its code changed`);
    await restartContainer(container.id, { timeoutSeconds: 1, env }).catch((error: unknown) => {
      const why = errorMessage(error);
      ctx.warn(`Cannot restart ${container.service}, so it may still run the old code: ${why}. Run \`dusty restart ${container.service}\``);
    });
  }
}
