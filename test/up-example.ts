/**
 * The built-in example as a throwaway environment for end-to-end tests on the real Docker Engine: its
 * specs and code repos copied into temp git repos, host ports replaced by free random ones, its own
 * compose project, config and daemon. `cleanup()` removes every container, network and volume of THAT
 * project (by label) and stops the daemon, whatever state the test left.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { COMPOSE_PROJECT_LABEL } from "../platform/docker.ts";
import { run } from "../platform/run.ts";
import { NGINX_IMAGE, ensureTestImages } from "../platform/test-images.ts";
import { makeGitRepo, makeTempDir, type GitFixture } from "./git-fixtures.ts";
import { ROOT, startDaemon, type DaemonHandle, type RunResult } from "./harness.ts";

/** Which Compose the daemon uses. */
export type ComposeCommand = "docker compose" | "docker-compose";

/** A running test daemon configured for one copy of the example. */
export interface ExampleEnvironment {
  daemon: DaemonHandle;
  project: string;
  /** The free port that replaced host_port 80 (http, nginx). */
  httpPort: number;
  /** The free port that replaced host_port 7001 (the api's stream). */
  streamPort: number;
  portBase: number;
  specs: GitFixture;
  /** The example's code repos (api, greeting-lib, website), overridden into these folders. */
  repos: Record<string, GitFixture>;
  hostsFile: string;
  /** The daemon's config dir (config.yml, compose/). */
  configDir: string;
  /** The daemon's persist dir (repos, command files, nginx, assets). */
  persistDir: string;
  /** Runs the client against this daemon. */
  dusty(args: string[]): Promise<RunResult>;
  /** Fetches a path through nginx on 127.0.0.1 with the given Host header. */
  fetchPage(hostName: string, path?: string): Promise<{ status: number; text: string }>;
  /** The project's containers by compose service: `service → { id, name, running }`. */
  containers(): Promise<Record<string, { id: string; name: string; running: boolean }>>;
  cleanup(): Promise<void>;
}

/** Options of `startExampleEnvironment`. */
export interface ExampleOptions {
  compose: ComposeCommand;
  bundles?: string[];
  /** Extra environment for the daemon. */
  daemonEnv?: Record<string, string>;
}

const EXAMPLE_DIR = join(ROOT, "fixtures", "example");
const EXAMPLE_URL_PREFIX = "/usr/local/share/dusty/example/";

/** Whether a TCP listener can bind 127.0.0.1:port right now. */
function canBind(port: number): boolean {
  try {
    Bun.listen({ hostname: "127.0.0.1", port, socket: { data() {} } }).stop(true);
    return true;
  } catch {
    return false;
  }
}

/** `count` distinct ports in 20000–30000 that nothing on 127.0.0.1 holds right now. */
export function freePorts(count: number): number[] {
  const ports: number[] = [];
  while (ports.length < count) {
    const port = 20000 + Math.floor(Math.random() * 10000);
    if (!ports.includes(port) && canBind(port)) ports.push(port);
  }
  return ports;
}

/**
 * A port_base for a test environment: a multiple of 100 in 10000–19900 whose first `size` ports are
 * free. Below the kernel's ephemeral range (32768–60999 on Linux) on purpose: a port there can be the
 * local end of any connection the test process keeps open (fetch keeps them alive), which makes it
 * unbindable for a while, so a port_base there fails `up`'s port check now and then.
 */
export function freePortBase(size = 20): number {
  for (;;) {
    const base = 10000 + Math.floor(Math.random() * 100) * 100;
    if (Array.from({ length: size }, (_, i) => base + i).every(canBind)) return base;
  }
}

/** A fresh project name no other run uses. */
export function testProjectName(): string {
  return `dustytest${Math.random().toString(36).slice(2, 10)}`;
}

/** What a test environment is made of: spec files and code repos (URL → files), all written to temp git repos. */
export interface TestEnvironmentOptions {
  compose: ComposeCommand;
  /** Spec files by path (`apps/web.yml` → text); `{HTTP_PORT}` and `{STREAM_PORT}` are replaced by the free ports. */
  specFiles: Record<string, string>;
  /** Each repo URL the specs name → its files; each becomes a git repo that repo_overrides points the URL at. */
  repos: Record<string, Record<string, string>>;
  /** Repos dusty manages itself (clones and pulls): name → files; specs name them as `{MANAGED:<name>}` (replaced by the file:// URL). */
  managedRepos?: Record<string, Record<string, string>>;
  bundles: string[];
  /** Config keys to add or replace. */
  config?: Record<string, unknown>;
  /** The folder to make every temp folder in (default the system's temp dir), e.g. one a remote test host hides. */
  tempRoot?: string;
  /** Extra environment for the daemon (and its clients): a PATH with fake VM managers first, the VM owner's HOME. */
  daemonEnv?: Record<string, string>;
}

/** Writes the specs and repos as git repos, writes the config and starts a daemon for it. */
export async function startTestEnvironment(options: TestEnvironmentOptions): Promise<ExampleEnvironment> {
  await ensureTestImages();
  const temp = makeTempDir("dusty-up-env-", options.tempRoot);
  const [httpPort, streamPort] = freePorts(2) as [number, number];
  const portBase = freePortBase();
  const project = testProjectName();

  const repos: Record<string, GitFixture> = {};
  for (const [name, files] of Object.entries(options.managedRepos ?? {})) repos[name] = makeGitRepo(join(temp.path, "managed", name), files);
  const fill = (text: string) =>
    text
      .replaceAll("{HTTP_PORT}", String(httpPort))
      .replaceAll("{STREAM_PORT}", String(streamPort))
      .replace(/\{MANAGED:([\w-]+)\}/g, (_, name: string) => repos[name]!.url);
  const specFiles = Object.fromEntries(Object.entries(options.specFiles).map(([path, text]) => [path, fill(text)]));
  const specs = makeGitRepo(join(temp.path, "specs"), specFiles);
  const overrides: Record<string, string> = {};
  for (const [url, files] of Object.entries(options.repos)) {
    const name = url.split("/").pop()!;
    repos[name] = makeGitRepo(join(temp.path, "repos", name), files);
    overrides[url] = repos[name].path;
  }

  const configDir = join(temp.path, "etc");
  mkdirSync(configDir, { recursive: true });
  const config = {
    bundles: options.bundles,
    repo_overrides: overrides,
    specs_repo: specs.url,
    setup_has_run: true,
    compose_command: options.compose,
    compose_project: project,
    nginx_image: NGINX_IMAGE,
    bind_address: "127.0.0.1",
    port_base: portBase,
    ...options.config,
  };
  writeFileSync(join(configDir, "config.yml"), JSON.stringify(config, null, 2)); // JSON is YAML

  let daemon: DaemonHandle;
  try {
    daemon = await startDaemon({ env: { ...options.daemonEnv, DUSTY_CONFIG_DIR: configDir }, parentDir: options.tempRoot });
  } catch (error) {
    temp.remove();
    throw error;
  }
  return {
    daemon,
    project,
    httpPort,
    streamPort,
    portBase,
    specs,
    repos,
    configDir,
    hostsFile: daemon.env.DUSTY_HOSTS_FILE!,
    persistDir: daemon.env.DUSTY_PERSIST_DIR!,
    dusty: (args) => daemon.run(args, { timeoutMs: 110_000 }),
    fetchPage: (hostName, path = "/") => fetchThroughNginx(httpPort, hostName, path),
    containers: () => projectContainers(project),
    async cleanup() {
      await removeProject(project);
      await daemon.stop();
      temp.remove();
    },
  };
}

/** The built-in example's spec files, with host_port 80 → {HTTP_PORT} and 7001 → {STREAM_PORT}. */
export function exampleSpecFiles(): Record<string, string> {
  const files: Record<string, string> = {};
  for (const kind of ["apps", "libs", "services", "bundles"]) {
    for (const name of readdirSync(join(EXAMPLE_DIR, kind))) {
      files[`${kind}/${name}`] = readFileSync(join(EXAMPLE_DIR, kind, name), "utf8")
        .replace(/host_port: 80\b/g, "host_port: {HTTP_PORT}")
        .replace(/host_port: 7001\b/g, "host_port: {STREAM_PORT}");
    }
  }
  return files;
}

/** The built-in example's code repos by the URL its specs use. */
export function exampleRepos(): Record<string, Record<string, string>> {
  const repos: Record<string, Record<string, string>> = {};
  for (const name of readdirSync(join(EXAMPLE_DIR, "repos"))) repos[`${EXAMPLE_URL_PREFIX}${name}`] = readTree(join(EXAMPLE_DIR, "repos", name));
  return repos;
}

/** The example (bundle `everything` by default) as a test environment. */
export function startExampleEnvironment(options: ExampleOptions): Promise<ExampleEnvironment> {
  return startTestEnvironment({ compose: options.compose, specFiles: exampleSpecFiles(), repos: exampleRepos(), bundles: options.bundles ?? ["everything"], daemonEnv: options.daemonEnv });
}

function readTree(root: string, rel = ""): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of readdirSync(join(root, rel), { withFileTypes: true })) {
    const path = rel === "" ? entry.name : `${rel}/${entry.name}`;
    if (entry.isDirectory()) Object.assign(files, readTree(root, path));
    else files[path] = readFileSync(join(root, path), "utf8");
  }
  return files;
}

/** GETs `http://127.0.0.1:<port><path>` with a Host header, retrying while nginx or the app starts. */
export async function fetchThroughNginx(port: number, hostName: string, path = "/"): Promise<{ status: number; text: string }> {
  let last: unknown;
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}${path}`, { headers: { Host: hostName } });
      const text = await response.text();
      // 502: nginx runs but the app does not answer yet.
      if (response.status !== 502) return { status: response.status, text };
      last = new Error(`502 from nginx: ${text}`);
    } catch (error) {
      last = error;
    }
    await Bun.sleep(100);
  }
  throw last;
}

/** The containers of a project, by service. */
export async function projectContainers(project: string): Promise<Record<string, { id: string; name: string; running: boolean }>> {
  const format = '{{.ID}}\t{{.Names}}\t{{.State}}\t{{.Label "com.docker.compose.service"}}';
  const result = await run(["docker", "ps", "-a", "--no-trunc", "--filter", `label=${COMPOSE_PROJECT_LABEL}=${project}`, "--format", format]);
  const out: Record<string, { id: string; name: string; running: boolean }> = {};
  for (const line of result.stdout.split("\n").filter(Boolean)) {
    const [id = "", name = "", state = "", service = ""] = line.split("\t");
    out[service] = { id, name, running: state === "running" };
  }
  return out;
}

/** The networks of a project. */
export async function projectNetworks(project: string): Promise<string[]> {
  const result = await run(["docker", "network", "ls", "--filter", `label=${COMPOSE_PROJECT_LABEL}=${project}`, "--format", "{{.Name}}"]);
  return result.stdout.split("\n").filter(Boolean);
}

/** Removes every container, network and volume labelled with this project (and nothing else). */
export async function removeProject(project: string): Promise<void> {
  const label = `label=${COMPOSE_PROJECT_LABEL}=${project}`;
  const ids = (await run(["docker", "ps", "-aq", "--filter", label])).stdout.split("\n").filter(Boolean);
  if (ids.length > 0) await run(["docker", "rm", "-f", "-v", ...ids]);
  const networks = (await run(["docker", "network", "ls", "-q", "--filter", label])).stdout.split("\n").filter(Boolean);
  if (networks.length > 0) await run(["docker", "network", "rm", ...networks]);
  const volumes = (await run(["docker", "volume", "ls", "-q", "--filter", label])).stdout.split("\n").filter(Boolean);
  if (volumes.length > 0) await run(["docker", "volume", "rm", "-f", ...volumes]);
}
