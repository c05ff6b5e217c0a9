/** `dusty doctor`: repair the Dusty VM's networking, or check the engine and ports on Linux (the daemon does the work). */
import { defineCommand } from "citty";
import { runClientCommand } from "./client.ts";

export default defineCommand({
  meta: { name: "doctor", description: "Attempt to fix networking issues with your Dusty VM" },
  args: {},
  run: () => runClientCommand("doctor", {}),
});
