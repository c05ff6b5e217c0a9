/**
 * How long a client round trip costs: `dusty version` (start, connect, request, answer, exit) against
 * `dusty --help` (start and exit, no daemon) and `dusty -v` (the bare process start), each as a whole
 * process, against a real daemon started like the end-to-end tests start it.
 * Also `dusty bundles list`, which reads the config and the built-in example's specs in the daemon.
 * Target: median `dusty version` ≤ 10 ms.
 *
 *   make build && bun bench/roundtrip.ts [runs]
 *   DUSTY_BIN=/path/to/dusty bun bench/roundtrip.ts
 */
import { ROOT, runDusty, startDaemon } from "../test/harness.ts";
import { formatMs, timeSideBySide, useBenchBinary } from "./_timing.ts";

const RUNS = Number(process.argv[2] ?? 50);
const TARGET_MS = 10;

async function main(): Promise<number> {
  const path = useBenchBinary(ROOT);
  if (!path) return 1;
  const daemon = await startDaemon();
  try {
    Object.assign(process.env, daemon.env);
    const check = await runDusty(["version"], { env: daemon.env });
    if (check.code !== 0) throw new Error(`dusty version failed (exit ${check.code}):\n${check.stderr}`);
    // `bundles list` reads the config and the specs: set up the built-in example so it has both.
    const setup = await runDusty(["setup", "--no-update"], { env: daemon.env });
    if (setup.code !== 0) throw new Error(`dusty setup failed (exit ${setup.code}):\n${setup.stderr}`);

    const medians = await timeSideBySide(
      {
        "dusty -v (process start)": [path, "-v"],
        "dusty --help (no daemon)": [path, "--help"],
        "dusty version (round trip)": [path, "version"],
        // Reads the config and the specs: what a real command costs on top of the round trip.
        "dusty bundles list (round trip + specs)": [path, "bundles", "list"],
      },
      RUNS,
      5,
    );
    process.stdout.write(`${path}: median of ${RUNS} runs each, interleaved\n`);
    for (const [label, ms] of Object.entries(medians)) process.stdout.write(`${formatMs(label, ms)}\n`);
    const help = medians["dusty --help (no daemon)"]!;
    const start = medians["dusty -v (process start)"]!;
    const version = medians["dusty version (round trip)"]!;
    // --help loads every command's definition, so it starts slower than a client command does:
    // the bare process start (-v) is the fairer base for what the daemon round trip adds.
    process.stdout.write(
      `version / --help: ${(version / help).toFixed(2)}x; version / -v: ${(version / start).toFixed(2)}x; ` +
        `the round trip adds ${(version - start).toFixed(1)} ms to the process start\n` +
        `target: median dusty version ≤ ${TARGET_MS} ms: ${version <= TARGET_MS ? "met" : "not met"}\n`,
    );
  } finally {
    await daemon.stop();
  }
  return 0;
}

process.exitCode = await main();
