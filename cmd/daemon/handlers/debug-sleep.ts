/**
 * `debug.sleep`: a mutating command that takes `args.ms` milliseconds, then prints `args.bytes` bytes of
 * output (default: one line), for testing the one-at-a-time rule, client disconnects and slow readers.
 * `debug.read` is the same as a read-only command. Registered only when the daemon runs with
 * DUSTY_DEBUG_COMMANDS=1.
 */
import type { CommandArgs } from "../../../core/command-args.ts";
import type { CommandContext, Handler } from "./_types.ts";

/** One output line of a large answer: its number, padded, so a reader can tell that none is missing. */
const LINE_BYTES = 64;

async function sleepThenPrint(ctx: CommandContext, args: CommandArgs<"debug.sleep">): Promise<number> {
  const { ms } = args;
  ctx.log(`Sleeping for ${ms} ms`);
  const finished = await new Promise<boolean>((resolve) => {
    if (ctx.signal.aborted) return resolve(false);
    const timer = setTimeout(() => resolve(true), ms);
    ctx.signal.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve(false);
    });
  });
  if (!finished) return 130;
  const bytes = Math.floor(args.bytes);
  // Printed in one go, without awaiting ctx.drained(): the daemon must keep it all for a paused client.
  const lines = Math.ceil(bytes / LINE_BYTES);
  for (let i = 0; i < lines; i++) ctx.output(`line ${String(i).padStart(LINE_BYTES - 6, "0")}`);
  ctx.output(`Slept for ${ms} ms`);
  return 0;
}

const handler: Handler<"debug.sleep"> = { run: sleepThenPrint };

/** The read-only twin of `debug.sleep`. */
export const read: Handler<"debug.read"> = { run: sleepThenPrint };

export default handler;
