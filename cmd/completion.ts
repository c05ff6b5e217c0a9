/**
 * `dusty completion bash|zsh|fish`: the shell's completion script, generated from the command
 * definitions. The scripts call `dusty completion --names KIND [APP]` for names only the daemon knows;
 * that prints them one a line, and nothing at all when the daemon does not answer (completion must
 * never print an error into the user's command line).
 */
import type { CommandName } from "../core/commands.ts";
import { defineCommand } from "citty";
import type { NameKind } from "../core/command-tree.ts";
import { renderCompletion, SHELLS, type Shell } from "../core/completions.ts";
import { callDaemon, writeToTerminal } from "./client/call.ts";

export default defineCommand({
  meta: { name: "completion", description: "Print the shell completion script for bash, zsh or fish" },
  args: {
    shell: { type: "positional", required: false, description: "bash, zsh or fish (with --names: the app whose suites or scripts to list)" },
    names: { type: "string", description: "Print the names of a kind from the daemon, one a line (what the scripts call)", valueHint: "kind" },
  },
  async run({ args }) {
    if (args.names !== undefined) {
      const names = await namesOf(args.names as NameKind, args.shell).catch(() => []);
      if (names.length > 0) await writeToTerminal("stdout", `${names.join("\n")}\n`);
      return;
    }
    if (!SHELLS.includes(args.shell as Shell)) {
      await writeToTerminal("stderr", `Cannot print a completion script for ${args.shell === undefined ? "no shell" : `"${args.shell}"`}: name one of ${SHELLS.join(", ")}, e.g. \`dusty completion bash\`\n`);
      process.exitCode = 2;
      return;
    }
    const { root } = await import("./_commands.ts");
    const { readCommandTree } = await import("./_command-tree.ts");
    await writeToTerminal("stdout", renderCompletion(await readCommandTree(root), args.shell as Shell));
  },
});

/** The daemon's answer to one read command, or undefined when it refused or did not answer. */
async function ask(command: CommandName, request: Record<string, unknown>): Promise<string | undefined> {
  let out = "";
  const code = await callDaemon(command, request, { write: (stream, text) => void (stream === "stdout" ? (out += text) : undefined) });
  return code === 0 ? out : undefined;
}

const lines = (text: string | undefined) => (text ?? "").split("\n").filter(Boolean);

async function statusNames(types: string[]): Promise<string[]> {
  const out = await ask("status", { json: true });
  if (out === undefined) return [];
  const rows = (JSON.parse(out) as { rows: { name: string; type: string }[] }).rows;
  return rows.filter((r) => types.includes(r.type)).map((r) => r.name);
}

async function namesOf(kind: NameKind, app: string | undefined): Promise<string[]> {
  switch (kind) {
    case "containers":
      return statusNames(["nginx", "app", "service"]);
    case "targets":
      return statusNames(["app", "lib"]);
    case "apps":
      return statusNames(["app"]);
    case "bundles":
      return lines(await ask("bundles.list", { quiet: true }));
    case "config-keys":
      return lines(await ask("config.list", { quiet: true }));
    case "assets":
      return lines(await ask("assets.list", { quiet: true }));
    case "env-vars": {
      const out = app === undefined ? undefined : await ask("env.list", { name: app, json: true });
      return out === undefined ? [] : (JSON.parse(out) as { overrides: { variable: string }[] }).overrides.map((o) => o.variable);
    }
    case "shells":
      return [...SHELLS];
    case "repos": {
      const out = await ask("repos.list", { json: true });
      return out === undefined ? [] : (JSON.parse(out) as { repos: { shortName: string }[] }).repos.map((r) => r.shortName);
    }
    case "suites":
      return app === undefined ? [] : lines(await ask("test", { name: app, args: [], recreate: false, pull: false, quiet: true }));
    case "scripts": {
      // The scripts table: a header, a rule, then one script a line, its name first.
      const table = lines(app === undefined ? undefined : await ask("scripts", { app }));
      return table.slice(2).map((line) => line.split(/\s+/)[0]!).filter(Boolean);
    }
    default:
      return [];
  }
}
