/** `version`: the daemon's half of `dusty version`; args `{ json? }`. */
import { VERSION } from "../../_version.ts";
import { outputJson, readFormat } from "./_read-format.ts";
import type { Handler } from "./_types.ts";

const handler: Handler = {
  mutates: false,
  async run(ctx, args) {
    if (readFormat(args).json) return outputJson(ctx, { version: VERSION });
    ctx.output(`Dusty daemon version: ${VERSION}`);
    return 0;
  },
};

export default handler;
