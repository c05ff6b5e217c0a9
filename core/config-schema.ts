/**
 * The config file's schema (`/etc/dusty/config.yml`), the table `dusty config list` shows, and
 * `dusty config set`. Keys match the original Dusty's, so its config files load unchanged; the keys
 * after `changeset` belong to our drivers. Import it through core/config.ts, which adds the YAML side.
 */
import * as v from "valibot";
import { checkEndpointSyntax } from "./docker-engine.ts";
import { formatSuggestion } from "./validate-suggest.ts";

// null counts as absent, as in specs: `bundles:` with nothing after it is an empty list.
const stringList = v.nullish(v.array(v.string()), () => []);
const text = (fallback: string) => v.nullish(v.string(), fallback);
const absolutePath = v.pipe(
  v.string(),
  v.check((path) => path.startsWith("/"), (issue) => `expected an absolute path, got ${issue.received}`),
);
// The original's `setup` stored the memory size as an int; `config set` stores a string.
// docker_host takes the Docker CLI's own form; platform/ssh.ts parses it the same way.
// Neither user nor host may start with "-": ssh would read it as an option (-oProxyCommand=… runs a program as root).
const SSH_URL = /^ssh:\/\/(?:[^-@/:\s][^@/:\s]*@)?(?:\[[0-9a-fA-F:]+\]|[^-@/:\s[\]][^@/:\s[\]]*)(?::(?:6553[0-5]|655[0-2]\d|65[0-4]\d\d|6[0-4]\d{3}|[1-5]\d{4}|[1-9]\d{0,3}))?\/?$/;
// dusty's own folder on a remote host: every sync there deletes what the source lacks, so never `/`.
const remoteFolder = v.pipe(
  absolutePath,
  v.check((path) => path.replace(/\/+$/, "") !== "" && !path.split("/").includes(".."), (issue) => `expected a folder of dusty's own like /var/lib/dusty, got ${issue.received}`),
);
const megabytes = v.pipe(
  v.union([v.string(), v.number()]),
  v.transform(String),
  v.regex(/^[1-9]\d*$/, (issue) => `expected a whole number of megabytes, got ${issue.received}`),
);
// `config set` passes every value as text, so a number key also takes the digits as a string.
const portMessage = (issue: v.BaseIssue<unknown>) => `expected a whole number from 1024 to 65535, got ${issue.received}`;
const portNumber = v.pipe(
  v.union([v.number(), v.pipe(v.string(), v.regex(/^\d+$/), v.transform(Number))], portMessage),
  v.check((port) => Number.isInteger(port) && port >= 1024 && port <= 65535, portMessage),
);
// `dusty env set app PORT 80` stores "80", but a hand-edited file may hold the number 80.
const envValue = v.nullable(v.pipe(v.union([v.string(), v.number(), v.boolean()]), v.transform(String)));
const nonEmpty = (what: string) => v.pipe(v.string(), v.minLength(1, `expected ${what}, got an empty string`));
// An optional key written as `key:` or `key: null` (Python's None) reads as unset.
const optional = <T extends v.GenericSchema<unknown, string>>(schema: T) =>
  v.pipe(v.nullish(schema), v.transform((value) => value ?? undefined));

export const DOCKER_HOST_DRIVERS = ["native", "boot2docker", "docker-machine", "ssh"] as const;
export const COMPOSE_COMMANDS = ["auto", "docker-compose", "docker compose"] as const;

/** The schema of config.yml, with the defaults applied. */
export const DustyConfig = v.object({
  bundles: stringList,
  repo_overrides: v.nullish(v.record(v.string(), absolutePath), () => ({})),
  specs_repo: optional(nonEmpty("a repo URL or path")),
  setup_has_run: v.nullish(v.boolean(), false),
  mac_username: optional(nonEmpty("a user name")),
  vm_memory_size: v.nullish(megabytes, "2048"),
  dusty_env_overrides: v.nullish(v.record(v.string(), v.record(v.string(), envValue)), () => ({})),
  /** Test-image bookkeeping: `{testing_image: {<app or lib>: {<remote path>: <sha>}}}`; not shown by `config list`. */
  changeset: v.nullish(v.record(v.string(), v.unknown()), () => ({})),
  // Which driver runs Docker. The default depends on the machine (native on Linux), so cmd/ picks it.
  docker_host_driver: optional(v.picklist(DOCKER_HOST_DRIVERS, (issue) => `expected one of ${DOCKER_HOST_DRIVERS.join(", ")}, got ${issue.received}`)),
  // The native driver's engine, pinned: wins over the client's DOCKER_HOST and Docker context; "" unpins.
  docker_endpoint: v.pipe(
    v.nullish(v.string()),
    v.rawCheck(({ dataset, addIssue }) => {
      const problem = dataset.typed && dataset.value ? checkEndpointSyntax(dataset.value) : undefined;
      if (problem !== undefined) addIssue({ message: `expected a Docker endpoint (${problem}), got ${JSON.stringify(dataset.value)}` });
    }),
    v.transform((value) => value || undefined),
  ),
  compose_command: v.nullish(
    v.picklist(COMPOSE_COMMANDS, (issue) => `expected one of auto, docker-compose, "docker compose", got ${issue.received}`),
    "auto",
  ),
  compose_project: v.nullish(
    v.pipe(
      v.string(),
      v.regex(/^[a-z0-9][a-z0-9_-]*$/, (issue) => `expected lowercase letters, digits, - and _, got ${issue.received}`),
    ),
    "dusty",
  ),
  nginx_image: v.nullish(nonEmpty("an image name"), "nginx:1.27-alpine"),
  bind_address: v.nullish(v.pipe(v.string(), v.ip((issue) => `expected an IP address, got ${issue.received}`)), "127.0.0.1"),
  port_base: v.nullish(portNumber, 65000),
  socket_group: v.nullish(nonEmpty("a group name"), "dusty"),
  // The ssh driver (`docker_host_driver: ssh`): the Docker host on another machine.
  docker_host: optional(v.pipe(v.string(), v.regex(SSH_URL, (issue) => `expected ssh://USER@HOST or ssh://USER@HOST:PORT, got ${issue.received}`))),
  docker_host_ssh_config: optional(absolutePath),
  docker_host_address: optional(v.pipe(v.string(), v.ip((issue) => `expected an IP address, got ${issue.received}`))),
  docker_host_persist_dir: optional(remoteFolder),
  release_url: optional(v.pipe(v.string(), v.regex(/^https?:\/\/\S+$/, (issue) => `expected an http(s) URL, got ${issue.received}`))),
});
/** The config with defaults applied. Keys a newer dusty wrote are carried along unchanged (see parseConfig). */
export type DustyConfig = v.InferOutput<typeof DustyConfig>;
export type ConfigKey = keyof DustyConfig;

/** Every key of config.yml, in the order they are written. */
export const CONFIG_KEYS = Object.keys(DustyConfig.entries) as ConfigKey[];

/** One row of `dusty config list`. */
export interface ConfigSetting {
  key: ConfigKey;
  description: string;
  /** Whether `dusty config set` may set it: only single-value keys, as in the original. */
  settable: boolean;
  /** For the others: the command that changes them, for the error message. */
  changeWith?: string;
  /** For settable keys: when a new value is used, as `config set` says after setting it. */
  takesEffect?: string;
}

/** The user-facing keys, sorted by key as `config list` shows them (`changeset` is internal and hidden). */
export const CONFIG_SETTINGS: readonly ConfigSetting[] = [
  {
    key: "bind_address",
    description: "Address the nginx proxy listens on for your apps",
    settable: true,
    takesEffect: "it takes effect at the next `dusty up`, which publishes the ports on the new address",
  },
  { key: "bundles", description: "Bundles activated for `dusty up`", settable: false, changeWith: "dusty bundles activate / deactivate" },
  {
    key: "compose_command",
    description: 'How to run Compose: auto, docker-compose or "docker compose"',
    settable: true,
    takesEffect: "it takes effect with the next command that runs Compose (`dusty up`, `stop`, `restart`)",
  },
  {
    key: "compose_project",
    description: "Compose project name of the environment",
    settable: true,
    takesEffect: "it takes effect at the next `dusty up`, which starts the environment under the new name (it does not stop the old project's containers: `dusty stop --rm` does that, before the change)",
  },
  {
    key: "docker_endpoint",
    description: "Docker Engine the native driver uses (unix://, tcp:// or ssh://), over your DOCKER_HOST and Docker context",
    settable: true,
    takesEffect: 'it takes effect with the next command that uses Docker (`dusty config set docker_endpoint ""` unpins it; containers on the previous engine stay there: `dusty stop --rm` them first)',
  },
  {
    key: "docker_host",
    description: "The ssh driver's Docker host: ssh://USER@HOST[:PORT]",
    settable: true,
    takesEffect: "it takes effect with the next command that uses Docker",
  },
  {
    key: "docker_host_address",
    description: "Address the hosts file gives your apps' names with the ssh driver (default: docker_host's host, resolved)",
    settable: true,
    takesEffect: "it takes effect at the next `dusty up`, which rewrites the hosts section",
  },
  {
    key: "docker_host_driver",
    description: "Where Docker runs: native, boot2docker, docker-machine or ssh (another machine, see docker_host)",
    settable: true,
    takesEffect: "it takes effect with the next command that uses Docker",
  },
  {
    key: "docker_host_persist_dir",
    description: "dusty's folder on the ssh driver's host (default /var/lib/dusty)",
    settable: true,
    takesEffect: "it takes effect at the next `dusty up`, which syncs repos and files into the new folder (the old one stays)",
  },
  {
    key: "docker_host_ssh_config",
    description: "An ssh_config file for every ssh dusty runs to the Docker host (ssh -F)",
    settable: true,
    takesEffect: "it takes effect with the next command that uses Docker",
  },
  { key: "dusty_env_overrides", description: "Environment overrides per app or service", settable: false, changeWith: "dusty env set / unset" },
  {
    key: "mac_username",
    description: "User who owns the VM; VM, Docker and Compose commands run as this user",
    settable: true,
    takesEffect: "it takes effect with the next command that runs VM, Docker or Compose commands",
  },
  {
    key: "nginx_image",
    description: "Image of the nginx proxy container",
    settable: true,
    takesEffect: "it takes effect at the next `dusty up`, which recreates the nginx container",
  },
  {
    key: "port_base",
    description: "First host port forwarded to apps; later ones count up from it",
    settable: true,
    takesEffect: "it takes effect at the next `dusty up`, which publishes the apps' direct ports from the new base",
  },
  {
    key: "release_url",
    description: "Where `dusty upgrade` finds releases (DUSTY_RELEASE_URL overrides it)",
    settable: true,
    takesEffect: "it takes effect at the next `dusty upgrade`",
  },
  { key: "repo_overrides", description: "Repos for which your local copy is used instead of dusty's managed clone", settable: false, changeWith: "dusty repos override / manage" },
  { key: "setup_has_run", description: "Whether `dusty setup` has run", settable: false, changeWith: "dusty setup" },
  {
    key: "socket_group",
    description: "Group whose members may talk to the dusty daemon",
    settable: true,
    takesEffect: "it takes effect when the daemon next starts (`sudo dusty -d`, or restart its service)",
  },
  {
    key: "specs_repo",
    description: "Repo holding your specs, managed like other repos",
    settable: true,
    takesEffect: "it takes effect with the next command that reads the specs; `dusty repos update` clones a new repo",
  },
  {
    key: "vm_memory_size",
    description: "Memory of the Docker VM in MB",
    settable: true,
    takesEffect: "it takes effect when the Docker VM is next created",
  },
];

/** The config dusty starts from when there is no config file. */
export function defaultConfig(): DustyConfig {
  return v.parse(DustyConfig, {});
}

/** Applies `dusty config set <key> <value>`: the new config, or an error message for the user. */
export function setConfigValue(config: DustyConfig, key: string, value: string): { config: DustyConfig } | { error: string } {
  const setting = CONFIG_SETTINGS.find((s) => s.key === key);
  const settable = CONFIG_SETTINGS.filter((s) => s.settable).map((s) => s.key);
  if (!setting && (CONFIG_KEYS as string[]).includes(key)) return { error: `Cannot set "${key}": dusty manages it itself` };
  if (!setting) {
    return { error: `Unknown config key "${key}"${formatSuggestion(key, settable)}. Known keys: ${settable.join(", ")}` };
  }
  if (!setting.settable) {
    return { error: `Cannot set "${key}" with \`dusty config set\`: it is not a single value. Change it with \`${setting.changeWith}\`` };
  }
  const result = v.safeParse(DustyConfig.entries[setting.key], value);
  if (!result.success) return { error: `Cannot set ${key} to "${value}": ${describeIssue(result.issues[0])}` };
  return { config: { ...config, [setting.key]: result.output } };
}

/** A valibot issue as a short phrase: our messages as written, valibot's own as "expected X, got Y". */
export function describeIssue(issue: v.BaseIssue<unknown>): string {
  // valibot's default messages all read "Invalid type: Expected … but received …".
  return issue.message.startsWith("Invalid ") ? `expected ${issue.expected}, got ${issue.received}` : issue.message;
}
