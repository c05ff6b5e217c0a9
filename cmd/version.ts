/** `dusty version [--json]`: the client's version, commit and target, then the daemon's (which also proves the daemon answers). */
import { defineCommand } from "citty";
import { JSON_FLAG } from "./_args.ts";
import { COMMIT, TARGET, VERSION } from "./_version.ts";
import { callDaemon, DaemonUnavailableError, runClientCommand, writeToTerminal } from "./client/call.ts";

export default defineCommand({
  meta: { name: "version", description: "Print the client's version, commit and target, and the daemon's version" },
  args: { ...JSON_FLAG },
  async run({ args }) {
    const client = { version: VERSION, commit: COMMIT, target: TARGET };
    if (args.json !== true) {
      await writeToTerminal("stdout", `Dusty client version: ${VERSION} (commit ${COMMIT}, ${TARGET})\n`);
      await runClientCommand("version");
      return;
    }
    // The client's part is printed even when the daemon does not answer ("daemon": null, exit 1, the reason on stderr).
    let daemon: { version: string } | null = null;
    try {
      let out = "";
      const code = await callDaemon("version", { json: true }, { write: (stream, text) => (stream === "stdout" ? void (out += text) : writeToTerminal("stderr", text)) });
      if (code === 0) daemon = JSON.parse(out) as { version: string };
      else process.exitCode = code;
    } catch (error) {
      if (!(error instanceof DaemonUnavailableError)) throw error;
      await writeToTerminal("stderr", `${error.message}\n`);
      process.exitCode = 1;
    }
    await writeToTerminal("stdout", `${JSON.stringify({ client, daemon }, null, 2)}\n`);
  },
});
