/**
 * Runs a daemon command's handler in the client, for the commands that matter most when the daemon is
 * down (`dump`, `doctor`): they report what this user can see, with this user's rights.
 */
import { formatWarning } from "../core/diagnostics.ts";
import { resolveLocations } from "../platform/locations.ts";
import { runGuarded } from "./_run.ts";
import { writeToTerminal, type OutputStream } from "./client.ts";
import type { CommandContext, Handler } from "./daemon/handlers/_types.ts";

/** Runs `handler` here, its output on stdout and its log on stderr; sets the exit code it returns. */
export async function runHandlerInClient(handler: Handler, args: Record<string, unknown>): Promise<void> {
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
  await runGuarded(() => handler.run(ctx, args));
  await written;
}
