/**
 * User lookups: does a user name exist on this machine, and what are its uid and home. Reads
 * /etc/passwd first (no program to start), then asks `getent passwd`, which also knows users that
 * NSS gets from elsewhere (LDAP, sssd, systemd-homed). Kept free of heavy imports: the client uses it.
 */
import { readFile } from "node:fs/promises";
import { CommandNotFoundError, run } from "./run.ts";

/** One account as /etc/passwd describes it. */
export interface UserEntry {
  name: string;
  uid: number;
  gid: number;
  home: string;
  shell: string;
}

/** Where to look; the defaults are the real ones. */
export interface FindUserOptions {
  passwdFile?: string;
  /** Also ask `getent passwd` when the file does not list the name (default true). */
  useGetent?: boolean;
}

/** Parses passwd-format text (`name:x:uid:gid:gecos:home:shell` per line); malformed lines are skipped. */
export function parsePasswd(text: string): UserEntry[] {
  const users: UserEntry[] = [];
  for (const line of text.split("\n")) {
    const fields = line.split(":");
    if (fields.length < 7 || line.startsWith("#")) continue;
    const [name, , uid, gid, , home, shell] = fields as [string, string, string, string, string, string, string];
    if (!name || !/^\d+$/.test(uid) || !/^\d+$/.test(gid)) continue;
    users.push({ name, uid: Number(uid), gid: Number(gid), home, shell });
  }
  return users;
}

/** The account named `name`, or undefined when this machine has none. */
export async function findUser(name: string, options: FindUserOptions = {}): Promise<UserEntry | undefined> {
  // ":" and newlines cannot be part of a user name, and would let a name match the wrong passwd field.
  if (name === "" || /[:\n\r\0]/.test(name)) return undefined;
  return lookUp(name, (user) => user.name === name, options);
}

/** The account with user id `uid`, or undefined when this machine has none. */
export async function findUserById(uid: number, options: FindUserOptions = {}): Promise<UserEntry | undefined> {
  if (!Number.isInteger(uid) || uid < 0) return undefined;
  return lookUp(String(uid), (user) => user.uid === uid, options);
}

/**
 * The name of the user who invoked dusty: the one behind sudo when there is one, else the current
 * user. Read from the environment first, then from the account of the process's uid.
 */
export async function invokingUserName(env: Record<string, string | undefined>, uid: number | undefined): Promise<string | undefined> {
  const named = env.SUDO_USER || env.USER || env.LOGNAME;
  if (named) return named;
  return uid === undefined ? undefined : (await findUserById(uid))?.name;
}

async function lookUp(key: string, matches: (user: UserEntry) => boolean, options: FindUserOptions): Promise<UserEntry | undefined> {
  const text = await readFile(options.passwdFile ?? "/etc/passwd", "utf8").catch(() => "");
  const found = parsePasswd(text).find(matches);
  if (found || options.useGetent === false) return found;
  try {
    const result = await run(["getent", "passwd", "--", key], { timeoutMs: 10_000 });
    return result.exitCode === 0 ? parsePasswd(result.stdout).find(matches) : undefined;
  } catch (error) {
    if (error instanceof CommandNotFoundError) return undefined;
    throw error;
  }
}
