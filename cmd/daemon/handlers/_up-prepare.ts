/**
 * Steps 1–6 of `dusty up`: bring the managed repos up to date, read the specs, make sure the Docker host
 * answers, check required assets and free disk, and compile. Nothing the running environment depends on
 * is touched yet, so any failure here leaves it exactly as it was.
 */
import { compileEnvironment, type CompiledEnvironment } from "../../../core/compile.ts";
import { repoUrlsOf } from "../../../core/repos.ts";
import type { Specs } from "../../../core/specs.ts";
import { portAssignmentsPath, readPortAssignments } from "../../../platform/port-assignments.ts";
import { refreshManagedRepos } from "../../../platform/repo-sync.ts";
import { localRepoPath } from "../../../platform/repos.ts";
import type { DiskUsage, DockerHost } from "../../../platform/vm/index.ts";
import { assembleActive, compileOptionsFor, readConfiguredSpecs, specsRepoPath, type DaemonState } from "./_state.ts";
import { composeProject, dockerHostFor } from "./_environment.ts";
import { listProjectContainers, type ProjectContainer } from "../../../platform/project-containers.ts";
import { folderFingerprint } from "../../../platform/folder-fingerprint.ts";
import { checkRequiredAssets, requiredAssetNames } from "./_up-assets.ts";
import { runStep } from "./_up-steps.ts";
import type { CommandContext } from "./_types.ts";
import { errorMessage } from "../../../platform/errors.ts";
import { engineChoiceFor, engineInUse, formatEngine, hostPlacement } from "./_engine.ts";

/** What `up` was asked to do. */
export interface UpOptions {
  /** Pull managed repos first (off with --no-pull). */
  pull: boolean;
  /** Let compose recreate containers whose config changed (off with --no-recreate). */
  recreate: boolean;
  /** The client's SSH agent, already checked. */
  sshAuthSock?: string;
}

/** Everything the later steps need, as data: every question is answered by the time it is returned. */
export interface UpPlan {
  state: DaemonState;
  host: DockerHost;
  specs: Specs;
  compiled: CompiledEnvironment;
  /** The address compose publishes ports on (core/publish-address.ts). */
  bindAddress: string;
  /** The repos the active apps and libs mount. */
  repos: string[];
  /** Each repo's fingerprint, taken while the specs compiled (undefined when the folder cannot be read). */
  fingerprints: (string | undefined)[];
  /** The project's containers as they were before this `up` changed anything. */
  containersBefore: ProjectContainer[];
  /** False on this machine until something is about to be written: then `ensureUp` makes the host's folders. */
  hostFoldersReady: boolean;
}

/** Runs steps 1–6 and returns the compiled environment. */
export async function prepareUp(ctx: CommandContext, state: DaemonState, options: UpOptions): Promise<UpPlan> {
  const { config } = state;
  // Questions for the engine start now and are awaited at their step, so an unchanged `up` waits for
  // the slowest of them rather than for their sum. Their output is held back until their step.
  const host = dockerHostFor(state);
  const heldLog = holdLog(ctx);
  // On this machine an answering `docker ps` is all "up" means until something is written; a VM must boot.
  const native = host.name === "native";
  const hostUp = native ? undefined : settled(host.ensureUp(heldLog.log));
  let hostFoldersReady = !native;
  // A VM answers only once booted: there the other questions wait for it.
  const afterUp = <T>(ask: () => Promise<T>): Promise<T> => (hostUp ? hostUp.then((up) => (unwrap(up), ask())) : ask());
  const whenUp = <T>(ask: () => Promise<T>): Promise<Settled<T>> => settled(afterUp(ask));
  const disk = whenUp(() => host.diskUsage());
  const earlyContainers = whenUp(async () => listProjectContainers(composeProject(state), await host.dockerEnv()));

  const repoContext = { config, locations: state.locations, sshAuthSock: options.sshAuthSock, signal: ctx.signal, log: ctx.log };
  const specsUrl = config.specs_repo;
  if (specsUrl !== undefined && config.repo_overrides[specsUrl] === undefined) {
    await runStep(ctx, "updating the specs repo", () => refreshManagedRepos([specsUrl], repoContext, { pull: options.pull, force: true }),
      options.pull ? "Updating managed copy of specs-repo before loading specs" : "Using the managed copy of the specs repo as it is (--no-pull)");
  }

  const specs = await runStep(ctx, "reading the specs", async () => (await readConfiguredSpecs(state, ctx, { bundles: config.bundles })).loaded.specs,
    `Reading the specs at ${specsRepoPath(state)}`);
  const assembled = assembleActive(specs, config);
  const repos = repoUrlsOf(assembled).filter((url) => url !== specsUrl);
  if (repos.some((url) => config.repo_overrides[url] === undefined)) {
    await runStep(ctx, "updating the managed repos", () => refreshManagedRepos(repos, repoContext, { pull: options.pull, force: true }),
      options.pull ? "Pulling latest updates for all active managed repos" : "Cloning active managed repos that are missing (--no-pull)");
  }

  // The code is final now (pulled or not): fingerprint it and compile while the engine is asked, so
  // their work overlaps the wait for docker. Compiling needs no engine; its step reports it in order.
  const fingerprints = Promise.all(repos.map((url) => folderFingerprint(localRepoPath(url, config, state.locations))));
  const compiling = settled(
    // A VM has no address while it boots (`boot2docker ip` fails), and one asked before its start may be stale.
    Promise.all([afterUp(() => hostPlacement(host)), readPortAssignments(portAssignmentsPath(state.locations))]).then(([placement, previousPorts]) => {
      const compileOptions = compileOptionsFor(state, specs, { paths: host.paths(), ...placement, previousPorts });
      return { compiled: compileEnvironment(specs, { ...compileOptions, assembled }), bindAddress: compileOptions.bindAddress };
    }),
  );

  await runStep(ctx, "starting the Docker host", async () => {
    heldLog.release();
    if (hostUp) return unwrap(await hostUp);
    if ((await earlyContainers).ok) ctx.log(`The Docker Engine answers${await chosenEngineNote(state, host)}`);
    else {
      await host.ensureUp(ctx.log); // says why it does not
      hostFoldersReady = true;
    }
    await warnWhenEngineElsewhere(ctx, state, host);
  }, `Ensuring the Docker host (${host.name}) is up`);
  const requiredAssets = requiredAssetNames(assembled);
  if (requiredAssets.length > 0) {
    await runStep(ctx, "checking required assets", () => checkRequiredAssets(host, requiredAssets));
  }
  warnWhenLowOnDisk(ctx, await disk);

  const { compiled, bindAddress } = await runStep(ctx, "compiling the environment", async () => unwrap(await compiling),
    `Compiling ${describeActive(assembled.apps, assembled.libs, assembled.services)}`);

  const early = await earlyContainers;
  // Asked before the host was up (a VM still booting), the early answer may be an error: ask again.
  const containersBefore = early.ok ? early.value : await listProjectContainers(composeProject(state), await host.dockerEnv());
  return { state, host, specs, compiled, bindAddress, repos, fingerprints: await fingerprints, containersBefore, hostFoldersReady };
}

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** A promise that never rejects (so starting it early cannot crash the daemon), to unwrap later. */
function settled<T>(promise: Promise<T>): Promise<Settled<T>> {
  return promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
}

function unwrap<T>(result: Settled<T>): T {
  if (!result.ok) throw result.error;
  return result.value;
}

/** A log that keeps lines until `release()`, then passes them through: progress stays in step order. */
function holdLog(ctx: Pick<CommandContext, "log">): { log(line: string): void; release(): void } {
  let held: string[] | undefined = [];
  return {
    log: (line) => (held ? held.push(line) : ctx.log(line)),
    release() {
      for (const line of held ?? []) ctx.log(line);
      held = undefined;
    },
  };
}

/** Dusty's low-disk warning; not being able to tell is no reason to stop. */
function warnWhenLowOnDisk(ctx: CommandContext, usage: Settled<DiskUsage>): void {
  if (!usage.ok) {
    const error = usage.error;
    ctx.warn(`Cannot tell how much disk the Docker host has left: ${errorMessage(error)}`);
  } else if (usage.value.low) {
    ctx.warn(`The Docker host is low on disk: ${usage.value.free} free. Free space with \`dusty disk cleanup_containers\` and \`dusty disk cleanup_images\``);
  }
}

function describeActive(...groups: Record<string, unknown>[]): string {
  const [apps = 0, libs = 0, services = 0] = groups.map((g) => Object.keys(g).length);
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  return `${plural(apps, "app")}, ${plural(libs, "lib")} and ${plural(services, "service")}`;
}

/**
 * The native driver on a tcp:// or ssh:// engine of another machine: its containers publish there (so
 * the names point there) and mount that machine's folders, which dusty does not fill. Said once per `up`.
 */
async function warnWhenEngineElsewhere(ctx: CommandContext, state: DaemonState, host: DockerHost): Promise<void> {
  const address = await host.engineElsewhere?.();
  if (address === undefined) return;
  const { endpoint } = await engineInUse(state, host);
  ctx.warn(
    `The Docker Engine at ${endpoint} runs on another machine (${address} is none of this machine's addresses): ` +
      `its containers publish their ports on ${address}, so the host names point there. They mount dusty's folders ` +
      `(${state.locations.persistDir}) as that machine has them, and dusty writes the code into this machine's only. ` +
      "Unless that machine shares these folders with this one, use the ssh driver for it (`dusty config set docker_host_driver ssh` " +
      "and `dusty config set docker_host ssh://USER@HOST`), which copies the code there",
  );
}

/** " at unix:///x.sock (from your Docker context "y" …)" when the engine is not the daemon's default, else "". */
async function chosenEngineNote(state: DaemonState, host: DockerHost): Promise<string> {
  return engineChoiceFor(state).source === "default" ? "" : ` at ${formatEngine(await engineInUse(state, host))}`;
}
