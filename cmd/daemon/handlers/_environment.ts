/**
 * The running environment as every container command sees it: which Docker host, which compose
 * project and file, and how to find a spec's container. One place, so `up`, `stop`, `logs`, `cp` and
 * `test` can never disagree about names.
 */
import { dirname, join } from "node:path";
import { NGINX_SERVICE } from "../../../core/compose.ts";
import { COMPOSE_SERVICE_LABEL, COMPOSE_PROJECT_LABEL, listContainers, type ContainerInfo, type DockerOptions } from "../../../platform/docker.ts";
import { formatSuggestion } from "../../../core/validate-suggest.ts";
import { UserError } from "../../../platform/errors.ts";
import { selectDriver, type DockerHost } from "../../../platform/vm/index.ts";
import { composeFor } from "../../../platform/compose.ts";
import { runComposeOn, type ComposeRunOptions } from "../../../platform/compose-run.ts";
import type { Locations } from "../../../platform/locations.ts";
import { CommandFailedError } from "../../../platform/run.ts";
import { engineChoiceFor } from "./_engine.ts";
import type { DaemonState } from "./_state.ts";
import type { CommandContext } from "./_types.ts";

/** What a command adds to the config when it reaches the Docker host. */
export interface DockerHostAccess {
  /** The client's SSH agent (checked by platform/agent-socket.ts), for an ssh host whose key is in it; default the one the request carried. */
  sshAuthSock?: string;
}

/** The Docker host driver the config asks for; native on Linux unless set otherwise. */
export function dockerHostFor(state: DaemonState, access: DockerHostAccess = {}): DockerHost {
  const { config, locations } = state;
  const name = config.docker_host_driver ?? (process.platform === "darwin" ? "docker-machine" : "native");
  return selectDriver(name, {
    persistDir: locations.persistDir,
    bindAddress: config.bind_address,
    engine: engineChoiceFor(state),
    caller: state.caller ?? null,
    engineSsh: { controlDir: sshControlDir(state.locations), sshAuthSock: access.sshAuthSock ?? state.sshAuthSock },
    user: config.mac_username,
    memoryMb: config.vm_memory_size,
    ssh: {
      dockerHost: config.docker_host,
      sshConfigFile: config.docker_host_ssh_config,
      hostAddress: config.docker_host_address,
      remotePersistDir: config.docker_host_persist_dir,
      controlDir: sshControlDir(locations),
      env: sshEnv(access.sshAuthSock ?? state.sshAuthSock),
    },
  });
}

/**
 * ssh gets the client's agent (or none): never the daemon's own SSH_AUTH_SOCK, which belongs to whoever
 * started the daemon, not to the user asking.
 */
function sshEnv(sshAuthSock: string | undefined): Record<string, string | undefined> {
  return { SSH_AUTH_SOCK: sshAuthSock };
}

/**
 * Where the ssh connections keep their control sockets and forwarded engine sockets: beside the daemon's
 * socket, in a folder the daemon checked at start (root's, not writable by others), made 0700 by platform/ssh.ts.
 */
export function sshControlDir(locations: Pick<Locations, "socketPath">): string {
  return join(dirname(locations.socketPath), "ssh");
}

/** Where `up` keeps the compose file it last started. */
export function composeFilePath(state: DaemonState): string {
  return join(state.locations.composeDir, "docker-compose.yml");
}

/** The compose project of this environment (config `compose_project`, default "dusty"). */
export function composeProject(state: DaemonState): string {
  return state.config.compose_project;
}

/** The compose service name of a spec; nginx answers to "nginx" too, as in Dusty 0.4. */
export function serviceNameFor(name: string): string {
  return name === "nginx" ? NGINX_SERVICE : name;
}

/**
 * The containers of one compose service of this environment, running or not, newest first. Without
 * `options.env` it asks the Docker host for its environment (a program run on a VM driver).
 */
export async function serviceContainers(state: DaemonState, name: string, options: DockerOptions = {}): Promise<ContainerInfo[]> {
  const env = options.env ?? (await dockerHostFor(state).dockerEnv());
  const labels = { [COMPOSE_PROJECT_LABEL]: composeProject(state), [COMPOSE_SERVICE_LABEL]: serviceNameFor(name) };
  const containers = await listContainers({ all: true, labels }, { env });
  return containers.sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1));
}

/** The running container of a spec, or a UserError that says how to start it. */
export async function runningContainer(state: DaemonState, name: string, options: DockerOptions = {}): Promise<ContainerInfo> {
  const running = (await serviceContainers(state, name, options)).find((c) => c.running);
  if (running) return running;
  // A misspelt name reads as "not running": the project's own containers say what was meant.
  const known = (await listContainers({ all: true, labels: { [COMPOSE_PROJECT_LABEL]: composeProject(state) } }, options))
    .map((c) => c.labels[COMPOSE_SERVICE_LABEL] ?? "")
    .map((service) => (service === NGINX_SERVICE ? "nginx" : service));
  const hint = known.includes(name) ? "" : formatSuggestion(name, new Set(known));
  throw new UserError(`No running container found for ${name}${hint}: start it with \`dusty up\` (or \`dusty restart ${name}\`)`);
}

/** How to run Compose on the environment: its project, its project folder, the Docker host's engine. */
export async function environmentCompose(
  ctx: Pick<CommandContext, "log" | "signal">,
  state: DaemonState,
  host: DockerHost,
  file = composeFilePath(state),
): Promise<ComposeRunOptions> {
  const compose = await composeFor(state.config.compose_command);
  return { compose, file, project: composeProject(state), projectDir: state.locations.composeDir, env: await host.dockerEnv(), signal: ctx.signal, log: ctx.log };
}

/** Runs `compose <sub…>` on the current compose file (`stop`, recovery); a non-zero exit throws a CommandFailedError. */
export async function runCompose(ctx: Pick<CommandContext, "log" | "signal" | "drained">, state: DaemonState, host: DockerHost, sub: string[]): Promise<void> {
  const result = await runComposeOn(sub, { ...(await environmentCompose(ctx, state, host)), drained: ctx.drained });
  if (result.exitCode !== 0) throw new CommandFailedError(result);
}
