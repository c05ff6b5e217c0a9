/**
 * A second Docker Engine on this machine for tests: its own dockerd on a unix socket in a temp folder
 * (own --data-root, --exec-root, --pidfile, config file), with no default bridge and no iptables rules,
 * so it changes nothing of the machine's networking. Containers it runs publish on this machine's
 * addresses (its userland proxy), as Docker Desktop's, OrbStack's or colima's engine would on a Mac.
 *
 *   const engine = await startSecondEngine();
 *   afterAll(() => engine.stop());
 *   await engine.loadImage(BUSYBOX_IMAGE);
 *
 * `stop()` removes its containers and networks, stops dockerd by its pid and removes the folder.
 */
import type { Subprocess } from "bun";
import { readFileSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { run, type RunOptions, type RunResult } from "../platform/run.ts";

/** A running second engine. */
export interface SecondEngine {
  /** The socket's path; DOCKER_HOST is `unix://` + this. */
  readonly socketPath: string;
  readonly dockerHost: string;
  /** Runs `docker ARGS` against this engine. */
  docker(args: string[], options?: RunOptions): Promise<RunResult>;
  /** Copies an image of the default engine into this one (`docker save | docker load`). */
  loadImage(image: string): Promise<void>;
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 60_000;

/** Starts the engine and waits until it answers; throws with its log when it does not. */
export async function startSecondEngine(): Promise<SecondEngine> {
  if (process.getuid?.() !== 0) throw new Error("startSecondEngine(): dockerd needs root");
  const dir = await mkdtemp(join(tmpdir(), "dusty-engine-"));
  const socketPath = join(dir, "docker.sock");
  const dockerHost = `unix://${socketPath}`;
  const log = join(dir, "dockerd.log");
  const configFile = join(dir, "daemon.json");
  writeFileSync(configFile, "{}\n"); // never this machine's /etc/docker/daemon.json
  const argv = [
    "dockerd",
    "--config-file", configFile,
    "--host", dockerHost,
    "--data-root", join(dir, "data"),
    "--exec-root", join(dir, "exec"),
    "--pidfile", join(dir, "dockerd.pid"),
    "--bridge", "none",
    "--iptables=false",
    "--ip-forward=false",
    "--ip-masq=false",
  ];
  const child: Subprocess = Bun.spawn(argv, { stdio: ["ignore", Bun.file(log), Bun.file(log)] });
  const docker = (args: string[], options: RunOptions = {}) => run(["docker", ...args], { ...options, env: { ...options.env, DOCKER_HOST: dockerHost, DOCKER_CONTEXT: "" } });
  // If the test process dies before stop(), dockerd does not outlive it.
  const onExit = () => child.kill("SIGKILL");
  process.on("exit", onExit);

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        // Every container and network here is the test's: the engine is.
        const ids = (await docker(["ps", "-aq"], { timeoutMs: 20_000 })).stdout.split("\n").filter(Boolean);
        if (ids.length > 0) await docker(["rm", "-f", "-v", ...ids], { timeoutMs: 60_000 });
        await docker(["network", "prune", "-f"], { timeoutMs: 20_000 });
        child.kill("SIGTERM");
        const exited = await Promise.race([child.exited.then(() => true), Bun.sleep(20_000).then(() => false)]);
        if (!exited) {
          child.kill("SIGKILL");
          await child.exited;
        }
      }
      process.off("exit", onExit);
      // dockerd unmounts its layers on the way out; a mount still there must not be deleted through.
      if (readFileSync("/proc/self/mountinfo", "utf8").includes(dir)) throw new Error(`SecondEngine.stop(): a mount under ${dir} is left; not removing it`);
      await rm(dir, { recursive: true, force: true });
    })());

  const deadline = Date.now() + READY_TIMEOUT_MS;
  while ((await docker(["version", "--format", "{{.Server.Version}}"], { timeoutMs: 10_000 })).exitCode !== 0) {
    if (child.exitCode !== null || Date.now() > deadline) {
      const text = readFileSync(log, "utf8").slice(-3000);
      await stop().catch(() => {});
      throw new Error(`startSecondEngine(): dockerd did not answer on ${socketPath}:\n${text}`);
    }
    await Bun.sleep(100);
  }

  return {
    socketPath,
    dockerHost,
    docker,
    stop,
    async loadImage(image) {
      const save = Bun.spawn(["docker", "save", image], { stdin: "ignore", stdout: "pipe", stderr: "pipe", env: { ...process.env, DOCKER_HOST: "", DOCKER_CONTEXT: "" } });
      const load = Bun.spawn(["docker", "load", "-q"], { stdin: save.stdout, stdout: "pipe", stderr: "pipe", env: { ...process.env, DOCKER_HOST: dockerHost, DOCKER_CONTEXT: "" } });
      const [saved, loaded] = await Promise.all([save.exited, load.exited]);
      if (saved !== 0 || loaded !== 0) {
        throw new Error(`Cannot load ${image} into ${dockerHost}: ${await new Response(save.stderr).text()}${await new Response(load.stderr).text()}`);
      }
    },
  };
}
