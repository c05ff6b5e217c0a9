// Shared timing helpers for the benchmarks: whole-process wall times, medians and ratios.
import { existsSync } from "node:fs";
import { isAbsolute, join } from "node:path";

/** Runs a program to completion and returns its wall time in milliseconds; throws when it fails. */
export async function timeProcess(argv: string[], env?: Record<string, string | undefined>): Promise<number> {
  const start = performance.now();
  const proc = Bun.spawn(argv, { stdout: "ignore", stderr: "pipe", env: { ...process.env, ...env } });
  const code = await proc.exited;
  const elapsed = performance.now() - start;
  if (code !== 0) throw new Error(`${argv.join(" ")} exited with ${code}: ${await new Response(proc.stderr).text()}`);
  return elapsed;
}

/** The median of a list of numbers. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The p-th percentile (0-100) of a list of numbers, nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** Times several commands interleaved (a, b, a, b …) so that machine noise hits them alike. */
export async function timeSideBySide(commands: Record<string, string[]>, runs: number, warmup = 2): Promise<Record<string, number>> {
  const samples: Record<string, number[]> = Object.fromEntries(Object.keys(commands).map((k) => [k, []]));
  for (let i = 0; i < warmup + runs; i++) {
    for (const [name, argv] of Object.entries(commands)) {
      const ms = await timeProcess(argv);
      if (i >= warmup) samples[name]!.push(ms);
    }
  }
  return Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]));
}

/** One line of a benchmark report: `label  12.3 ms`. */
export function formatMs(label: string, ms: number): string {
  return `${label.padEnd(48)} ${ms.toFixed(1).padStart(8)} ms`;
}

/**
 * The compiled binary to measure (DUSTY_BIN, default dist/dusty), also set as DUSTY_BIN so the test
 * harness starts the daemon from it; undefined (after saying why) when it is not built.
 */
export function useBenchBinary(root: string): string | undefined {
  const bin = process.env.DUSTY_BIN ?? "dist/dusty";
  const path = isAbsolute(bin) ? bin : join(root, bin);
  if (!existsSync(path)) {
    process.stderr.write(`No binary at ${path}: build it first (make build), or set DUSTY_BIN\n`);
    return undefined;
  }
  process.env.DUSTY_BIN = path;
  return path;
}
