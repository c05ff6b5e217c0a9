/**
 * Small pieces both VM drivers share: running a program as the VM's owner, building the command
 * strings that a shell inside the VM parses, and failing on a failed VM command.
 */
import { homedir } from "node:os";
import { UserError } from "../errors.ts";
import { CommandFailedError, formatArgv, type RunResult } from "../run.ts";
import { findUser, type UserEntry } from "../users.ts";
import type { Runner, VmDriverOptions } from "./driver.ts";

/**
 * Dusty's "demote" (setuid to `mac_username`, HOME set to theirs) as an argv prefix: visible in logs and
 * recordings, and it needs nothing from run.ts. sudo's `-H` sets HOME; `--` ends sudo's own options.
 */
export function demoteArgv(argv: string[], user: string | undefined): string[] {
  return user ? ["sudo", "-u", user, "-H", "--", ...argv] : argv;
}

/** A runner that demotes every program it starts. */
export function demotingRunner(runner: Runner, user: string | undefined): Runner {
  return (argv, options) => runner(demoteArgv(argv, user), options);
}

/**
 * The VM owner's home folder, where their ssh keys are: `home` when given, else the user's account's
 * (/etc/passwd, getent: a Linux home is not under /Users), else `/Users/<user>` (macOS lists its users in
 * Directory Services, not there); without a user, $HOME.
 */
export async function homeOf(options: Pick<VmDriverOptions, "user" | "home">, lookUp: FindUser = findUser): Promise<string> {
  if (options.home !== undefined) return options.home;
  if (options.user === undefined) return homedir();
  return (await lookUp(options.user))?.home || `/Users/${options.user}`;
}

/** How homeOf() finds an account (platform/users.ts's findUser). */
export type FindUser = (name: string) => Promise<Pick<UserEntry, "home"> | undefined>;

/** `vm_memory_size` when the config has none. */
export const DEFAULT_VM_MEMORY_MB = 2048;

/** `vm_memory_size` as the whole number of MB VirtualBox takes. */
export function memoryOf(options: Pick<VmDriverOptions, "memoryMb">): string {
  const mb = Math.trunc(Number(options.memoryMb ?? DEFAULT_VM_MEMORY_MB));
  if (!Number.isFinite(mb) || mb <= 0) {
    throw new UserError(
      `Cannot size the VM: vm_memory_size is ${JSON.stringify(options.memoryMb)}, not a number of megabytes. Set it with \`dusty config set vm_memory_size 2048\``,
    );
  }
  return String(mb);
}

/** An argv as one string for a shell in the VM: plain words stay bare (as Dusty wrote them), others are single-quoted. */
export function shellCommand(argv: readonly string[]): string {
  return formatArgv(argv);
}

/**
 * A command that writes `text` to `path` with `printf` under `sudo sh -c '…'`, the shape of Dusty's
 * cert hack. Unlike Dusty's, the text is printf's argument (not its format) and `$`, backquotes,
 * backslashes and double quotes are escaped, so the file gets the text verbatim, not its expansion.
 */
export function writeFileCommand(path: string, text: string, options: { sudo?: boolean } = {}): string {
  const target = /^[\w@%+=:,./-]+$/.test(path) ? path : inDoubleQuotes(path);
  const inner = `printf "%s" ${inDoubleQuotes(text)} > ${target}`;
  if (inner.includes("'")) throw new Error(`writeFileCommand(): single quotes are not supported: ${JSON.stringify(inner)}`);
  return `${options.sudo === false ? "" : "sudo "}sh -c '${inner}'`;
}

function inDoubleQuotes(text: string): string {
  return `"${text.replace(/[\\"$`]/g, "\\$&")}"`;
}

/** Rejects a failed VM command with a CommandFailedError. */
export function check(result: RunResult): RunResult {
  if (result.exitCode !== 0) throw new CommandFailedError(result);
  return result;
}
