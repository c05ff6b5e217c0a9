/**
 * What a failed `dusty up` does before it reports: put back what it touched (host files, containers,
 * the compose file and state it may have begun to save), then say, from what it finds on disk and in
 * docker, what failed, what was restored or is down, what is unchanged, and the fix.
 */
import { joinWords } from "../../../core/prose.ts";
import { putBackFile, readRegularFileIfAny, sameBytes } from "../../../platform/saved-files.ts";
import { environmentStatePath } from "../../../platform/environment-state.ts";
import { isExpectedError } from "../../../platform/errors.ts";
import { composeFilePath } from "./_environment.ts";
import type { DaemonState } from "./_state.ts";
import type { CommandContext } from "./_types.ts";
import type { ProjectContainer } from "../../../platform/project-containers.ts";
import type { UpOptions, UpPlan } from "./_up-prepare.ts";
import type { HostFilesBackup } from "../../../platform/published-folders.ts";
import { restoreContainers, restoreHostFiles } from "./_up-restore.ts";
import { UNCHANGED_NOTE, UpStepError } from "./_up-steps.ts";

/** The files `up` writes last, as they were before it started (undefined: the file did not exist). */
export interface UpFilesBefore {
  hosts?: Uint8Array;
  compose?: Uint8Array;
  config?: Uint8Array;
  state?: Uint8Array;
}

/** What this `up` has begun to change; each flag is set just before its step starts. */
export interface UpTouched {
  /** Writing command files and nginx.conf to the Docker host. */
  hostFiles: boolean;
  /** Syncing repos to the Docker host (not undone: the code there is the current code). */
  repos: boolean;
  /** Every repo's sync finished (a failed one, say on a full disk, may have left a repo half-copied there). */
  reposSynced?: boolean;
  /** Compose ran on the new file. */
  containers: boolean;
  /** Saving the compose file, hosts section and state. */
  saved: boolean;
  /** The copy of the host's command files and nginx.conf taken before they were written. */
  backup?: HostFilesBackup;
}

/** Nothing touched yet. */
export function untouched(): UpTouched {
  return { hostFiles: false, repos: false, containers: false, saved: false };
}

/** Reads the files `up` may change, to compare after a failure and to put back. */
export async function readFilesBefore(state: DaemonState): Promise<UpFilesBefore> {
  const [hosts, compose, config, saved] = await Promise.all(filePaths(state).map(readRegularFileIfAny));
  return { hosts, compose, config, state: saved };
}

/** Everything the report needs about the failed run. */
export interface UpFailure {
  error: unknown;
  state: DaemonState;
  plan: UpPlan | undefined;
  filesBefore: UpFilesBefore;
  touched: UpTouched;
  /** The project's containers before this `up`. */
  before: readonly ProjectContainer[];
  options: UpOptions;
}

/**
 * Restores what was touched and returns the error to throw: an UpStepError whose message holds the
 * report. A bug keeps its own error (and stack); its report goes to the log as warnings.
 */
export async function recoverFailedUp(ctx: Pick<CommandContext, "log" | "warn">, failure: UpFailure): Promise<unknown> {
  const { error, plan, touched, filesBefore, state } = failure;
  const report: string[] = [];
  if (touched.saved) await putBackSavedFiles(state, filesBefore);
  // Files before containers: restored containers must start with the previous command files and nginx.conf.
  if (plan && touched.hostFiles) report.push(await restoreHostFiles(plan, touched.backup));
  if (plan && touched.containers) {
    report.push(await restoreContainers(ctx, plan, { previousCompose: filesBefore.compose, before: failure.before, options: failure.options }));
  } else {
    report.push("No container was touched");
  }
  if (touched.repos) {
    report.push(touched.reposSynced
      ? "The repos on the Docker host were synced: they hold the current code"
      : "The repos on the Docker host may be partly synced (their sync did not finish): the next `dusty up` syncs them again");
  }
  report.push(await compareFiles(state, filesBefore));
  report.push("Fix the cause above, then run `dusty up` again");

  if (!isExpectedError(error)) {
    for (const line of report) ctx.warn(line);
    return error;
  }
  const step = error instanceof UpStepError ? error.step : "starting the environment";
  const reason = error instanceof UpStepError ? error.reason : error.message.trimEnd();
  return new UpStepError(step, reason, report);
}

/** The compose file and state the save step may have replaced go back to their previous bytes, so they match the restored containers. */
async function putBackSavedFiles(state: DaemonState, before: UpFilesBefore): Promise<void> {
  const back = [
    [composeFilePath(state), before.compose],
    [environmentStatePath(state.locations), before.state],
  ] as const;
  for (const [path, bytes] of back) await putBackFile(path, bytes);
}

/** UNCHANGED_NOTE when all three files compare equal to how they were, else which changed and which did not. */
async function compareFiles(state: DaemonState, before: UpFilesBefore): Promise<string> {
  const [hosts, compose, config] = await Promise.all(filePaths(state).slice(0, 3).map(readRegularFileIfAny));
  const files = [
    ["the hosts file", sameBytes(hosts, before.hosts)],
    ["the compose file", sameBytes(compose, before.compose)],
    ["the config", sameBytes(config, before.config)],
  ] as const;
  const changed = files.filter(([, same]) => !same).map(([name]) => name);
  if (changed.length === 0) return UNCHANGED_NOTE;
  const kept = files.filter(([, same]) => same).map(([name]) => name);
  return `Changed since this \`dusty up\` began: ${joinWords(changed)}${kept.length > 0 ? `; as they were: ${joinWords(kept)}` : ""}`;
}

// Read as regular files only: the hosts file is read before it is checked, and a FIFO there must not hang `up`.
function filePaths(state: DaemonState): string[] {
  return [state.locations.hostsFile, composeFilePath(state), state.locations.configFile, environmentStatePath(state.locations)];
}
