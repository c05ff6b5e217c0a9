/**
 * Commands that ask the daemon when it is there and fall back to working in the client when it is not
 * (`dusty validate`, `dusty compile` on a machine without a daemon: the built-in example). Light on
 * purpose, like call.ts: the fallback's heavy modules load only when it runs.
 */
import type { CommandArgsInput } from "../../core/command-args.ts";
import type { CommandName } from "../../core/commands.ts";
import { callDaemon, DaemonUnavailableError, reportFailure, writeToTerminal } from "./call.ts";

/**
 * Runs `command` in the daemon; when no daemon can be reached at all, prints why (with `note`) on
 * stderr and runs `fallback` instead. A daemon lost mid-command is an error, never a fallback: it may
 * have printed half a result already.
 */
export async function runOnDaemonOrLocally<C extends CommandName>(
  command: C,
  args: CommandArgsInput<C>,
  fallback: { note: string; run: () => Promise<void> },
): Promise<void> {
  try {
    const code = await callDaemon(command, args);
    if (code !== 0) process.exitCode = code;
  } catch (error) {
    if (isConnectFailure(error)) {
      await writeToTerminal("stderr", `${error.message}\n${fallback.note}\n`);
      return fallback.run();
    }
    await reportFailure(error);
  }
}

/** True when the client never reached a daemon (no socket, refused, no permission), as opposed to losing one. */
export function isConnectFailure(error: unknown): error is DaemonUnavailableError {
  return error instanceof DaemonUnavailableError && error.neverConnected;
}
