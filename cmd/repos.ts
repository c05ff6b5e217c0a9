/**
 * `dusty repos list|from|override|manage|update`: which folder each repo's source comes from. Paths are
 * made absolute here, against the directory the user typed them in; the daemon checks they exist.
 */
import { defineCommand } from "citty";
import { resolve } from "node:path";
import { JSON_FLAG, QUIET_FLAG, readFlags } from "./_args.ts";
import { USAGE_EXIT_CODE } from "./_strict-args.ts";
import { runClientCommand, writeToTerminal } from "./client/call.ts";

const list = defineCommand({
  meta: { name: "list", description: "List every repo the specs use, with its local override if any" },
  args: { ...JSON_FLAG, ...QUIET_FLAG },
  run: ({ args }) => runClientCommand("repos.list", readFlags(args)),
});

const from = defineCommand({
  meta: { name: "from", description: "Override every repo whose short name is a folder in SOURCE_PATH" },
  args: {
    source_path: { type: "positional", required: true, description: "Folder that holds your clones, one per repo, named by short name" },
  },
  run: ({ args }) => runClientCommand("repos.from", { dir: resolve(args.source_path) }),
});

const override = defineCommand({
  meta: { name: "override", description: "Use your own clone at SOURCE_PATH instead of dusty's managed copy" },
  args: {
    repo_name: { type: "positional", required: true, description: "Full name or short name of the repo (see `dusty repos list`)" },
    source_path: { type: "positional", required: true, description: "Folder of your local clone" },
  },
  run: ({ args }) => runClientCommand("repos.override", { name: args.repo_name, path: resolve(args.source_path) }),
});

const manage = defineCommand({
  meta: { name: "manage", description: "Go back to dusty's managed copy of a repo (or of all with --all)" },
  args: {
    all: { type: "boolean", description: "Stop overriding every repo" },
    repo_name: { type: "positional", required: false, description: "Full name or short name of the repo" },
  },
  async run({ args }) {
    const all = args.all === true;
    if (all === (args.repo_name !== undefined)) return usageError("Give either a repo name or --all, as in `dusty repos manage --all`");
    await runClientCommand("repos.manage", all ? { all: true } : { name: args.repo_name });
  },
});

const update = defineCommand({
  meta: { name: "update", description: "Clone or pull dusty's managed copies of the specs repo and the active repos" },
  // git runs in the daemon but with the user's SSH agent, so remotes see the user's keys.
  run: () =>
    runClientCommand("repos.update", process.env.SSH_AUTH_SOCK ? { sshAuthSock: process.env.SSH_AUTH_SOCK } : {}),
});

export default defineCommand({
  meta: { name: "repos", description: "Manage the Git repos used for running apps" },
  subCommands: { list, from, override, manage, update },
});

async function usageError(message: string): Promise<void> {
  await writeToTerminal("stderr", `${message}. See \`dusty repos --help\`\n`);
  process.exitCode = USAGE_EXIT_CODE;
}
