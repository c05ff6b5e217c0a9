// systemctl and launchctl cannot run here (systemd is not PID 1, and this is not a Mac), so a recorder
// stands in for them and the tests assert the exact argv lists; the files are written for real under a temp root.
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { UserError } from "./errors.ts";
import { DEBIAN_UNIT_PATH } from "../core/debian-package.ts";
import {
  installDaemonService,
  restartDaemonService,
  LAUNCHD_PLIST_PATH,
  SYSTEMD_UNIT_PATH,
  type CommandResult,
  type RunCommand,
} from "./service-install.ts";

const FIXTURES = join(import.meta.dir, "..", "fixtures", "_service-files", "default");
const BINARY = "/usr/local/bin/dusty";
const IS_ROOT = process.getuid?.() === 0;

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "dusty-service-install-"));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** A RunCommand that records every argv and answers from `reply` (success by default). */
function recorder(reply: (argv: string[]) => Partial<CommandResult> = () => ({})): RunCommand & { calls: string[][] } {
  const calls: string[][] = [];
  const run = async (argv: string[]) => {
    calls.push(argv);
    return { exitCode: 0, stdout: "", stderr: "", ...reply(argv) };
  };
  return Object.assign(run, { calls });
}

test("installDaemonService() on Linux writes the unit, then reloads systemd and enables it, twice alike", async () => {
  const run = recorder();
  const path = join(root, SYSTEMD_UNIT_PATH);
  const expectedCommands = [
    ["systemctl", "daemon-reload"],
    ["systemctl", "enable", "--now", "dusty.service"],
  ];
  const first = await installDaemonService({ platform: "linux", binaryPath: BINARY, root }, run);
  const second = await installDaemonService({ platform: "linux", binaryPath: BINARY, root }, run);

  const fixture = readFileSync(join(FIXTURES, "dusty.service"), "utf8");
  expect(first).toEqual({ path, text: fixture, commands: expectedCommands });
  expect(second).toEqual(first);
  expect(readFileSync(path, "utf8")).toBe(fixture);
  expect(statSync(path).mode & 0o7777).toBe(0o644);
  expect(readdirSync(dirname(path))).toEqual(["dusty.service"]);
  expect(run.calls).toEqual([...expectedCommands, ...expectedCommands]);
});

test("installDaemonService() on macOS writes the plist, then unloads and loads it, twice alike", async () => {
  const run = recorder();
  const path = join(root, LAUNCHD_PLIST_PATH);
  const expectedCommands = [
    ["launchctl", "unload", path],
    ["launchctl", "load", "-w", path],
  ];
  const first = await installDaemonService({ platform: "darwin", binaryPath: BINARY, root }, run);
  const second = await installDaemonService({ platform: "darwin", binaryPath: BINARY, root }, run);

  const fixture = readFileSync(join(FIXTURES, "com.gamechanger.dusty.plist"), "utf8");
  expect(path).toBe(join(root, "Library/LaunchDaemons/com.gamechanger.dusty.plist"));
  expect(first).toEqual({ path, text: fixture, commands: expectedCommands });
  expect(second).toEqual(first);
  expect(readFileSync(path, "utf8")).toBe(fixture);
  const info = statSync(path);
  expect(info.mode & 0o7777).toBe(0o644);
  if (IS_ROOT) expect([info.uid, info.gid]).toEqual([0, 0]);
  expect(readdirSync(dirname(path))).toEqual(["com.gamechanger.dusty.plist"]);
  expect(run.calls).toEqual([...expectedCommands, ...expectedCommands]);
});

test("installDaemonService() replaces an older file and keeps mode 0644", async () => {
  const run = recorder();
  await installDaemonService({ platform: "linux", binaryPath: "/opt/old/dusty", root }, run);
  const { path } = await installDaemonService({ platform: "linux", binaryPath: BINARY, root, logFile: "/var/log/dusty.log" }, run);
  const text = readFileSync(path, "utf8");
  expect(text).toContain("\nExecStart=/usr/local/bin/dusty -d\n");
  expect(text).toContain("\nStandardOutput=append:/var/log/dusty.log\n");
  expect(statSync(path).mode & 0o7777).toBe(0o644);
});

test("installDaemonService() ignores a failed unload: the job was not loaded yet", async () => {
  const run = recorder((argv) => (argv[1] === "unload" ? { exitCode: 113, stderr: "Could not find specified service\n" } : {}));
  const result = await installDaemonService({ platform: "darwin", binaryPath: BINARY, root }, run);
  expect(run.calls.map((argv) => argv[1])).toEqual(["unload", "load"]);
  expect(result.commands).toHaveLength(2);
});

test("installDaemonService() fails when launchctl load reports a failure, though it exits 0", async () => {
  const run = recorder((argv) => (argv[1] === "load" ? { exitCode: 0, stderr: "Load failed: 5: Input/output error\n" } : {}));
  const install = installDaemonService({ platform: "darwin", binaryPath: BINARY, root }, run);
  await expect(install).rejects.toThrow(UserError);
  await expect(install).rejects.toThrow(
    `Cannot start the dusty daemon: \`launchctl load -w ${join(root, LAUNCHD_PLIST_PATH)}\` exited with 0: ` +
      "Load failed: 5: Input/output error. Check /var/log/dusty.log, fix the cause and run `sudo dusty daemon install` again",
  );
});

test("installDaemonService() stops at the first systemctl failure and names the journal", async () => {
  const run = recorder((argv) => (argv[1] === "daemon-reload" ? { exitCode: 1, stderr: "Failed to connect to bus\n" } : {}));
  await expect(installDaemonService({ platform: "linux", binaryPath: BINARY, root }, run)).rejects.toThrow(
    "Cannot start the dusty daemon: `systemctl daemon-reload` exited with 1: Failed to connect to bus. " +
      "Check `journalctl -u dusty.service`, fix the cause",
  );
  expect(run.calls).toEqual([["systemctl", "daemon-reload"]]);
});

test("installDaemonService() with dryRun writes nothing and runs nothing", async () => {
  const run = recorder();
  const result = await installDaemonService({ platform: "linux", binaryPath: BINARY, root, dryRun: true }, run);
  expect(result.text).toBe(readFileSync(join(FIXTURES, "dusty.service"), "utf8"));
  expect(result.commands).toEqual([
    ["systemctl", "daemon-reload"],
    ["systemctl", "enable", "--now", "dusty.service"],
  ]);
  expect(run.calls).toEqual([]);
  expect(readdirSync(root)).toEqual([]);
});

test("installDaemonService() refuses paths systemd cannot read before writing anything", async () => {
  const run = recorder();
  const install = installDaemonService({ platform: "linux", binaryPath: "/Users/o'brien/dusty", root }, run);
  await expect(install).rejects.toThrow(
    `Cannot install the dusty daemon service: binaryPath "/Users/o'brien/dusty" contains a quote or a backslash, which systemd refuses`,
  );
  expect(existsSync(join(root, "etc"))).toBe(false);
  expect(run.calls).toEqual([]);
});

describe("restartDaemonService()", () => {
  /** Writes a file under the temp root, as if installed there. */
  const place = (path: string, text = "") => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  const unitFor = (binaryPath: string) => `ExecStart=${binaryPath} -d\n`;

  test("restarts the systemd unit that runs the replaced binary, when systemd is PID 1", async () => {
    place("/run/systemd/system/.keep");
    place(SYSTEMD_UNIT_PATH, unitFor(BINARY));
    const run = recorder();
    expect(await restartDaemonService({ platform: "linux", binaryPath: BINARY, isRoot: true, root }, run)).toEqual({
      kind: "restarted",
      command: ["systemctl", "try-restart", "dusty.service"],
    });
    expect(run.calls).toEqual([["systemctl", "try-restart", "dusty.service"]]);
  });

  test("finds the .deb's unit too, and only says what to run when not root", async () => {
    place("/run/systemd/system/.keep");
    place(DEBIAN_UNIT_PATH, unitFor("/usr/bin/dusty"));
    const run = recorder();
    expect(await restartDaemonService({ platform: "linux", binaryPath: "/usr/bin/dusty", isRoot: false, root }, run)).toEqual({
      kind: "needs-root",
      command: ["systemctl", "try-restart", "dusty.service"],
    });
    expect(run.calls).toEqual([]);
  });

  test("leaves alone a machine without systemd, and a unit that runs another dusty", async () => {
    place(SYSTEMD_UNIT_PATH, unitFor(BINARY));
    const run = recorder();
    expect(await restartDaemonService({ platform: "linux", binaryPath: BINARY, isRoot: true, root }, run)).toEqual({ kind: "no-service" });
    place("/run/systemd/system/.keep");
    expect(await restartDaemonService({ platform: "linux", binaryPath: "/tmp/copy/dusty", isRoot: true, root }, run)).toEqual({ kind: "no-service" });
    expect(run.calls).toEqual([]);
  });

  test("kickstarts the launchd job on macOS, and reports a failure with what to do", async () => {
    place(LAUNCHD_PLIST_PATH, `<string>${BINARY}</string>`);
    const run = recorder(() => ({ exitCode: 113, stderr: "Could not find service" }));
    const restart = restartDaemonService({ platform: "darwin", binaryPath: BINARY, isRoot: true, root }, run);
    expect(restart).rejects.toThrow(
      "Cannot restart the dusty daemon: `launchctl kickstart -k system/com.gamechanger.dusty` exited with 113: Could not find service. Run it yourself once the cause is fixed",
    );
    await restart.catch(() => {});
    expect(run.calls).toEqual([["launchctl", "kickstart", "-k", "system/com.gamechanger.dusty"]]);
  });
});
