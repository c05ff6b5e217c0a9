/** `dusty stop [--rm] [NAMES...]`: stop the environment's containers (the daemon does the work). */
import { defineCommand } from "citty";
import { runClientCommand } from "./client/call.ts";

export default defineCommand({
  meta: { name: "stop", description: "Stop Dusty-managed containers" },
  args: {
    rm: { type: "boolean", description: "Remove the containers too; with no names, take the whole environment down (network and hosts entries included)" },
    names: { type: "positional", required: false, description: "Apps or services to stop (default: all; `nginx` is dusty's proxy)", valueHint: "names..." },
  },
  run: ({ args }) => runClientCommand("stop", { names: args._.map(String), rm: args.rm === true }),
});
