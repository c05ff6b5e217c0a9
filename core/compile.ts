/**
 * The compile half of `dusty up`: specs and options in, every artifact out, as text and data.
 * Deterministic: the same specs and options give byte-identical output.
 */
import { assembleSpecs, type AssembledSpecs } from "./assemble.ts";
import { commandFileName, compileCommandFiles, compileTestCommandFiles } from "./command-files.ts";
import type { EnvOverrides } from "./compile-env-vars.ts";
import { compileCompose, NGINX_SERVICE, type ComposeFile, type HostPaths } from "./compose.ts";
import { renderComposeYaml } from "./compose-yaml.ts";
import { hashText } from "./hash.ts";
import { renderHostsSection } from "./hosts.ts";
import { compileNginx, DEFAULT_NGINX_OPTIONS } from "./nginx.ts";
import { planPorts, type PortAssignments, type PortPlan } from "./ports.ts";
import type { Specs } from "./specs.ts";

export type { HostPaths } from "./compose.ts";

/** Everything a compile depends on besides the specs. */
export interface CompileOptions {
  /** Active bundles; [] means none. */
  bundles: string[];
  /** The address host names resolve to in /etc/hosts. */
  hostAddress: string;
  /** The address compose publishes ports on. */
  bindAddress: string;
  /** The first published port. */
  portBase: number;
  /** The published ports earlier `up`s gave (none: a fresh install); each app keeps its own. */
  previousPorts?: PortAssignments;
  paths: HostPaths;
  /** Repo URL → its checkout on the host (an override, or the managed clone), for relative `build:` paths. */
  repoPaths: Record<string, string>;
  nginxImage: string;
  /** `dusty env` overrides by app or service name. */
  envOverrides: Record<string, EnvOverrides>;
  /** The active closure of `bundles`, when the caller has assembled it already (`up` does, to check it first). */
  assembled?: AssembledSpecs;
}

/** Every artifact of one compile. */
export interface CompiledEnvironment {
  assembled: AssembledSpecs;
  ports: PortPlan;
  /** The hosts-file section, or "" when no host name is forwarded (the section is then removed). */
  hosts: string;
  nginx: string;
  compose: ComposeFile;
  composeYaml: string;
  /** Path under the commands dir → text: apps' main and script files, test files of active apps and libs with suites. */
  commandFiles: Record<string, string>;
}

/** The options of a native Linux install with nothing active. */
export function defaultCompileOptions(): CompileOptions {
  return {
    bundles: [],
    hostAddress: "127.0.0.1",
    bindAddress: "127.0.0.1",
    portBase: 65000,
    paths: {
      reposDir: "/var/lib/dusty/repos",
      commandFilesDir: "/etc/dusty/commands",
      cpDir: "/var/lib/dusty/cp",
      assetsDir: "/var/lib/dusty/assets",
      nginxDir: "/var/lib/dusty/nginx",
    },
    nginxImage: "nginx:1.27-alpine",
    repoPaths: {},
    envOverrides: {},
  };
}

/** Compiles the active bundles of `specs` into the hosts section, nginx.conf, compose file and command files. */
export function compileEnvironment(specs: Specs, options: CompileOptions): CompiledEnvironment {
  const assembled = options.assembled ?? assembleSpecs(specs, options.bundles);
  const ports = planPorts(assembled, { hostAddress: options.hostAddress, portBase: options.portBase, previous: options.previousPorts });
  // Test files of the active apps and libs that have suites too: `dusty test` then finds them in place.
  const tested = [...Object.entries(assembled.apps), ...Object.entries(assembled.libs)].filter(([, spec]) => spec.test.suites.length > 0);
  const testFiles = tested.map(([name]) => compileTestCommandFiles(specs, name));
  const commandFiles = Object.assign({}, compileCommandFiles(assembled), ...testFiles) as Record<string, string>;
  const nginx = compileNginx(ports, DEFAULT_NGINX_OPTIONS);
  // What a container reads at start but compose cannot see: nginx its config, an app its main command
  // file. Script and test files are read when they run, so a change to them needs no new container.
  const configHashes: Record<string, string> = { [NGINX_SERVICE]: hashText(nginx) };
  for (const app of Object.keys(assembled.apps)) configHashes[app] = hashText(commandFiles[`${app}/${commandFileName(app)}`] ?? "");
  const compose = compileCompose(assembled, ports, { ...options, configHashes });
  let composeYaml: string | undefined;
  return {
    assembled,
    ports,
    hosts: ports.hosts.length > 0 ? renderHostsSection(ports.hosts) : "",
    nginx,
    compose,
    // Rendered on first use: `compile --json` prints the compose object and never needs the text.
    get composeYaml() {
      return (composeYaml ??= renderComposeYaml(compose));
    },
    commandFiles: Object.fromEntries(Object.entries(commandFiles).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
  };
}
