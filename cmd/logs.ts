/**
 * `dusty logs [-f] [-t] [--tail=NUM] NAME`: the daemon names the container (stopped ones too, so a
 * crashed app's last words can be read), then `docker logs` runs here, on the user's terminal.
 */
import { defineCommand } from "citty";
import { dockerLogsArgv } from "../platform/docker.ts";
import { askDaemonFor, refuseInClient, runDockerAttached, runDockerCommand, type ContainerTarget } from "./_exec-docker.ts";

/** `--tail` as docker takes it: a count, or "all" (the same as no --tail). */
export function parseTail(value: string | undefined): { ok: true; tail: number | undefined } | { ok: false; error: string } {
  if (value === undefined || value === "all") return { ok: true, tail: undefined };
  if (/^\d+$/.test(value)) return { ok: true, tail: Number(value) };
  return { ok: false, error: `Invalid value for --tail: "${value}". Give a number of lines, e.g. --tail=100` };
}

export default defineCommand({
  meta: { name: "logs", description: "Tail logs for a Dusty-managed service" },
  args: {
    service: { type: "positional", required: true, description: "App or service whose container's logs to show", valueHint: "name" },
    follow: { type: "boolean", alias: "f", description: "Keep printing new lines as they come (Ctrl-C stops)" },
    timestamps: { type: "boolean", alias: "t", description: "Start every line with its timestamp" },
    tail: { type: "string", description: "Show only the last NUM lines", valueHint: "NUM" },
  },
  async run({ args }) {
    const tail = parseTail(args.tail);
    if (!tail.ok) return refuseInClient(tail.error);
    await runDockerCommand(async () => {
      const found = await askDaemonFor<ContainerTarget>("containers.find", { name: args.service, running: false });
      if (!found.ok) return found.exitCode;
      const argv = dockerLogsArgv(found.value.id, { follow: args.follow === true, timestamps: args.timestamps === true, tail: tail.tail });
      return runDockerAttached(argv, found.value.env);
    });
  },
});
