/** `dusty watch [--restart] [APPS_OR_REPOS...]`: keep the Docker host's copy of your overridden repos in step with your edits until Ctrl-C (the daemon does the work). */
import { defineCommand } from "citty";
import { runClientCommand } from "./client/call.ts";

export default defineCommand({
  meta: { name: "watch", description: "Sync each edit of your overridden repos to the Docker host as you save (Ctrl-C stops)" },
  args: {
    restart: { type: "boolean", description: "Restart the apps whose code a batch changed (for apps without their own reloader)" },
    names: {
      type: "positional",
      required: false,
      description: "Apps (their repo and their libs') or repos to watch (default: every active overridden repo)",
      valueHint: "apps-or-repos...",
    },
  },
  run: ({ args }) => runClientCommand("watch", { names: args._.map(String), restart: args.restart === true }),
});
