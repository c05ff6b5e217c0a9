/**
 * `dusty logs` beyond one plain `docker logs`: several containers at once (each line prefixed with its
 * name), and `-f` that keeps following across a restart or a re-create of the container, as
 * `docker compose logs -f` does. When `docker logs -f` ends (the container stopped), `docker events`
 * says when a container of that name starts again, and following goes on from the moment it stopped.
 */
import { containerFinishedAt, dockerLogsArgv, waitForContainerStart } from "../../platform/docker.ts";
import { run } from "../../platform/run.ts";
import { askDaemonFor, type ContainerTarget } from "./exec-docker.ts";
import { INTERRUPTED_EXIT_CODE, writeToTerminal } from "./call.ts";

/** What to show. */
export interface LogsRequest {
  names: string[];
  follow: boolean;
  timestamps: boolean;
  tail?: number;
  since?: string;
}

/** Streams the logs of every name until each ends (or, with follow, until Ctrl-C); resolves with the exit code. */
export async function streamLogs(request: LogsRequest): Promise<number> {
  const stop = new AbortController();
  const onSignal = () => stop.abort(new Error("interrupted"));
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  const width = Math.max(...request.names.map((n) => n.length));
  try {
    const codes = await Promise.all(
      request.names.map((name) => followOne(name, request, { signal: stop.signal, prefix: request.names.length > 1 ? `${name.padEnd(width)} | ` : "" })),
    );
    return stop.signal.aborted ? INTERRUPTED_EXIT_CODE : (codes.find((c) => c !== 0) ?? 0);
  } catch (error) {
    if (stop.signal.aborted) return INTERRUPTED_EXIT_CODE;
    throw error;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}

async function followOne(name: string, request: LogsRequest, options: { signal: AbortSignal; prefix: string }): Promise<number> {
  const { signal, prefix } = options;
  let since = request.since;
  let tail = request.tail;
  for (;;) {
    const found = await askDaemonFor<ContainerTarget>("containers.find", { name, running: false });
    if (!found.ok) return found.exitCode;
    const { id, name: containerName, env } = found.value;
    const argv = dockerLogsArgv(id, { follow: request.follow, timestamps: request.timestamps, tail, since });
    const result = await run(argv, { env, signal, onLine: (line, stream) => void writeToTerminal(stream, `${prefix}${line}\n`) });
    if (!request.follow || result.exitCode !== 0) {
      if (result.exitCode !== 0 && result.stderr.trim() === "") await writeToTerminal("stderr", `${prefix}docker logs exited with code ${result.exitCode}\n`);
      return result.exitCode;
    }
    // The container stopped: from the engine's own clock, wait for it (or its re-created successor) to start.
    const stoppedAt = (await containerFinishedAt(id, { env })) ?? new Date().toISOString();
    await waitForContainerStart(containerName, { since: stoppedAt, env, signal });
    since = stoppedAt;
    tail = undefined;
  }
}
