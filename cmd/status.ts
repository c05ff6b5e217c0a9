/** `dusty status [--json | -q]`: the active apps, libs and services, their containers, URLs and ports (from the daemon). */
import { defineCommand } from "citty";
import { JSON_FLAG, QUIET_FLAG, readFlags } from "./_args.ts";
import { runClientCommand } from "./client/call.ts";

export default defineCommand({
  meta: { name: "status", description: "Show info on activated apps, services and libs" },
  args: {
    ...JSON_FLAG,
    ...QUIET_FLAG,
  },
  run: ({ args }) => runClientCommand("status", readFlags(args)),
});
