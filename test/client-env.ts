/**
 * What the container command tests (logs, shell, scripts, cp, disk) need of an environment, whether its
 * Docker host is this machine (test/containers-env.ts) or a remote one (test/remote-env.ts): the client
 * run as root or as nobody, and a service's container. So one test body can run against either.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { NGINX_IMAGE } from "../platform/test-images.ts";
import { runDusty, type DaemonHandle, type RunOptions, type RunResult } from "./harness.ts";

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
export function runClient(daemon: DaemonHandle, args: string[], options: RunOptions & { asNobody?: boolean }): Promise<RunResult> {
  const prefix = options.asNobody ? ["setpriv", `--reuid=${NOBODY.uid}`, `--regid=${NOBODY.gid}`, "--groups=0", "--"] : [];
  return runDusty(args, { ...options, prefix, env: { ...daemon.env, ...(options.asNobody ? { HOME: "/tmp" } : {}), ...options.env } });
}

/** What a test environment's config.yml starts from. */
export interface TestConfigBase {
  bundles: string[];
  /** The specs repo's URL, and the local checkout that overrides it. */
  specsUrl: string;
  specsPath: string;
  project: string;
}

/**
 * Writes the daemon's config.yml: set up, the specs repo overridden by its checkout, the test's own
 * compose project and the locally built nginx image (tests never pull), plus `extra` keys. JSON is YAML.
 */
export function writeTestConfig(daemon: DaemonHandle, base: TestConfigBase, extra: Record<string, unknown> = {}): void {
  const config = {
    bundles: base.bundles,
    specs_repo: base.specsUrl,
    repo_overrides: { [base.specsUrl]: base.specsPath },
    setup_has_run: true,
    compose_project: base.project,
    nginx_image: NGINX_IMAGE,
    ...extra,
  };
  mkdirSync(daemon.env.DUSTY_CONFIG_DIR!, { recursive: true });
  writeFileSync(join(daemon.env.DUSTY_CONFIG_DIR!, "config.yml"), JSON.stringify(config, null, 2));
}
