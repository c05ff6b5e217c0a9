/**
 * A second Docker Engine for tests: its own dockerd (own --data-root, --exec-root, --pidfile, config file)
 * in a network namespace and a mount namespace of its own, answering on a unix socket in a temp folder.
 * The socket is a file, so clients on this machine reach it across the network namespace, as a user's
 * docker reaches Docker Desktop's, OrbStack's or colima's engine through a socket in their home folder.
 *
 *   const engine = await startSecondEngine();
 *   afterAll(() => engine.stop());
 *   await engine.loadImage(BUSYBOX_IMAGE);
 *
 * Why namespaces: a dockerd in this machine's own network namespace changes it (with `--bridge none` it
 * deletes the interface `docker0` of the local engine at start, and its networks leave bridges behind
 * when it is killed). In its own namespace everything it makes goes away with the namespace. As in
 * test/remote-host.ts: `ip netns exec` remounts /sys and dockerd then fails, so it is entered with
 * nsenter and a private mount namespace (unshare), which keeps the cgroups. `stop()` removes its
 * containers, stops dockerd by pid, kills what is left in its mount namespace and deletes the namespace.
 */
import type { Subprocess } from "bun";
import { readFileSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { run, runChecked, type RunOptions, type RunResult } from "../platform/run.ts";
import { pidsInMountNs, readNs } from "./remote-host.ts";

/** A running second engine. */
export interface SecondEngine {
  /** The socket's path; DOCKER_HOST is `unix://` + this. */
  readonly socketPath: string;
  readonly dockerHost: string;
  /** Runs `docker ARGS` against this engine. */
  docker(args: string[], options?: RunOptions): Promise<RunResult>;
  /** Runs a program in the engine's network namespace (its 127.0.0.1 is where its containers publish). */
  execInNetwork(argv: string[], options?: RunOptions): Promise<RunResult>;
  /** Copies an image of the default engine into this one (`docker save | docker load`). */
  loadImage(image: string): Promise<void>;
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 60_000;

/** Starts the engine and waits until it answers; throws with its log (after removing what it made) when it does not. */
export async function startSecondEngine(): Promise<SecondEngine> {
  if (process.getuid?.() !== 0) throw new Error("startSecondEngine(): dockerd needs root");
  const dir = await mkdtemp(join(tmpdir(), "dusty-engine-"));
  const netns = `dusty-ctx-${crypto.randomUUID().slice(0, 8)}`;
  const netnsPath = `/var/run/netns/${netns}`;
  const socketPath = join(dir, "docker.sock");
  const dockerHost = `unix://${socketPath}`;
  const log = join(dir, "dockerd.log");
  const configFile = join(dir, "daemon.json");
  writeFileSync(configFile, "{}\n"); // never this machine's /etc/docker/daemon.json
  const docker = (args: string[], options: RunOptions = {}) => run(["docker", ...args], { ...options, env: { ...options.env, DOCKER_HOST: dockerHost, DOCKER_CONTEXT: "" } });
  const execInNetwork = (argv: string[], options?: RunOptions) => run(["nsenter", `--net=${netnsPath}`, ...argv], options);
  let child: Subprocess | undefined;
  let mountNs: string | undefined;
  let netnsMade = false;

  // If the test process dies before stop(), dockerd and the namespace do not outlive it.
  const onExit = () => {
    child?.kill("SIGKILL");
    if (netnsMade) Bun.spawnSync(["ip", "netns", "del", netns], { stdio: ["ignore", "ignore", "ignore"] });
  };
  process.on("exit", onExit);

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      if (child && child.exitCode === null && child.signalCode === null) {
        // Every container here is the test's: the engine is.
        const ids = (await docker(["ps", "-aq"], { timeoutMs: 20_000 })).stdout.split("\n").filter(Boolean);
        if (ids.length > 0) await docker(["rm", "-f", "-v", ...ids], { timeoutMs: 60_000 });
        child.kill("SIGTERM");
        const exited = await Promise.race([child.exited.then(() => true), Bun.sleep(20_000).then(() => false)]);
        if (!exited) {
          child.kill("SIGKILL");
          await child.exited;
        }
      }
      // containerd and its shims live in our mount namespace: every process there is ours.
      if (mountNs !== undefined && mountNs !== readNs(process.pid)) for (const pid of pidsInMountNs(mountNs)) killQuietly(pid);
      if (netnsMade) await runChecked(["ip", "netns", "del", netns]);
      process.off("exit", onExit);
      // dockerd's layer mounts are in its own mount namespace; one here must not be deleted through.
      if (readFileSync("/proc/self/mountinfo", "utf8").includes(dir)) throw new Error(`SecondEngine.stop(): a mount under ${dir} is left; not removing it`);
      await rm(dir, { recursive: true, force: true });
    })());

  try {
    await runChecked(["ip", "netns", "add", netns]);
    netnsMade = true;
    await runChecked(["nsenter", `--net=${netnsPath}`, "ip", "link", "set", "lo", "up"]);
    // nsenter and unshare exec, so the pid is dockerd's.
    child = Bun.spawn(
      [
        "nsenter", `--net=${netnsPath}`, "unshare", "--mount", "--propagation", "private",
        "dockerd",
        "--config-file", configFile,
        "--host", dockerHost,
        "--data-root", join(dir, "data"),
        "--exec-root", join(dir, "exec"),
        "--pidfile", join(dir, "dockerd.pid"),
        "--bridge", "none",
        "--iptables=false",
      ],
      { stdio: ["ignore", Bun.file(log), Bun.file(log)] },
    );
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while ((await docker(["version", "--format", "{{.Server.Version}}"], { timeoutMs: 10_000 })).exitCode !== 0) {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`startSecondEngine(): dockerd did not answer on ${socketPath}:\n${readFileSync(log, "utf8").slice(-3000)}`);
      await Bun.sleep(100);
    }
    mountNs = readNs(child.pid);
  } catch (error) {
    await stop().catch(() => {});
    throw error;
  }

  return {
    socketPath,
    dockerHost,
    docker,
    execInNetwork,
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

/** The names of this machine's bridge interfaces (in the test's own network namespace). */
export async function hostBridges(): Promise<string[]> {
  const result = await runChecked(["ip", "-o", "link", "show", "type", "bridge"]);
  return [...result.stdout.matchAll(/^\d+: ([^:@]+)[:@]/gm)].map((m) => m[1]!);
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // already gone
  }
}
