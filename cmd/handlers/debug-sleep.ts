/**
 * `debug.sleep`: a mutating command that takes `args.ms` milliseconds, for testing the one-at-a-time rule
 * and client disconnects. Registered only when the daemon runs with DUSTY_DEBUG_COMMANDS=1.
 */
import type { Handler } from "./_types.ts";

const handler: Handler = {
  mutates: true,
  async run(ctx, args) {
    const ms = typeof args.ms === "number" && args.ms >= 0 ? args.ms : 1000;
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
    ctx.output(`Slept for ${ms} ms`);
    return 0;
  },
};

export default handler;
