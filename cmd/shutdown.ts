/** `dusty shutdown`: stop the environment's containers, then the Dusty VM (the daemon does the work). */
import { defineCommand } from "citty";
import { runClientCommand } from "./client/call.ts";

export default defineCommand({
  meta: { name: "shutdown", description: "Shut down the Dusty VM" },
  args: {},
  run: () => runClientCommand("shutdown", {}),
});
