/** `dusty dump`: diagnostics for bug reports (versions, programs, hosts file, config with secrets masked). */
import { defineCommand } from "citty";
import { runClientCommand } from "./client.ts";

export default defineCommand({
  meta: { name: "dump", description: "Print diagnostic information for bug reports" },
  // The daemon has no SSH agent of its own: it shows `ssh-add -l` for the caller's.
  run: () => runClientCommand("dump", { sshAuthSock: process.env.SSH_AUTH_SOCK || undefined }),
});
