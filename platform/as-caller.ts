/**
 * Doing local file work with the rights of the user who asked. The daemon runs as root, so a `dusty cp`
 * or `disk backup` that read or wrote the user's paths as root would let any member of the socket group
 * read /etc/shadow or write into /etc. Dusty "demoted" such steps to `mac_username`; the kernel tells us
 * the real caller, so we demote to them, through util-linux's setpriv (the daemon is single-threaded JS:
 * it cannot setuid just for one step).
 */
import { readFile } from "node:fs/promises";
import { parsePasswd } from "./users.ts";

/** The connecting process as the kernel reports it (platform/peer-credentials.ts); null where the platform cannot tell. */
export type Caller = { uid: number; gid: number } | null;

/** The uid and gid local file steps run as; null means "as the daemon itself". */
export type FileUser = { uid: number; gid: number } | null;

/**
 * Whom local file steps run as: the caller when the daemon is root and the caller is not, else nobody
 * in particular (the daemon's own rights), as when root calls or a test daemon runs without root.
 */
export function fileUserFor(caller: Caller, daemonUid = process.getuid?.() ?? -1): FileUser {
  if (caller === null || daemonUid !== 0 || caller.uid === 0) return null;
  return { uid: caller.uid, gid: caller.gid };
}

/**
 * The argv that runs `argv` as `user` (unchanged when user is null). The user's own supplementary groups
 * come along when /etc/passwd knows them (a shared group folder must stay writable); an unknown uid gets none.
 */
export async function asUserArgv(user: FileUser, argv: readonly string[], passwdFile = "/etc/passwd"): Promise<string[]> {
  if (user === null) return [...argv];
  const text = await readFile(passwdFile, "utf8").catch(() => "");
  const known = parsePasswd(text).some((entry) => entry.uid === user.uid);
  // setpriv's --init-groups needs a passwd entry; without one, dropping every group is the safe side.
  const groups = known ? "--init-groups" : "--clear-groups";
  return ["setpriv", `--reuid=${user.uid}`, `--regid=${user.gid}`, groups, "--", ...argv];
}
