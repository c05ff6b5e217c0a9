/** `validate`: the daemon's half of `dusty validate` without a path: checks the configured specs repo. */
import { describeValidSpecs } from "../../_compile-output.ts";
import { readConfiguredSpecs, readState } from "./_state.ts";
import type { Handler } from "./_types.ts";

const handler: Handler<"validate"> = {
  async run(ctx) {
    // readConfiguredSpecs sends the warnings and throws a SpecError listing every error.
    const checked = await readConfiguredSpecs(await readState(ctx), ctx);
    ctx.output(describeValidSpecs(checked));
    return 0;
  },
};

export default handler;
