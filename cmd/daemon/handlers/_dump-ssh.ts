/**
 * `dump`'s sections for the ssh driver: which Docker host, how dusty reaches it (the config keys, whether
 * the ssh master is up, the ssh settings that apply) and the remote engine's `docker version` through
 * that connection. Only settings, never a key or an agent's content: `ssh -G` is filtered to the
 * options that say where and how dusty logs in.
 */
import type { DustyConfig } from "../../../core/config.ts";
import { errorMessage } from "../../../platform/errors.ts";
import type { Locations } from "../../../platform/locations.ts";
import type { SshDockerHost } from "../../../platform/vm/ssh-checks.ts";
import { DEFAULT_REMOTE_PERSIST_DIR } from "../../../platform/vm/ssh-host.ts";
import { dockerHostFor } from "./_environment.ts";

/** The `ssh -G` options a dump shows. */
const SHOWN_SSH_OPTIONS = ["hostname", "user", "port", "identityfile", "identitiesonly", "identityagent", "userknownhostsfile", "globalknownhostsfile", "stricthostkeychecking", "batchmode", "controlpath", "connecttimeout"];

/** A program run for the dump: its output, never an exception. */
export type DumpRunner = (argv: string[], env?: Record<string, string>) => Promise<string>;

/** What the sections are made from: the config (undefined when it cannot be read), the locations, the client's agent. */
export interface SshDumpInput {
  config: DustyConfig | undefined;
  locations: Locations;
  /** The client's SSH agent, checked to be theirs, for a host whose key is in it. */
  sshAuthSock?: string;
}

/** The sections (title, output) for the ssh driver; none for the other drivers. */
export async function sshHostSections(input: SshDumpInput, runForDump: DumpRunner): Promise<[string, string][]> {
  const { config, locations } = input;
  if (config?.docker_host_driver !== "ssh") return [];
  let host: SshDockerHost;
  try {
    host = dockerHostFor({ config, locations }, { sshAuthSock: input.sshAuthSock }) as SshDockerHost;
  } catch (error) {
    return [["Docker Host", `driver: ssh\n${errorMessage(error)}`]];
  }
  const label = host.connection.label;
  const open = await host.connection.isOpen().catch(() => false);
  const address = config.docker_host_address ?? (await host.hostAddress().then((a) => `not set: ${a}, docker_host's host resolved`, (error: unknown) => `not set, and ${errorMessage(error)}`));
  const lines = [
    "driver: ssh",
    `docker_host: ${config.docker_host}`,
    `docker_host_address: ${address}`,
    `docker_host_ssh_config: ${config.docker_host_ssh_config ?? "not set: your own ssh setup applies (~/.ssh/config, agent, known_hosts)"}`,
    `docker_host_persist_dir: ${config.docker_host_persist_dir ?? `not set: ${DEFAULT_REMOTE_PERSIST_DIR}`}`,
    `connection: ${open ? `an ssh master to ${label} is open` : `no ssh master to ${label} is open (the next command that needs the host opens one)`}`,
  ];
  const sshArgv = [...host.connection.remoteShell(), "-G", host.connection.rsyncTarget()];
  const settings = (await runForDump(sshArgv))
    .split("\n")
    .filter((line) => SHOWN_SSH_OPTIONS.includes(line.split(" ")[0] ?? ""))
    .join("\n");
  const engine = await host.dockerEnv().then(
    (env) => runForDump(["docker", "version"], env),
    (error: unknown) => errorMessage(error),
  );
  return [
    ["Docker Host", lines.join("\n")],
    [`ssh -G ${label} (the settings every ssh to the Docker host uses)`, settings],
    [`docker version (the Docker Engine on ${label}, through the ssh connection)`, engine],
  ];
}
