/**
 * The invoking user's SSH agent for git: the client sends its SSH_AUTH_SOCK and the
 * daemon passes it to git, so clones over SSH use the user's keys. The original asked launchd for the
 * socket of `mac_username`; taking it from the client works on every platform and for every user.
 */
import { lstat } from "node:fs/promises";
import { isAbsolute } from "node:path";
import { UserError } from "./errors.ts";

/** Who asks: the connecting process's uid (null when the platform cannot tell). */
export type AgentCaller = { uid: number } | null;

/**
 * The agent socket git may use for this command, or undefined (with a warning saying why) when the
 * given one cannot be used. A root daemon connects wherever it is told, so the socket must belong to
 * the caller: a user must not borrow another user's agent by naming its socket.
 */
export async function agentSocketFor(ctx: { warn(text: string): void; caller: AgentCaller }, value: unknown): Promise<string | undefined> {
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value !== "string") throw new UserError("Cannot use the SSH agent: `sshAuthSock` must be a path");
  const problem = await checkAgentSocket(value, ctx.caller);
  if (problem === undefined) return value;
  ctx.warn(`Not using your SSH agent at ${value}: ${problem}. git over SSH may fail; check SSH_AUTH_SOCK and \`ssh-add -l\``);
  return undefined;
}

/** Why `path` cannot serve as `caller`'s agent socket, or undefined when it can. */
export async function checkAgentSocket(path: string, caller: AgentCaller): Promise<string | undefined> {
  if (!isAbsolute(path)) return "it is not an absolute path";
  // lstat: a symlink would let its owner point root at a socket that is not theirs.
  const info = await lstat(path).catch((error: NodeJS.ErrnoException) => error.code ?? "unreadable");
  if (typeof info === "string") return info === "ENOENT" ? "no such socket" : `it cannot be read (${info})`;
  if (!info.isSocket()) return info.isSymbolicLink() ? "it is a symlink, not the socket itself" : "it is not a socket";
  if (caller !== null && caller.uid !== 0 && info.uid !== caller.uid) return `it belongs to uid ${info.uid}, not to you (uid ${caller.uid})`;
  return undefined;
}

/**
 * The agent socket a request carries, if it may be used for the caller (else undefined, silently: most
 * commands never open an ssh connection, and those that name the agent in their args warn through
 * `agentSocketFor`).
 */
export async function usableAgentSocket(value: string | undefined, caller: AgentCaller): Promise<string | undefined> {
  if (value === undefined || value === "") return undefined;
  return (await checkAgentSocket(value, caller)) === undefined ? value : undefined;
}
