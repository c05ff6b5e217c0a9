/**
 * The commands, flags and positionals of dusty as plain data, read from the citty definitions
 * (cmd/_command-tree.ts) so that shell completions and the man page are generated from the same source
 * as `--help` and cannot drift from it.
 */

/** What a positional's values are; names come from the daemon (`dusty completion --names KIND`). */
export type NameKind =
  | "containers"
  | "targets"
  | "apps"
  | "bundles"
  | "repos"
  | "suites"
  | "scripts"
  | "config-keys"
  | "assets"
  | "env-vars"
  | "shells"
  | "files";

/** The kinds whose names depend on the positional before (an app's suites or scripts, an app's or service's variables). */
export const KINDS_AFTER_APP: readonly NameKind[] = ["suites", "scripts", "env-vars"];

/** One flag. */
export interface FlagNode {
  name: string;
  aliases: string[];
  description: string;
  /** A string flag: the next word (or `=value`) is its value. */
  takesValue: boolean;
  valueHint?: string;
  /** A boolean defaulting to true: `--no-<name>` turns it off. */
  negatable: boolean;
  negativeDescription?: string;
}

/** One positional argument. */
export interface PositionalNode {
  name: string;
  description: string;
  required: boolean;
  /** Takes every following word (names..., args). */
  variadic: boolean;
  kind?: NameKind;
}

/** One command or command group. */
export interface CommandNode {
  name: string;
  description: string;
  flags: FlagNode[];
  positionals: PositionalNode[];
  subcommands: CommandNode[];
}

/** Every command path of the tree, with its node, the root first: [[], root], [["bundles"], …]. */
export function commandPaths(root: CommandNode): [string[], CommandNode][] {
  const out: [string[], CommandNode][] = [];
  const walk = (node: CommandNode, path: string[]) => {
    out.push([path, node]);
    for (const sub of node.subcommands) walk(sub, [...path, sub.name]);
  };
  walk(root, []);
  return out;
}

/** The words a flag is written as: `--json`, `-q`, `--no-pull`. */
export function flagWords(flag: FlagNode): string[] {
  const long = [`--${flag.name}`, ...(flag.negatable ? [`--no-${flag.name}`] : [])];
  return [...long, ...flag.aliases.map((a) => (a.length === 1 ? `-${a}` : `--${a}`))];
}
