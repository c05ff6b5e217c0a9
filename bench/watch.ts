/**
 * Edit → new content served through nginx (by host name), on a 20,000-file repo, three ways side by side:
 *   dusty watch             the running watch syncs the edited file into the Docker host's copy
 *   dusty restart --repos   today's loop: sync the repo, restart the app
 *   bind mount              the floor: an app that mounts the checkout itself (compose volumes)
 * The watch and the bind mount see the same edits (both serve the same file); the restart loop runs after.
 * Also: the daemon's CPU while a watch idles, and a 5,000-file burst under the watch against one full
 * rsync of the repo. Targets: watch p50 ≤ 100 ms, p95 ≤ 250 ms; idle CPU ≈ 0; burst ≤ 1.5× one rsync.
 *
 *   make build && bun bench/watch.ts         BENCH_EDITS=50 BENCH_FILES=20000 BENCH_BURST=5000 BENCH_LOAD=0
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseRepo } from "../core/repos.ts";
import { rsyncArgv } from "../platform/rsync.ts";
import { run } from "../platform/run.ts";
import { BUSYBOX_IMAGE } from "../platform/test-images.ts";
import { ROOT } from "../test/harness.ts";
import { startTestEnvironment, type ExampleEnvironment } from "../test/up-example.ts";
import { startWatch } from "../test/watch-client.ts";
import { formatMs, median, percentile, timeProcess, useBenchBinary } from "./_timing.ts";

const EDITS = Number(process.env.BENCH_EDITS ?? 50);
const FILES = Number(process.env.BENCH_FILES ?? 20_000);
const BURST = Number(process.env.BENCH_BURST ?? 5000);
/** Busy loops running while the burst and its rsync are measured: the burst under load (0: none). */
const LOAD = Number(process.env.BENCH_LOAD ?? 0);
const WEB = "/srv/dusty-bench/web";

const app = (name: string, extra: string) =>
  [`image: ${BUSYBOX_IMAGE}`, extra, `host_forwarding:\n  - host_name: local.${name}.test\n    host_port: {HTTP_PORT}\n    container_port: 8000`,
    `commands:\n  always:\n    - httpd -f -p 8000 -h /${name}`, ""].join("\n");

async function main(): Promise<void> {
  const bin = useBenchBinary(ROOT);
  if (!bin) return;
  const env = await startTestEnvironment({
    compose: "docker compose",
    specFiles: { "apps/web.yml": app("web", `repo: ${WEB}\nmount: /web`), "bundles/all.yml": "apps:\n  - web\n" },
    repos: { [WEB]: { "index.html": "start\n" } },
    bundles: ["all"],
  });
  try {
    await benchmark(env, bin);
  } finally {
    await env.cleanup();
  }
}

async function benchmark(env: ExampleEnvironment, bin: string): Promise<void> {
  const checkout = env.repos.web!.path;
  for (let d = 0; d < FILES / 100; d++) {
    mkdirSync(join(checkout, "files", `d${d}`), { recursive: true });
    for (let f = 0; f < 100; f++) writeFileSync(join(checkout, "files", `d${d}`, `f${f}.txt`), `file ${d}/${f}\n`);
  }
  // The floor: the same checkout, bind-mounted into a second app.
  env.specs.commit({
    "apps/floor.yml": app("floor", `compose:\n  volumes:\n    - ${checkout}:/floor`).replaceAll("{HTTP_PORT}", String(env.httpPort)),
    "bundles/all.yml": "apps:\n  - web\n  - floor\n",
  });
  const up = await env.dusty(["up"]);
  if (up.code !== 0) throw new Error(`dusty up failed:\n${up.stderr}`);
  console.log(`${FILES} files in the repo, ${EDITS} edits of index.html, fetched through nginx on 127.0.0.1:${env.httpPort}`);

  const edit = (text: string) => writeFileSync(join(checkout, "index.html"), text);
  /** Fetches through nginx until the page is `text`; the time from `since`. */
  const served = async (host: string, text: string, since: number): Promise<number> => {
    for (;;) {
      const page = await fetch(`http://127.0.0.1:${env.httpPort}/index.html`, { headers: { Host: host } }).then((r) => r.text(), () => "");
      if (page === text) return performance.now() - since;
    }
  };

  const watch = startWatch(env.daemon, ["web"]);
  await watch.waitForLine(/watching for changes/, 0, 120_000);
  const watched: number[] = [];
  const bound: number[] = [];
  for (let i = 0; i < EDITS; i++) {
    const text = `watch edit ${i}\n`;
    const start = performance.now();
    edit(text);
    const [w, b] = await Promise.all([served("local.web.test", text, start), served("local.floor.test", text, start)]);
    watched.push(w);
    bound.push(b);
    await Bun.sleep(50); // apart, as edits are: each its own batch
  }

  // Idle: nothing changes; how much CPU does the daemon use meanwhile?
  const idleSeconds = 10;
  const before = cpuTicks(env.daemon.pid);
  await Bun.sleep(idleSeconds * 1000);
  const idleCpu = (cpuTicks(env.daemon.pid) - before) / 100 / idleSeconds; // USER_HZ is 100 on Linux

  // A burst under the watch, then the same burst synced by one full rsync with the watch gone.
  const hostCopy = join(env.persistDir, "repos", parseRepo(WEB).relPath);
  const linesBefore = watch.lines.length;
  const hogs = Array.from({ length: LOAD }, () => Bun.spawn(["sh", "-c", "while :; do :; done"], { stdio: ["ignore", "ignore", "ignore"] }));
  let burstUnderWatch: Awaited<ReturnType<typeof burst>>;
  let oneRsync: number;
  try {
    burstUnderWatch = await burst(checkout, hostCopy, "burst1");
    watch.signal("SIGINT");
    await watch.exited;
    writeBurst(checkout, "burst2");
    const rsyncStart = performance.now();
    const result = await run(rsyncArgv(checkout, hostCopy, { sourceIsDir: true, excludeNestedGit: true, exactTimes: true }));
    if (result.exitCode !== 0) throw new Error(result.stderr);
    oneRsync = performance.now() - rsyncStart;
  } finally {
    for (const hog of hogs) hog.kill("SIGKILL");
  }
  const burstLines = watch.lines.slice(linesBefore);

  // Today's loop: the edit, then `dusty restart --repos web`.
  const restarted: number[] = [];
  for (let i = 0; i < EDITS; i++) {
    const text = `restart edit ${i}\n`;
    const start = performance.now();
    edit(text);
    await timeProcess([bin, "restart", "--repos", "web"], env.daemon.env);
    restarted.push(await served("local.web.test", text, start));
  }

  console.log("\nedit → served through nginx          p50          p95");
  for (const [label, samples] of [["dusty watch", watched], ["dusty restart --repos web", restarted], ["bind mount (the floor)", bound]] as const) {
    console.log(`${label.padEnd(32)} ${percentile(samples, 50).toFixed(1).padStart(8)} ms ${percentile(samples, 95).toFixed(1).padStart(8)} ms`);
  }
  console.log(`\ndaemon CPU while a watch idles ${idleSeconds} s: ${(idleCpu * 100).toFixed(2)} % of one core`);
  console.log(`\n${BURST}-file burst into the watched repo${LOAD > 0 ? `, under load (${LOAD} busy loops)` : ""}:`);
  console.log(formatMs("  first write → host copy complete (watch)", burstUnderWatch.fromFirst));
  console.log(formatMs("  last write → host copy complete (watch)", burstUnderWatch.fromLast));
  console.log(formatMs("  writing the files alone", burstUnderWatch.writing));
  console.log(formatMs(`  one full rsync of the repo after such a burst`, oneRsync));
  console.log(`  ratio, watch (from the last write) / one rsync: ${(burstUnderWatch.fromLast / oneRsync).toFixed(2)}×`);
  console.log(`  the watch's lines meanwhile: ${burstLines.join(" | ")}`);
  console.log(`\nmedians: watch ${median(watched).toFixed(1)} ms, restart ${median(restarted).toFixed(1)} ms, bind mount ${median(bound).toFixed(1)} ms`);
}

function writeBurst(checkout: string, name: string): void {
  mkdirSync(join(checkout, name));
  for (let i = 0; i < BURST; i++) writeFileSync(join(checkout, name, `b${i}.txt`), `burst ${i}\n`);
}

/** Writes BURST files and waits until the host's copy has every one of them with its content. */
async function burst(checkout: string, hostCopy: string, name: string): Promise<{ fromFirst: number; fromLast: number; writing: number }> {
  const start = performance.now();
  writeBurst(checkout, name);
  const written = performance.now();
  const dir = join(hostCopy, name);
  const complete = () => {
    try {
      const names = readdirSync(dir);
      if (names.filter((n) => n.endsWith(".txt")).length !== BURST) return false;
      return readFileSync(join(dir, `b${BURST - 1}.txt`), "utf8") === `burst ${BURST - 1}\n`;
    } catch {
      return false;
    }
  };
  while (!complete()) await Bun.sleep(5);
  const done = performance.now();
  return { fromFirst: done - start, fromLast: done - written, writing: written - start };
}

/** utime + stime of a process, in clock ticks. */
function cpuTicks(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return Number(fields[11]) + Number(fields[12]);
}

await main();
