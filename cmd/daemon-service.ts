/**
 * `dusty daemon install [--dry-run]`: makes the service manager (systemd, launchd) start `dusty -d` now
 * and at every boot. Runs in the client, as root: there may be no daemon yet to ask.
 */
import { defineCommand } from "citty";
import type { ServiceFileOptions } from "../core/service-files.ts";
import { isCompiledBinary } from "./_binary.ts";
import { writeToTerminal } from "./client/call.ts";

/** Where the running dusty comes from, and the environment it was started with. */
export interface DustyProcess {
  /** process.execPath */
  execPath: string;
  /** Bun.main: under /$bunfs/ in a compiled binary. */
  main: string;
  env: Record<string, string | undefined>;
}

/** What the service file starts: this binary, with the locations this process was given. */
export type ServiceLocations = Pick<ServiceFileOptions, "binaryPath" | "socketPath" | "configDir" | "hostsFile" | "persistDir">;

/** The service file options for this dusty, or why it cannot be installed from here. */
export function serviceOptionsFor(current: DustyProcess): ServiceLocations | { error: string } {
  if (!isCompiledBinary(current.main)) {
    return {
      error:
        `Cannot install the dusty daemon service from source (${current.main}): the service must start the installed binary. ` +
        "Build it with `make build` and run `sudo dist/dusty daemon install` (or the dusty you installed)",
    };
  }
  const { env } = current;
  // Only locations moved away from the defaults go into the service file, so the defaults stay in one place.
  return {
    binaryPath: current.execPath,
    socketPath: env.DUSTY_SOCKET_PATH || undefined,
    configDir: env.DUSTY_CONFIG_DIR || undefined,
    hostsFile: env.DUSTY_HOSTS_FILE || undefined,
    persistDir: env.DUSTY_PERSIST_DIR || undefined,
  };
}

const install = defineCommand({
  meta: { name: "install", description: "Start the dusty daemon now and at every boot (systemd on Linux, launchd on macOS)" },
  args: {
    "dry-run": { type: "boolean", description: "Print the service file and the commands, and change nothing" },
  },
  async run({ args }) {
    const dryRun = args["dry-run"] === true;
    const fail = async (message: string) => {
      await writeToTerminal("stderr", `${message}\n`);
      process.exitCode = 1;
    };
    if (process.platform !== "linux" && process.platform !== "darwin") {
      return fail(`Cannot install the dusty daemon service on ${process.platform}: only Linux (systemd) and macOS (launchd) are supported`);
    }
    const options = serviceOptionsFor({ execPath: process.execPath, main: Bun.main, env: process.env });
    if ("error" in options) return fail(options.error);
    if (!dryRun && process.getuid?.() !== 0) {
      return fail("Cannot install the dusty daemon service: it needs root. Run `sudo dusty daemon install` (or add --dry-run to see what it would do)");
    }
    const { installDaemonService } = await import("../platform/service-install.ts");
    const { run } = await import("../platform/run.ts");
    const { isExpectedError } = await import("../platform/errors.ts");
    try {
      const installed = await installDaemonService({ platform: process.platform, dryRun, ...options }, (argv) => run(argv, { timeoutMs: 120_000 }));
      const commands = installed.commands.map((argv) => `  ${argv.join(" ")}\n`).join("");
      if (dryRun) {
        await writeToTerminal("stdout", `Would write ${installed.path}:\n${installed.text}\nWould run:\n${commands}`);
      } else {
        await writeToTerminal("stdout", `Wrote ${installed.path} and ran:\n${commands}The dusty daemon is running and starts at every boot\n`);
      }
    } catch (error) {
      if (!isExpectedError(error)) throw error;
      return fail(error.message);
    }
  },
});

export default defineCommand({
  meta: { name: "daemon", description: "Manage the dusty daemon's service (start at boot)" },
  subCommands: { install },
});
