/**
 * `dusty up` and `restart --repos` on an ssh Docker host (the namespace host of test/remote-host.ts)
 * against the same on the native engine, on the built-in example, side by side in one run:
 *   first up       `dusty up --no-pull` after `dusty stop --rm`
 *   unchanged up   `dusty up --no-pull` again
 *   restart        `dusty restart --repos website` after one changed file of its repo
 * Target of issue 10: the unchanged up on the remote host takes at most 0.5 s. Whole-process wall
 * times, medians of BENCH_RUNS (default 5), interleaved native / ssh. Run as root, after `make build`:
 *   bun bench/remote-up.ts          BENCH_COMPOSE=docker-compose bun bench/remote-up.ts
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../test/harness.ts";
import { startRemoteExample } from "../test/remote-example.ts";
import { exampleRepos, exampleSpecFiles, startTestEnvironment, type ComposeCommand, type ExampleEnvironment } from "../test/up-example.ts";
import { formatMs, median, timeProcess, useBenchBinary } from "./_timing.ts";

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const COMPOSE = (process.env.BENCH_COMPOSE ?? "docker compose") as ComposeCommand;
const UNCHANGED_TARGET_MS = 500;

const bin = useBenchBinary(ROOT);
if (bin) await main(bin);

async function main(dusty: string): Promise<void> {
  const native = await startTestEnvironment({ compose: COMPOSE, specFiles: exampleSpecFiles(), repos: exampleRepos(), bundles: ["everything"] });
  const remote = await startRemoteExample({ compose: COMPOSE }).catch(async (error) => {
    await native.cleanup();
    throw error;
  });
  const sides = { native, ssh: remote.env } as const;
  const steps = ["first", "unchanged", "restart"] as const;
  const samples = Object.fromEntries(Object.keys(sides).map((side) => [side, Object.fromEntries(steps.map((s) => [s, [] as number[]]))])) as Record<keyof typeof sides, Record<(typeof steps)[number], number[]>>;
  const time = (env: ExampleEnvironment, ...args: string[]) => timeProcess([dusty, ...args], env.daemon.env);
  try {
    for (const env of Object.values(sides)) await time(env, "up", "--no-pull"); // warm-up: clones, images, the master connection
    for (let i = 0; i < RUNS; i++) {
      for (const [side, env] of Object.entries(sides) as [keyof typeof sides, ExampleEnvironment][]) {
        await time(env, "stop", "--rm");
        samples[side].first.push(await time(env, "up", "--no-pull"));
        samples[side].unchanged.push(await time(env, "up", "--no-pull"));
        writeFileSync(join(env.repos.website!.path, "public", "index.html"), `<h1>edit ${i}</h1>\n`);
        samples[side].restart.push(await time(env, "restart", "--repos", "website"));
      }
    }
    const logins = remote.host.acceptedLogins();
    const m = (side: keyof typeof sides, step: (typeof steps)[number]) => median(samples[side][step]);
    console.log(`up on the example, Compose "${COMPOSE}", ssh host vs native (median of ${RUNS}, interleaved)`);
    for (const [step, label] of [["first", "first up"], ["unchanged", "unchanged up"], ["restart", "restart --repos (1 file)"]] as const) {
      console.log(formatMs(`${label}, native`, m("native", step)));
      console.log(formatMs(`${label}, ssh host`, m("ssh", step)));
      console.log(`${`${label}: ssh / native`.padEnd(48)} ${(m("ssh", step) / m("native", step)).toFixed(2).padStart(8)}x`);
    }
    const unchanged = m("ssh", "unchanged");
    console.log(`unchanged up on the ssh host: ${unchanged.toFixed(0)} ms (target <= ${UNCHANGED_TARGET_MS} ms): ${unchanged <= UNCHANGED_TARGET_MS ? "met" : "MISSED"}`);
    console.log(`ssh logins accepted by the host over the whole run: ${logins}`);
  } finally {
    await remote.cleanup();
    await native.cleanup();
  }
}
