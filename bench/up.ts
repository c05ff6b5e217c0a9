/**
 * `dusty up` against raw Compose on the same compiled file, on the built-in example and on a generated
 * 20-app environment, for each Compose installed (v1 `docker-compose`, v2 `docker compose`):
 *   first up      `dusty up --no-pull --no-wait` after `dusty stop --rm`   vs  `compose up -d` after `compose down`
 *                 (`compose up -d` does not wait either), and the default `dusty up --no-pull`, which then waits
 *                 until every container has stayed up for a moment: that wait's cost is printed, not compared
 *   unchanged up  `dusty up --no-pull` again                      vs  `compose up -d` again
 * and `dusty restart <app>` after one file of its repo changed (vs a bare `docker restart -t 1`).
 * Targets: first up ≤ 1.3× raw compose; unchanged up ≤ 0.5× raw compose. Whole-process wall times,
 * medians of BENCH_RUNS (default 5). Each environment has its own project and free ports, removed at the end.
 *
 *   make build && bun bench/up.ts            BENCH_COMPOSE="docker-compose" bun bench/up.ts
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../test/harness.ts";
import { exampleRepos, exampleSpecFiles, startTestEnvironment, type ComposeCommand, type ExampleEnvironment } from "../test/up-example.ts";
import { formatMs, median, timeProcess } from "./_timing.ts";
import { generateEnvironment } from "./generate-environment.ts";

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const COMPOSES = (process.env.BENCH_COMPOSE ?? "docker-compose,docker compose").split(",").map((c) => c.trim()) as ComposeCommand[];
const DUSTY = join(ROOT, "dist", "dusty");

interface Case {
  label: string;
  options: { specFiles: Record<string, string>; repos: Record<string, Record<string, string>>; bundles: string[] };
  /** An app and a file of its repo (relative to the repo) to change before `dusty restart <app>`. */
  restart: { app: string; repo: string; file: string };
}

const CASES: Case[] = [
  {
    label: "built-in example (2 apps, 1 lib, 1 service)",
    options: { specFiles: exampleSpecFiles(), repos: exampleRepos(), bundles: ["everything"] },
    restart: { app: "website", repo: "website", file: "public/index.html" },
  },
  {
    label: "generated: 20 busybox apps, 1 service",
    options: generateEnvironment(20),
    restart: { app: "app07", repo: "app07", file: "public/index.html" },
  },
];

async function main(): Promise<void> {
  process.env.DUSTY_BIN = DUSTY; // the harness starts this binary as the daemon
  for (const compose of COMPOSES) {
    for (const benchCase of CASES) {
      const env = await startTestEnvironment({ compose, ...benchCase.options });
      try {
        await benchmark(env, compose, benchCase);
      } finally {
        await env.cleanup();
      }
    }
  }
}

async function benchmark(env: ExampleEnvironment, compose: ComposeCommand, benchCase: Case): Promise<void> {
  const dusty = (...args: string[]) => [DUSTY, ...args];
  const composeFile = join(env.configDir, "compose", "docker-compose.yml");
  const raw = (...sub: string[]) => [...compose.split(" "), "--file", composeFile, "--project-name", env.project, ...sub];
  const time = (argv: string[]) => timeProcess(argv, env.daemon.env);
  const names = ["dustyFirst", "dustyFirstNoWait", "dustyUnchanged", "rawFirst", "rawUnchanged", "restart", "dockerRestart"] as const;
  const samples = Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<(typeof names)[number], number[]>;

  await time(dusty("up", "--no-pull")); // warm-up: clones, image checks, the compose file to compare with
  for (let i = 0; i < RUNS; i++) {
    await time(dusty("stop", "--rm"));
    samples.dustyFirstNoWait.push(await time(dusty("up", "--no-pull", "--no-wait")));
    await time(dusty("stop", "--rm"));
    samples.dustyFirst.push(await time(dusty("up", "--no-pull")));
    samples.dustyUnchanged.push(await time(dusty("up", "--no-pull")));
    await time(raw("up", "-d")); // compose's own first pass over dusty's containers, untimed
    samples.rawUnchanged.push(await time(raw("up", "-d")));
    await time(raw("down"));
    samples.rawFirst.push(await time(raw("up", "-d")));
  }
  // Back to a state dusty knows, then one changed file per restart.
  await time(dusty("stop", "--rm"));
  await time(dusty("up", "--no-pull"));
  const repo = env.repos[benchCase.restart.repo]!;
  const containers = await env.containers();
  for (let i = 0; i < RUNS; i++) {
    writeFileSync(join(repo.path, benchCase.restart.file), `<h1>edit ${i}</h1>\n`);
    samples.restart.push(await time(dusty("restart", benchCase.restart.app)));
    samples.dockerRestart.push(await time(["docker", "restart", "--time", "1", containers[benchCase.restart.app]!.id]));
  }

  const m = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)])) as Record<keyof typeof samples, number>;
  console.log(`up: ${benchCase.label}, Compose "${compose}" (median of ${RUNS})`);
  console.log(formatMs("dusty up --no-wait, first (after stop --rm)", m.dustyFirstNoWait));
  console.log(formatMs(`raw ${compose} up -d, first (after down)`, m.rawFirst));
  console.log(ratio("first up: dusty --no-wait / raw", m.dustyFirstNoWait / m.rawFirst, "≤ 1.3"));
  console.log(formatMs("dusty up, first, waiting until all stay up", m.dustyFirst));
  console.log(formatMs("  of which the wait", m.dustyFirst - m.dustyFirstNoWait));
  console.log(formatMs("dusty up --no-pull, nothing changed", m.dustyUnchanged));
  console.log(formatMs(`raw ${compose} up -d, nothing changed`, m.rawUnchanged));
  console.log(ratio("unchanged up: dusty / raw compose", m.dustyUnchanged / m.rawUnchanged, "≤ 0.5"));
  console.log(formatMs(`dusty restart ${benchCase.restart.app} (one file changed)`, m.restart));
  console.log(formatMs("docker restart --time 1 (the container alone)", m.dockerRestart));
  console.log();
}

function ratio(label: string, value: number, target: string): string {
  return `${label.padEnd(48)} ${value.toFixed(2).padStart(8)}   (target ${target})`;
}

await main();
