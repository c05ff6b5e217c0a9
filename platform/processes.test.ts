import { expect, test } from "bun:test";
import { mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ancestry, findComposeProcesses, hasEnvironmentEntry, isProcessAlive, readCommandLine, readProcessStat } from "./processes.ts";

test("readProcessStat() reads a process's group, session, parent and start time, also with a ) in its name", async () => {
  // A command name with spaces and parentheses: the parser must not split inside it.
  const dir = mkdtempSync(join(tmpdir(), "dusty-procs-"));
  const program = join(dir, "we) (ird");
  symlinkSync(Bun.which("sleep")!, program);
  const child = Bun.spawn([program, "30"]);
  try {
    await Bun.sleep(100);
    const stat = readProcessStat(child.pid)!;
    expect(stat.ppid).toBe(process.pid);
    expect(stat.pgrp).toBe(readProcessStat(process.pid)!.pgrp);
    expect(stat.startTicks).toBeGreaterThanOrEqual(readProcessStat(process.pid)!.startTicks);
    expect(readProcessStat(999_999_999)).toBeUndefined();
    expect(ancestry(child.pid).has(process.pid)).toBe(true);
  } finally {
    child.kill();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("findComposeProcesses() finds compose working on one project by its command line, and no other", async () => {
  const ours = Bun.spawn(["sh", "-c", "sleep 30", "docker-compose", "--project-name", "dustyprocstest"], { env: { ...process.env, PROCS_TEST: "1" } });
  const other = Bun.spawn(["sh", "-c", "sleep 30", "docker-compose", "--project-name", "dustyprocstest2"]);
  try {
    await Bun.sleep(100);
    expect(findComposeProcesses("dustyprocstest")).toEqual([ours.pid]);
    expect(readCommandLine(ours.pid)).toEqual(["sh", "-c", "sleep 30", "docker-compose", "--project-name", "dustyprocstest"]);
    expect(hasEnvironmentEntry(ours.pid, "PROCS_TEST=1")).toBe(true);
    expect(hasEnvironmentEntry(other.pid, "PROCS_TEST=1")).toBe(false);
  } finally {
    ours.kill();
    other.kill();
  }
});

test("isProcessAlive() is true for a running process and false once it has exited and been reaped", async () => {
  expect(isProcessAlive(process.pid)).toBe(true);
  const child = Bun.spawn(["true"]);
  await child.exited;
  expect(isProcessAlive(child.pid)).toBe(false);
});
