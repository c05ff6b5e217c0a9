// Benchmark of `dusty compile --print --json` on a generated 1,000-app repo against the floor:
// reading and YAML-parsing the same files in one Bun process. Targets: ≤ 250 ms median, ratio ≤ 1.5.
// DUSTY_BASE_BIN=PATH times another dusty binary (an older build) in the same run, interleaved, to compare.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatMs, timeSideBySide } from "./_timing.ts";
import { generateSpecs } from "./generate-specs.ts";

const root = join(import.meta.dir, "..");
const dir = mkdtempSync(join(tmpdir(), "dusty-bench-specs-"));
try {
  generateSpecs(dir);
  const runs = Number(process.env.BENCH_RUNS ?? 15);
  const base = process.env.DUSTY_BASE_BIN;
  const compileArgs = ["compile", "--print", "--json", "--specs", dir];
  const medians = await timeSideBySide(
    {
      dusty: [join(root, "dist", "dusty"), ...compileArgs],
      ...(base ? { base: [base, ...compileArgs] } : {}),
      floor: [process.execPath, join(import.meta.dir, "floor-parse.ts"), dir, "native"],
      floorYamlPackage: [process.execPath, join(import.meta.dir, "floor-parse.ts"), dir, "yaml"],
    },
    runs,
  );
  console.log(`compile: 1,000 apps, 300 libs, 200 services, 50 bundles (median of ${runs})`);
  console.log(formatMs("dusty compile --print --json (whole process)", medians.dusty!));
  if (base) console.log(formatMs("the same with DUSTY_BASE_BIN", medians.base!));
  console.log(formatMs("floor: read + parse (Bun.YAML) in one bun process", medians.floor!));
  console.log(formatMs("read + parse with the yaml package, for scale", medians.floorYamlPackage!));
  console.log(`${"ratio dusty / floor".padEnd(48)} ${(medians.dusty! / medians.floor!).toFixed(2).padStart(8)}   (target ≤ 1.5; whole-process target ≤ 250 ms)`);
  if (base) {
    console.log(`${"ratio DUSTY_BASE_BIN / floor".padEnd(48)} ${(medians.base! / medians.floor!).toFixed(2).padStart(8)}`);
    console.log(`${"ratio dusty / DUSTY_BASE_BIN".padEnd(48)} ${(medians.dusty! / medians.base!).toFixed(2).padStart(8)}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
