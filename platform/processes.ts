/**
 * What /proc says about processes (Linux): identity (pid + start time, which tells a pid apart from a
 * later process that reuses the number), group, session, parent, command line and environment. Each
 * reader answers undefined or empty for a process that is gone, or where there is no /proc.
 */
import { readdirSync, readFileSync } from "node:fs";

/** What a process is, from /proc/PID/stat. */
export interface ProcessStat {
  pid: number;
  /** R, S, D, Z (zombie: exited, waiting for its parent to reap it) … */
  state: string;
  ppid: number;
  /** Process group id. */
  pgrp: number;
  /** Session id. */
  session: number;
  startTicks: number;
}

/** Whether a process with this pid exists (signal 0); EPERM means it does, as someone else's. */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** /proc/PID/stat of one process, or undefined when it does not exist (or there is no /proc). */
export function readProcessStat(pid: number): ProcessStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined;
  }
  // The command name (field 2) is in parentheses and may itself contain spaces and parentheses.
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  // fields[0] is field 3 (state): field N is fields[N - 3].
  return { pid, state: fields[0] ?? "", ppid: Number(fields[1]), pgrp: Number(fields[2]), session: Number(fields[3]), startTicks: Number(fields[19]) };
}

/** Every process this user may see. */
export function listProcesses(): ProcessStat[] {
  const stats: ProcessStat[] = [];
  let names: string[];
  try {
    names = readdirSync("/proc");
  } catch {
    return stats;
  }
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readProcessStat(Number(name));
    if (stat) stats.push(stat);
  }
  return stats;
}

/** The command line of a process, as its words. */
export function readCommandLine(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
  } catch {
    return [];
  }
}

/** True when the process's environment holds `entry` ("NAME=value"); readable for root, or for processes of the same user. */
export function hasEnvironmentEntry(pid: number, entry: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/environ`, "utf8").split("\0").includes(entry);
  } catch {
    return false;
  }
}

/** A process and its ancestors, up to init. */
export function ancestry(pid: number): Set<number> {
  const chain = new Set<number>();
  for (let current = readProcessStat(pid); current && !chain.has(current.pid) && current.pid > 1; current = readProcessStat(current.ppid)) {
    chain.add(current.pid);
  }
  return chain;
}

/** This boot's id: after a reboot, every pid and start time recorded before means something else. */
export function readBootId(): string {
  try {
    return readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
  } catch {
    return "";
  }
}

/**
 * Compose processes (v1 or v2, whoever started them) working on a project, by their command line:
 * `--project-name <project>` as dusty passes it. Empty where there is no /proc.
 */
export function findComposeProcesses(project: string): number[] {
  return listProcesses()
    .map((p) => p.pid)
    .filter((pid) => {
      if (pid === process.pid) return false;
      const argv = readCommandLine(pid);
      const at = argv.indexOf("--project-name");
      return at >= 0 && argv[at + 1] === project && argv.some((arg) => arg.includes("compose"));
    });
}
