/**
 * SIGKILL during `dusty up`: the built-in example in its own project, then SOAK_TRIALS (default 100)
 * times: change something so compose has work (an env override → one container recreated; every third
 * trial all containers removed → everything created), start `dusty up --no-pull`, SIGKILL the daemon at a
 * random moment during it, count the compose processes the kill left running, start a new daemon on the
 * same folders, count compose processes again (must be 0: the new daemon ends its predecessor's), and run
 * `dusty up --no-pull` once more (must exit 0: no "container name already in use", no half-made state).
 * Prints the counts and timings; removes every container of its project (by label) at the end.
 *
 *   make build && bun bench/soak-kill-up.ts            SOAK_TRIALS=20 SOAK_COMPOSE=docker-compose bun bench/soak-kill-up.ts
 */
import { join } from "node:path";
import { findComposeProcesses } from "../platform/processes.ts";
import { COMPOSE_PROJECT_LABEL } from "../platform/docker.ts";
import { run } from "../platform/run.ts";
import { dustyArgv, ROOT, startDaemon, type DaemonHandle } from "../test/harness.ts";
import { startExampleEnvironment, type ComposeCommand } from "../test/up-example.ts";
import { formatMs, median } from "./_timing.ts";

const TRIALS = Number(process.env.SOAK_TRIALS ?? 100);
const COMPOSE = (process.env.SOAK_COMPOSE ?? "docker compose") as ComposeCommand;
/** Kills land in the first this-many ms of an `up` (default: anywhere in it). */
const MAX_KILL_MS = Number(process.env.SOAK_MAX_KILL_MS ?? Number.POSITIVE_INFINITY);
process.env.DUSTY_BIN ??= join(ROOT, "dist", "dusty"); // the harness starts this binary as the daemon

interface Trial {
  kind: "recreate" | "create";
  killAfterMs: number;
  /** The killed `up` had finished before the kill landed. */
  finishedBeforeKill: boolean;
  composeAfterKill: number;
  composeAfterRestart: number;
  endedByRestart: number;
  restartMs: number;
  followUpMs: number;
  followUpCode: number;
  followUpError: string;
}

// Exit codes of daemons that have exited, to tell a dead daemon from a failing command.
const exits = new Map<DaemonHandle, number>();
function watch(handle: DaemonHandle): void {
  void handle.exited.then((code) => exits.set(handle, code));
}

async function main(): Promise<void> {
  const env = await startExampleEnvironment({ compose: COMPOSE });
  const daemons: DaemonHandle[] = [env.daemon];
  let daemon = env.daemon;
  const trials: Trial[] = [];
  const started = performance.now();
  try {
    const dusty = (args: string[]) => daemon.run(args, { timeoutMs: 120_000 });
    const first = await dusty(["up", "--no-pull"]);
    if (first.code !== 0) throw new Error(`the first up failed: ${first.stderr}`);
    // How long each kind of `up` takes here, so kills land anywhere inside one.
    await prepare("recreate", 0, dusty, env.project);
    const recreateMs = await timed(async () => void (await dusty(["up", "--no-pull"])));
    await prepare("create", 0, dusty, env.project);
    const createMs = await timed(async () => void (await dusty(["up", "--no-pull"])));
    console.log(`soak-kill-up: ${TRIALS} trials, Compose "${COMPOSE}", project ${env.project}`);
    console.log(formatMs("an uninterrupted up that recreates one container", recreateMs));
    console.log(formatMs("an uninterrupted up that creates every container", createMs));

    for (let i = 1; i <= TRIALS; i++) {
      const kind = i % 3 === 0 ? "create" : "recreate";
      await prepare(kind, i, dusty, env.project);
      const killAfterMs = Math.random() * Math.min(MAX_KILL_MS, kind === "create" ? createMs : recreateMs);
      const client = Bun.spawn(dustyArgv(["up", "--no-pull"]), { env: { ...process.env, ...daemon.env }, stdout: "ignore", stderr: "ignore" });
      await Bun.sleep(killAfterMs);
      const finishedBeforeKill = client.exitCode !== null;
      process.kill(daemon.pid, "SIGKILL");
      await daemon.exited;
      await client.exited;
      const composeAfterKill = findComposeProcesses(env.project).length;

      const restartStart = performance.now();
      daemon = await startDaemon({ env: daemon.env });
      daemons.push(daemon);
      watch(daemon);
      // The killed daemon's listening socket lingers in the kernel for a moment after it is reaped, so
      // the harness's probe can be answered by it: the new daemon is ready once it says so.
      await daemon.waitForLog(/listening on/, 30_000);
      const restartMs = performance.now() - restartStart;
      const composeAfterRestart = findComposeProcesses(env.project).length;
      const ended = /Ended (\d+) programs? a previous daemon left running/.exec(daemon.log());

      const followStart = performance.now();
      const followUp = await dusty(["up", "--no-pull"]);
      const followUpMs = performance.now() - followStart;
      const trial: Trial = {
        kind,
        killAfterMs,
        finishedBeforeKill,
        composeAfterKill,
        composeAfterRestart,
        endedByRestart: ended ? Number(ended[1]) : 0,
        restartMs,
        followUpMs,
        followUpCode: followUp.code,
        followUpError: followUp.code === 0 ? "" : followUp.stderr.trim().split("\n").slice(-3).join(" | "),
      };
      trials.push(trial);
      if (trial.followUpCode !== 0 || composeAfterRestart > 0) {
        console.log(`  trial ${i} (${kind}, kill at ${killAfterMs.toFixed(0)} ms): follow-up exit ${followUp.code}, compose after restart ${composeAfterRestart}: ${trial.followUpError}`);
        await Bun.sleep(50);
        const exit = exits.get(daemon) ?? null;
        if (trial.followUpCode !== 0) console.log(`  the daemon ${exit === null ? "runs" : `exited with ${exit}`}; its log ends:\n${daemon.log().trimEnd().split("\n").slice(-12).map((l) => `    ${l}`).join("\n")}`);
        if (exit !== null) {
          daemon = await startDaemon({ env: daemon.env });
          daemons.push(daemon);
          watch(daemon);
          await daemon.waitForLog(/listening on/, 30_000);
        }
      }
    }
  } finally {
    await run(["docker", "rm", "-f", "-v", ...(await projectContainerIds(env.project))]).catch(() => {});
    for (const handle of daemons.slice(1)) await handle.stop();
    await env.cleanup();
  }
  report(trials, performance.now() - started);
}

/** Gives compose work for the next `up`: an env override that changes one service, or no containers at all. */
async function prepare(kind: Trial["kind"], i: number, dusty: (args: string[]) => Promise<{ code: number; stderr: string }>, project: string) {
  const set = await dusty(["env", "set", "api", "SOAK_TRIAL", String(i)]);
  if (set.code !== 0) throw new Error(`env set failed: ${set.stderr}`);
  if (kind === "create") {
    const ids = await projectContainerIds(project);
    if (ids.length > 0) await run(["docker", "rm", "-f", ...ids]);
  }
}

/** Every container of the soak's own project, by its compose label. */
async function projectContainerIds(project: string): Promise<string[]> {
  const result = await run(["docker", "ps", "-aq", "--filter", `label=${COMPOSE_PROJECT_LABEL}=${project}`]);
  return result.stdout.split("\n").filter(Boolean);
}

async function timed(work: () => Promise<void>): Promise<number> {
  const start = performance.now();
  await work();
  return performance.now() - start;
}

function report(trials: Trial[], totalMs: number): void {
  const failures = trials.filter((t) => t.followUpCode !== 0);
  const killedMidway = trials.filter((t) => !t.finishedBeforeKill);
  const sum = (key: keyof Trial) => trials.reduce((n, t) => n + Number(t[key]), 0);
  console.log(`trials                                            ${trials.length} (${killedMidway.length} killed while up ran, ${trials.length - killedMidway.length} after it had finished)`);
  console.log(`trials that left compose running after the kill   ${trials.filter((t) => t.composeAfterKill > 0).length} (${sum("composeAfterKill")} processes)`);
  console.log(`groups ended by the restarted daemon              ${sum("endedByRestart")}`);
  console.log(`compose processes left after the restart          ${sum("composeAfterRestart")}   (target 0)`);
  console.log(`follow-up up failures                             ${failures.length}   (target 0)`);
  for (const f of failures.slice(0, 5)) console.log(`  ${f.kind}, kill at ${f.killAfterMs.toFixed(0)} ms: ${f.followUpError}`);
  console.log(formatMs("daemon restart (to socket answering), median", median(trials.map((t) => t.restartMs))));
  console.log(formatMs("daemon restart, slowest", Math.max(...trials.map((t) => t.restartMs))));
  console.log(formatMs("follow-up up, median", median(trials.map((t) => t.followUpMs))));
  console.log(formatMs("whole soak", totalMs));
}

await main();
