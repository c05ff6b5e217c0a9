/**
 * Thin functions over the docker CLI (through run()), for what up, status, stop, restart, logs, cp and
 * disk need. The CLI rather than the Engine API: it already knows DOCKER_HOST, contexts and TLS, and
 * its errors are the ones users search for.
 */
import { UserError } from "./errors.ts";
import { CommandFailedError, formatArgv, run, type RunOptions, type RunResult } from "./run.ts";

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

/**
 * How long an engine call may take before dusty gives up on it. A hung engine accepts the connection and
 * never answers, so without a limit `status` or `up` would wait for ever. Queries (version, ps, inspect)
 * answer in well under a second on a healthy engine; work (compose up, pull, build) may take minutes.
 */
export interface EngineTimeouts {
  /** DUSTY_ENGINE_TIMEOUT_MS, default 30 s. */
  queryMs: number;
  /** DUSTY_COMPOSE_TIMEOUT_MS, default 30 min. */
  workMs: number;
}

const DEFAULT_QUERY_TIMEOUT_MS = 30_000;
const DEFAULT_WORK_TIMEOUT_MS = 30 * 60_000;
/** Where the docker CLI goes without DOCKER_HOST (and without a context, which dusty does not set). */
const DEFAULT_ENGINE = "unix:///var/run/docker.sock";

/** The limits from the daemon's environment. */
export function engineTimeouts(env: Record<string, string | undefined> = process.env): EngineTimeouts {
  const read = (value: string | undefined, fallback: number) => {
    const ms = Number(value);
    return value && Number.isFinite(ms) && ms > 0 ? ms : fallback;
  };
  return { queryMs: read(env.DUSTY_ENGINE_TIMEOUT_MS, DEFAULT_QUERY_TIMEOUT_MS), workMs: read(env.DUSTY_COMPOSE_TIMEOUT_MS, DEFAULT_WORK_TIMEOUT_MS) };
}

/** The engine the docker CLI talks to with `env`, as users set it: DOCKER_HOST, else the default socket. */
export function describeEngine(env: DockerEnv = {}): string {
  return env.DOCKER_HOST || process.env.DOCKER_HOST || DEFAULT_ENGINE;
}

/** An engine call ran past its limit; dusty stopped the program. The message names the engine and the fix. */
export class EngineTimeoutError extends UserError {
  override name = "EngineTimeoutError";
  readonly argv: string[];

  constructor(argv: readonly string[], options: { timeoutMs: number; env?: DockerEnv; work?: boolean; what?: string }) {
    const engine = describeEngine(options.env);
    const limit = formatDuration(options.timeoutMs);
    const variable = options.work ? "DUSTY_COMPOSE_TIMEOUT_MS" : "DUSTY_ENGINE_TIMEOUT_MS";
    const command = options.what ?? formatArgv(commandWords(argv));
    const what = options.work
      ? `\`${command}\` did not finish within ${limit} on the Docker Engine at ${engine}: dusty stopped it`
      : `The Docker Engine at ${engine} did not answer \`${command}\` within ${limit}: it seems hung, so dusty stopped waiting`;
    super(
      `${what}. Check it with \`docker info\`, restart it (\`sudo systemctl restart docker\`) or point DOCKER_HOST at a working engine; ` +
        `on a slow engine raise ${variable} in the daemon's environment`,
    );
    this.argv = [...argv];
  }
}

/** Options of runEngine: `run()`'s, and which limit applies. */
export interface EngineRunOptions extends RunOptions {
  /** Work that may take minutes (compose up, pull, build, rm): the long limit. Default: a query. */
  work?: boolean;
  /** How a timeout message names the command, e.g. "docker compose up" (default: its first words). */
  what?: string;
}

/**
 * Runs an engine command with its time limit; a timeout becomes an EngineTimeoutError. Everything else
 * is as `run()`.
 */
export async function runEngine(argv: string[], options: EngineRunOptions = {}): Promise<RunResult> {
  const { work, what, ...runOptions } = options;
  const limits = engineTimeouts();
  const timeoutMs = runOptions.timeoutMs ?? (work ? limits.workMs : limits.queryMs);
  try {
    return await run(argv, { ...runOptions, timeoutMs });
  } catch (error) {
    if (error instanceof CommandFailedError && error.timedOut) {
      throw new EngineTimeoutError(argv, { timeoutMs, env: runOptions.env as DockerEnv | undefined, work, what });
    }
    throw error;
  }
}

/** Like `runEngine()`, but a non-zero exit code rejects with a CommandFailedError. */
export async function runEngineChecked(argv: string[], options: EngineRunOptions = {}): Promise<RunResult> {
  const result = await runEngine(argv, options);
  if (result.exitCode !== 0) throw new CommandFailedError(result);
  return result;
}

/** `docker version`, `docker container inspect`: the words before the first flag, at most three. */
function commandWords(argv: readonly string[]): string[] {
  const end = argv.findIndex((arg) => arg.startsWith("-"));
  return argv.slice(0, Math.min(end === -1 ? argv.length : end, 3));
}

function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 120_000) return `${Math.round(ms / 100) / 10} s`;
  return `${Math.round(ms / 60_000)} min`;
}

/** Options for `docker logs`. */
export interface LogsOptions {
  follow?: boolean;
  timestamps?: boolean;
  tail?: number;
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

/** True when an image with this reference (or id) exists locally. */
export async function imageExists(ref: string, options: DockerOptions = {}): Promise<boolean> {
  return (await runEngine([DOCKER, "image", "inspect", "--format", "{{.Id}}", ref], { env: options.env })).exitCode === 0;
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
    id,
  ];
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
