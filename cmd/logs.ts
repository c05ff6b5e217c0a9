/**
 * `dusty logs [-f] [-t] [-n NUM] [--since WHEN] NAME...`: the daemon names each container (stopped ones
 * too, so a crashed app's last words can be read), then `docker logs` runs here, on the user's terminal.
 * One name without -f is exactly `docker logs`; several names, or -f, go through cmd/client/logs-follow.ts,
 * which keeps following across a restart of the container.
 */
import { defineCommand } from "citty";
import { dockerLogsArgv } from "../platform/docker.ts";
import { askDaemonFor, refuseInClient, runDockerAttached, runDockerCommand, type ContainerTarget } from "./client/exec-docker.ts";

/** `--tail` as docker takes it: a count, or "all" (the same as no --tail). */
export function parseTail(value: string | undefined): { ok: true; tail: number | undefined } | { ok: false; error: string } {
  if (value === undefined || value === "all") return { ok: true, tail: undefined };
  if (/^\d+$/.test(value)) return { ok: true, tail: Number(value) };
  return { ok: false, error: `Invalid value for --tail: "${value}". Give a number of lines, e.g. --tail=100` };
}

export default defineCommand({
  meta: { name: "logs", description: "Tail logs for Dusty-managed apps and services" },
  args: {
    service: { type: "positional", required: true, description: "Apps or services whose containers' logs to show (several: each line starts with its name)", valueHint: "names..." },
    follow: { type: "boolean", alias: "f", description: "Keep printing new lines as they come, across restarts of the container (Ctrl-C stops)" },
    timestamps: { type: "boolean", alias: "t", description: "Start every line with its timestamp" },
    tail: { type: "string", alias: "n", description: "Show only the last NUM lines of each container", valueHint: "NUM" },
    since: { type: "string", description: "Show only lines since a timestamp (2026-01-02T15:04:05) or for a duration (10m)", valueHint: "WHEN" },
  },
  async run({ args }) {
    const tail = parseTail(args.tail);
    if (!tail.ok) return refuseInClient(tail.error);
    if (args.since === "") return refuseInClient("Invalid value for --since: empty. Give a timestamp (2026-01-02T15:04:05) or a duration (10m)");
    const names = [...new Set(args._.map(String))];
    const follow = args.follow === true;
    const timestamps = args.timestamps === true;
    await runDockerCommand(async () => {
      if (names.length > 1 || follow) {
        const { streamLogs } = await import("./client/logs-follow.ts");
        return streamLogs({ names, follow, timestamps, tail: tail.tail, since: args.since });
      }
      const found = await askDaemonFor<ContainerTarget>("containers.find", { name: names[0], running: false });
      if (!found.ok) return found.exitCode;
      const argv = dockerLogsArgv(found.value.id, { follow, timestamps, tail: tail.tail, since: args.since });
      return runDockerAttached(argv, found.value.env);
    });
  },
});
