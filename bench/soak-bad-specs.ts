// The bad-spec soak: builds every repo of the corpus (bench/bad-specs-corpus.ts) in a temp folder, runs
// the compiled `dusty validate DIR` on each with a hard time limit, and prints how many cases exited 0,
// printed a stack trace, hung, and had every problem as a one-line diagnostic naming file and key.
// Exits 1 when any case fails, after listing each failed case and why.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { runDusty } from "../test/harness.ts";
import { buildCase, judgeCase, type CaseVerdict } from "./_bad-specs.ts";
import { BAD_SPEC_CASES } from "./bad-specs-corpus.ts";
import { useBenchBinary } from "./_timing.ts";

const CASE_TIME_LIMIT_MS = 30_000;

if (!useBenchBinary(resolve(import.meta.dir, ".."))) process.exit(1);
const root = mkdtempSync(join(tmpdir(), "dusty-soak-bad-specs-"));
// An empty socket path: validate DIR must never need the daemon.
const env = { DUSTY_SOCKET_PATH: join(root, "no-daemon.sock") };
const verdicts: { name: string; verdict: CaseVerdict }[] = [];
try {
  for (const spec of BAD_SPEC_CASES) {
    const dir = join(root, spec.name);
    const repo = await buildCase(dir, spec);
    const result = await runDusty(["validate", repo], { env, timeoutMs: CASE_TIME_LIMIT_MS });
    verdicts.push({ name: spec.name, verdict: judgeCase(spec, result) });
    rmSync(dir, { recursive: true, force: true });
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}

const count = (test: (v: CaseVerdict) => boolean) => verdicts.filter((v) => test(v.verdict)).length;
const failed = verdicts.filter((v) => v.verdict.failures.length > 0);
const row = (label: string, value: number | string) => console.log(`${label.padEnd(58)} ${String(value).padStart(6)}`);
row("bad-spec cases", verdicts.length);
row("exited 0 (must be 0)", count((v) => v.exitedZero));
row("printed a stack trace (must be 0)", count((v) => v.stackTrace));
row(`hung past ${CASE_TIME_LIMIT_MS / 1000} s (must be 0)`, count((v) => v.hung));
row("every problem a one-line diagnostic naming file and key", `${count((v) => v.allDiagnosed)}/${verdicts.length}`);
if (failed.length > 0) {
  console.log(`\n${failed.length} case${failed.length === 1 ? "" : "s"} failed:`);
  for (const { name, verdict } of failed) {
    console.log(`  ${name}`);
    for (const why of verdict.failures) console.log(`    ${why}`);
  }
  process.exitCode = 1;
}
