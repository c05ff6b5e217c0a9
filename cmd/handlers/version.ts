/** `version`: the daemon's half of `dusty version`. */
import { VERSION } from "../_version.ts";
import type { Handler } from "./_types.ts";

const handler: Handler = {
  mutates: false,
  async run(ctx) {
    ctx.output(`Dusty daemon version: ${VERSION}`);
    return 0;
  },
};

export default handler;
