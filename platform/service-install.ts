/**
 * `dusty daemon install`: writes the file that starts `dusty -d` at boot and asks the service manager
 * (systemd on Linux, launchd on macOS) to start it now and at every boot. Running it again is safe.
 */
import { existsSync, readFileSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { DEBIAN_UNIT_PATH } from "../core/debian-package.ts";
import {
  checkServiceFileOptions,
  LAUNCHD_LABEL,
  LAUNCHD_LOG_FILE,
  renderLaunchdPlist,
  renderSystemdUnit,
  SYSTEMD_UNIT_NAME,
  type ServiceFileOptions,
  type ServiceManager,
} from "../core/service-files.ts";
import { isErrno, writeFileAtomic } from "./atomic-write.ts";
import { UserError } from "./errors.ts";

/** What a finished program left behind. */
export interface CommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Starts one program from an argv list: platform/run.ts's run, or a recorder in tests. */
export type RunCommand = (argv: string[]) => Promise<CommandResult>;

/** Where to install and what the daemon is started with. */
export interface InstallDaemonServiceOptions extends ServiceFileOptions {
  platform: "linux" | "darwin";
  /** Return what would be written and run, and do neither. */
  dryRun?: boolean;
  /** Prefix of the path written (tests); the service manager is given the prefixed path too. */
  root?: string;
}

/** The file written and the commands run (or, with dryRun, that would be). */
export interface InstalledService {
  path: string;
  text: string;
  commands: string[][];
}

/** Where systemd reads units the administrator installed. */
export const SYSTEMD_UNIT_PATH = `/etc/systemd/system/${SYSTEMD_UNIT_NAME}`;
/** Where launchd reads system-wide daemons. */
export const LAUNCHD_PLIST_PATH = `/Library/LaunchDaemons/${LAUNCHD_LABEL}.plist`;

interface Step {
  argv: string[];
  /** True when the step did not do its job. */
  failed: (result: CommandResult) => boolean;
}

const exitedNonZero = (result: CommandResult) => result.exitCode !== 0;
const never = () => false;
// `launchctl load` exits 0 even when it could not load the job; only stderr says so ("Load failed: 5: …").
const loadFailed = (result: CommandResult) => exitedNonZero(result) || /fail|error|invalid/i.test(result.stderr);

/** Writes the boot file for `options.platform` atomically (mode 0644) and loads it into the service manager. */
export async function installDaemonService(options: InstallDaemonServiceOptions, run: RunCommand): Promise<InstalledService> {
  const manager: ServiceManager = options.platform === "linux" ? "systemd" : "launchd";
  const problems = checkServiceFileOptions(options, manager);
  if (problems.length > 0) {
    throw new UserError(`Cannot install the dusty daemon service: ${problems.join("; ")}. Give absolute paths without those characters`);
  }
  const path = join(options.root ?? "/", manager === "systemd" ? SYSTEMD_UNIT_PATH : LAUNCHD_PLIST_PATH);
  const text = manager === "systemd" ? renderSystemdUnit(options) : renderLaunchdPlist(options);
  const steps: Step[] =
    manager === "systemd"
      ? [
          { argv: ["systemctl", "daemon-reload"], failed: exitedNonZero },
          { argv: ["systemctl", "enable", "--now", SYSTEMD_UNIT_NAME], failed: exitedNonZero },
        ]
      : [
          // Unloading a job that is not loaded fails; all that matters is that the old one is gone.
          { argv: ["launchctl", "unload", path], failed: never },
          { argv: ["launchctl", "load", "-w", path], failed: loadFailed },
        ];
  const result = { path, text, commands: steps.map((step) => step.argv) };
  if (options.dryRun) return result;

  await writeServiceFile(path, text);
  for (const step of steps) {
    const outcome = await run(step.argv);
    if (step.failed(outcome)) throw new UserError(describeFailure(step.argv, outcome, manager, options.logFile));
  }
  return result;
}

async function writeServiceFile(path: string, text: string): Promise<void> {
  try {
    await mkdir(dirname(path), { recursive: true, mode: 0o755 });
    // launchd refuses a plist not owned by root ("dubious ownership"), and writeFileAtomic would keep the
    // owner of an earlier file, so a root install says so explicitly.
    const owner = process.getuid?.() === 0 ? { uid: 0, gid: 0 } : {};
    await writeFileAtomic(path, text, { mode: 0o644, ...owner });
  } catch (error) {
    if (isErrno(error, "EACCES", "EPERM", "EROFS")) {
      throw new UserError(`Cannot write ${path}: ${(error as Error).message}. Run \`sudo dusty daemon install\``);
    }
    throw error;
  }
}

function describeFailure(argv: string[], outcome: CommandResult, manager: ServiceManager, logFile?: string): string {
  const detail = outcome.stderr.trim().split("\n").slice(-3).join(" ") || "no message";
  const logs = manager === "systemd" ? (logFile ?? `\`journalctl -u ${SYSTEMD_UNIT_NAME}\``) : (logFile ?? LAUNCHD_LOG_FILE);
  return (
    `Cannot start the dusty daemon: \`${argv.join(" ")}\` exited with ${outcome.exitCode}: ${detail}. ` +
    `Check ${logs}, fix the cause and run \`sudo dusty daemon install\` again`
  );
}

/** Where to look for an installed service, and whether this process may restart it. */
export interface RestartDaemonServiceOptions {
  platform: "linux" | "darwin";
  /** Prefix of every path looked at (tests). */
  root?: string;
  /** Whether this process runs as root; restarting a system service needs it. */
  isRoot: boolean;
  /** The binary that was replaced: a service that starts another dusty is left alone. */
  binaryPath: string;
}

/** What restartDaemonService() did. */
export type RestartOutcome =
  | { kind: "restarted"; command: string[] }
  | { kind: "needs-root"; command: string[] }
  | { kind: "no-service" };


/**
 * Restarts the daemon when a service manager runs it (after `dusty upgrade` replaced the binary), so it
 * runs the new binary. Without an installed service, or without a running systemd, it changes nothing.
 */
export async function restartDaemonService(options: RestartDaemonServiceOptions, run: RunCommand): Promise<RestartOutcome> {
  const at = (path: string) => join(options.root ?? "/", path);
  let command: string[];
  if (options.platform === "linux") {
    // systemd is PID 1 exactly when this folder exists (sd_booted()); in a container or chroot it is not.
    // `dusty daemon install` writes SYSTEMD_UNIT_PATH; the .deb ships DEBIAN_UNIT_PATH.
    const units = [SYSTEMD_UNIT_PATH, DEBIAN_UNIT_PATH];
    if (!existsSync(at("/run/systemd/system")) || !units.some((unit) => startsBinary(at(unit), options.binaryPath))) return { kind: "no-service" };
    // try-restart: restarts a running daemon, and leaves one the administrator stopped stopped.
    command = ["systemctl", "try-restart", SYSTEMD_UNIT_NAME];
  } else {
    if (!startsBinary(at(LAUNCHD_PLIST_PATH), options.binaryPath)) return { kind: "no-service" };
    command = ["launchctl", "kickstart", "-k", `system/${LAUNCHD_LABEL}`];
  }
  if (!options.isRoot) return { kind: "needs-root", command };
  const outcome = await run(command);
  if (outcome.exitCode !== 0) {
    const detail = outcome.stderr.trim().split("\n").slice(-3).join(" ") || "no message";
    throw new UserError(`Cannot restart the dusty daemon: \`${command.join(" ")}\` exited with ${outcome.exitCode}: ${detail}. Run it yourself once the cause is fixed`);
  }
  return { kind: "restarted", command };
}

/** True when the service file at `path` exists and names `binaryPath` (its ExecStart= or ProgramArguments). */
function startsBinary(path: string, binaryPath: string): boolean {
  if (!existsSync(path)) return false;
  try {
    return readFileSync(path, "utf8").includes(binaryPath);
  } catch {
    return false;
  }
}
