/** `version`: the daemon's half of `dusty version`; args `{ json? }`. */
import { VERSION } from "../../_version.ts";
import { outputJson } from "./_read-format.ts";
import type { Handler } from "./_types.ts";

const handler: Handler<"version"> = {
  async run(ctx, args) {
    if (args.json) return outputJson(ctx, { version: VERSION });
    ctx.output(`Dusty daemon version: ${VERSION}`);
    return 0;
  },
};

export default handler;
