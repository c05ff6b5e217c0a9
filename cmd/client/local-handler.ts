/**
 * Runs a daemon command's handler in the client, for the commands that matter most when the daemon is
 * down (`dump`, `doctor`): they report what this user can see, with this user's rights.
 */
import { formatWarning } from "../../core/diagnostics.ts";
import { UserError } from "../../platform/errors.ts";
import { resolveLocations } from "../../platform/locations.ts";
import { runGuarded } from "./run-guarded.ts";
import { writeToTerminal, type OutputStream } from "./call.ts";
import type { CommandName } from "../../core/commands.ts";
import { checkedAgainstTable } from "../daemon/handlers/index.ts";
import type { CommandContext, Handler } from "../daemon/handlers/_types.ts";

/**
 * Runs `command`'s handler here, its output on stdout and its log on stderr; sets the exit code it
 * returns. Its arguments go through the table's check, as they would in the daemon.
 */
export async function runHandlerInClient<C extends CommandName>(command: C, handler: Handler<C>, args: Record<string, unknown>): Promise<void> {
  // In order, as the daemon's stream would be; a reader gone (`dusty dump | head`) ends the output quietly.
  let written: Promise<unknown> = Promise.resolve();
  const write = (stream: OutputStream, text: string) => {
    written = written.then(() => writeToTerminal(stream, text.endsWith("\n") ? text : `${text}\n`)).catch(() => undefined);
  };
  const ctx: CommandContext = {
    log: (text) => write("stderr", text),
    warn: (warning) => write("stderr", formatWarning(warning)),
    output: (text) => write("stdout", text),
    locations: resolveLocations(),
    caller: { uid: process.getuid?.() ?? -1, gid: process.getgid?.() ?? -1, pid: process.pid },
    signal: new AbortController().signal,
    cwd: process.cwd(),
  };
  const checked = (await checkedAgainstTable(command, handler)).check(args);
  await runGuarded(async () => {
    if ("problem" in checked) throw new UserError(checked.problem);
    return checked.run(ctx);
  });
  await written;
}
