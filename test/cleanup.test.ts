/**
 * The end-of-run clean-up (test/_cleanup.ts, run by test/_preload.ts): a test file that starts a daemon
 * and fails before stopping it leaves nothing running. Checked on a real `bun test` run of such a file.
 */
import { expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isProcessAlive } from "../platform/processes.ts";
import { ROOT } from "./harness.ts";

test("a daemon a test file leaves running is stopped, and its folder removed, when the run ends", async () => {
  const dir = mkdtempSync(join(tmpdir(), "dusty-cleanup-test-"));
  const started = join(dir, "started.txt");
  // Outside test/, so the suite itself never runs it; from ROOT, so bunfig.toml's preload applies.
  writeFileSync(
    join(dir, "leaves-a-daemon.test.ts"),
    [
      `import { test } from "bun:test";`,
      `import { writeFileSync } from "node:fs";`,
      `import { startDaemon } from ${JSON.stringify(join(ROOT, "test", "harness.ts"))};`,
      `test("starts a daemon, then fails before stop()", async () => {`,
      `  const daemon = await startDaemon();`,
      `  writeFileSync(${JSON.stringify(started)}, JSON.stringify({ pid: daemon.pid, dir: daemon.dir }));`,
      `  throw new Error("failed before stop()");`,
      `});`,
      "",
    ].join("\n"),
  );
  let daemon: { pid: number; dir: string } | undefined;
  try {
    const child = Bun.spawn([process.execPath, "test", join(dir, "leaves-a-daemon.test.ts")], { cwd: ROOT, stdout: "pipe", stderr: "pipe" });
    const [stderr, code] = await Promise.all([new Response(child.stderr).text(), child.exited]);
    expect(stderr).toContain("failed before stop()");
    expect(code).toBe(1);
    daemon = JSON.parse(readFileSync(started, "utf8"));
    expect(isProcessAlive(daemon!.pid)).toBe(false);
    expect(existsSync(daemon!.dir)).toBe(false);
  } finally {
    // Only if the clean-up failed: this test started that daemon (through the child run), so it ends it.
    if (daemon && isProcessAlive(daemon.pid)) process.kill(daemon.pid, "SIGKILL");
    if (daemon) rmSync(daemon.dir, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  }
});
