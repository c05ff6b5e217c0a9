/**
 * The compose file (fixtures/<case>/expected/docker-compose.yml) in the Compose Specification format: one service per active app and
 * service plus dusty's nginx. The spec's own compose keys pass through; the keys dusty owns win.
 */
import type { AssembledSpecs } from "./assemble.ts";
import { commandFileName } from "./command-files.ts";
import { mergeEnvironment, type EnvOverrides } from "./compile-env-vars.ts";
import { joinPosixPath } from "./compile-paths.ts";
import { translateV1Keys } from "./compose-v1.ts";
import type { PortPlan } from "./ports.ts";
import { managedRepoPath, parseRepo } from "./repos.ts";
import type { AppSpec } from "./specs.ts";

/** A compose file: top-level `services:` only, so docker-compose 1.29 and `docker compose` v2 both read it. */
export interface ComposeFile {
  services: Record<string, Record<string, unknown>>;
}

/** Host folders the containers mount. */
export interface HostPaths {
  /** The repos' copies that containers mount: `<reposDir>/<relPath>`. */
  reposDir: string;
  /** Command files: `<commandFilesDir>/<name>` is mounted at /command_files. */
  commandFilesDir: string;
  /** `dusty cp` staging: `<cpDir>/<name>` is mounted at /cp. */
  cpDir: string;
  /** Assets set with `dusty assets`, mounted read-only at /dusty_assets. */
  assetsDir: string;
  /** Where nginx.conf is written; mounted read-only into the nginx container. */
  nginxDir: string;
}

/** Options of `compileCompose`. */
export interface ComposeOptions {
  /** The host address published ports listen on; never all interfaces. */
  bindAddress: string;
  paths: HostPaths;
  /** Repo URL → its checkout on the host, to resolve relative `build:` paths (default: the managed clone). */
  repoPaths: Record<string, string>;
  nginxImage: string;
  /** `dusty env` overrides by app or service name. */
  envOverrides: Record<string, EnvOverrides>;
  /** Service name → hash of the mounted config compose cannot see (nginx.conf, an app's command file). */
  configHashes?: Record<string, string>;
}

/** The compose service name of dusty's nginx (the name validation reserves). */
export const NGINX_SERVICE = "dustyInternalNginx";
/** Where the nginx container sees `paths.nginxDir`. */
export const NGINX_CONFIG_MOUNT = "/etc/dusty-nginx";
/**
 * The label holding `configHashes[service]`. Compose recreates a container when its service definition
 * changes, but it cannot see inside mounted folders: the label makes a changed nginx.conf or command
 * file a change of the definition, so exactly those containers are recreated.
 */
export const CONFIG_HASH_LABEL = "dusty.config-hash";

/** Every service of the environment, keyed in sorted order. */
export function compileCompose(assembled: AssembledSpecs, plan: PortPlan, options: ComposeOptions): ComposeFile {
  const services: Record<string, Record<string, unknown>> = { [NGINX_SERVICE]: nginxService(plan, options) };
  const names = new Set([NGINX_SERVICE, ...Object.keys(assembled.apps), ...Object.keys(assembled.services)]);
  for (const [name, spec] of Object.entries(assembled.apps)) services[name] = appService(name, spec, assembled, plan, { ...options, names });
  for (const [name, spec] of Object.entries(assembled.services)) {
    const service: Record<string, unknown> = { ...withRunningLinks(translateV1Keys(spec, names), names), volumes: [...listOf(spec.volumes), `${options.paths.cpDir}/${name}:/cp`] };
    setEnvironment(service, options.envOverrides[name]);
    services[name] = service;
  }
  for (const [name, hash] of Object.entries(options.configHashes ?? {})) {
    const service = services[name];
    if (service) service.labels = withLabel(service.labels, CONFIG_HASH_LABEL, hash);
  }
  return { services: Object.fromEntries(Object.entries(services).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) };
}

function nginxService(plan: PortPlan, options: ComposeOptions): Record<string, unknown> {
  const service: Record<string, unknown> = {
    image: options.nginxImage,
    command: ["nginx", "-g", "daemon off;", "-c", `${NGINX_CONFIG_MOUNT}/nginx.conf`],
    volumes: [`${options.paths.nginxDir}:${NGINX_CONFIG_MOUNT}:ro`],
  };
  const ports = [...new Set(plan.routes.map((r) => r.hostPort))].sort((a, b) => a - b);
  if (ports.length > 0) service.ports = ports.map((p) => publishedPort(options.bindAddress, p, p));
  // Every host name resolves to nginx inside the environment too, so apps call each other by host name.
  const aliases = [...new Set(plan.hosts.map((h) => h.hostName))].sort();
  if (aliases.length > 0) service.networks = { default: { aliases } };
  return service;
}

function appService(
  name: string,
  spec: AppSpec,
  assembled: AssembledSpecs,
  plan: PortPlan,
  options: ComposeOptions & { names: ReadonlySet<string> },
): Record<string, unknown> {
  const { paths } = options;
  const service: Record<string, unknown> = { ...spec.compose };
  if (spec.build !== undefined) service.build = buildContext(spec, options.repoPaths);
  else if (spec.image !== undefined) service.image = spec.image;
  // tini as PID 1 forwards `docker stop`'s signal, so stops take milliseconds instead of the 10 s timeout.
  service.init = true;
  // An image's ENTRYPOINT would receive `sh /command_files/…` as its arguments instead of running it;
  // the original forces `[]` too, over the spec's own `compose.entrypoint` (validate warns about that).
  service.entrypoint = [];
  service.command = ["sh", `/command_files/${commandFileName(name)}`];
  service.user ??= "root";

  const links = [...spec.depends.services, ...spec.depends.apps, ...spec.conditional_links.apps, ...spec.conditional_links.services];
  // Conditional links count only when their target runs; names resolve on the compose network anyway.
  const dependsOn = [...new Set(links)].filter((n) => n !== name && (Object.hasOwn(assembled.apps, n) || Object.hasOwn(assembled.services, n)));
  if (dependsOn.length > 0) service.depends_on = dependsOn.sort();

  const mounts = [
    ...listOf(spec.compose.volumes),
    `${paths.cpDir}/${name}:/cp`,
    `${paths.commandFilesDir}/${name}:/command_files`,
    `${paths.assetsDir}:/dusty_assets:ro`,
  ];
  if (spec.repo !== "" && spec.mount !== "") mounts.push(`${paths.reposDir}/${parseRepo(spec.repo).relPath}:${spec.mount}`);
  for (const lib of assembled.appLibs[name] ?? []) {
    const libSpec = assembled.libs[lib];
    if (libSpec && libSpec.repo !== "" && libSpec.mount !== "") mounts.push(`${paths.reposDir}/${parseRepo(libSpec.repo).relPath}:${libSpec.mount}`);
  }
  service.volumes = [...new Set(mounts)];

  const forwarded = plan.apps[name] ?? [];
  if (forwarded.length > 0) service.ports = forwarded.map((f) => publishedPort(options.bindAddress, f.publishedPort, f.containerPort));
  setEnvironment(service, options.envOverrides[name]);
  // Last, so a v1 `dockerfile` joins the build context dusty has set.
  return withRunningLinks(translateV1Keys(service, options.names), options.names);
}

/** The service a compose link names: `db` of `db` or `db:alias`; undefined for a value that is not text. */
export function linkTarget(link: unknown): string | undefined {
  if (typeof link !== "string") return undefined;
  const colon = link.indexOf(":");
  return colon < 0 ? link : link.slice(0, colon);
}

// A spec's own `links` (kept for their aliases) may name a service that is not active: compose refuses
// a link to a service it does not define, so those are dropped (compile and up warn about each one).
function withRunningLinks(service: Record<string, unknown>, running: ReadonlySet<string>): Record<string, unknown> {
  if (!Array.isArray(service.links)) return service;
  const links = service.links.filter((link) => {
    const target = linkTarget(link);
    return target === undefined || running.has(target);
  });
  const { links: _, ...rest } = service;
  return links.length > 0 ? { ...rest, links } : rest;
}

/** An absolute `build:` as written; a relative one against the checkout of the app's repo. */
function buildContext(spec: AppSpec, repoPaths: Record<string, string>): string {
  const build = spec.build ?? "";
  if (build.startsWith("/") || spec.repo === "") return build;
  const checkout = Object.hasOwn(repoPaths, spec.repo) ? repoPaths[spec.repo] : undefined;
  return joinPosixPath(checkout ?? managedRepoPath(parseRepo(spec.repo)), build);
}

function publishedPort(bindAddress: string, hostPort: number, containerPort: number): string {
  // An IPv6 address needs brackets, or compose reads its colons as port separators.
  const address = bindAddress.includes(":") ? `[${bindAddress}]` : bindAddress;
  return `${address}:${hostPort}:${containerPort}`;
}

function setEnvironment(service: Record<string, unknown>, overrides: EnvOverrides | undefined): void {
  const environment = mergeEnvironment(service.environment, overrides);
  if (environment) service.environment = environment;
  else delete service.environment;
}

/** A spec's own `labels` (a map or a `key=value` list) with one label set. */
function withLabel(labels: unknown, key: string, value: string): unknown {
  if (Array.isArray(labels)) return [...labels.filter((l) => !String(l).startsWith(`${key}=`)), `${key}=${value}`];
  const map = labels !== null && typeof labels === "object" ? (labels as Record<string, unknown>) : {};
  return { ...map, [key]: value };
}

function listOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
