/**
 * Which Docker Engine the native driver talks to. A root daemon does not see the user's DOCKER_HOST or
 * Docker context (Docker Desktop, OrbStack and colima are reached only through them), so the client
 * sends the engine it would use itself (`ClientEngine`, resolved by platform/docker-context.ts) with each
 * command that reaches the engine, and the config key `docker_endpoint` can pin one over it.
 * No imports: the client loads this file with every such command.
 */
import type { CommandName } from "./commands.ts";

/** Where the client's choice came from, in the docker CLI's order: DOCKER_HOST over DOCKER_CONTEXT over config.json. */
export type ClientEngineSource = "DOCKER_HOST" | "DOCKER_CONTEXT" | "currentContext";

/** The engine the client would use, as plain data on the wire (`dockerEngine` in core/command-args.ts). */
export interface ClientEngine {
  source: ClientEngineSource;
  /** The context's name (DOCKER_CONTEXT or config.json's currentContext). */
  context?: string;
  /** The endpoint: DOCKER_HOST, or the context's Endpoints.docker.Host; absent for the "default" context. */
  host?: string;
  /** The TLS material folder (ca.pem, cert.pem, key.pem): the context's, or DOCKER_CERT_PATH. */
  certPath?: string;
  /** Verify the engine's certificate (DOCKER_TLS_VERIFY; a context's `SkipTLSVerify: false`). */
  tlsVerify?: boolean;
  /** Why the named context cannot be used (no such context, unreadable meta.json): the daemon refuses with it. */
  problem?: string;
  /** For an ssh:// endpoint: the client's ~/.ssh/known_hosts, the host keys its own docker's ssh would trust. */
  knownHostsFile?: string;
}

/** The commands that reach the engine: the client sends its ClientEngine with these (a test checks the schemas agree). */
export const ENGINE_COMMANDS: readonly CommandName[] = [
  "dump",
  "doctor",
  "shutdown",
  "up",
  "stop",
  "restart",
  "sync",
  "watch",
  "status",
  "containers.find",
  "scripts",
  "cp",
  "disk.inspect",
  "disk.cleanup_containers",
  "disk.cleanup_images",
  "disk.backup",
  "disk.restore",
  "test",
];

/** The engine the daemon uses and why: `host` undefined means the daemon's own default (its DOCKER_HOST, else the default socket). */
export interface EngineChoice {
  host?: string;
  certPath?: string;
  tlsVerify?: boolean;
  /** How the choice was made, for `status`, `dump` and error messages. */
  source: "config" | ClientEngineSource | "default";
  context?: string;
  /** The client's context could not be resolved: using the engine must fail with this. */
  problem?: string;
  /** For an ssh:// endpoint: the client's known_hosts file (ClientEngine.knownHostsFile). */
  knownHostsFile?: string;
}

/** The config key that pins the engine. */
export const ENGINE_CONFIG_KEY = "docker_endpoint";

/** The pinned endpoint wins; then what the client sent; else the daemon's default. */
export function chooseEngine(options: { pinned?: string; client?: ClientEngine }): EngineChoice {
  if (options.pinned) return { host: options.pinned, source: "config" };
  const client = options.client;
  if (!client) return { source: "default" };
  const { source, context, host, certPath, tlsVerify, problem, knownHostsFile } = client;
  return {
    source,
    ...(context !== undefined && { context }),
    ...(host && { host }),
    ...(certPath && { certPath }),
    ...(tlsVerify && { tlsVerify }),
    ...(problem && { problem }),
    ...(knownHostsFile && { knownHostsFile }),
  };
}

/** Where the choice came from, in words: "your Docker context \"orbstack\" (DOCKER_CONTEXT)". */
export function describeEngineSource(choice: EngineChoice, daemonDockerHost?: string): string {
  switch (choice.source) {
    case "config":
      return `the config key ${ENGINE_CONFIG_KEY}`;
    case "DOCKER_HOST":
      return "your DOCKER_HOST";
    case "DOCKER_CONTEXT":
      return `your Docker context "${choice.context}" (DOCKER_CONTEXT)`;
    case "currentContext":
      return `your Docker context "${choice.context}" (\`docker context use\`)`;
    case "default":
      return daemonDockerHost ? "the daemon's DOCKER_HOST" : "the default socket";
  }
}

/** What fixes a wrong choice, said where the choice came from. */
export function engineFix(choice: EngineChoice): string {
  switch (choice.source) {
    case "config":
      return `start that engine, or change the pin with \`dusty config set ${ENGINE_CONFIG_KEY} <unix:// or tcp:// endpoint>\``;
    case "DOCKER_HOST":
      return "start that engine, or point DOCKER_HOST at a running one (or unset it)";
    case "DOCKER_CONTEXT":
      return "start that engine, or set DOCKER_CONTEXT to a working context (`docker context ls`), or unset it";
    case "currentContext":
      return "start that engine, or switch to a working context with `docker context use NAME` (`docker context ls` lists them)";
    case "default":
      return "start it (`sudo systemctl start docker`), or point DOCKER_HOST or your Docker context at a running engine";
  }
}

const SOCKET_PATH = /^\/[^\0-\x1f\x7f]*$/;
// A host name or IPv4 address (starting with a letter or digit, so it can never read as an ssh option), or [IPv6].
const HOST = "(?:[A-Za-z0-9][A-Za-z0-9.-]*|\\[[0-9A-Fa-f:.]+\\])";
const TCP = new RegExp(`^tcp://${HOST}(?::(\\d{1,5}))?/?$`);
const SSH = new RegExp(`^ssh://(?:[A-Za-z0-9_][A-Za-z0-9._-]*@)?${HOST}(?::(\\d{1,5}))?$`);

/**
 * Why `endpoint` cannot be used as DOCKER_HOST of a root daemon's docker and compose, or undefined.
 * Only unix://, tcp:// and ssh:// (left to the docker CLI); the value reaches the environment of root
 * processes, so anything else (npipe://, fd://, options, spaces, control characters) is refused.
 */
export function checkEndpointSyntax(endpoint: string): string | undefined {
  if (endpoint.startsWith("unix://")) {
    const path = endpoint.slice("unix://".length);
    return SOCKET_PATH.test(path) ? undefined : "a unix:// endpoint needs an absolute socket path, as in unix:///var/run/docker.sock";
  }
  const port = TCP.exec(endpoint)?.[1] ?? SSH.exec(endpoint)?.[1];
  if (TCP.test(endpoint) || SSH.test(endpoint)) {
    return port === undefined || (Number(port) >= 1 && Number(port) <= 65535) ? undefined : `port ${port} is not between 1 and 65535`;
  }
  if (/^(tcp|ssh):\/\//.test(endpoint)) return "expected tcp://HOST[:PORT] or ssh://[USER@]HOST[:PORT], with a plain host name or address";
  return "dusty uses only unix://PATH, tcp://HOST[:PORT] and ssh://[USER@]HOST[:PORT] endpoints";
}

const ENDPOINT_HOST = /^(?:tcp|ssh):\/\/(?:[^@/]*@)?(\[[^\]/]+\]|[^:/[\]]+)/;

/** The host name or address of a tcp:// or ssh:// endpoint (an IPv6 one without brackets); undefined for unix:// and the default. */
export function endpointHostName(endpoint: string | undefined): string | undefined {
  const host = endpoint === undefined ? undefined : ENDPOINT_HOST.exec(endpoint)?.[1];
  return host?.replace(/^\[|\]$/g, "");
}
