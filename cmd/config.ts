/** `dusty config list | listvalues | set KEY VALUE`: read and change dusty's settings. */
import { defineCommand } from "citty";
import { JSON_FLAG, QUIET_FLAG, readFlags } from "./_args.ts";
import { absoluteRepoArg } from "./_repo-arg.ts";
import { runClientCommand } from "./client/call.ts";

export default defineCommand({
  meta: { name: "config", description: "Get or set Dusty config variables" },
  subCommands: {
    list: defineCommand({
      meta: { name: "list", description: "List the config keys with their descriptions and values" },
      args: { ...JSON_FLAG, ...QUIET_FLAG },
      run: ({ args }) => runClientCommand("config.list", readFlags(args)),
    }),
    listvalues: defineCommand({
      meta: { name: "listvalues", description: "Print the whole config as YAML (machine-readable)" },
      run: () => runClientCommand("config.listvalues"),
    }),
    set: defineCommand({
      meta: { name: "set", description: "Set one config value (see `dusty config list` for the keys)" },
      args: {
        key: { type: "positional", required: true, description: "Config key" },
        value: { type: "positional", required: true, description: "New value" },
      },
      run: ({ args }) =>
        runClientCommand("config.set", {
          key: args.key,
          // A relative specs folder means the user's folder, not the daemon's.
          value: args.key === "specs_repo" ? absoluteRepoArg(args.value, process.cwd()) : args.value,
        }),
    }),
  },
});
