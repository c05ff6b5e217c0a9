/**
 * What the container command tests (logs, shell, scripts, cp, disk) need of an environment, whether its
 * Docker host is this machine (test/containers-env.ts) or a remote one (test/remote-env.ts): the client
 * run as root or as nobody, and a service's container. So one test body can run against either.
 */
import { dustyArgv, ROOT, type DaemonHandle, type RunOptions, type RunResult } from "./harness.ts";

/** The client-running side of a test environment. */
export interface ClientEnv {
  daemon: DaemonHandle;
  /** Runs the client as root against the daemon. */
  run(args: string[], options?: RunOptions): Promise<RunResult>;
  /** Runs the client as uid and gid 65534 (nobody), with root as an extra group for the socket only (a local env needs `allowOtherUsers()` of test/containers-env.ts first). */
  runAsNobody(args: string[], options?: RunOptions): Promise<RunResult>;
  /** The id of the running container of a compose service, on the environment's engine. */
  containerId(service: string): Promise<string>;
  /** Runs a command in a service's container and returns its stdout (throws when it fails). */
  exec(service: string, command: string[]): Promise<string>;
}

/** The uid and gid of `nobody` on Debian. */
export const NOBODY = { uid: 65534, gid: 65534 } as const;

/** Runs the client against the daemon, as root or (with `asNobody`) as uid and gid 65534 with root as an extra group for the socket. */
export async function runClient(daemon: DaemonHandle, args: string[], options: RunOptions & { asNobody?: boolean }): Promise<RunResult> {
  const prefix = options.asNobody ? ["setpriv", `--reuid=${NOBODY.uid}`, `--regid=${NOBODY.gid}`, "--groups=0", "--"] : [];
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries({ ...process.env, ...daemon.env, ...(options.asNobody ? { HOME: "/tmp" } : {}), ...options.env })) {
    if (value !== undefined) env[key] = value;
  }
  const child = Bun.spawn([...prefix, ...dustyArgv(args)], {
    env,
    cwd: options.cwd ?? ROOT,
    stdin: options.stdin === undefined ? "ignore" : new TextEncoder().encode(options.stdin),
    stdout: "pipe",
    stderr: "pipe",
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 60_000);
  try {
    const [stdout, stderr, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
    return { code: child.signalCode === "SIGKILL" ? -1 : code, stdout, stderr };
  } finally {
    clearTimeout(timer);
  }
}
