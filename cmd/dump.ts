/**
 * `dusty dump`: diagnostics for bug reports (versions, programs, hosts file, config with secrets masked).
 * With no daemon (when a dump is most wanted) the client gathers what this user can read itself.
 */
import { defineCommand } from "citty";
import { runOnDaemonOrLocally } from "./client/daemon-or-local.ts";

export default defineCommand({
  meta: { name: "dump", description: "Print diagnostic information for bug reports (works without the daemon)" },
  async run() {
    // The daemon has no SSH agent of its own: it shows `ssh-add -l` for the caller's.
    const args = { sshAuthSock: process.env.SSH_AUTH_SOCK || undefined };
    await runOnDaemonOrLocally("dump", args, {
      note: "Dumping what the client can see instead (as this user, without the daemon's rights)",
      run: async () => {
        const [{ runHandlerInClient }, { default: dump }] = await Promise.all([import("./client/local-handler.ts"), import("./daemon/handlers/dump.ts")]);
        await runHandlerInClient("dump", dump, { ...args, daemonProblem: "does not answer: this dump was gathered by the client" });
      },
    });
  },
});
