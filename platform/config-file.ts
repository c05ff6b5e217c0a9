/**
 * The config store: reads and writes config.yml (normally /etc/dusty/config.yml). Writes are atomic
 * and mode 0600, since `dusty env` puts environment values (often secrets) in the file; the original
 * rewrote it in place with the default mode, so a crash could empty it and any user could read it.
 */
import { chmod, mkdir } from "node:fs/promises";
import { dirname, relative, sep } from "node:path";
import { parseConfig, renderConfig, type DustyConfig } from "../core/config.ts";
import { formatDiagnostic, type Diagnostic } from "../core/diagnostics.ts";
import { runExclusive } from "./_exclusive.ts";
import { readRegularFile, writeFileAtomic } from "./atomic-write.ts";
import { UserError } from "./errors.ts";

/** A config file that cannot be used; the message lists each problem as `file:line:col: key: what`. */
export class ConfigError extends UserError {
  override name = "ConfigError";
  constructor(
    readonly diagnostics: readonly Diagnostic[],
    readonly path: string,
  ) {
    super(
      `${diagnostics.map(formatDiagnostic).join("\n")}\n` +
        `Cannot use the config ${path}: fix the problem${diagnostics.length === 1 ? "" : "s"} above in the file and run the command again`,
    );
  }
}

/** A config and the warnings found while reading it (unknown keys). */
export interface LoadedConfig {
  config: DustyConfig;
  warnings: Diagnostic[];
  /** False when there was no file and `config` holds the defaults. */
  exists: boolean;
}

export const CONFIG_FILE_MODE = 0o600;
export const CONFIG_DIR_MODE = 0o755;

/** Reads the config with its warnings; a missing file gives the defaults, an invalid one throws ConfigError. */
export async function loadConfig(path: string): Promise<LoadedConfig> {
  // Not through a symlink: the daemon reads as root, and parse errors quote the file to its clients.
  const bytes = await readRegularFile(path);
  const exists = bytes !== undefined;
  const text = bytes?.toString("utf8") ?? "";
  const result = parseConfig(text, path);
  if (!("config" in result)) throw new ConfigError(result.diagnostics, path);
  return { ...result, exists };
}

/** Reads the config; a missing file gives the defaults, an invalid one throws ConfigError. */
export async function readConfig(path: string): Promise<DustyConfig> {
  return (await loadConfig(path)).config;
}

/** Writes the whole config atomically with mode 0600, creating its folder (0755) if needed. */
export async function writeConfig(path: string, config: DustyConfig): Promise<void> {
  await makeFolder(dirname(path));
  await writeFileAtomic(path, renderConfig(config), { mode: CONFIG_FILE_MODE });
}

/**
 * Reads, changes and writes the config as one step: changes from overlapping requests in this
 * process are applied one after the other, never lost. Skips the write when nothing changed, so a
 * hand-edited file keeps its comments until dusty really has something to change.
 */
export function updateConfig(
  path: string,
  change: (config: DustyConfig) => DustyConfig | Promise<DustyConfig>,
): Promise<DustyConfig> {
  return runExclusive(`config:${path}`, async () => {
    const { config, exists } = await loadConfig(path);
    const next = await change(config);
    if (!exists || renderConfig(next) !== renderConfig(config)) await writeConfig(path, next);
    return next;
  });
}

// mkdir's mode passes through the umask (a root shell with umask 077 would make the folder 0700 and
// hide the compose and command files inside from the user), so set the mode of what we created.
async function makeFolder(dir: string): Promise<void> {
  const first = await mkdir(dir, { recursive: true, mode: CONFIG_DIR_MODE });
  if (first === undefined) return;
  let current = first;
  await chmod(current, CONFIG_DIR_MODE);
  for (const part of relative(first, dir).split(sep).filter(Boolean)) {
    current = `${current}${sep}${part}`;
    await chmod(current, CONFIG_DIR_MODE);
  }
}
