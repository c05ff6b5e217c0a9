/**
 * `dusty validate [SPECS_PATH]`: checks every spec and reports every problem at once. With a path it
 * runs in the client; without, the daemon checks the configured specs repo (which only it may read),
 * and with no daemon the client checks it when it can read the config, else fails saying how.
 */
import { defineCommand } from "citty";
import { runOnDaemonOrLocally } from "./client/daemon-or-local.ts";

export default defineCommand({
  meta: { name: "validate", description: "Validate that specs have correct fields and references" },
  args: {
    specsPath: { type: "positional", required: false, description: "Specs repo to check (default: the configured one)" },
  },
  async run({ args }) {
    const local = () => import("./client/local-specs.ts");
    if (args.specsPath !== undefined) return (await local()).validateLocally(args.specsPath);
    await runOnDaemonOrLocally("validate", {}, {
      note: "Looking for the configured specs repo in the client instead",
      run: async () => (await local()).validateConfiguredLocally(),
    });
  },
});
