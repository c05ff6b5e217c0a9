/**
 * The daemon's start check on its own folders, as sshd's StrictModes: it writes config.yml, the hosts
 * file, compose and command files there as root, so if anyone else could change those folders (or a
 * folder above them) they could swap a file for a symlink, or plant one before dusty creates the file,
 * and make root write, chmod or read what they chose. Every folder met on the way to a path, links
 * followed the way the kernel does, must be owned by root (or by the daemon's own uid, for
 * `--allow-non-root`) and not writable by its group or others. A sticky folder above (like /tmp) is
 * fine: there others cannot rename or remove entries they do not own, and the entry's owner is checked.
 */
import { readFileSync, type Stats } from "node:fs";
import { lstat, readlink } from "node:fs/promises";
import { dirname, isAbsolute, join } from "node:path";
import { isErrno } from "./atomic-write.ts";
import { parsePasswd } from "./users.ts";

/** Who may own what the daemon relies on, besides root. */
export interface StrictModesOptions {
  /** The daemon's own uid (default: this process's). */
  uid?: number;
}

/** One path to check and how to name it in a message ("the config folder"). */
export interface StrictPath {
  path: string;
  what: string;
}

// The kernel's own limit on links followed in one lookup (ELOOP past it).
const MAX_LINKS = 40;
const STICKY = 0o1000;
const GROUP_OR_OTHER_WRITE = 0o022;
const GROUP_WRITE = 0o020;
const OTHER_WRITE = 0o002;
// The "daemon" group (gid 1 on macOS and Debian alike) holds system services only, never a login user,
// and macOS's own /var/run, where the default socket lives, is root:daemon 0775: a root-owned folder
// that only this group may also write is as safe as a root-only one.
const SYSTEM_DAEMON_GID = 1;

/** One message per folder, link or file on the way to `paths` that someone other than root could change; empty when all is well. */
export async function checkStrictModes(paths: readonly StrictPath[], options: StrictModesOptions = {}): Promise<string[]> {
  const uid = options.uid ?? process.getuid?.() ?? 0;
  // By offending path: a folder met twice (shared by two paths, or first as a parent and last as the
  // target) is told once.
  const problems = new Map<string, string>();
  for (const { path, what } of paths) {
    let entries: Entry[];
    try {
      entries = (await walk(path)).entries;
    } catch (error) {
      problems.set(path, `Refusing to start: cannot check who can change ${what} ${path}: ${error instanceof Error ? error.message : String(error)}`);
      continue;
    }
    for (const entry of entries) {
      if (problems.has(entry.path)) continue;
      const problem = problemOf(entry, uid);
      if (problem) problems.set(entry.path, `Refusing to start: ${what} ${path} could be changed by others: ${problem}`);
    }
  }
  return [...problems.values()];
}

/** The real path of `path` (links resolved), or of its deepest existing folder plus the rest when it does not exist yet. */
export async function resolveRealPath(path: string): Promise<string> {
  return (await walk(path)).realPath;
}

/** Something met on the way to a path: a folder looked up in, a link followed, or the path itself. */
interface Entry {
  path: string;
  info: Stats;
  role: "parent" | "link" | "target";
  /** On a target: the part of the path that does not exist yet (to be created in this folder). */
  missing?: string;
}

// Resolves component by component, as the kernel does, so every folder a lookup passes through is
// seen, also those only a link's target passes through (realpath() would hide them).
async function walk(path: string): Promise<{ entries: Entry[]; realPath: string }> {
  const entries: Entry[] = [{ path: "/", info: await lstat("/"), role: "parent" }];
  // Not resolve(): it would drop "a/.." by the name's text, where the kernel goes up from where the link led.
  const absolute = isAbsolute(path) ? path : `${process.cwd()}/${path}`;
  const pending = absolute.split("/").filter((name) => name !== "" && name !== ".");
  let current = "/";
  let links = 0;
  while (pending.length > 0) {
    const name = pending[0] as string;
    if (name === "..") {
      pending.shift();
      current = dirname(current);
      continue;
    }
    const next = join(current, name);
    let info: Stats;
    try {
      info = await lstat(next);
    } catch (error) {
      if (isErrno(error, "ENOENT")) break; // the rest does not exist yet
      throw error;
    }
    pending.shift();
    if (info.isSymbolicLink()) {
      if (++links > MAX_LINKS) throw new Error(`Cannot resolve ${path}: more than ${MAX_LINKS} symbolic links`);
      entries.push({ path: next, info, role: "link" });
      const target = await readlink(next);
      if (isAbsolute(target)) current = "/";
      pending.unshift(...target.split("/").filter((part) => part !== "" && part !== "."));
      continue;
    }
    entries.push({ path: next, info, role: "parent" });
    current = next;
  }
  // The last folder reached is the path itself, or the folder its missing part will be created in:
  // either way a sticky bit does not help there (others could create the name first).
  const realPath = join(current, ...pending);
  entries.push({ path: current, info: await lstat(current), role: "target", missing: pending.length > 0 ? realPath : undefined });
  return { entries, realPath };
}

function problemOf(entry: Entry, uid: number): string | undefined {
  const { info } = entry;
  const mode = `mode ${(info.mode & 0o7777).toString(8).padStart(4, "0")}`;
  if (info.uid !== 0 && info.uid !== uid) {
    const owner = `uid ${info.uid}${nameOf(info.uid)}`;
    const trusted = uid === 0 ? "root" : `root or the daemon's own uid ${uid}`;
    const fix = entry.role === "link" ? `chown -h root ${entry.path}` : `chown root ${entry.path}`;
    return `${entry.path} is ${entry.role === "link" ? "a symbolic link " : ""}owned by ${owner}, not ${trusted} (${mode}). Run \`${fix}\`, then start the daemon again`;
  }
  // A link's own mode means nothing; who may replace it is its folder's business.
  if (entry.role === "link" || (info.mode & GROUP_OR_OTHER_WRITE) === 0) return undefined;
  if (info.uid === 0 && info.gid === SYSTEM_DAEMON_GID && (info.mode & OTHER_WRITE) === 0) return undefined;
  const sticky = (info.mode & STICKY) !== 0;
  if (entry.role === "parent" && sticky) return undefined;
  if (entry.missing && sticky) {
    return `${entry.missing} does not exist yet, and anyone may create it first in ${entry.path} (${mode}). Create it as root, then start the daemon again`;
  }
  const who = (info.mode & GROUP_WRITE ? ["its group"] : []).concat(info.mode & OTHER_WRITE ? ["everyone"] : []).join(" and ");
  return `${entry.path} is writable by ${who} (owner uid ${info.uid}${nameOf(info.uid)}, ${mode}). Run \`chmod go-w ${entry.path}\`, then start the daemon again`;
}

// From /etc/passwd only: a start check must not wait on NSS, and the uid alone is enough to act on.
function nameOf(uid: number): string {
  let text = "";
  try {
    text = readFileSync("/etc/passwd", "utf8");
  } catch {}
  const name = parsePasswd(text).find((u) => u.uid === uid)?.name;
  return name ? ` (${name})` : "";
}
