/**
 * `dusty compile --print`: shows exactly what `dusty up` would write, so a change to the specs can be
 * reviewed as a diff. With --specs it runs in the client; without, the daemon compiles the configured
 * specs with the real options (active bundles, repo paths, env overrides); with no daemon, the
 * built-in example is compiled in the client instead.
 */
import { defineCommand } from "citty";
import { collectRepeated, SPECS_FLAG } from "./_args.ts";
import { runOnDaemonOrLocally } from "./client/daemon-or-local.ts";

export default defineCommand({
  meta: { name: "compile", description: "Print the hosts section, nginx config, compose file and command files `up` would write" },
  args: {
    ...SPECS_FLAG,
    bundle: { type: "string", description: "Compile this bundle (repeat for more; default: the active bundles, else all)", valueHint: "name" },
    print: { type: "boolean", description: "Print the artifacts (the default; kept for Dusty users)" },
    json: { type: "boolean", description: "Print one JSON object instead of text" },
  },
  async run({ args, rawArgs }) {
    const bundles = collectRepeated(rawArgs, "--bundle");
    const json = args.json === true;
    const local = () => import("./client/local-specs.ts");
    if (args.specs !== undefined) return (await local()).compileLocally({ specsPath: args.specs, bundles, json });
    await runOnDaemonOrLocally("compile", { json, ...(bundles.length > 0 ? { bundles } : {}) }, {
      note: "Compiling the built-in example instead (pass --specs PATH to compile your own specs)",
      run: async () => (await local()).compileLocally({ specsPath: undefined, bundles, json }),
    });
  },
});
