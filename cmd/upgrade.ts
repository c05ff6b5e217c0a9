/**
 * `dusty upgrade [VERSION] [--force]`: replaces this binary with a release (the latest by default) and
 * restarts the daemon's service so it runs the new one. Runs in the client: the daemon may be the very
 * thing being replaced. A binary from Homebrew or a .deb is left to brew or apt. Releases are found at
 * DUSTY_RELEASE_URL, else the config's release_url, else the RELEASE_URL the binary was built with.
 */
import { defineCommand } from "citty";
import { resolveLocations } from "../platform/locations.ts";
import { isCompiledBinary } from "./_binary.ts";
import { runGuarded } from "./client/run-guarded.ts";
import { RELEASE_URL, VERSION } from "./_version.ts";
import { writeToTerminal } from "./client/call.ts";

export default defineCommand({
  meta: { name: "upgrade", description: "Replace this dusty with a released version (the latest by default) and restart the daemon" },
  args: {
    version: { type: "positional", required: false, description: "The version to install, e.g. 1.2.3 (default: the latest)", valueHint: "version" },
    force: { type: "boolean", description: "Install even when the version is older than this one, or the same" },
  },
  run: ({ args }) =>
    runGuarded(async () => {
      const { UserError } = await import("../platform/errors.ts");
      const { releaseTargetFor } = await import("../core/release.ts");
      if (!isCompiledBinary()) {
        throw new UserError(`Cannot upgrade dusty run from source (${Bun.main}): only an installed binary can be replaced. Use git to update the sources`);
      }
      const target = releaseTargetFor(process.platform, process.arch);
      if (!target) throw new UserError(`Cannot upgrade dusty on ${process.platform}-${process.arch}: releases exist only for macOS and Linux on x64 and arm64`);
      const releaseUrl = process.env.DUSTY_RELEASE_URL || (await configuredReleaseUrl()) || RELEASE_URL;
      const { upgradeSelf } = await import("../platform/self-upgrade.ts");
      const result = await upgradeSelf({
        binaryPath: process.execPath,
        currentVersion: VERSION,
        target,
        releaseUrl,
        version: typeof args.version === "string" && args.version !== "" ? args.version : undefined,
        force: args.force === true,
        progress: (line) => void writeToTerminal("stderr", `${line}\n`),
      });
      if (result.kind === "up-to-date") {
        await writeToTerminal("stdout", `dusty ${VERSION} is already installed at ${process.execPath}: nothing to do (add --force to install it again)\n`);
        return;
      }
      const verb = { upgrade: "Upgraded", downgrade: "Downgraded", reinstall: "Reinstalled" }[result.direction];
      await writeToTerminal("stdout", `${verb} ${result.path} from ${VERSION} to ${result.version}\n`);
      await restartDaemon(result.path);
    }),
});

/** The config's release_url; the config is read here, in the client, as there may be no daemon to ask. */
async function configuredReleaseUrl(): Promise<string | undefined> {
  const { readConfig } = await import("../platform/config-file.ts");
  return (await readConfig(resolveLocations().configFile)).release_url;
}

/** Restarts the service that runs the daemon, or says what to do when dusty cannot. */
async function restartDaemon(binaryPath: string): Promise<void> {
  const { restartDaemonService } = await import("../platform/service-install.ts");
  const { run } = await import("../platform/run.ts");
  const platform = process.platform === "darwin" ? "darwin" : "linux";
  const outcome = await restartDaemonService({ platform, binaryPath, isRoot: process.getuid?.() === 0 }, (argv) => run(argv, { timeoutMs: 120_000 }));
  if (outcome.kind === "restarted") {
    await writeToTerminal("stdout", `Restarted the dusty daemon (${outcome.command.join(" ")})\n`);
    return;
  }
  if (outcome.kind === "needs-root") {
    await writeToTerminal("stderr", `The dusty daemon still runs the old binary: restart it with \`sudo ${outcome.command.join(" ")}\`\n`);
    return;
  }
  const { probeSocket } = await import("../platform/socket.ts");
  const { socketPath } = resolveLocations();
  if ((await probeSocket(socketPath, 1000)).kind === "answering") {
    await writeToTerminal("stderr", `The dusty daemon at ${socketPath} still runs the old binary and no service manager runs it: stop it and start \`sudo dusty -d\` again\n`);
  }
}
