/** `dusty status [--json]`: the active apps, libs and services and their containers (from the daemon). */
import { defineCommand } from "citty";
import { runClientCommand } from "./client.ts";

export default defineCommand({
  meta: { name: "status", description: "Show info on activated apps, services and libs" },
  args: {
    json: { type: "boolean", description: "Print one JSON object instead of a table" },
  },
  run: ({ args }) => runClientCommand("status", { json: args.json === true }),
});
