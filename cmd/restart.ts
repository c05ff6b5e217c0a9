/** `dusty restart ( --repos REPO... | [NAMES...] )`: re-sync code and restart containers (the daemon does the work). */
import { defineCommand } from "citty";
import { collectRepeated } from "./_args.ts";
import { runClientCommand } from "./client/call.ts";

export default defineCommand({
  meta: { name: "restart", description: "Restart Dusty-managed containers" },
  args: {
    repos: { type: "string", description: "Restart the active apps that use this repo (repeat for more: --repos a --repos b)", valueHint: "repo" },
    sync: {
      type: "boolean",
      default: true,
      description: "Sync the apps' code before restarting (the default)",
      negativeDescription: "Restart without syncing the code first",
    },
    names: { type: "positional", required: false, description: "Apps or services to restart (default: all)", valueHint: "names..." },
  },
  run: ({ args, rawArgs }) =>
    runClientCommand("restart", { names: args._.map(String), repos: collectRepeated(rawArgs, "--repos"), sync: args.sync !== false }),
});
