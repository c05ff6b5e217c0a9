/**
 * After `up` started the containers: compose says "started" as soon as each container's process
 * began, so an app whose command crashes a second later would be reported as running. This waits,
 * bounded, until each container (apps, services, nginx) has run for a moment without restarting, and
 * names every one that exited, with its exit code and its last log lines.
 */
import { NGINX_SERVICE } from "../../../core/compose.ts";
import type { DockerEnv } from "../../../platform/docker.ts";
import { inspectServiceStates, lastLogLines, type ServiceState } from "../../../platform/service-states.ts";
import type { CommandContext } from "./_types.ts";

/** How long an app's container must keep running, under the same start, to count as up. */
export const SETTLE_MS = 2_000;
/** How many of a failed app's log lines the report shows. */
export const LOG_LINES = 10;
const POLL_MS = 250;
/** How often a long wait says what it still waits for. */
const PROGRESS_MS = 5_000;

/** What the wait found for one app that is not up. */
export interface AppProblem {
  app: string;
  /** exited, dead, restarting, created, or missing (no container). */
  state: string;
  exitCode: number;
  logs: string[];
}

/** Options of `waitForApps`. */
export interface WaitOptions {
  project: string;
  env: DockerEnv;
  timeoutMs: number;
  settleMs?: number;
}

/**
 * Waits until every compose service (apps, services, nginx) is up or has exited, or the time is up;
 * returns the ones that are not up, by the names users give dusty (nginx, not its compose name).
 */
export async function waitForApps(ctx: Pick<CommandContext, "log" | "signal">, apps: readonly string[], options: WaitOptions): Promise<AppProblem[]> {
  if (apps.length === 0) return [];
  const settleMs = options.settleMs ?? SETTLE_MS;
  const seconds = Math.round(options.timeoutMs / 100) / 10;
  const names = apps.map(shownName).sort();
  ctx.log(`Waiting up to ${seconds} s for ${apps.length === 1 ? "the container" : `the ${apps.length} containers`} to stay up: ${names.join(", ")}`);
  const deadline = Date.now() + options.timeoutMs;
  const runningSince = new Map<string, { startedAt: string; at: number }>();
  const decided = new Map<string, ServiceState | undefined>(); // undefined: up
  let last = new Map<string, ServiceState>();
  let nextProgress = Date.now() + PROGRESS_MS;
  for (;;) {
    last = await inspectServiceStates(options.project, apps, options.env);
    const now = Date.now();
    for (const app of apps) {
      if (decided.has(app)) continue;
      const seen = last.get(app);
      if (seen?.state === "exited" || seen?.state === "dead") {
        decided.set(app, seen);
      } else if (seen?.state === "running") {
        const since = runningSince.get(app);
        // A new StartedAt means the container restarted: its moment starts again.
        if (since === undefined || since.startedAt !== seen.startedAt) runningSince.set(app, { startedAt: seen.startedAt, at: now });
        else if (now - since.at >= settleMs) decided.set(app, undefined);
      } else {
        runningSince.delete(app);
      }
    }
    if (decided.size === apps.length || now >= deadline || ctx.signal.aborted) break;
    if (now >= nextProgress) {
      nextProgress = now + PROGRESS_MS;
      const waiting = apps.filter((app) => !decided.has(app)).map((app) => `${shownName(app)} (${last.get(app)?.state ?? "no container"})`);
      ctx.log(`Still waiting for ${waiting.join(", ")}`);
    }
    await Bun.sleep(Math.min(POLL_MS, Math.max(0, deadline - now)));
  }
  const problems: AppProblem[] = [];
  for (const app of apps) {
    if (decided.has(app) && decided.get(app) === undefined) continue;
    const seen = decided.get(app) ?? last.get(app);
    // Still running at the deadline, under a start that did not change: not a problem, only not long up.
    if (seen?.state === "running") continue;
    problems.push({
      app: shownName(app),
      state: seen?.state ?? "missing",
      exitCode: seen?.exitCode ?? 0,
      logs: seen ? await lastLogLines(seen.id, options.env, LOG_LINES) : [],
    });
  }
  return problems.sort((a, b) => (a.app < b.app ? -1 : 1));
}

/** The name `dusty logs` and the specs use for a compose service. */
const shownName = (service: string): string => (service === NGINX_SERVICE ? "nginx" : service);

/** The error's text: each app that is not up, with its exit code and last log lines, and the fix. */
export function describeAppProblems(problems: readonly AppProblem[], timeoutMs: number): string {
  const lines = [`dusty up started the containers, but ${problems.length === 1 ? "1 is" : `${problems.length} are`} not running:`];
  for (const p of problems) {
    const what =
      p.state === "exited" || p.state === "dead"
        ? `exited with code ${p.exitCode}`
        : p.state === "missing"
          ? "has no container"
          : `is still ${p.state} after ${Math.round(timeoutMs / 1000)} s${p.exitCode !== 0 ? ` (last exit code ${p.exitCode})` : ""}`;
    lines.push(`  ${p.app} ${what}${p.logs.length > 0 ? `; its last ${p.logs.length === 1 ? "log line" : `${p.logs.length} log lines`}:` : "; it printed nothing"}`);
    for (const line of p.logs) lines.push(`    ${line}`);
  }
  const first = problems[0]!.app;
  lines.push(`The others keep running. See the whole log with \`dusty logs ${first}\`, fix the command or setup, then run \`dusty up\` again`);
  return lines.join("\n");
}
