/**
 * Thin functions over the docker CLI (through run()), for what up, status, stop, restart, logs, cp and
 * disk need. The CLI rather than the Engine API: it already knows DOCKER_HOST, contexts and TLS, and
 * its errors are the ones users search for.
 */
import { runEngine, runEngineChecked } from "./engine-run.ts";
import { CommandFailedError, run, type RunOptions, type RunResult } from "./run.ts";

/** The docker CLI, found on PATH. */
export const DOCKER = "docker";
/** The label docker-compose (v1 and v2) puts on its containers to name their project. */
export const COMPOSE_PROJECT_LABEL = "com.docker.compose.project";
/** The label docker-compose (v1 and v2) puts on its containers to name their service. */
export const COMPOSE_SERVICE_LABEL = "com.docker.compose.service";

/** Which containers `containerIds()` lists. */
export interface ContainerFilter {
  /** Include stopped containers too (`docker ps -a`). */
  all?: boolean;
  /** `true` matches any value of the label. */
  labels?: Record<string, string | true>;
  /** Matches names that contain this text (docker's own rule). */
  name?: string;
}

/** One published port of a container. */
export interface PublishedPort {
  /** Like "80/tcp". */
  containerPort: string;
  hostIp: string;
  hostPort: number;
}

/** What dusty needs to know about one container. */
export interface ContainerInfo {
  id: string;
  /** Without docker's leading "/". */
  name: string;
  /** The image as the container was created with it, e.g. "dusty-example/busybox:latest". */
  image: string;
  /** created, running, paused, restarting, removing, exited or dead. */
  state: string;
  running: boolean;
  exitCode: number;
  labels: Record<string, string>;
  composeProject?: string;
  composeService?: string;
  ports: PublishedPort[];
  createdAt: string;
}

/** One row of `docker system df`. */
export interface DiskUsageRow {
  /** Images, Containers, Local Volumes or Build Cache. */
  type: string;
  total: number;
  active: number;
  /** As docker prints it, e.g. "13.95MB". */
  size: string;
  /** As docker prints it, e.g. "13.95MB (100%)". */
  reclaimable: string;
}

/**
 * The variables that point the docker CLI at the engine (`DockerHost.dockerEnv()`: DOCKER_HOST,
 * DOCKER_CERT_PATH, DOCKER_TLS_VERIFY on a VM; {} for this machine's engine).
 */
export type DockerEnv = Record<string, string>;

/** What every function here takes last: which engine to talk to. */
export interface DockerOptions {
  /** Merged over the daemon's environment for the docker CLI (default: none, the local engine). */
  env?: DockerEnv;
}

/** Options for `docker logs`. */
export interface LogsOptions {
  follow?: boolean;
  timestamps?: boolean;
  tail?: number;
  /** Only lines from this time on: a timestamp (RFC 3339, Unix seconds) or a duration such as "10m", as docker takes it. */
  since?: string;
}

/** True when a Docker Engine answers the CLI. */
export async function dockerAvailable(options: DockerOptions = {}): Promise<boolean> {
  try {
    return (await runEngine([DOCKER, "version", "--format", "{{.Server.Version}}"], { env: options.env })).exitCode === 0;
  } catch {
    return false; // no docker CLI at all
  }
}

/** The Engine's version, e.g. "20.10.24+dfsg1"; throws CommandFailedError when no engine answers. */
export async function dockerServerVersion(options: DockerOptions = {}): Promise<string> {
  return (await runEngineChecked([DOCKER, "version", "--format", "{{.Server.Version}}"], { env: options.env })).stdout.trim();
}

/** The id (`sha256:…`) of a local image, or undefined when there is none: the one image lookup. Never pulls. */
export async function localImageId(ref: string, options: DockerOptions = {}): Promise<string | undefined> {
  const result = await runEngine([DOCKER, "image", "inspect", "--format", "{{.Id}}", ref], { env: options.env });
  return result.exitCode === 0 ? result.stdout.trim() : undefined;
}

/** True when an image with this reference (or id) exists locally. */
export async function imageExists(ref: string, options: DockerOptions = {}): Promise<boolean> {
  return (await localImageId(ref, options)) !== undefined;
}

/** Ids of the images any container uses, running or not, of any project. */
export async function usedImageIds(options: DockerOptions = {}): Promise<Set<string>> {
  const ids = await containerIds({ all: true }, options);
  if (ids.length === 0) return new Set();
  // A container removed meanwhile makes inspect exit 1 while printing the rest: the rest is what counts.
  const result = await runEngine([DOCKER, "container", "inspect", "--format", "{{.Image}}", ...ids], { env: options.env });
  return new Set(result.stdout.split("\n").map((line) => line.trim()).filter((line) => line.startsWith("sha256:")));
}

/** Ids (full length) of the containers that match, newest first. */
export async function containerIds(filter: ContainerFilter = {}, options: DockerOptions = {}): Promise<string[]> {
  const argv = [DOCKER, "ps", "--quiet", "--no-trunc"];
  if (filter.all) argv.push("--all");
  for (const [key, value] of Object.entries(filter.labels ?? {})) {
    argv.push("--filter", value === true ? `label=${key}` : `label=${key}=${value}`);
  }
  if (filter.name !== undefined) argv.push("--filter", `name=${filter.name}`);
  return splitLines((await runEngineChecked(argv, { env: options.env })).stdout);
}

/** Details of the given containers, in the same order; containers that vanished meanwhile are left out. */
export async function inspectContainers(ids: readonly string[], options: DockerOptions = {}): Promise<ContainerInfo[]> {
  if (ids.length === 0) return [];
  return parseInspectOutput(await runEngine([DOCKER, "container", "inspect", ...ids], { env: options.env })).map(toContainerInfo);
}

/** `containerIds()` and `inspectContainers()` in one call. */
export async function listContainers(filter: ContainerFilter = {}, options: DockerOptions = {}): Promise<ContainerInfo[]> {
  return inspectContainers(await containerIds(filter, options), options);
}

/** Every container of a compose project, stopped ones included. */
export async function composeProjectContainers(project: string, options: DockerOptions = {}): Promise<ContainerInfo[]> {
  return listContainers({ all: true, labels: { [COMPOSE_PROJECT_LABEL]: project } }, options);
}

/** Stops containers by id (`docker stop`), giving each `timeoutSeconds` before it is killed. */
export async function stopContainers(ids: readonly string[], options: DockerOptions & { timeoutSeconds?: number; signal?: AbortSignal } = {}): Promise<void> {
  if (ids.length === 0) return;
  await runEngine([DOCKER, "stop", "--time", String(options.timeoutSeconds ?? 1), ...ids], { signal: options.signal, env: options.env, work: true });
}

/** Removes the networks compose made for `project` (what `compose down` would remove). */
export async function removeProjectNetworks(project: string, options: DockerOptions = {}): Promise<void> {
  const networks = await runEngine([DOCKER, "network", "ls", "--quiet", "--filter", `label=${COMPOSE_PROJECT_LABEL}=${project}`], { env: options.env });
  const ids = networks.stdout.split("\n").filter((line) => line.trim() !== "");
  if (ids.length > 0) await runEngine([DOCKER, "network", "rm", ...ids], { env: options.env, work: true });
}

/** Removes containers by id, running or not (`docker rm -f`), with their anonymous volumes when asked. */
export async function removeContainers(ids: readonly string[], options: DockerOptions & { volumes?: boolean } = {}): Promise<void> {
  if (ids.length === 0) return;
  await runEngineChecked([DOCKER, "rm", "--force", ...(options.volumes ? ["--volumes"] : []), ...ids], { env: options.env, work: true });
}

/** Restarts one container, giving it `timeoutSeconds` to stop before it is killed. */
export async function restartContainer(id: string, options: DockerOptions & { timeoutSeconds?: number } = {}): Promise<void> {
  await runEngineChecked([DOCKER, "restart", "--time", String(options.timeoutSeconds ?? 1), id], { env: options.env, work: true });
}

/** Runs a program inside a running container; resolves whatever its exit code, like `run()` (whose `env` picks the engine). */
export function execInContainer(id: string, command: readonly string[], options: RunOptions & { user?: string } = {}): Promise<RunResult> {
  const { user, ...runOptions } = options;
  const flags = [...(runOptions.input !== undefined ? ["--interactive"] : []), ...(user ? ["--user", user] : [])];
  // No engine limit: the program in the container (a test suite, a script) may rightly run for hours.
  return run([DOCKER, "exec", ...flags, id, ...command], runOptions);
}

/** Copies a local file or folder into a container (`docker cp`, which works on stopped containers too). */
export async function copyToContainer(localPath: string, id: string, containerPath: string, options: DockerOptions = {}): Promise<void> {
  await runEngineChecked([DOCKER, "cp", localPath, `${id}:${containerPath}`], { env: options.env, work: true });
}

/** Copies a file or folder out of a container (`docker cp`). */
export async function copyFromContainer(id: string, containerPath: string, localPath: string, options: DockerOptions = {}): Promise<void> {
  await runEngineChecked([DOCKER, "cp", `${id}:${containerPath}`, localPath], { env: options.env, work: true });
}

/** The argv of `docker logs`, for the client to run with its own stdout (or through `run()` with onLine). */
export function dockerLogsArgv(id: string, options: LogsOptions = {}): string[] {
  return [
    DOCKER, "logs",
    ...(options.follow ? ["--follow"] : []),
    ...(options.timestamps ? ["--timestamps"] : []),
    ...(options.tail !== undefined ? [`--tail=${options.tail}`] : []),
    ...(options.since !== undefined ? [`--since=${options.since}`] : []),
    id,
  ];
}

/** When a container last stopped, in the engine's clock (RFC 3339 with nanoseconds); undefined when docker cannot tell. */
export async function containerFinishedAt(id: string, options: DockerOptions = {}): Promise<string | undefined> {
  const result = await run([DOCKER, "inspect", "--format", "{{.State.FinishedAt}}", id], { env: options.env });
  const at = result.stdout.trim();
  return result.exitCode === 0 && at !== "" && !at.startsWith("0001-") ? at : undefined;
}

/**
 * Resolves once the container of that name starts (or has started since `since`, in the engine's
 * clock, so a start between two questions is not missed): `docker events`, no polling. Rejects when
 * the signal aborts or docker events fails.
 */
export async function waitForContainerStart(name: string, options: DockerOptions & { since: string; signal?: AbortSignal }): Promise<void> {
  const seen = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, seen.signal]) : seen.signal;
  const argv = [DOCKER, "events", "--filter", `container=${name}`, "--filter", "event=start", "--since", options.since, "--format", "{{.ID}}"];
  try {
    const result = await run(argv, { env: options.env, signal, onLine: (line, stream) => stream === "stdout" && line.trim() !== "" && seen.abort() });
    throw new CommandFailedError(result);
  } catch (error) {
    if (seen.signal.aborted && !options.signal?.aborted) return;
    throw error;
  }
}

/** What images, containers, volumes and build cache take on the engine's disk (`docker system df`). */
export async function dockerDiskUsage(options: DockerOptions = {}): Promise<DiskUsageRow[]> {
  const result = await runEngineChecked([DOCKER, "system", "df", "--format", "{{json .}}"], { env: options.env, work: true });
  return splitLines(result.stdout).map((line) => {
    const row = JSON.parse(line) as Record<string, string>;
    return {
      type: row.Type ?? "",
      total: Number(row.TotalCount ?? 0),
      active: Number(row.Active ?? 0),
      size: row.Size ?? "",
      reclaimable: row.Reclaimable ?? "",
    };
  });
}

/** Ids of dangling images (untagged and unused as parents), for `disk cleanup_images`. */
export async function danglingImageIds(options: DockerOptions = {}): Promise<string[]> {
  return splitLines((await runEngineChecked([DOCKER, "images", "--quiet", "--no-trunc", "--filter", "dangling=true"], { env: options.env })).stdout);
}

/** Removes one image by id or reference, without force: an image a container uses stays. Resolves with the result, as failures are only reported. */
export function removeImage(ref: string, options: DockerOptions = {}): Promise<RunResult> {
  return runEngine([DOCKER, "rmi", ref], { env: options.env, work: true });
}

/**
 * The address of the host on a docker network, as its containers reach it. The default bridge often
 * lists no gateway, and docker gives the bridge the subnet's first address, so that is the fallback.
 */
export async function networkGateway(network = "bridge", options: DockerOptions = {}): Promise<string> {
  const result = await runEngineChecked([DOCKER, "network", "inspect", "--format", "{{json .IPAM.Config}}", network], { env: options.env });
  const configs = (JSON.parse(result.stdout) ?? []) as { Subnet?: string; Gateway?: string }[];
  const ipv4 = configs.find((c) => c.Subnet && /^\d+\.\d+\.\d+\.\d+\/\d+$/.test(c.Subnet));
  if (ipv4?.Gateway) return ipv4.Gateway;
  if (!ipv4?.Subnet) throw new Error(`Cannot find the gateway of docker network "${network}": it has no IPv4 subnet`);
  const [a, b, c, d] = ipv4.Subnet.split("/")[0]!.split(".").map(Number) as [number, number, number, number];
  const first = ((((a << 24) | (b << 16) | (c << 8) | d) >>> 0) + 1) >>> 0;
  return [first >>> 24, (first >>> 16) & 255, (first >>> 8) & 255, first & 255].join(".");
}

/** The parts of `docker container inspect` output that dusty reads. */
interface RawContainer {
  Id: string;
  Name?: string;
  Created?: string;
  State?: { Status?: string; Running?: boolean; ExitCode?: number };
  Config?: { Image?: string; Labels?: Record<string, string> | null };
  NetworkSettings?: { Ports?: Record<string, { HostIp: string; HostPort: string }[] | null> | null };
}

function parseInspectOutput(result: RunResult): RawContainer[] {
  // docker prints the containers it found and exits 1 when some id is gone: only that is not a failure.
  const otherErrors = result.stderr.split("\n").filter((line) => line.trim() && !/no such (object|container)/i.test(line));
  if (result.exitCode !== 0 && otherErrors.length > 0) throw new CommandFailedError(result);
  const text = result.stdout.trim();
  return text.startsWith("[") ? (JSON.parse(text) as RawContainer[]) : [];
}

function toContainerInfo(raw: RawContainer): ContainerInfo {
  const labels = raw.Config?.Labels ?? {};
  const ports: PublishedPort[] = [];
  for (const [containerPort, bindings] of Object.entries(raw.NetworkSettings?.Ports ?? {})) {
    for (const binding of bindings ?? []) ports.push({ containerPort, hostIp: binding.HostIp, hostPort: Number(binding.HostPort) });
  }
  return {
    id: raw.Id,
    name: (raw.Name ?? "").replace(/^\//, ""),
    image: raw.Config?.Image ?? "",
    state: raw.State?.Status ?? "unknown",
    running: raw.State?.Running === true,
    exitCode: raw.State?.ExitCode ?? 0,
    labels,
    composeProject: labels[COMPOSE_PROJECT_LABEL],
    composeService: labels[COMPOSE_SERVICE_LABEL],
    ports,
    createdAt: raw.Created ?? "",
  };
}

function splitLines(text: string): string[] {
  return text.split("\n").map((line) => line.trim()).filter((line) => line !== "");
}
