/** `dusty version`: the client's version, then the daemon's (which also proves the daemon answers). */
import { defineCommand } from "citty";
import { VERSION } from "./_version.ts";
import { runClientCommand, writeToTerminal } from "./client.ts";

export default defineCommand({
  meta: { name: "version", description: "Print the client's and the daemon's versions" },
  async run() {
    await writeToTerminal("stdout", `Dusty client version: ${VERSION}\n`);
    await runClientCommand("version");
  },
});
