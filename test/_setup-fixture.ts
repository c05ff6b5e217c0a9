/**
 * End-to-end helpers for the configuration commands: a real specs repo (git) with three bundles, a real
 * daemon that has run `dusty setup` with it, and checks on the config file the daemon writes.
 */
import { expect } from "bun:test";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { VERSION } from "../cmd/_version.ts";
import { findUserById } from "../platform/users.ts";
import { makeGitRepo, makeTempDir, type GitFixture } from "./git-fixtures.ts";
import { startDaemon, type DaemonHandle, type DaemonOptions, type RunResult } from "./harness.ts";

/** The test specs: apps web, api and worker, services db and cache, bundles site, backend and ops. */
export const SPECS_FILES: Record<string, string> = {
  "apps/web.yml": "image: busybox:latest\ncommands:\n  always:\n    - httpd -f -p 8000\n",
  "apps/api.yml": "image: busybox:latest\ndepends:\n  services:\n    - db\ncommands:\n  always:\n    - httpd -f -p 9000\n",
  "apps/worker.yml": "image: busybox:latest\ncommands:\n  always:\n    - sleep 3600\n",
  "services/db.yml": "image: busybox:latest\ncommand: sleep 3600\n",
  "services/cache.yml": "image: busybox:latest\ncommand: sleep 3600\n",
  "bundles/site.yml": "description: The public web site\napps:\n  - web\n",
  "bundles/backend.yml": "description: The api and its database\napps:\n  - api\n",
  "bundles/ops.yml": "description: Background jobs and the cache\napps:\n  - worker\nservices:\n  - cache\n",
};

/** A daemon set up with the test specs, and what to clean up. */
export interface SetUpDaemon {
  daemon: DaemonHandle;
  specs: GitFixture;
  /** Stops the daemon and removes the specs repo. */
  stop(): Promise<void>;
}

/** The name of the user running the tests (USER may be unset, and os.userInfo() then says "unknown" under bun). */
export async function currentUserName(): Promise<string> {
  const user = await findUserById(process.getuid!());
  if (!user) throw new Error(`no passwd entry for uid ${process.getuid!()}`);
  return user.name;
}

/** Starts a daemon and runs `dusty setup` against a fresh specs repo holding SPECS_FILES. */
export async function startSetUpDaemon(options: DaemonOptions = {}): Promise<SetUpDaemon> {
  const temp = makeTempDir("dusty-specs-");
  const specs = makeGitRepo(join(temp.path, "specs"), SPECS_FILES);
  const daemon = await startDaemon(options);
  const stop = async () => {
    await daemon.stop();
    temp.remove();
  };
  try {
    const user = await currentUserName();
    const result = await daemon.run(["setup", `--mac_username=${user}`, `--default_specs_repo=${specs.path}`, "--vm_memory=2048"]);
    if (result.code !== 0) throw new Error(`dusty setup failed: ${JSON.stringify(result)}`);
  } catch (error) {
    await stop();
    throw error;
  }
  return { daemon, specs, stop };
}

/** Reads the daemon's config file, checking that it is valid YAML and mode 0600. */
export function readConfigFile(daemon: DaemonHandle): Record<string, unknown> {
  const path = join(daemon.env.DUSTY_CONFIG_DIR!, "config.yml");
  expect((statSync(path).mode & 0o777).toString(8)).toBe("600");
  return parse(readFileSync(path, "utf8")) as Record<string, unknown>;
}

/** The config file's bytes (to show that a failed command changed nothing). */
export function configBytes(daemon: DaemonHandle): string {
  return readFileSync(join(daemon.env.DUSTY_CONFIG_DIR!, "config.yml"), "utf8");
}

/** `dusty … -h` without colours, with the version replaced so the snapshot survives releases. */
export async function helpOf(daemon: DaemonHandle, args: string[]): Promise<string> {
  const result: RunResult = await daemon.run([...args, "-h"], { env: { NO_COLOR: "1" } });
  expect(result.code).toBe(0);
  return result.stdout.replaceAll(VERSION, "<version>").trimEnd();
}
