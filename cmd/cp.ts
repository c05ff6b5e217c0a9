/**
 * `dusty cp SOURCE DESTINATION` (test/containers-cp.test.ts): each side is a local path or NAME:/abs/path in the
 * container of an app or service. Checked here first (a bad path needs no daemon), local paths made
 * absolute; the daemon copies, reading and writing local files with the caller's own rights.
 */
import { defineCommand } from "citty";
import { runClientCommand } from "./client/call.ts";
import { describeCpEndpoint, parseCpArgs } from "./_cp-paths.ts";
import { refuseInClient } from "./client/exec-docker.ts";

export default defineCommand({
  meta: { name: "cp", description: "Copy files between local filesystem and containers" },
  args: {
    source: { type: "positional", required: true, description: "A local path, or NAME:/path inside the container of an app or service", valueHint: "source" },
    destination: {
      type: "positional",
      required: true,
      description: "Where the copy goes, same forms; an existing folder receives a folder's contents (nothing in it is deleted)",
      valueHint: "destination",
    },
  },
  async run({ args }) {
    const parsed = parseCpArgs(args.source, args.destination, process.cwd());
    if (!parsed.ok) return refuseInClient(parsed.error);
    await runClientCommand("cp", { source: describeCpEndpoint(parsed.source), destination: describeCpEndpoint(parsed.destination) });
  },
});
