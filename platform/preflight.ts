/**
 * The checks the daemon runs before it listens (and alone with `dusty -d --preflight-only`): the programs
 * it runs are on PATH, it can write the hosts file, and its folders exist. Every problem is reported at
 * once, so one restart fixes them all.
 */
import { constants } from "node:fs";
import { access, mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import type { Locations } from "./locations.ts";

/** Programs the daemon starts; the original also wanted VBoxManage and boot2docker, which Linux does not need. */
export const REQUIRED_EXECUTABLES = ["git", "rsync", "docker"] as const;

/** How to look a program up; Bun.which by default. */
export interface PreflightOptions {
  which?: (name: string) => string | null;
}

/** Creates the daemon's folders and checks what it needs; returns one message per problem, empty when all is well. */
export async function runPreflight(locations: Locations, options: PreflightOptions = {}): Promise<string[]> {
  const which = options.which ?? ((name: string) => Bun.which(name));
  const problems: string[] = [];
  for (const name of REQUIRED_EXECUTABLES) {
    if (!which(name)) problems.push(`Executable not found: ${name}. Install it, or add its folder to PATH`);
  }
  for (const dir of [locations.configDir, dirname(locations.socketPath)]) {
    try {
      await mkdir(dir, { recursive: true, mode: 0o755 });
    } catch (error) {
      problems.push(`Cannot create the folder ${dir}: ${reasonOf(error)}`);
    }
  }
  problems.push(...(await checkHostsFile(locations.hostsFile)));
  return problems;
}

// The hosts file is replaced by a rename (atomic write), so its folder must be writable as well as the file.
// A file that does not exist yet is fine (a DUSTY_HOSTS_FILE of a test): the first `up` creates it.
async function checkHostsFile(path: string): Promise<string[]> {
  const problems: string[] = [];
  for (const target of [path, dirname(path)]) {
    try {
      await access(target, constants.W_OK);
    } catch (error) {
      if (target === path && (error as { code?: string } | null)?.code === "ENOENT") continue;
      const what = target === path ? `Hosts file at ${path}` : `The folder of the hosts file, ${target},`;
      problems.push(`${what} is not writable: ${reasonOf(error)}. Run the daemon as root, or set DUSTY_HOSTS_FILE`);
      break;
    }
  }
  return problems;
}

function reasonOf(error: unknown): string {
  const code = (error as { code?: string } | null)?.code;
  if (code === "ENOENT") return "no such file or folder";
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  if (code === "EROFS") return "read-only file system";
  return error instanceof Error ? error.message : String(error);
}
