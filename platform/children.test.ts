import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { waitUntil } from "../test/harness.ts";
import { childRecordPath, DAEMON_MARK_VARIABLE, endLeftoverChildren } from "./children.ts";
import { readProcessStat } from "./processes.ts";

const dir = mkdtempSync(join(tmpdir(), "dusty-children-"));
const started: number[] = [];
afterAll(() => {
  for (const pid of started) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {}
  }
  rmSync(dir, { recursive: true, force: true });
});

const alive = (pid: number) => ![undefined, "Z"].includes(readProcessStat(pid)?.state);

/**
 * A stand-in daemon process: adopts the record beside `socketPath` as the daemon does, starts through run()
 * a shell that starts a background sleep (like the docker CLI and its compose plugin), prints both pids
 * once the record lists the shell, then waits to be killed.
 */
async function crashingDaemon(socketPath: string): Promise<{ daemon: Bun.Subprocess; leader: number; grandchild: number }> {
  const script = `
import { adoptChildRecord } from ${JSON.stringify(join(import.meta.dir, "children.ts"))};
import { run } from ${JSON.stringify(join(import.meta.dir, "run.ts"))};
const record = await adoptChildRecord({ socketPath: ${JSON.stringify(socketPath)} }, (t) => console.error(t));
void run(["sh", "-c", "sleep 300 & echo $$ $!; wait"], {
  onLine: (line) => void record.flush().then(() => console.log(line)),
});
setInterval(() => {}, 1000);`;
  const daemon = Bun.spawn([process.execPath, "-e", script], { stdout: "pipe", stderr: "inherit" });
  started.push(daemon.pid);
  const reader = daemon.stdout.getReader();
  const { value } = await reader.read();
  const [leader, grandchild] = new TextDecoder().decode(value).trim().split(" ").map(Number) as [number, number];
  started.push(leader, grandchild);
  return { daemon, leader, grandchild };
}

describe("endLeftoverChildren", () => {
  test("endLeftoverChildren() ends the whole group a SIGKILLed daemon left running", async () => {
    const socketPath = join(dir, "crash", "dusty.sock");
    const { daemon, leader, grandchild } = await crashingDaemon(socketPath);
    daemon.kill("SIGKILL");
    await daemon.exited;
    // The bug being fixed: the daemon's children outlive it.
    expect(alive(leader)).toBe(true);
    expect(alive(grandchild)).toBe(true);

    const report = await endLeftoverChildren(childRecordPath({ socketPath }));
    expect(report).toEqual({ ended: [`pid ${leader} (sh -c sleep 300 & echo $$ $!; wait)`] });
    await waitUntil(() => !alive(leader) && !alive(grandchild), 5000, () => "the leftovers still run");
  });

  test("endLeftoverChildren() ends the rest of a group whose leader has exited", async () => {
    const socketPath = join(dir, "leaderless", "dusty.sock");
    const { daemon, leader, grandchild } = await crashingDaemon(socketPath);
    daemon.kill("SIGKILL");
    await daemon.exited;
    process.kill(leader, "SIGKILL"); // the shell dies; its background sleep stays in the group
    await waitUntil(() => !alive(leader), 5000, () => "the leader still runs");
    expect(alive(grandchild)).toBe(true);

    const report = await endLeftoverChildren(childRecordPath({ socketPath }));
    expect(report.ended).toHaveLength(1);
    await waitUntil(() => !alive(grandchild), 5000, () => "the grandchild still runs");
  });

  test("endLeftoverChildren() leaves alone a process whose pid is recorded but whose start time differs", async () => {
    // A process that is not ours (it is not in the record's group, and it started at another time):
    // e.g. a pid reused after the recorded program exited.
    const stranger = Bun.spawn(["sleep", "300"]);
    started.push(stranger.pid);
    const stat = readProcessStat(stranger.pid)!;
    const path = join(dir, "stranger.json");
    const bootId = readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
    const record = {
      version: 1,
      bootId,
      daemon: { pid: 999_999_999, startTicks: 1 },
      children: [{ pid: stranger.pid, startTicks: stat.startTicks - 1, argv: ["docker", "compose", "up"] }],
    };
    writeFileSync(path, JSON.stringify(record));
    expect(await endLeftoverChildren(path)).toEqual({ ended: [] });
    expect(alive(stranger.pid)).toBe(true);

    // Same pid and start time but not a group leader of its own: still not signalled.
    writeFileSync(path, JSON.stringify({ ...record, children: [{ ...record.children[0], startTicks: stat.startTicks }] }));
    expect(await endLeftoverChildren(path)).toEqual({ ended: [] });
    expect(alive(stranger.pid)).toBe(true);
    stranger.kill();
  });

  test("endLeftoverChildren() ends a program that carries the dead daemon's mark though the record missed it, and no other", async () => {
    // The daemon was killed in the moment between starting a program and recording it.
    const bootId = readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
    const daemon = { pid: 999_999_999, startTicks: 1 };
    const path = join(dir, "unrecorded.json");
    writeFileSync(path, JSON.stringify({ version: 1, bootId, daemon, children: [] }));
    const mark = (pid: number) => ({ ...process.env, [DAEMON_MARK_VARIABLE]: `${bootId}:${pid}:1` });
    const ours = Bun.spawn(["sleep", "300"], { env: mark(daemon.pid) });
    const anotherDaemons = Bun.spawn(["sleep", "300"], { env: mark(999_999_998) });
    started.push(ours.pid, anotherDaemons.pid);
    await waitUntil(() => alive(ours.pid) && alive(anotherDaemons.pid), 5000, () => "the sleeps did not start");

    expect(await endLeftoverChildren(path)).toEqual({ ended: [`pid ${ours.pid} (sleep 300)`] });
    await ours.exited;
    expect(alive(anotherDaemons.pid)).toBe(true);
    anotherDaemons.kill();
  });

  test("endLeftoverChildren() leaves a live daemon's record alone", async () => {
    const path = join(dir, "live.json");
    const bootId = readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
    const parent = readProcessStat(process.ppid)!;
    writeFileSync(path, JSON.stringify({ version: 1, bootId, daemon: { pid: process.ppid, startTicks: parent.startTicks }, children: [{ pid: 1, startTicks: 0, argv: ["x"] }] }));
    expect(await endLeftoverChildren(path)).toEqual({
      ended: [],
      skipped: `the daemon that wrote it (pid ${process.ppid}) is still running`,
      liveDaemon: process.ppid,
    });
  });
});
