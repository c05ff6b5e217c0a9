/**
 * The built-in example on a real second Docker host (test/remote-host.ts) reached with the ssh driver
 * (or, with `dockerHost`, a VM driver's stand-in, test/vm-example.ts): a dusty daemon here, its engine,
 * repos folder and nginx there. Every client folder (specs, repos, the daemon's own folders) lives under
 * one temp root that the remote host hides under a tmpfs, so a bind mount of a client path finds an
 * empty folder there and fails.
 *
 *   const env = await startRemoteExample({ compose: "docker compose" });
 *   afterAll(() => env.cleanup());
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { COMPOSE_PROJECT_LABEL } from "../platform/docker.ts";
import { run } from "../platform/run.ts";
import { ensureTestImages, TEST_IMAGES } from "../platform/test-images.ts";
import { startRemoteHost, type RemoteHost } from "./remote-host.ts";
import { exampleRepos, exampleSpecFiles, projectContainers, startTestEnvironment, type ComposeCommand, type ExampleEnvironment } from "./up-example.ts";

/** The example running against a namespace host. */
export interface RemoteExample {
  env: ExampleEnvironment;
  host: RemoteHost;
  /** The client-side folder holding everything of this test (hidden on the remote host). */
  root: string;
  /** dusty's folder on the remote host (docker_host_persist_dir). */
  remotePersistDir: string;
  /** The address the hosts file gives `name` (throws when the name is not there). */
  hostsAddress(name: string): string;
  /** GETs `path` of `name` with curl, resolving the name to the address the hosts file gives it. */
  fetchByName(name: string, path?: string): Promise<{ status: number; text: string }>;
  /** The project's containers on the remote engine, by service. */
  remoteContainers(): Promise<Record<string, { id: string; name: string; running: boolean }>>;
  /** The project's networks on the remote engine. */
  remoteNetworks(): Promise<string[]>;
  /** The project's containers on the local engine (must stay empty). */
  localContainers(): Promise<Record<string, { id: string; name: string; running: boolean }>>;
  cleanup(): Promise<void>;
}

/** The Docker host a RemoteExample runs on, and how the daemon reaches it. */
export interface ExampleDockerHost {
  host: RemoteHost;
  /** dusty's folder there (the repos, nginx and assets go under it). */
  remotePersistDir: string;
  /** The config keys that point the daemon at it (`docker_host_driver` & co.). */
  config: Record<string, unknown>;
  /** Extra environment of the daemon (a VM driver's PATH and HOME). */
  daemonEnv?: Record<string, string>;
  /** Removes the host and whatever came with it. */
  stop(): Promise<void>;
}

/** Options of `startRemoteExample`. */
export interface RemoteExampleOptions {
  compose: ComposeCommand;
  /** Config keys to add or replace. */
  config?: Record<string, unknown>;
  /** Specs, repos and bundles of the test's own instead of the built-in example (as for startTestEnvironment). */
  specFiles?: Record<string, string>;
  repos?: Record<string, Record<string, string>>;
  bundles?: string[];
  /**
   * Starts the Docker host, which must hide `root` (every client folder lives under it); default a
   * namespace host reached with the ssh driver.
   */
  dockerHost?: (root: string) => Promise<ExampleDockerHost>;
}

/** A namespace host reached with the ssh driver (`docker_host`, its ssh config, a persist folder only it sees). */
async function startSshDockerHost(root: string): Promise<ExampleDockerHost> {
  const host = await startRemoteHost({ hide: [root] });
  const remotePersistDir = join(host.remoteRoot, "dusty");
  return {
    host,
    remotePersistDir,
    config: { docker_host_driver: "ssh", docker_host: host.dockerHostUrl, docker_host_ssh_config: host.sshConfigFile, docker_host_persist_dir: remotePersistDir },
    stop: () => host.stop(),
  };
}

/** Starts the Docker host (a namespace host by default), loads the test images into it and starts a daemon for the example on it. */
export async function startRemoteExample(options: RemoteExampleOptions): Promise<RemoteExample> {
  await ensureTestImages();
  const root = mkdtempSync(join(tmpdir(), "dusty-remote-e2e-"));
  let dockerHost: ExampleDockerHost | undefined;
  let env: ExampleEnvironment | undefined;
  try {
    dockerHost = await (options.dockerHost ?? startSshDockerHost)(root);
    const { host, remotePersistDir } = dockerHost;
    for (const image of TEST_IMAGES) await host.loadImage(image);
    env = await startTestEnvironment({
      compose: options.compose,
      specFiles: options.specFiles ?? exampleSpecFiles(),
      repos: options.repos ?? exampleRepos(),
      bundles: options.bundles ?? ["everything"],
      tempRoot: root,
      config: { ...dockerHost.config, ...options.config },
      daemonEnv: dockerHost.daemonEnv,
    });
    const started = { env, host, dockerHost };
    const hostsAddress = (name: string) => {
      const line = readFileSync(started.env.hostsFile, "utf8").split("\n").find((l) => l.split(/\s+/)[1] === name);
      if (!line) throw new Error(`no "${name}" in the hosts file:\n${readFileSync(started.env.hostsFile, "utf8")}`);
      return line.split(/\s+/)[0]!;
    };
    const remoteByLabel = async (kind: "ps" | "network") => {
      const filter = `label=${COMPOSE_PROJECT_LABEL}=${started.env.project}`;
      const args = kind === "ps" ? ["ps", "-aq", "--filter", filter] : ["network", "ls", "-q", "--filter", filter];
      return (await started.host.docker(args)).stdout.split("\n").filter(Boolean);
    };
    return {
      env,
      host,
      root,
      remotePersistDir,
      hostsAddress,
      fetchByName: (name, path = "/") => fetchByCurl(name, started.env.httpPort, hostsAddress(name), path),
      remoteContainers: async () => {
        const format = '{{.ID}}\t{{.Names}}\t{{.State}}\t{{.Label "com.docker.compose.service"}}';
        const result = await started.host.docker(["ps", "-a", "--no-trunc", "--filter", `label=${COMPOSE_PROJECT_LABEL}=${started.env.project}`, "--format", format]);
        const out: Record<string, { id: string; name: string; running: boolean }> = {};
        for (const line of result.stdout.split("\n").filter(Boolean)) {
          const [id = "", name = "", state = "", service = ""] = line.split("\t");
          out[service] = { id, name, running: state === "running" };
        }
        return out;
      },
      remoteNetworks: () => remoteByLabel("network"),
      localContainers: () => projectContainers(started.env.project),
      async cleanup() {
        await started.env.cleanup();
        await started.dockerHost.stop();
        rmSync(root, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await env?.cleanup().catch(() => {});
    await dockerHost?.stop().catch(() => {});
    rmSync(root, { recursive: true, force: true });
    throw error;
  }
}

/** curl --resolve NAME:PORT:ADDRESS, retrying while nginx or the app starts (502, refused). */
export async function fetchByCurl(name: string, port: number, address: string, path = "/"): Promise<{ status: number; text: string }> {
  let last = "";
  for (let attempt = 0; attempt < 100; attempt++) {
    const result = await run(["curl", "-sS", "--max-time", "5", "--resolve", `${name}:${port}:${address}`, "-w", "\n%{http_code}", `http://${name}:${port}${path}`]);
    if (result.exitCode === 0) {
      const lines = result.stdout.split("\n");
      const status = Number(lines.pop());
      if (status !== 502) return { status, text: lines.join("\n") };
    }
    last = `${result.stderr}${result.stdout}`;
    await Bun.sleep(100);
  }
  throw new Error(`curl of ${name}${path} at ${address}:${port} failed: ${last}`);
}
