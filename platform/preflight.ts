/**
 * The checks the daemon runs before it listens (and alone with `dusty -d --preflight-only`): the programs
 * it runs are on PATH, it can write the hosts file, its folders exist, and nobody but root can change
 * them or the hosts file (platform/strict-modes.ts). Every problem is reported at once, so one restart
 * fixes them all.
 */
import { constants } from "node:fs";
import { access, mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import type { Locations } from "./locations.ts";
import { checkStrictModes, resolveRealPath } from "./strict-modes.ts";

/** Programs the daemon starts; the original also wanted VBoxManage and boot2docker, which Linux does not need. */
export const REQUIRED_EXECUTABLES = ["git", "rsync", "docker"] as const;

/** How to look a program up (Bun.which by default), and the uid trusted besides root (this process's by default). */
export interface PreflightOptions {
  which?: (name: string) => string | null;
  uid?: number;
}

/**
 * The locations with the hosts file's real path: a symlinked one (macOS /etc → /private/etc) is
 * resolved once, at start, so the checks below and every later write concern the same file, and a
 * link planted there later is refused by the writer instead of followed.
 */
export async function resolveHostsFile(locations: Locations): Promise<Locations> {
  return { ...locations, hostsFile: await resolveRealPath(locations.hostsFile) };
}

/** Creates the daemon's folders and checks what it needs; returns one message per problem, empty when all is well. */
export async function runPreflight(locations: Locations, options: PreflightOptions = {}): Promise<string[]> {
  const which = options.which ?? ((name: string) => Bun.which(name));
  const problems: string[] = [];
  for (const name of REQUIRED_EXECUTABLES) {
    if (!which(name)) problems.push(`Executable not found: ${name}. Install it, or add its folder to PATH`);
  }
  // Before the ownership check below: made here, as root, nobody else can have made them first.
  for (const dir of [locations.configDir, locations.persistDir, dirname(locations.socketPath)]) {
    try {
      await mkdir(dir, { recursive: true, mode: 0o755 });
    } catch (error) {
      problems.push(`Cannot create the folder ${dir}: ${reasonOf(error)}`);
    }
  }
  problems.push(...(await checkHostsFile(locations.hostsFile)));
  problems.push(
    ...(await checkStrictModes(
      [
        { path: locations.configDir, what: "the config folder" },
        { path: locations.persistDir, what: "the persist folder" },
        { path: dirname(locations.socketPath), what: "the socket's folder" },
        // Checked on their own too: one made loose by hand would let others plant links in it.
        { path: locations.composeDir, what: "the compose folder" },
        { path: locations.commandsDir, what: "the command files folder" },
        { path: locations.hostsFile, what: "the hosts file" },
      ],
      { uid: options.uid },
    )),
  );
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
