/** Reads the citty definitions (cmd/_commands.ts) into core/command-tree.ts's plain data, loading every command. */
import type { ArgDef, ArgsDef, CommandDef } from "citty";
import type { CommandNode, NameKind, PositionalNode } from "../core/command-tree.ts";

type Resolvable<T> = T | Promise<T> | (() => T | Promise<T>);

// What a positional's values are, by its name in the definitions.
const KIND_OF_POSITIONAL: Record<string, NameKind> = {
  service: "containers",
  app_or_service: "containers",
  names: "containers",
  app_or_lib: "targets",
  app_name: "apps",
  bundle_names: "bundles",
  repo_name: "repos",
  repos: "repos",
  suite: "suites",
  script_name: "scripts",
  key: "config-keys",
  asset_key: "assets",
  var_name: "env-vars",
  shell: "shells",
  source_path: "files",
  local_path: "files",
  destination: "files",
  source: "files",
  specsPath: "files",
};

async function resolve<T>(value: Resolvable<T> | undefined): Promise<T | undefined> {
  return typeof value === "function" ? await (value as () => T | Promise<T>)() : await value;
}

/** The whole tree under `command`, named `name`. */
export async function readCommandTree(command: CommandDef<ArgsDef>, name?: string): Promise<CommandNode> {
  const meta = await resolve(command.meta);
  const args = (await resolve(command.args)) ?? {};
  const subs = (await resolve(command.subCommands)) ?? {};
  const node: CommandNode = { name: name ?? meta?.name ?? "", description: meta?.description ?? "", flags: [], positionals: [], subcommands: [] };
  for (const [argName, def] of Object.entries(args as Record<string, ArgDef>)) {
    if (def.type === "positional") {
      const positional: PositionalNode = { name: argName, description: def.description ?? "", required: def.required === true, variadic: isVariadic(def) };
      const kind = KIND_OF_POSITIONAL[argName];
      if (kind) positional.kind = kind;
      node.positionals.push(positional);
      continue;
    }
    const alias = (def as { alias?: string | string[] }).alias;
    const aliases = alias === undefined ? [] : Array.isArray(alias) ? alias : [alias];
    node.flags.push({
      name: argName,
      aliases,
      description: def.description ?? "",
      takesValue: def.type === "string" || def.type === "enum",
      ...(def.valueHint ? { valueHint: def.valueHint } : {}),
      negatable: def.type === "boolean" && def.default === true,
      ...("negativeDescription" in def && def.negativeDescription ? { negativeDescription: def.negativeDescription } : {}),
    });
  }
  node.flags.push({ name: "help", aliases: ["h"], description: "Show this help", takesValue: false, negatable: false });
  for (const [subName, sub] of Object.entries(subs as Record<string, Resolvable<CommandDef<ArgsDef>>>)) {
    const def = await resolve(sub);
    if (def) node.subcommands.push(await readCommandTree(def, subName));
  }
  return node;
}

// The one convention, shared with the usage check (cmd/_strict-args.ts): a positional whose valueHint
// ends in "..." takes every word after it.
function isVariadic(def: { valueHint?: string }): boolean {
  return def.valueHint?.endsWith("...") === true;
}
