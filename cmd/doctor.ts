/**
 * `dusty doctor`: repair the Dusty VM's networking, or check the engine and ports on Linux (the daemon
 * does the work). With no daemon the client runs the same checks as this user and says the daemon is down.
 */
import { defineCommand } from "citty";
import { runOnDaemonOrLocally } from "./client/daemon-or-local.ts";

export default defineCommand({
  meta: { name: "doctor", description: "Attempt to fix networking issues with your Dusty VM (checks what it can without the daemon)" },
  args: {},
  async run() {
    await runOnDaemonOrLocally("doctor", {}, {
      note: "Running the checks in the client instead (as this user)",
      run: async () => {
        const [{ runHandlerInClient }, { default: doctor }] = await Promise.all([import("./client/local-handler.ts"), import("./daemon/handlers/doctor.ts")]);
        process.stdout.write("FAIL dusty daemon does not answer: start it with `sudo dusty -d`\n");
        await runHandlerInClient("doctor", doctor, { daemonDown: true });
        process.exitCode = 1;
      },
    });
  },
});
