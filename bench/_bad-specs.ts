/**
 * Builds the bad-spec corpus's repos on disk and judges what `dusty validate` said about each one.
 * Shared by bench/soak-bad-specs.ts (every case, counts) and test/bad-specs.test.ts (assertions).
 */
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { runChecked } from "../platform/run.ts";
import type { RunResult } from "../test/harness.ts";
import { BASE_REPO, OUTSIDE_SECRET, type BadSpecCase, type CorpusEntry } from "./bad-specs-corpus.ts";

/** What went wrong with one case; empty when `dusty validate` reported every problem as it should. */
export interface CaseVerdict {
  exitedZero: boolean;
  hung: boolean;
  stackTrace: boolean;
  /** Every expected problem had a one-line diagnostic naming its file (and key), and no line was anything else. */
  allDiagnosed: boolean;
  /** Why the case failed, one reason a line; empty when it passed. */
  failures: string[];
}

/**
 * Writes the case's repo to `<dir>/repo` (the base repo with the case's files) and, beside it, the
 * outside folder that escaping links aim at. Returns the repo's path.
 */
export async function buildCase(dir: string, spec: BadSpecCase): Promise<string> {
  const repo = join(dir, "repo");
  const outside = join(dir, "outside");
  mkdirSync(join(outside, "libs"), { recursive: true });
  // A plain scalar: read as a spec, it would come back quoted in "expected a mapping, got …".
  writeFileSync(join(outside, "secret.txt"), `${OUTSIDE_SECRET}\n`);
  writeFileSync(join(outside, "libs", "util.yml"), `repo: ${OUTSIDE_SECRET}\n`);
  for (const [path, text] of Object.entries(BASE_REPO)) writeEntry(join(repo, path), text, outside);
  for (const [path, entry] of Object.entries(spec.files)) {
    const target = join(repo, path);
    rmSync(target, { recursive: true, force: true });
    if (entry !== null) await writeEntryAsync(target, entry, outside);
  }
  return repo;
}

async function writeEntryAsync(path: string, entry: CorpusEntry, outside: string): Promise<void> {
  if (typeof entry === "object" && "fifo" in entry) {
    mkdirSync(dirname(path), { recursive: true });
    await runChecked(["mkfifo", path]); // node has no mkfifo; platform/run.ts starts every program
    return;
  }
  writeEntry(path, entry, outside);
}

function writeEntry(path: string, entry: Exclude<CorpusEntry, { fifo: true }>, outside: string): void {
  mkdirSync(dirname(path), { recursive: true });
  if (typeof entry === "string") writeFileSync(path, entry);
  else if ("bytes" in entry) writeFileSync(path, entry.bytes);
  else if ("dir" in entry) mkdirSync(path, { recursive: true });
  else if ("symlink" in entry) symlinkSync(entry.symlink.replace("$OUTSIDE", outside), path);
  else for (let i = 0; i < entry.many.count; i++) writeFileSync(`${path}${i}.yml`, entry.many.text);
}

// `file:line:col: [warning: ]message` or `file: [warning: ]message` (a whole-file problem).
const DIAGNOSTIC_LINE = /^(\S(?:[^:\n]*\S)?)(?::(\d+):(\d+))?: (?:warning: )?(.*)$/;
const SUMMARY_LINE = /^Specs at .+ have \d+ errors?: fix them and run the command again$/;
const STACK_FRAME = /^\s+at |^\s*ERROR\s|\(\/\$bunfs\//m;

/** Judges one run of `dusty validate` on a case's repo (code -1: killed at the time limit). */
export function judgeCase(spec: BadSpecCase, result: RunResult): CaseVerdict {
  const failures: string[] = [];
  const hung = result.code === -1;
  const exitedZero = result.code === 0;
  const stackTrace = STACK_FRAME.test(result.stderr) || STACK_FRAME.test(result.stdout);
  if (hung) failures.push("hung: killed at the time limit");
  if (exitedZero) failures.push(`exited 0: ${firstLine(result.stdout) || "(no output)"}`);
  if (stackTrace) failures.push(`printed a stack trace: ${firstLine(result.stderr)}`);
  if (result.stdout.includes(OUTSIDE_SECRET) || result.stderr.includes(OUTSIDE_SECRET)) failures.push("printed text of a file outside the repo");
  const lines = result.stderr.split("\n").filter((l) => l !== "");
  const diagnostics = lines.flatMap((line) => {
    const m = DIAGNOSTIC_LINE.exec(line);
    if (m && !SUMMARY_LINE.test(line)) return [{ file: m[1]!, text: m[4]! }];
    if (!SUMMARY_LINE.test(line)) failures.push(`not a diagnostic line: ${line.slice(0, 160)}`);
    return [];
  });
  for (const want of spec.expect) {
    const found = diagnostics.some(
      (d) => d.file === want.file && (want.key === undefined || d.text.startsWith(`${want.key}: `)) && (want.says === undefined || d.text.includes(want.says)),
    );
    const detail = `${want.key === undefined ? "" : ` at key ${want.key}`}${want.says === undefined ? "" : ` saying "${want.says}"`}`;
    if (!found) failures.push(`no diagnostic for ${want.file}${detail}`);
  }
  const allDiagnosed = !hung && !exitedZero && failures.every((f) => !f.startsWith("no diagnostic") && !f.startsWith("not a diagnostic"));
  return { exitedZero, hung, stackTrace, allDiagnosed, failures };
}

function firstLine(text: string): string {
  return text.split("\n").find((l) => l.trim() !== "")?.slice(0, 160) ?? "";
}
