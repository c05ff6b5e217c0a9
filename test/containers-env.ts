/**
 * A running dusty environment for the container command tests (logs, shell, scripts, cp, disk): a real
 * daemon (test/harness.ts), a real specs repo, and the active bundles started by `dusty up --no-pull`
 * under a compose project of the test's own (config `compose_project`). Everything is removed by
 * stop(), by project label, even after a failed test.
 */
import { chmodSync } from "node:fs";
import { dirname, join } from "node:path";
import { COMPOSE_PROJECT_LABEL, composeProjectContainers, removeContainers } from "../platform/docker.ts";
import { run, runChecked } from "../platform/run.ts";
import { ensureTestImages } from "../platform/test-images.ts";
import { makeGitRepo } from "./git-fixtures.ts";
import { runClient, writeTestConfig, type ClientEnv } from "./client-env.ts";
import { startDaemon } from "./harness.ts";

/** What a test gets. */
export interface ContainersEnv extends ClientEnv {
  /** The compose project (and config `compose_project`), unique to this environment. */
  project: string;
  specsPath: string;
  persistDir: string;
  /** Removes the containers and the network of the project, stops the daemon, removes its folder. */
  stop(): Promise<void>;
}

/** Specs to start: relative path → text, and which bundles the config activates. */
export interface ContainersEnvOptions {
  specs: Record<string, string>;
  /** False runs `up --no-wait`, for specs whose apps exit on purpose. */
  wait?: boolean;
  bundles: string[];
}

/** Starts the daemon, writes the config and starts the active apps' containers; removes everything if a step fails. */
export async function startContainersEnv(options: ContainersEnvOptions): Promise<ContainersEnv> {
  await ensureTestImages();
  const project = `dustytest${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`;
  const daemon = await startDaemon();
  const persistDir = daemon.env.DUSTY_PERSIST_DIR!;
  const specsPath = join(daemon.dir, "specs");
  const stop = async () => {
    await removeProject(project);
    await daemon.stop();
  };
  try {
    const specsRepo = makeGitRepo(specsPath, options.specs);
    writeTestConfig(daemon, { bundles: options.bundles, specsUrl: specsRepo.url, specsPath, project });
    // An app that exits on purpose (containers-disk's quitter) would fail up's wait for it.
    const up = await runClient(daemon, ["up", "--no-pull", ...(options.wait === false ? ["--no-wait"] : [])], { timeoutMs: 120_000 });
    if (up.code !== 0) throw new Error(`dusty up failed with exit code ${up.code}:\n${up.stdout}${up.stderr}`);
  } catch (error) {
    await stop();
    throw error;
  }
  const containerId = async (service: string) => {
    const found = (await composeProjectContainers(project)).find((c) => c.composeService === service && c.running);
    if (!found) throw new Error(`no running container for ${service} in project ${project}`);
    return found.id;
  };
  return {
    daemon,
    project,
    specsPath,
    persistDir,
    run: (args, runOptions = {}) => runClient(daemon, args, runOptions),
    runAsNobody: (args, runOptions = {}) => runClient(daemon, args, { ...runOptions, asNobody: true }),
    containerId,
    exec: async (service, command) => (await runChecked(["docker", "exec", await containerId(service), ...command])).stdout,
    stop,
  };
}

/**
 * Lets `nobody` reach the daemon: the harness's folders are 0700 and its socket 0660 root:root, so the
 * folders get o+x (pass through, no listing) and `runAsNobody` adds group root as a supplementary
 * group for the socket only. The caller the daemon sees is still uid and gid 65534.
 */
export function allowOtherUsers(env: ContainersEnv): void {
  for (const dir of [env.daemon.dir, dirname(env.daemon.socketPath), env.persistDir]) chmodSync(dir, 0o711);
}

/** Removes every container and network labelled with the project: what compose made, whatever state it is in. */
async function removeProject(project: string): Promise<void> {
  const containers = await composeProjectContainers(project).catch(() => []);
  await removeContainers(containers.map((c) => c.id), { volumes: true }).catch(() => {});
  const networks = await run(["docker", "network", "ls", "--quiet", "--filter", `label=${COMPOSE_PROJECT_LABEL}=${project}`]);
  for (const id of networks.stdout.split("\n").filter(Boolean)) await run(["docker", "network", "rm", id]);
}
