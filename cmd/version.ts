/** `dusty version`: the client's version, commit and target, then the daemon's (which also proves the daemon answers). */
import { defineCommand } from "citty";
import { COMMIT, TARGET, VERSION } from "./_version.ts";
import { runClientCommand, writeToTerminal } from "./client.ts";

export default defineCommand({
  meta: { name: "version", description: "Print the client's version, commit and target, and the daemon's version" },
  async run() {
    await writeToTerminal("stdout", `Dusty client version: ${VERSION} (commit ${COMMIT}, ${TARGET})\n`);
    await runClientCommand("version");
  },
});
