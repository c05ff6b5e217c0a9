/**
 * The one check that refuses what a command does not understand, read from the command definitions
 * themselves (citty's `args` and `subCommands`), so a new command or flag is covered without a line here.
 * citty accepts unknown flags and surplus positionals silently: `stop --rm-all web` stopped without
 * removing. This runs in main.ts before any command does, so nothing reaches the daemon.
 *
 * Conventions read from the definitions: a positional whose valueHint ends in "..." takes every word
 * left; PASSTHROUGH (cmd/_args.ts) names the commands whose later words belong to something else.
 */
import type { ArgsDef, CommandDef } from "citty";
import { suggestName } from "../core/validate-suggest.ts";
import { PASSTHROUGH } from "./_args.ts";

/** Exit code of a usage error (as getopt-style tools and argparse use). */
export const USAGE_EXIT_CODE = 2;

/** Flags the root understands besides its args: main.ts handles -v and -d itself; citty handles --version. */
const ROOT_FLAGS = ["-v", "-d", "--version"];
const HELP_FLAGS = ["-h", "--help"];

/** What to say besides "unexpected" for a command people expect to take more. */
const HINTS: Record<string, string> = {
  shell: "To run one command in the container: `dusty exec NAME -- COMMAND...`",
  exec: "Put the command after `--`: `dusty exec NAME -- COMMAND...`",
};

type AnyCommand = CommandDef<ArgsDef>;
type ArgDefinition = ArgsDef[string] & { valueHint?: string; alias?: string | string[] };

const resolve = async <T>(value: T | (() => T | Promise<T>) | Promise<T> | undefined): Promise<T | undefined> =>
  typeof value === "function" ? await (value as () => T | Promise<T>)() : await value;

/** The usage problem in argv for the command tree under root, or undefined when dusty understands all of it. */
export async function findUsageProblem(root: AnyCommand, argv: readonly string[]): Promise<string | undefined> {
  let command = root;
  const path: string[] = [];
  let rest = [...argv];
  for (;;) {
    const args = ((await resolve(command.args)) ?? {}) as Record<string, ArgDefinition>;
    const subCommands = (await resolve(command.subCommands)) as Record<string, unknown> | undefined;
    const flags = describeFlags(args, path.length === 0 ? ROOT_FLAGS : []);
    if (!subCommands || Object.keys(subCommands).length === 0) return checkLeaf(path, args, flags, rest);
    // A group: its own flags may stand before the subcommand's name (citty reads them the same way).
    let at = 0;
    for (; at < rest.length && isFlag(rest[at]!); at++) {
      const problem = checkFlag(path, flags, rest[at]!);
      if (problem) return problem;
      if (flags.takesValue(rest[at]!)) at++;
    }
    const name = rest[at];
    if (name === undefined || name === "--") {
      // The root alone or with --version, and any -h, are citty's; a group needs one of its commands.
      if (path.length === 0 || rest.slice(0, at).some((word) => HELP_FLAGS.includes(word))) return undefined;
      const where = ["dusty", ...path].join(" ");
      return `Missing command for ${where}: it takes one of ${Object.keys(subCommands).join(", ")}. See \`${where} --help\``;
    }
    if (!Object.hasOwn(subCommands, name)) return describeUnknownCommand(path, name, Object.keys(subCommands));
    command = (await resolve(subCommands[name] as AnyCommand)) as AnyCommand;
    path.push(name);
    rest = rest.slice(at + 1);
  }
}

function describeUnknownCommand(path: string[], name: string, known: string[]): string {
  const where = ["dusty", ...path].join(" ");
  const hint = suggestName(name, known);
  const alias = path.length === 0 ? COMMAND_ALIASES[name] : undefined;
  const mean = hint ? ` (did you mean "${hint}"?)` : alias ? ` (to ${alias.what}: \`${alias.use}\`)` : "";
  return `No such command "${[...path, name].join(" ")}"${mean}. Run \`${where} --help\` to see the commands`;
}

/** Words from other tools that have a dusty equivalent no spelling distance finds. */
const COMMAND_ALIASES: Record<string, { what: string; use: string }> = {
  down: { what: "stop and remove the containers", use: "dusty stop --rm" },
  start: { what: "start the environment", use: "dusty up" },
  ps: { what: "see what runs", use: "dusty status" },
};

function checkLeaf(path: string[], args: Record<string, ArgDefinition>, flags: FlagSet, rest: readonly string[]): string | undefined {
  const name = path.join(" ");
  const passthrough = PASSTHROUGH[name];
  const positionals = Object.entries(args).filter(([, def]) => def.type === "positional");
  const variadic = positionals.at(-1)?.[1].valueHint?.endsWith("...") === true;
  const given: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    if (passthrough?.afterPositionals !== undefined && given.length >= passthrough.afterPositionals) break;
    const word = rest[i]!;
    if (word === "--") {
      if (passthrough?.afterDashes) break;
      given.push(...rest.slice(i + 1)); // citty reads the words after -- as positionals
      break;
    }
    if (!isFlag(word)) {
      given.push(word);
      continue;
    }
    if (HELP_FLAGS.includes(word)) return undefined; // citty shows the help, whatever else was typed
    const problem = checkFlag(path, flags, word);
    if (problem) return problem;
    if (flags.takesValue(word)) i++;
  }
  const takes = positionals.length === 0 ? "it takes no arguments" : `it takes ${positionals.map(([key, def]) => describePositional(key, def)).join(" ")}`;
  const hint = HINTS[name] ? `. ${HINTS[name]}` : "";
  const required = positionals.filter(([, def]) => def.required !== false && def.default === undefined);
  if (given.length < required.length) {
    const missing = required.slice(given.length).map(([key]) => key.toUpperCase());
    return `Missing argument${missing.length === 1 ? "" : "s"} ${missing.join(" ")} for dusty ${name}: ${takes}. See \`dusty ${name} --help\``;
  }
  if (variadic || passthrough?.afterPositionals !== undefined || given.length <= positionals.length) return undefined;
  const extra = given.slice(positionals.length);
  return `Unexpected argument${extra.length === 1 ? "" : "s"} ${extra.map((w) => `"${w}"`).join(" ")} for dusty ${name}: ${takes}${hint}. See \`dusty ${name} --help\``;
}

/** A positional as the help shows it: NAME, or [NAME] when optional; one that takes the rest says how many. */
function describePositional(key: string, def: ArgDefinition): string {
  const optional = def.required === false || def.default !== undefined;
  const name = optional ? `[${key.toUpperCase()}]` : key.toUpperCase();
  if (!def.valueHint?.endsWith("...")) return name;
  return `${name} (${optional ? "any number" : "one or more"})`;
}

const isFlag = (word: string): boolean => word.startsWith("-") && word !== "-" && word !== "--";

function checkFlag(path: string[], flags: FlagSet, word: string): string | undefined {
  if (flags.knows(word)) return undefined;
  const where = ["dusty", ...path].join(" ");
  const written = word.split("=")[0]!;
  const hint = flags.suggest(written);
  const options = `its options are ${flags.listed.join(", ")}`;
  const more = HINTS[path.join(" ")] ? `. ${HINTS[path.join(" ")]}` : "";
  return `Unknown option ${written} for ${where}${hint ? ` (did you mean ${hint}?)` : ""}: ${options}${more}. See \`${where} --help\``;
}

/** The flags a command understands, in every spelling citty accepts. */
interface FlagSet {
  knows(word: string): boolean;
  takesValue(word: string): boolean;
  suggest(written: string): string | undefined;
  /** What the error lists: one spelling per flag, as the help shows it. */
  listed: string[];
}

function describeFlags(args: Record<string, ArgDefinition>, extra: string[]): FlagSet {
  const longs = new Map<string, "boolean" | "value">();
  const shorts = new Map<string, "boolean" | "value">();
  const listed: string[] = [];
  for (const [key, def] of Object.entries(args)) {
    if (def.type === "positional") continue;
    const kind = def.type === "boolean" || def.type === undefined ? "boolean" : "value";
    const aliases = def.alias === undefined ? [] : Array.isArray(def.alias) ? def.alias : [def.alias];
    const names = new Set([key, toKebab(key), toCamel(key), ...aliases.filter((a) => a.length > 1)]);
    for (const name of names) {
      longs.set(name, kind);
      if (kind === "boolean") longs.set(`no-${name}`, kind);
    }
    for (const alias of aliases.filter((a) => a.length === 1)) {
      shorts.set(alias, kind);
      if (kind === "boolean") longs.set(`no-${alias}`, kind); // citty's help shows --no-f beside --no-follow
    }
    listed.push(...aliases.filter((a) => a.length === 1).map((a) => `-${a}`), `--${key}`);
    if (kind === "boolean" && def.default === true) listed.push(`--no-${key}`);
  }
  for (const flag of [...HELP_FLAGS, ...extra]) (flag.startsWith("--") ? longs : shorts).set(flag.replace(/^-+/, ""), "boolean");
  const kindOf = (word: string): "boolean" | "value" | undefined => {
    if (word.startsWith("--")) return longs.get(word.slice(2).split("=")[0]!);
    // -abc is -a -b -c; a short flag that takes a value takes the rest of the word (-n5), as node's parseArgs reads it.
    for (const [i, letter] of [...word.slice(1)].entries()) {
      const kind = shorts.get(letter);
      if (kind === undefined) return undefined;
      if (kind === "value") return i === word.length - 2 ? "value" : "boolean";
    }
    return "boolean";
  };
  listed.push(...extra);
  // Negations are suggested through the flag they negate (below), so `--no-snyc` finds `--no-sync`.
  const candidates = [...longs.keys()].filter((name) => !name.startsWith("no-"));
  return {
    knows: (word) => kindOf(word) !== undefined,
    takesValue: (word) => !word.includes("=") && kindOf(word) === "value",
    suggest(written) {
      const bare = written.replace(/^-+/, "");
      const match = suggestName(bare, [...candidates, ...shorts.keys()]);
      if (match !== undefined) return match.length === 1 && shorts.has(match) ? `-${match}` : `--${match}`;
      // `--no-snyc`: the negation of a misspelt flag.
      const negated = bare.startsWith("no-") ? suggestName(bare.slice(3), candidates) : undefined;
      return negated === undefined ? undefined : `--no-${negated}`;
    },
    listed: [...listed, "-h"],
  };
}

/** citty's spellings of a flag name: mac_username is also --mac-username and --macUsername. */
function splitWords(name: string): string[] {
  return name.split(/[-_]|(?<=[a-z0-9])(?=[A-Z])/).filter(Boolean).map((w) => w.toLowerCase());
}
const toKebab = (name: string): string => splitWords(name).join("-");
const toCamel = (name: string): string => splitWords(name).map((w, i) => (i === 0 ? w : w[0]!.toUpperCase() + w.slice(1))).join("");
