/**
 * Putting back what a failed `up` touched: the command files and nginx.conf it wrote to the Docker host
 * (from the copy taken before it wrote them), and the containers (Compose run again on the previous
 * compose file, whose `dusty.config-hash` labels are the previous ones). Each returns one line that
 * says what docker reports afterwards, never what was hoped for.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { NGINX_SERVICE } from "../../core/compose.ts";
import { composeProject } from "./_environment.ts";
import { listProjectContainers, type ProjectContainer } from "./_up-containers.ts";
import { stagingDir, type HostFilesBackup } from "./_up-files.ts";
import type { UpOptions, UpPlan } from "./_up-prepare.ts";
import { composeUp } from "./_up-start.ts";
import type { CommandContext } from "./_types.ts";

/** Puts the copied command files and nginx.conf back on the Docker host; the line says whether it worked. */
export async function restoreHostFiles(plan: UpPlan, backup: HostFilesBackup | undefined): Promise<string> {
  if (!backup) return "The command files and nginx.conf on the Docker host are this up's: there was no copy of the previous ones to put back";
  try {
    const paths = plan.host.paths();
    await plan.host.syncIn(backup.commandFiles, paths.commandFilesDir, { delete: true });
    await plan.host.syncIn(backup.nginx, paths.nginxDir, { delete: true });
    return "The command files and nginx.conf on the Docker host were put back as they were";
  } catch (error) {
    return `Could not put back the previous command files and nginx.conf on the Docker host: ${firstLine(error)}`;
  }
}

/**
 * Runs Compose on `previousCompose` (the compose file as it was before this `up`) to bring back the
 * containers that ran before, then asks docker whether each of them runs again with its previous config.
 */
export async function restoreContainers(
  ctx: Pick<CommandContext, "log">,
  plan: UpPlan,
  restore: { previousCompose: Uint8Array | undefined; before: readonly ProjectContainer[]; options: UpOptions },
): Promise<string> {
  const { before, previousCompose } = restore;
  const ran = unique(before.filter((c) => c.running).map((c) => c.service));
  const env = await plan.host.dockerEnv();
  const project = composeProject(plan.state);
  if (!previousCompose) return describeNow("There was no previous environment to restore", await listProjectContainers(project, env).catch(() => undefined));

  ctx.log("Restoring the previous environment with the previous compose file");
  const file = join(stagingDir(plan.state.locations.composeDir), "previous-docker-compose.yml");
  await writeFile(file, previousCompose, { mode: 0o644 });
  // Only what ran before is started again: a service the user had stopped stays stopped (created, not
  // started, with its previous config), so restoring never starts more than was running.
  const services = unique(before.map((c) => c.service));
  const extra = ran.length === 0 ? ["--no-start"] : services.every((s) => ran.includes(s)) ? [] : ran;
  let failure: string | undefined;
  try {
    // No client signal: a restore half-done is worse than one that outlives the client.
    await composeUp(ctx, plan, file, { recreate: restore.options.recreate, extra });
  } catch (error) {
    failure = firstLine(error);
  }

  let now: ProjectContainer[];
  try {
    now = await listProjectContainers(project, env);
  } catch (error) {
    return `Could not tell whether the previous environment was restored: ${firstLine(error)}`;
  }
  const down = ran.filter((s) => !now.some((c) => c.service === s && c.running));
  const changed = ran.filter((s) => !down.includes(s) && !now.some((c) => c.service === s && c.running && c.composeHash === hashOf(before, s)));
  if (failure === undefined && down.length === 0 && changed.length === 0) {
    return ran.length === 0
      ? "The previous environment was restored: no container ran before this `dusty up`, and none runs now"
      : `The previous environment was restored: ${listNames(ran)} ${ran.length === 1 ? "runs" : "run"} again as before`;
  }
  const parts = [
    down.length > 0 ? `down now: ${down.map((s) => `${displayName(s)} (${stateOf(now, s)})`).join(", ")}` : "",
    changed.length > 0 ? `running, but not with the previous config: ${listNames(changed)}` : "",
  ].filter(Boolean);
  return `Could not restore the previous environment${failure ? ` (${failure})` : ""}${parts.length > 0 ? `: ${parts.join("; ")}` : ""}`;
}

/** "<lead>: a and b run; c (exited) does not", from docker's answer. */
function describeNow(lead: string, now: ProjectContainer[] | undefined): string {
  if (now === undefined) return `${lead}; docker does not say which of this up's containers run`;
  const services = unique(now.map((c) => c.service));
  const running = services.filter((s) => now.some((c) => c.service === s && c.running));
  const stopped = services.filter((s) => !running.includes(s));
  if (services.length === 0) return `${lead}: no container of this up exists`;
  const parts = [
    running.length > 0 ? `${listNames(running)} ${running.length === 1 ? "runs" : "run"}` : "",
    stopped.length > 0 ? `down: ${stopped.map((s) => `${displayName(s)} (${stateOf(now, s)})`).join(", ")}` : "",
  ].filter(Boolean);
  return `${lead}: of this up's containers, ${parts.join("; ")}`;
}

function hashOf(containers: readonly ProjectContainer[], service: string): string | undefined {
  return containers.find((c) => c.service === service && c.running)?.composeHash;
}

function stateOf(now: readonly ProjectContainer[], service: string): string {
  return now.find((c) => c.service === service)?.state ?? "no container";
}

/** The name users know a service by: nginx for dusty's proxy, as `dusty status` shows it. */
function displayName(service: string): string {
  return service === NGINX_SERVICE ? "nginx" : service;
}

function listNames(services: readonly string[]): string {
  const names = services.map(displayName);
  return names.length <= 1 ? names.join("") : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)].sort();
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0] ?? "";
}
