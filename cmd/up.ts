/** `dusty up [--no-recreate] [--no-pull]`: start the active bundles (the daemon does the work). */
import { defineCommand } from "citty";
import { runClientCommand } from "./client.ts";

export default defineCommand({
  meta: { name: "up", description: "Set up the Dusty environment and start activated applications" },
  args: {
    recreate: {
      type: "boolean",
      default: true,
      description: "Recreate containers whose config changed (the default)",
      negativeDescription: "Keep existing containers as they are, even when their config changed",
    },
    pull: {
      type: "boolean",
      default: true,
      description: "Pull the managed repos first (the default)",
      negativeDescription: "Use the managed repos as they are (missing ones are still cloned)",
    },
  },
  run: ({ args }) =>
    runClientCommand("up", { recreate: args.recreate !== false, pull: args.pull !== false, sshAuthSock: process.env.SSH_AUTH_SOCK }),
});
