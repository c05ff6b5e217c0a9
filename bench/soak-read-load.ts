/**
 * Memory and latency of the daemon under concurrent read-only clients: 200 at once, half `status`, half
 * `bundles list`, on a generated 2,000-app specs repo with every bundle active, first as raw protocol
 * connections from this process (what the daemon itself costs), then as real `dusty` processes (what a
 * user waits, process start included). Run against two real daemons: with the specs cache, and with
 * it turned off (DUSTY_SPEC_CACHE=0, the benchmark switch) for comparison; the figures side by side.
 * RSS from /proc/PID/status: VmRSS before each burst, VmHWM (reset through clear_refs) for its peak.
 * Targets (cache on, raw clients): peak RSS ≤ 250 MB, p50 ≤ 1 s, 0 errors. The process figures are
 * dominated by starting 200 processes on a small machine, so the soak also times as many bare starts.
 * `status` needs a running Docker Engine; each daemon uses a compose project of its own, which has no
 * containers.
 *
 *   make build && bun bench/soak-read-load.ts       SOAK_CLIENTS=200 SOAK_PROCESSES=200 SOAK_APPS=2000
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseConfig } from "../core/config.ts";
import { writeConfig } from "../platform/config-file.ts";
import { RACY_WINDOW_MS } from "../platform/specs-cache.ts";
import { makeTempDir } from "../test/git-fixtures.ts";
import { RawClient, ROOT, runDusty, startDaemon, type DaemonHandle } from "../test/harness.ts";
import { useBenchBinary } from "./_timing.ts";
import { generateSpecs } from "./generate-specs.ts";

const CLIENTS = Number(process.env.SOAK_CLIENTS ?? 200);
const PROCESSES = Number(process.env.SOAK_PROCESSES ?? 200);
const APPS = Number(process.env.SOAK_APPS ?? 2000);
const TARGET_RSS_MB = 250;
const TARGET_P50_MS = 1000;
const CLIENT_TIMEOUT_MS = 300_000;

interface Burst {
  p50: number;
  p95: number;
  max: number;
  errors: number;
  /** Peak RSS of the daemon during the burst, in MB. */
  peakMb: number;
  /** How many times the daemon read and checked the specs during the burst. */
  loads: number;
  firstError?: string;
}

interface ModeResult {
  label: string;
  idleMb: number;
  warmMb: number;
  raw: Burst;
  processes: Burst;
}

async function main(): Promise<number> {
  if (!useBenchBinary(ROOT)) return 1;
  const engine = Bun.spawnSync(["docker", "version", "--format", "{{.Server.Version}}"], { stdout: "pipe", stderr: "pipe" });
  if (engine.exitCode !== 0) {
    process.stderr.write(`soak-read-load: no Docker Engine answers (\`docker version\` failed): start it, then run this again\n`);
    return 1;
  }
  const temp = makeTempDir("dusty-soak-read-");
  try {
    const specsPath = join(temp.path, "specs");
    const bundles = generateSpecs(specsPath, { apps: APPS, libs: 300, services: 200, bundles: 50 });
    // Files younger than the racy window are loaded again by every command (platform/specs-cache.ts):
    // let them age, so the soak measures the cache rather than a repo that was written a moment ago.
    await Bun.sleep(RACY_WINDOW_MS + 200);
    // The floor for the process figures: as many bare process starts (`dusty -v`, no daemon) at once.
    const floor = await timeClients(PROCESSES, async () => {
      const result = await runDusty(["-v"], { timeoutMs: CLIENT_TIMEOUT_MS });
      return { error: result.code === 0 ? undefined : `dusty -v exited ${result.code}` };
    });
    const results: ModeResult[] = [];
    for (const [label, env] of [
      ["cache on", {}],
      ["cache off (DUSTY_SPEC_CACHE=0)", { DUSTY_SPEC_CACHE: "0" }],
    ] as const) {
      results.push(await measureMode(label, env, specsPath, bundles));
    }
    report(results, floor.p50);
    const on = results[0]!;
    return on.raw.errors + on.processes.errors + results[1]!.raw.errors + results[1]!.processes.errors === 0 ? 0 : 1;
  } finally {
    temp.remove();
  }
}

async function measureMode(label: string, env: Record<string, string>, specsPath: string, bundles: string[]): Promise<ModeResult> {
  const daemon = await startDaemon({ env });
  try {
    const project = `dustysoak${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`;
    const url = "https://example.invalid/soak-specs.git";
    const configFile = join(daemon.env.DUSTY_CONFIG_DIR!, "config.yml");
    // Written as dusty writes it (block YAML): every command parses it, and JSON-style flow YAML parses slower.
    const parsed = parseConfig(JSON.stringify({ bundles, specs_repo: url, repo_overrides: { [url]: specsPath }, setup_has_run: true, compose_project: project }), configFile);
    if (!("config" in parsed)) throw new Error(`soak config: ${JSON.stringify(parsed.diagnostics)}`);
    await writeConfig(configFile, parsed.config);
    const idleMb = memory(daemon.pid).rssMb;
    // One of each first: proves both commands work here, and fills the cache when there is one.
    for (const command of ["status", "bundles.list"]) {
      const answer = await ask(daemon, command);
      if (answer.error) throw new Error(`${label}: ${command} failed before the burst: ${answer.error}`);
    }
    const warmMb = memory(daemon.pid).rssMb;
    process.stderr.write(`${label}: ${CLIENTS} raw clients…\n`);
    const raw = await burst(daemon, CLIENTS, (i) => ask(daemon, i % 2 === 0 ? "status" : "bundles.list"));
    process.stderr.write(`${label}: ${PROCESSES} dusty processes…\n`);
    const processes = await burst(daemon, PROCESSES, async (i) => {
      const args = i % 2 === 0 ? ["status"] : ["bundles", "list"];
      const result = await runDusty(args, { env: daemon.env, timeoutMs: CLIENT_TIMEOUT_MS });
      return { error: result.code === 0 ? undefined : `dusty ${args.join(" ")} exited ${result.code}: ${result.stderr.trim().split("\n")[0]}` };
    });
    return { label, idleMb, warmMb, raw, processes };
  } finally {
    await daemon.stop();
  }
}

/** Starts `count` clients at once and waits for all; the daemon's peak RSS is measured over exactly this span. */
async function burst(daemon: DaemonHandle, count: number, client: (i: number) => Promise<{ error?: string }>): Promise<Burst> {
  resetPeak(daemon.pid);
  const loadsBefore = countLoads(daemon);
  const timed = await timeClients(count, client);
  return { ...timed, peakMb: memory(daemon.pid).hwmMb, loads: countLoads(daemon) - loadsBefore };
}

/** Latency figures and errors of `count` clients started at once. */
async function timeClients(count: number, client: (i: number) => Promise<{ error?: string }>): Promise<Omit<Burst, "peakMb" | "loads">> {
  const latencies: number[] = [];
  const errors: string[] = [];
  await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const started = performance.now();
      const outcome = await client(i).catch((error: unknown) => ({ error: String(error) }));
      latencies.push(performance.now() - started);
      if (outcome.error) errors.push(outcome.error);
    }),
  );
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
  return { p50: at(0.5), p95: at(0.95), max: latencies.at(-1)!, errors: errors.length, firstError: errors[0] };
}

/** One request on a raw connection; an error when it did not end with exit code 0. */
async function ask(daemon: DaemonHandle, command: string): Promise<{ error?: string }> {
  const client = await RawClient.connect(daemon.socketPath);
  try {
    client.request(command, {});
    const done = await client.waitFor((m) => m.type === "done", CLIENT_TIMEOUT_MS);
    if (done.type === "done" && done.exitCode === 0 && client.errors.length === 0) return {};
    const said = client.messages.flatMap((m) => (m.type === "error" ? [m.text.trim()] : [])).join(" ");
    return { error: `${command}: exit ${done.type === "done" ? done.exitCode : "?"} ${said} ${client.errors.join(" ")}`.trim() };
  } finally {
    client.close();
  }
}

function countLoads(daemon: DaemonHandle): number {
  return daemon.log().match(/specs loaded \(/g)?.length ?? 0;
}

function memory(pid: number): { rssMb: number; hwmMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN);
  return { rssMb: kb("VmRSS") / 1024, hwmMb: kb("VmHWM") / 1024 };
}

// Writing 5 to clear_refs resets VmHWM to the current RSS, so each burst's peak is its own.
function resetPeak(pid: number): void {
  writeFileSync(`/proc/${pid}/clear_refs`, "5");
}

function report(results: ModeResult[], floorP50: number): void {
  const [on, off] = results as [ModeResult, ModeResult];
  const ms = (n: number) => `${n.toFixed(0)} ms`;
  const mb = (n: number) => `${n.toFixed(0)} MB`;
  const ratio = (a: number, b: number) => (b > 0 ? `${(a / b).toFixed(1)}x` : "-");
  const rows: [string, (r: ModeResult) => number, (n: number) => string][] = [];
  for (const kind of ["raw", "processes"] as const) {
    rows.push(
      [`${kind}: daemon RSS peak`, (r) => r[kind].peakMb, mb],
      [`${kind}: latency p50`, (r) => r[kind].p50, ms],
      [`${kind}: latency p95`, (r) => r[kind].p95, ms],
      [`${kind}: latency max`, (r) => r[kind].max, ms],
      [`${kind}: errors`, (r) => r[kind].errors, String],
      [`${kind}: specs loads`, (r) => r[kind].loads, String],
    );
  }
  const out = (line: string) => process.stdout.write(`${line}\n`);
  out(`${APPS}-app specs repo, every bundle active; ${CLIENTS} raw clients, then ${PROCESSES} dusty processes, half status, half bundles list`);
  out(`${"".padEnd(28)} ${on.label.padStart(14)} ${off.label.padStart(32)}   off / on`);
  const line = (label: string, a: string, b: string, r: string) => out(`${label.padEnd(28)} ${a.padStart(14)} ${b.padStart(32)}   ${r}`);
  line("daemon RSS idle", mb(on.idleMb), mb(off.idleMb), ratio(off.idleMb, on.idleMb));
  line("daemon RSS before the burst", mb(on.warmMb), mb(off.warmMb), ratio(off.warmMb, on.warmMb));
  for (const [label, get, format] of rows) line(label, format(get(on)), format(get(off)), ratio(get(off), get(on)));
  for (const r of results) {
    for (const kind of ["raw", "processes"] as const) if (r[kind].firstError) out(`${r.label}, ${kind}: first error: ${r[kind].firstError}`);
  }
  const met = (ok: boolean) => (ok ? "met" : "NOT met");
  out(`target (cache on, raw clients): RSS peak ≤ ${TARGET_RSS_MB} MB: ${met(on.raw.peakMb <= TARGET_RSS_MB)}; p50 ≤ ${TARGET_P50_MS} ms: ${met(on.raw.p50 <= TARGET_P50_MS)}; errors 0: ${met(on.raw.errors === 0)}`);
  out(`target (cache on, processes):  RSS peak ≤ ${TARGET_RSS_MB} MB: ${met(on.processes.peakMb <= TARGET_RSS_MB)}; errors 0: ${met(on.processes.errors === 0)}`);
  out(`processes: p50 ${ms(on.processes.p50)} with the cache, against ${ms(floorP50)} for ${PROCESSES} bare process starts at once (\`dusty -v\`, no daemon): the commands' own start-up and the daemon add ${ms(on.processes.p50 - floorP50)}`);
}

process.exitCode = await main();
