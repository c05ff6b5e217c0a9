/** `dusty bundles list | activate [--only] NAMES... | deactivate NAMES...`: which bundles `dusty up` runs. */
import { defineCommand } from "citty";
import { JSON_FLAG, QUIET_FLAG, readFlags } from "./_args.ts";
import { runClientCommand } from "./client/call.ts";

const NAMES = { type: "positional", required: true, description: "Bundle names (one or more)", valueHint: "names..." } as const;

// citty gives only the first positional its own key; `_` holds all of them.
const namesOf = (args: { _: unknown[] }) => args._.map(String);

export default defineCommand({
  meta: { name: "bundles", description: "Manage which sets of applications to run" },
  subCommands: {
    list: defineCommand({
      meta: { name: "list", description: "List the bundles of your specs and which are activated" },
      args: { ...JSON_FLAG, ...QUIET_FLAG },
      run: ({ args }) => runClientCommand("bundles.list", readFlags(args)),
    }),
    activate: defineCommand({
      meta: { name: "activate", description: "Activate bundles, so that `dusty up` runs them" },
      args: {
        only: { type: "boolean", description: "Deactivate every other bundle" },
        bundle_names: NAMES,
      },
      run: ({ args }) => runClientCommand("bundles.activate", { names: namesOf(args), only: args.only === true }),
    }),
    deactivate: defineCommand({
      meta: { name: "deactivate", description: "Deactivate bundles" },
      args: { bundle_names: NAMES },
      run: ({ args }) => runClientCommand("bundles.deactivate", { names: namesOf(args) }),
    }),
  },
});
