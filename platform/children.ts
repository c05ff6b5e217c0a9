/**
 * The daemon's record of the programs it is running (compose, docker, git, rsync …), so that a daemon
 * killed with SIGKILL does not leave `docker compose up` running behind the next one. run() starts each
 * program as the leader of its own process group; this file keeps each leader's pid with its start time
 * (which tells that pid apart from a later process that reuses the number) and, at the next start, ends
 * the groups still running from that record, and nothing else. Every program also carries a mark in its
 * environment (inherited by whatever it starts): a program started in the moment before the record was
 * written, or one that left its group, is still known as ours by that mark.
 */
import { readFileSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { writeFileAtomic } from "./atomic-write.ts";
import type { Locations } from "./locations.ts";
import { ancestry, hasEnvironmentEntry, listProcesses, readBootId, readCommandLine, readProcessStat, type ProcessStat } from "./processes.ts";
import { trackChildren, type ChildTracker } from "./run.ts";

/** One program the daemon started, as recorded. */
export interface ChildEntry {
  pid: number;
  /** Field 22 of /proc/PID/stat: clock ticks after boot at which the process started. */
  startTicks: number;
  /** The first words of its command line, for the log. */
  argv: string[];
}

/** The file's content. */
interface ChildRecordFile {
  version: 1;
  /** /proc/sys/kernel/random/boot_id: after a reboot every recorded pid means something else. */
  bootId: string;
  daemon: { pid: number; startTicks: number };
  children: ChildEntry[];
}

/** What `endLeftoverChildren()` found and did. */
export interface LeftoverReport {
  /** The recorded programs still running that were ended, as "pid 123 (docker compose up)". */
  ended: string[];
  /** Why the record was not acted on, when it was not. */
  skipped?: string;
  /** The pid of the daemon that wrote the record, when it is still running (then the record is its own). */
  liveDaemon?: number;
}

/** The variable that marks the daemon's programs: `<boot id>:<daemon pid>:<daemon start ticks>`. */
export const DAEMON_MARK_VARIABLE = "DUSTY_DAEMON_PROGRAM_OF";

/** How long leftovers get to exit on SIGTERM (compose stops its own work) before SIGKILL. */
const LEFTOVER_GRACE_MS = 5000;

/**
 * Where the daemon keeps its record of running programs: beside its socket, with the other runtime
 * state (the persist dir would put it in every `disk backup`, and a reboot clears the run dir anyway).
 */
export function childRecordPath(locations: Pick<Locations, "socketPath">): string {
  return join(dirname(locations.socketPath), "dusty-children.json");
}

/**
 * Keeps the record file in step with the running programs. Writes are coalesced: one at a time, the
 * latest state last, so a burst of short programs costs a write or two rather than one each.
 */
export class ChildRecord implements ChildTracker {
  readonly env: Record<string, string>;
  readonly #path: string;
  readonly #children = new Map<number, ChildEntry>();
  readonly #header: Omit<ChildRecordFile, "children">;
  #writing: Promise<void> | undefined;
  #dirty = false;

  constructor(path: string) {
    this.#path = path;
    this.#header = { version: 1, bootId: readBootId(), daemon: { pid: process.pid, startTicks: readProcessStat(process.pid)?.startTicks ?? 0 } };
    this.env = { [DAEMON_MARK_VARIABLE]: markOf(this.#header) };
  }

  started(pid: number, argv: readonly string[]): void {
    this.#children.set(pid, { pid, startTicks: readProcessStat(pid)?.startTicks ?? 0, argv: argv.slice(0, 4) });
    this.#schedule();
  }

  exited(pid: number): void {
    if (this.#children.delete(pid)) this.#schedule();
  }

  /** Writes the record now (at start: an empty one, replacing the previous daemon's). */
  save(): Promise<void> {
    this.#schedule();
    return this.flush();
  }

  /** Resolves once the file says what is running now. */
  async flush(): Promise<void> {
    while (this.#writing) await this.#writing;
  }

  #schedule(): void {
    this.#dirty = true;
    this.#writing ??= this.#writeLoop().finally(() => (this.#writing = undefined));
  }

  async #writeLoop(): Promise<void> {
    while (this.#dirty) {
      this.#dirty = false;
      const file: ChildRecordFile = { ...this.#header, children: [...this.#children.values()] };
      try {
        await mkdir(dirname(this.#path), { recursive: true, mode: 0o755 });
        await writeFileAtomic(this.#path, `${JSON.stringify(file)}\n`, { mode: 0o600 });
      } catch {
        // A record that cannot be written only costs the clean-up after a crash; the command goes on.
      }
    }
  }
}

/**
 * Ends the programs a previous daemon started and left running (it was killed, or the machine lost its
 * daemon mid-command), as its record lists them. A group is signalled only when its leader is the very
 * process recorded (same pid, same start time, same boot); when the leader is gone, only the processes
 * still in its session and group that started after it. Nothing the record does not prove ours is touched.
 */
export async function endLeftoverChildren(path: string): Promise<LeftoverReport> {
  let file: ChildRecordFile;
  try {
    file = JSON.parse(readFileSync(path, "utf8")) as ChildRecordFile;
  } catch {
    return { ended: [] }; // no record: the first start, or a clean one
  }
  if (file.version !== 1 || !Array.isArray(file.children)) return { ended: [], skipped: `${path} is not a record this daemon knows` };
  if (!readProcessStat(process.pid)) {
    // Without /proc (macOS) nothing can prove a pid is still the recorded program: leave them all.
    return file.children.length === 0 ? { ended: [] } : { ended: [], skipped: "there is no /proc to tell which recorded processes are still the same" };
  }
  if (file.bootId !== readBootId()) return { ended: [] }; // rebooted since: they all died with the machine
  const previous = readProcessStat(file.daemon.pid);
  if (file.daemon.pid !== process.pid && previous?.startTicks === file.daemon.startTicks) {
    return { ended: [], skipped: `the daemon that wrote it (pid ${file.daemon.pid}) is still running`, liveDaemon: file.daemon.pid };
  }

  const mark = `${DAEMON_MARK_VARIABLE}=${markOf(file)}`;
  // This daemon and whatever started it are never leftovers, even if one of them inherited the mark.
  const spared = ancestry(process.pid);
  const remaining = () => {
    const byPid = new Map<number, ProcessStat>();
    for (const p of [...file.children.flatMap(leftoversOf), ...listProcesses().filter((p) => hasEnvironmentEntry(p.pid, mark))]) byPid.set(p.pid, p);
    return [...byPid.values()].filter((p) => !spared.has(p.pid));
  };
  const found = remaining();
  const ended = describeGroups(found, file.children);
  signalAll(found, "SIGTERM");
  const deadline = Date.now() + LEFTOVER_GRACE_MS;
  while (remaining().length > 0 && Date.now() < deadline) await Bun.sleep(50);
  // Listed again: a group may have started more processes before its SIGTERM arrived.
  signalAll(remaining(), "SIGKILL");
  return { ended };
}

/**
 * At daemon start: ends what the previous daemon left running, then records every program this one
 * starts (run() puts each in its own process group from now on).
 */
export async function adoptChildRecord(locations: Pick<Locations, "socketPath">, log: (text: string) => void): Promise<ChildRecord> {
  const path = childRecordPath(locations);
  const report = await endLeftoverChildren(path);
  if (report.skipped) log(`Left the programs in ${path} alone: ${report.skipped}`);
  if (report.ended.length > 0) {
    log(`Ended ${report.ended.length} program${report.ended.length === 1 ? "" : "s"} a previous daemon left running: ${report.ended.join(", ")}`);
  }
  const record = new ChildRecord(path);
  // A live daemon's record stays its own; this one is about to find that daemon on the socket and stop.
  if (report.liveDaemon !== undefined) return record;
  await record.save();
  trackChildren(record);
  return record;
}

/** The processes still running from one recorded group: the leader if it is the same process, and its group's members. */
function leftoversOf(child: ChildEntry): ProcessStat[] {
  if (!child.startTicks) return []; // its start time could not be read: nothing proves a process is it
  const leader = readProcessStat(child.pid);
  // A different process under the recorded pid: the pid was reused, so the old group is gone (Linux
  // keeps a pid unused while any process is in the group or session it names).
  if (leader && leader.startTicks !== child.startTicks) return [];
  // Zombies have exited already: nothing to end, only a parent (or init) to reap them.
  return listProcesses().filter(
    (p) => p.pgrp === child.pid && p.session === child.pid && p.startTicks >= child.startTicks && p.state !== "Z",
  );
}

function markOf(file: Pick<ChildRecordFile, "bootId" | "daemon">): string {
  return `${file.bootId}:${file.daemon.pid}:${file.daemon.startTicks}`;
}

/** One entry per process group: its recorded command line, else the first member's. */
function describeGroups(found: ProcessStat[], recorded: ChildEntry[]): string[] {
  const groups = new Map<number, string>();
  const leaders = new Set([...found.map((p) => p.pid), ...recorded.map((c) => c.pid)]);
  for (const p of found) {
    // A member of one of our groups is told by its group; a process outside them by itself.
    const key = leaders.has(p.pgrp) ? p.pgrp : p.pid;
    if (groups.has(key)) continue;
    const argv = recorded.find((c) => c.pid === key)?.argv ?? readCommandLine(key).slice(0, 4);
    groups.set(key, `pid ${key} (${argv.join(" ")})`);
  }
  return [...groups.values()];
}

function isStillSame(target: ProcessStat): boolean {
  const now = readProcessStat(target.pid);
  return now !== undefined && now.startTicks === target.startTicks && now.state !== "Z";
}

function signalAll(targets: ProcessStat[], signal: NodeJS.Signals): void {
  for (const target of targets) {
    // Checked again right before the signal: the process may have exited and its pid been reused.
    if (!isStillSame(target)) continue;
    try {
      process.kill(target.pid, signal);
    } catch {
      // exited meanwhile
    }
  }
}

