/**
 * `shutdown` (test/shutdown-doctor.test.ts): stop the environment's containers, then the Docker host's VM. On the
 * native driver the engine belongs to the system, so only the containers stop.
 */
import { dockerAvailable } from "../../../platform/docker.ts";
import { dockerHostFor } from "./_environment.ts";
import { requireSetup } from "./_setup-gate.ts";
import { readState } from "./_state.ts";
import type { Handler } from "./_types.ts";
import { stopEnvironmentContainers } from "./stop.ts";

const handler: Handler<"shutdown"> = {
  async run(ctx) {
    const state = await readState(ctx);
    requireSetup(state.config);
    const host = dockerHostFor(state);
    // A VM that is already off has no engine to ask (no address, or ssh cannot reach it): nothing runs there.
    const env = await host.dockerEnv().catch(() => undefined);
    const answers = env !== undefined && (await dockerAvailable({ env }));
    if (answers) await stopEnvironmentContainers(ctx, state, host);
    else ctx.log("The Docker Engine does not answer: no containers to stop");
    if (!host.shutdown) {
      const done = answers ? "Stopped the environment's containers only" : "Nothing was stopped";
      ctx.output(`There is no Dusty VM to shut down: the ${host.name} driver uses this machine's Docker Engine, which belongs to the system. ${done}`);
      return 0;
    }
    await host.shutdown(ctx.log);
    return 0;
  },
};

export default handler;
