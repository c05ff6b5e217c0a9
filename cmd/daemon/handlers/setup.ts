/**
 * `setup` (test/setup.test.ts): the daemon's half of `dusty setup`. The client has asked its questions and
 * sends the answers: `mac_username`, `specs_repo` ("" for the built-in example), `vm_memory_size`,
 * `update` (pull the specs repo, default true) and `sshAuthSock` (the user's agent, for git).
 */
import { join } from "node:path";
import { defaultConfig, setConfigValue, type DustyConfig } from "../../../core/config.ts";
import { updateConfig } from "../../../platform/config-file.ts";
import { UserError } from "../../../platform/errors.ts";
import { exampleRepoOverrides, writeExample } from "../../../platform/example.ts";
import { RepoUpdateError, updateManagedRepos } from "../../../platform/repos.ts";
import { absoluteRepoArg } from "../../_repo-arg.ts";
import { EXAMPLE_REPOS, EXAMPLE_SPECS } from "../../_example-specs.ts";
import { agentSocketFor } from "../../../platform/agent-socket.ts";
import { checkUserExists } from "./config.ts";
import type { Handler } from "./_types.ts";

/** The folder under the config dir where setup writes the built-in example. */
export const EXAMPLE_FOLDER = "example";

const handler: Handler<"setup"> = {
  async run(ctx, args) {
    const { mac_username: macUsername, vm_memory_size: vmMemory, update } = args;
    // A relative folder from a client that did not make it absolute is read against the client's folder.
    const specsRepo = absoluteRepoArg(args.specs_repo, ctx.cwd);
    const sshAuthSock = await agentSocketFor(ctx, args.sshAuthSock);
    await checkUserExists(macUsername);
    // Check every answer before writing anything, so a bad one leaves no example and no half setup behind.
    applySettings(defaultConfig(), { mac_username: macUsername, specs_repo: specsRepo || "example", vm_memory_size: vmMemory });

    let specsUrl = specsRepo;
    let overrides: Record<string, string> = {};
    if (specsRepo === "") {
      const dir = join(ctx.locations.configDir, EXAMPLE_FOLDER);
      const content = { specs: EXAMPLE_SPECS, repos: EXAMPLE_REPOS };
      const written = await writeExample(dir, content);
      ctx.log(written.created.length > 0 ? `Wrote the example specs and code repos to ${dir}` : `Using the example already at ${dir}`);
      specsUrl = written.specsPath;
      // The example lives on this machine: dusty reads it in place (an override) rather than from a clone.
      overrides = { ...exampleRepoOverrides(content, written), [written.specsPath]: written.specsPath };
    }

    const config = await updateConfig(ctx.locations.configFile, (current) => ({
      ...applySettings(current, { mac_username: macUsername, specs_repo: specsUrl, vm_memory_size: vmMemory }),
      repo_overrides: { ...current.repo_overrides, ...overrides },
      setup_has_run: true,
    }));

    if (update) {
      try {
        await updateManagedRepos([specsUrl], { config, locations: ctx.locations, log: ctx.log, sshAuthSock, signal: ctx.signal });
      } catch (error) {
        if (!(error instanceof RepoUpdateError)) throw error;
        throw new UserError(`${error.message}\nYour settings are saved: fix the problem, then run \`dusty repos update\``);
      }
    }
    ctx.output("Initial setup completed. You should now be able to use Dusty!");
    return 0;
  },
};

export default handler;

type SetupSettings = Record<"mac_username" | "specs_repo" | "vm_memory_size", string>;

/** Sets each answer through `config set`'s rules, so setup and `config set` accept exactly the same values. */
function applySettings(config: DustyConfig, settings: SetupSettings): DustyConfig {
  let next = config;
  for (const [key, value] of Object.entries(settings)) {
    const result = setConfigValue(next, key, value);
    if ("error" in result) throw new UserError(`${result.error}. Nothing was changed: run \`dusty setup\` again with a valid value`);
    next = result.config;
  }
  return next;
}
