/** `dusty sync [REPOS...]`: mirror the active repos' code on the Docker host without restarting anything (the daemon does the work). */
import { defineCommand } from "citty";
import { runClientCommand } from "./client/call.ts";

export default defineCommand({
  meta: { name: "sync", description: "Sync the active repos' code to the Docker host, without restarting anything" },
  args: {
    repos: { type: "positional", required: false, description: "Repos to sync, full or short names (default: every active repo)", valueHint: "repos..." },
  },
  run: ({ args }) => runClientCommand("sync", { repos: args._.map(String) }),
});
