/**
 * Putting back what a failed `up` touched: the command files and nginx.conf it wrote to the Docker host
 * (from the copy taken before it wrote them), and the containers (Compose run again on the previous
 * compose file, whose `dusty.config-hash` labels are the previous ones; the compose file itself is
 * only replaced once compose succeeded, so it is still the previous one, or is put back first). Each returns one line that
 * says what docker reports afterwards, never what was hoped for.
 */
import { NGINX_SERVICE } from "../../../core/compose.ts";
import { joinWords } from "../../../core/prose.ts";
import { writeFileIfChanged } from "../../../platform/saved-files.ts";
import { composeFilePath, composeProject, runCompose } from "./_environment.ts";
import { listProjectContainers, type ProjectContainer } from "../../../platform/project-containers.ts";
import type { HostFilesBackup } from "../../../platform/published-folders.ts";
import type { UpOptions, UpPlan } from "./_up-prepare.ts";
import type { CommandContext } from "./_types.ts";
import { errorMessage } from "../../../platform/errors.ts";

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
 * Puts the previous compose file back in place and runs Compose on it, so the containers that ran
 * before run again with their previous config (and this up's new services go as orphans); then stops
 * what runs now but did not before, and asks docker whether it all worked.
 */
export async function restoreContainers(
  ctx: Pick<CommandContext, "log">,
  plan: UpPlan,
  restore: { previousCompose: Uint8Array | undefined; before: readonly ProjectContainer[]; options: UpOptions },
): Promise<string> {
  const { before, previousCompose } = restore;
  const { state, host } = plan;
  const ran = unique(before.filter((c) => c.running).map((c) => c.service));
  const env = await host.dockerEnv();
  const list = () => listProjectContainers(composeProject(state), env);
  if (!previousCompose) {
    const lead = before.length === 0 ? "There was no previous environment to restore" : "Cannot restore the previous environment: there was no previous compose file";
    return describeNow(lead, await list().catch(() => undefined));
  }

  ctx.log("Restoring the previous environment with the previous compose file");
  // No client signal: a restore half-done is worse than one that outlives the client.
  const compose = { log: ctx.log, signal: new AbortController().signal };
  const failures: string[] = [];
  const attempt = (work: () => Promise<unknown>) => work().then(() => {}, (error: unknown) => void failures.push(firstLine(error)));
  await attempt(() => writeFileIfChanged(composeFilePath(state), previousCompose));
  // Only what ran before is started: a service the user had stopped is put back (created, with its
  // previous config) but not started, so restoring never starts more than was running.
  const services = unique(before.map((c) => c.service));
  // (docker-compose v1 refuses `-d` together with `--no-start`.)
  const which = ran.length === 0 ? ["--no-start"] : ["-d", ...(services.every((s) => ran.includes(s)) ? [] : ran)];
  const recreate = restore.options.recreate ? [] : ["--no-recreate"];
  if (failures.length === 0) await attempt(() => runCompose(compose, state, host, ["up", "--remove-orphans", ...recreate, ...which]));
  // What this up started that did not run before (Compose leaves running what it need not recreate).
  const extra = await list().then((now) => unique(now.filter((c) => c.running && !ran.includes(c.service)).map((c) => c.service)), () => []);
  if (failures.length === 0 && extra.length > 0) await attempt(() => runCompose(compose, state, host, ["stop", "--timeout", "1", ...extra]));

  let now: ProjectContainer[];
  try {
    now = await list();
  } catch (error) {
    return `Could not tell whether the previous environment was restored: ${firstLine(error)}`;
  }
  const down = ran.filter((s) => !now.some((c) => c.service === s && c.running));
  const changed = ran.filter((s) => !down.includes(s) && !now.some((c) => c.service === s && c.running && c.composeHash === hashOf(before, s)));
  const added = unique(now.filter((c) => c.running && !ran.includes(c.service)).map((c) => c.service));
  if (failures.length === 0 && down.length === 0 && changed.length === 0 && added.length === 0) {
    return ran.length === 0
      ? "The previous environment was restored: no container ran before this `dusty up`, and none runs now"
      : `The previous environment was restored: ${listNames(ran)} ${ran.length === 1 ? "runs" : "run"} again as before`;
  }
  const parts = [
    down.length > 0 ? `down now: ${down.map((s) => `${displayName(s)} (${stateOf(now, s)})`).join(", ")}` : "",
    changed.length > 0 ? `running, but not with the previous config: ${listNames(changed)}` : "",
    added.length > 0 ? `running now, though not before: ${listNames(added)}` : "",
  ].filter(Boolean);
  return `Could not restore the previous environment${failures.length > 0 ? ` (${failures[0]})` : ""}${parts.length > 0 ? `: ${parts.join("; ")}` : ""}`;
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
  return joinWords(services.map(displayName));
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)].sort();
}

function firstLine(error: unknown): string {
  return errorMessage(error).split("\n")[0] ?? "";
}
