/**
 * Where dusty keeps its files. Each location can be moved by an environment variable, so tests and
 * unusual installs run side by side without touching each other's files.
 */
import { join } from "node:path";

/** Every path dusty reads or writes on this machine. */
export interface Locations {
  socketPath: string;
  configDir: string;
  configFile: string;
  hostsFile: string;
  persistDir: string;
  /** Managed clones of repos. */
  reposDir: string;
  /** Command files, mounted into containers at /command_files. */
  commandsDir: string;
  /** The compose file and what belongs with it. */
  composeDir: string;
}

export const DEFAULT_SOCKET_PATH = "/var/run/dusty/dusty.sock";

/** Reads the locations from an environment (normally `process.env`). */
export function resolveLocations(env: Record<string, string | undefined> = process.env): Locations {
  const configDir = env.DUSTY_CONFIG_DIR || "/etc/dusty";
  return {
    socketPath: env.DUSTY_SOCKET_PATH || DEFAULT_SOCKET_PATH,
    configDir,
    configFile: join(configDir, "config.yml"),
    hostsFile: env.DUSTY_HOSTS_FILE || "/etc/hosts",
    persistDir: env.DUSTY_PERSIST_DIR || "/var/lib/dusty",
    reposDir: join(configDir, "repos"),
    commandsDir: join(configDir, "commands"),
    composeDir: join(configDir, "compose"),
  };
}
