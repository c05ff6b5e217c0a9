/**
 * `dusty repos list|from|override|manage|update`: which folder each repo's source comes from. Paths are
 * made absolute here, against the directory the user typed them in; the daemon checks they exist.
 */
import { defineCommand } from "citty";
import { resolve } from "node:path";
import { JSON_FLAG, QUIET_FLAG, readFlags } from "./_args.ts";
import { runClientCommand, writeToTerminal } from "./client.ts";

const list = defineCommand({
  meta: { name: "list", description: "List every repo the specs use, with its local override if any" },
  args: { ...JSON_FLAG, ...QUIET_FLAG },
  run: ({ args }) => withPositionals(args._, 0, () => runClientCommand("repos.list", readFlags(args))),
});

const from = defineCommand({
  meta: { name: "from", description: "Override every repo whose short name is a folder in SOURCE_PATH" },
  args: {
    source_path: { type: "positional", required: true, description: "Folder that holds your clones, one per repo, named by short name" },
  },
  run: ({ args }) => withPositionals(args._, 1, () => runClientCommand("repos.from", { dir: resolve(args.source_path) })),
});

const override = defineCommand({
  meta: { name: "override", description: "Use your own clone at SOURCE_PATH instead of dusty's managed copy" },
  args: {
    repo_name: { type: "positional", required: true, description: "Full name or short name of the repo (see `dusty repos list`)" },
    source_path: { type: "positional", required: true, description: "Folder of your local clone" },
  },
  run: ({ args }) =>
    withPositionals(args._, 2, () => runClientCommand("repos.override", { name: args.repo_name, path: resolve(args.source_path) })),
});

const manage = defineCommand({
  meta: { name: "manage", description: "Go back to dusty's managed copy of a repo (or of all with --all)" },
  args: {
    all: { type: "boolean", description: "Stop overriding every repo" },
    repo_name: { type: "positional", required: false, description: "Full name or short name of the repo" },
  },
  run: ({ args }) =>
    withPositionals(args._, args.all === true ? 0 : 1, async () => {
      const all = args.all === true;
      if (all === (args.repo_name !== undefined)) return usageError("Give either a repo name or --all, as in `dusty repos manage --all`");
      await runClientCommand("repos.manage", all ? { all: true } : { name: args.repo_name });
    }),
});

const update = defineCommand({
  meta: { name: "update", description: "Clone or pull dusty's managed copies of the specs repo and the active repos" },
  // git runs in the daemon but with the user's SSH agent, so remotes see the user's keys.
  run: ({ args }) =>
    withPositionals(args._, 0, () => runClientCommand("repos.update", process.env.SSH_AUTH_SOCK ? { sshAuthSock: process.env.SSH_AUTH_SOCK } : {})),
});

export default defineCommand({
  meta: { name: "repos", description: "Manage the Git repos used for running apps" },
  subCommands: { list, from, override, manage, update },
});

// citty accepts extra positionals silently; a stray word is more likely a mistake than something to ignore.
async function withPositionals(given: readonly string[], expected: number, body: () => Promise<void>): Promise<void> {
  if (given.length > expected) return usageError(`Unexpected argument${given.length - expected === 1 ? "" : "s"}: ${given.slice(expected).join(" ")}`);
  await body();
}

async function usageError(message: string): Promise<void> {
  await writeToTerminal("stderr", `${message}. See \`dusty repos --help\`\n`);
  process.exitCode = 1;
}
