import { expect, test } from "bun:test";
import { formatDiagnostic } from "./diagnostics.ts";
import {
  CONFIG_KEYS,
  CONFIG_SETTINGS,
  defaultConfig,
  parseConfig,
  renderConfig,
  setConfigValue,
  type ConfigParseResult,
  type DustyConfig,
} from "./config.ts";

const FILE = "/etc/dusty/config.yml";

function configOf(result: ConfigParseResult): DustyConfig {
  if (!("config" in result)) throw new Error(result.diagnostics.map(formatDiagnostic).join("\n"));
  return result.config;
}

function problemsOf(result: ConfigParseResult): string[] {
  return ("config" in result ? result.warnings : result.diagnostics).map(formatDiagnostic);
}

test("parseConfig() reads an empty file as the defaults", () => {
  expect(parseConfig("", FILE)).toEqual({ config: defaultConfig(), warnings: [] });
});

test("parseConfig() reads a config written by the original Dusty", () => {
  const original = [
    "bundles: [site, api]",
    "dusty_env_overrides:",
    "  web: {DEBUG: '1', EMPTY: null}",
    "mac_username: alice",
    "repo_overrides: {github.com/acme/web: /Users/alice/web}",
    "setup_has_run: true",
    "specs_repo: github.com/acme/specs",
    "vm_memory_size: 4096", // 0.4's setup stored an int
    "changeset:",
    "  testing_image: {web: {github.com/acme/web: abc123}}",
    "",
  ].join("\n");
  const config = configOf(parseConfig(original, FILE));
  expect(config).toMatchObject({
    bundles: ["site", "api"],
    dusty_env_overrides: { web: { DEBUG: "1", EMPTY: null } },
    mac_username: "alice",
    repo_overrides: { "github.com/acme/web": "/Users/alice/web" },
    setup_has_run: true,
    specs_repo: "github.com/acme/specs",
    vm_memory_size: "4096",
    changeset: { testing_image: { web: { "github.com/acme/web": "abc123" } } },
    compose_command: "auto",
    port_base: 65000,
  });
  expect(config.docker_host_driver).toBeUndefined();
});

test("parseConfig() treats empty and null values as unset", () => {
  const config = configOf(parseConfig("bundles:\nspecs_repo:\nmac_username: null\nport_base: ~\n", FILE));
  expect([config.bundles, config.specs_repo, config.mac_username, config.port_base]).toEqual([[], undefined, undefined, 65000]);
});

test("parseConfig() reports every bad value at its line and column", () => {
  const text = [
    "repo_overrides: {github.com/x/y: rel/path}",
    "port_base: 80",
    "bind_address: 1.2.3",
    "compose_command: podman",
    "bundles: [1]",
    "vm_memory_size: 4g",
    "",
  ].join("\n");
  expect(problemsOf(parseConfig(text, FILE))).toEqual([
    `${FILE}:1:34: repo_overrides.github.com/x/y: expected an absolute path, got "rel/path"`,
    `${FILE}:2:12: port_base: expected a whole number from 1024 to 65535, got 80`,
    `${FILE}:3:15: bind_address: expected an IP address, got "1.2.3"`,
    `${FILE}:4:18: compose_command: expected one of auto, docker-compose, "docker compose", got "podman"`,
    `${FILE}:5:11: bundles[0]: expected string, got 1`,
    `${FILE}:6:17: vm_memory_size: expected a whole number of megabytes, got "4g"`,
  ]);
});

test("parseConfig() warns about unknown keys at the key, suggests a near one, and keeps them", () => {
  const result = parseConfig("bundels: [site]\nfuture_key: {depth: 2}\n", FILE);
  expect(problemsOf(result)).toEqual([
    `${FILE}:1:1: warning: bundels: unknown key, kept but not used (did you mean "bundles"?)`,
    `${FILE}:2:1: warning: future_key: unknown key, kept but not used`,
  ]);
  expect(renderConfig(configOf(result))).toEndWith("socket_group: dusty\nbundels:\n  - site\nfuture_key:\n  depth: 2\n");
});

test("parseConfig() reports YAML syntax errors and duplicate keys", () => {
  expect(problemsOf(parseConfig("bundles: [a, b\n", FILE))).toEqual([
    `${FILE}:2:1: Flow sequence in block collection must be sufficiently indented and end with a ]`,
  ]);
  expect(problemsOf(parseConfig("specs_repo: a\nspecs_repo: b\n", FILE))).toEqual([`${FILE}:2:1: Map keys must be unique`]);
});

test("parseConfig() rejects a document that is not a mapping", () => {
  expect(problemsOf(parseConfig("- bundles\n", FILE))).toEqual([`${FILE}:1:1: expected a mapping of config keys, got a list`]);
  expect(problemsOf(parseConfig("hello\n", FILE))).toEqual([`${FILE}:1:1: expected a mapping of config keys, got "hello"`]);
});

test("renderConfig() writes the defaults in a stable order", () => {
  expect(renderConfig(defaultConfig())).toMatchInlineSnapshot(`
    "# dusty's configuration. Change it with \`dusty config set <key> <value>\`; \`dusty config list\` explains the keys.
    # dusty rewrites this file whole, so comments added here are not kept.
    bundles: []
    repo_overrides: {}
    setup_has_run: false
    vm_memory_size: "2048"
    dusty_env_overrides: {}
    changeset: {}
    compose_command: auto
    compose_project: dusty
    nginx_image: nginx:1.27-alpine
    bind_address: 127.0.0.1
    port_base: 65000
    socket_group: dusty
    "
  `);
});

test("renderConfig() sorts maps, keeps list order and gives back what it was given", () => {
  const config: DustyConfig = {
    ...defaultConfig(),
    bundles: ["z", "a"],
    repo_overrides: { "github.com/b/b": "/src/b", "github.com/a/a": "/src/a with spaces" },
    dusty_env_overrides: { web: { Z: "1", A: null } },
    specs_repo: "https://github.com/acme/specs-with-a-rather-long-name-that-must-not-be-folded-over-two-lines.git",
    docker_host_driver: "native",
    compose_command: "docker compose",
  };
  const text = renderConfig(config);
  expect(text.indexOf("github.com/a/a")).toBeLessThan(text.indexOf("github.com/b/b"));
  expect(text).toContain("bundles:\n  - z\n  - a\n");
  expect(text).toContain(`specs_repo: ${config.specs_repo}\n`);
  expect(configOf(parseConfig(text, FILE))).toEqual(config);
  expect(renderConfig(configOf(parseConfig(text, FILE)))).toBe(text);
});

const base = defaultConfig();
const errorOf = (key: string, value: string) => {
  const result = setConfigValue(base, key, value);
  return "error" in result ? result.error : undefined;
};

test("setConfigValue() sets string keys and converts number keys", () => {
  const set = (key: string, value: string) => {
    const result = setConfigValue(base, key, value);
    if ("error" in result) throw new Error(result.error);
    return result.config;
  };
  expect(set("specs_repo", "github.com/acme/specs").specs_repo).toBe("github.com/acme/specs");
  expect(set("port_base", "61000").port_base).toBe(61000);
  expect(set("vm_memory_size", "4096").vm_memory_size).toBe("4096");
  expect(set("compose_command", "docker compose").compose_command).toBe("docker compose");
  expect(base.specs_repo).toBeUndefined(); // the input is not changed
});

test("setConfigValue() names the known keys and guesses a typo", () => {
  expect(errorOf("specs_rep", "x")).toBe(
    'Unknown config key "specs_rep" (did you mean "specs_repo"?). Known keys: bind_address, compose_command, ' +
      "compose_project, docker_endpoint, docker_host, docker_host_address, docker_host_driver, docker_host_persist_dir, docker_host_ssh_config, mac_username, nginx_image, port_base, release_url, socket_group, specs_repo, vm_memory_size",
  );
  expect(errorOf("colour", "x")).toStartWith('Unknown config key "colour". Known keys: bind_address');
});

test("setConfigValue() refuses keys that hold more than one value and says what changes them", () => {
  expect(errorOf("bundles", "site")).toBe(
    'Cannot set "bundles" with `dusty config set`: it is not a single value. Change it with `dusty bundles activate / deactivate`',
  );
  expect(errorOf("setup_has_run", "true")).toContain("`dusty setup`");
  expect(errorOf("changeset", "{}")).toBe('Cannot set "changeset": dusty manages it itself');
});

test("setConfigValue() rejects values the schema rejects", () => {
  expect(errorOf("port_base", "abc")).toBe('Cannot set port_base to "abc": expected a whole number from 1024 to 65535, got "abc"');
  expect(errorOf("docker_host_driver", "vmware")).toBe(
    'Cannot set docker_host_driver to "vmware": expected one of native, boot2docker, docker-machine, ssh, got "vmware"',
  );
  expect(errorOf("specs_repo", "")).toBe('Cannot set specs_repo to "": expected a repo URL or path, got an empty string');
});

test("CONFIG_SETTINGS lists every key but changeset, sorted, each with a way to change it", () => {
  const keys = CONFIG_SETTINGS.map((s) => s.key);
  expect(keys).toEqual([...keys].sort());
  expect([...keys].sort()).toEqual(CONFIG_KEYS.filter((k) => k !== "changeset").sort());
  for (const setting of CONFIG_SETTINGS) expect(setting.settable || Boolean(setting.changeWith)).toBe(true);
});

test("setConfigValue() takes an http(s) release_url only", () => {
  const result = setConfigValue(base, "release_url", "https://releases.example.com/dusty");
  expect("config" in result && result.config.release_url).toBe("https://releases.example.com/dusty");
  expect(errorOf("release_url", "ftp://x")).toBe('Cannot set release_url to "ftp://x": expected an http(s) URL, got "ftp://x"');
});

test("setConfigValue() takes the ssh driver's keys in their own forms only", () => {
  const ok = (key: string, value: string) => {
    const result = setConfigValue(defaultConfig(), key, value);
    if ("error" in result) throw new Error(result.error);
    return (result.config as Record<string, unknown>)[key];
  };
  expect(ok("docker_host_driver", "ssh")).toBe("ssh");
  expect(ok("docker_host", "ssh://dev@build.example.com")).toBe("ssh://dev@build.example.com");
  expect(ok("docker_host", "ssh://dev@10.0.0.5:2222")).toBe("ssh://dev@10.0.0.5:2222");
  expect(ok("docker_host", "ssh://[fd00::5]:22")).toBe("ssh://[fd00::5]:22");
  expect(ok("docker_host_address", "10.0.0.5")).toBe("10.0.0.5");
  expect(ok("docker_host_ssh_config", "/home/dev/.ssh/dusty_config")).toBe("/home/dev/.ssh/dusty_config");
  expect(ok("docker_host_persist_dir", "/srv/dusty")).toBe("/srv/dusty");
  expect(errorOf("docker_host", "tcp://10.0.0.5:2375")).toBe('Cannot set docker_host to "tcp://10.0.0.5:2375": expected ssh://USER@HOST or ssh://USER@HOST:PORT, got "tcp://10.0.0.5:2375"');
  expect(errorOf("docker_host", "ssh://dev@host:70000")).toContain("expected ssh://USER@HOST");
  // ssh would take a leading "-" for an option: -oProxyCommand runs a program as root.
  expect(errorOf("docker_host", "ssh://-oProxyCommand=x")).toContain("expected ssh://USER@HOST");
  expect(errorOf("docker_host", "ssh://-lroot@host")).toContain("expected ssh://USER@HOST");
  expect(errorOf("docker_host", "ssh://dev@host -oProxyCommand=x")).toContain("expected ssh://USER@HOST");
  expect(errorOf("docker_host_address", "build.example.com")).toContain("expected an IP address");
  expect(errorOf("docker_host_ssh_config", "dusty_config")).toContain("expected an absolute path");
  expect(errorOf("docker_host_persist_dir", "/")).toContain("expected a folder of dusty's own");
  expect(errorOf("docker_host_persist_dir", "/srv/../etc")).toContain("expected a folder of dusty's own");
});

test("setConfigValue() takes a unix://, tcp:// or ssh:// docker_endpoint, and \"\" unpins it", () => {
  const pinned = setConfigValue(defaultConfig(), "docker_endpoint", "unix:///Users/al/.colima/default/docker.sock");
  expect(pinned).toEqual({ config: { ...defaultConfig(), docker_endpoint: "unix:///Users/al/.colima/default/docker.sock" } });
  if (!("config" in pinned)) throw new Error("not set");
  expect(setConfigValue(pinned.config, "docker_endpoint", "")).toEqual({ config: { ...defaultConfig(), docker_endpoint: undefined } });
  expect(errorOf("docker_endpoint", "npipe:////./pipe/docker_engine")).toBe(
    'Cannot set docker_endpoint to "npipe:////./pipe/docker_engine": expected a Docker endpoint (dusty uses only unix://PATH, tcp://HOST[:PORT] and ssh://[USER@]HOST[:PORT] endpoints), got "npipe:////./pipe/docker_engine"',
  );
});
