// Generated over the whole command tree: every command refuses an unknown flag, every command with a
// fixed number of arguments refuses one more, and every flag it defines, spelt as its help shows it, passes.
import { describe, expect, test } from "bun:test";
import type { ArgsDef, CommandDef } from "citty";
import { PASSTHROUGH } from "./_args.ts";
import { findUsageProblem } from "./_strict-args.ts";
import { root } from "./_commands.ts";

type AnyCommand = CommandDef<ArgsDef>;
type Leaf = { path: string[]; args: Record<string, ArgsDef[string] & { valueHint?: string; alias?: string | string[] }> };

const resolve = async <T,>(value: unknown): Promise<T> => (typeof value === "function" ? await value() : await value) as T;

async function collectLeaves(command: AnyCommand, path: string[] = []): Promise<Leaf[]> {
  const subCommands = await resolve<Record<string, unknown> | undefined>(command.subCommands);
  if (!subCommands) return [{ path, args: (await resolve<Leaf["args"] | undefined>(command.args)) ?? {} }];
  const leaves: Leaf[] = [];
  for (const [name, sub] of Object.entries(subCommands)) leaves.push(...(await collectLeaves(await resolve<AnyCommand>(sub), [...path, name])));
  return leaves;
}

const leaves = await collectLeaves(root);
const positionalsOf = (leaf: Leaf) => Object.entries(leaf.args).filter(([, def]) => def.type === "positional");
const requiredWords = (leaf: Leaf) => positionalsOf(leaf).filter(([, def]) => def.required !== false).map((_, i) => `word${i}`);
const takesFixedCount = (leaf: Leaf) =>
  !positionalsOf(leaf).at(-1)?.[1].valueHint?.endsWith("...") && PASSTHROUGH[leaf.path.join(" ")]?.afterPositionals === undefined;

test("the command tree is read: groups give their subcommands", () => {
  const names = leaves.map((leaf) => leaf.path.join(" "));
  expect(names).toContain("bundles activate");
  expect(names).toContain("exec");
  expect(names.length).toBeGreaterThan(30);
});

describe("findUsageProblem()", () => {
  for (const leaf of leaves) {
    const name = leaf.path.join(" ");
    test(`dusty ${name}: an unknown flag is refused with the command's name`, async () => {
      const problem = await findUsageProblem(root, [...leaf.path, "--frobnicate", ...requiredWords(leaf)]);
      expect(problem).toStartWith(`Unknown option --frobnicate for dusty ${name}: its options are `);
      expect(problem).toEndWith(`See \`dusty ${name} --help\``);
    });

    test(`dusty ${name}: each of its flags and its arguments pass`, async () => {
      expect(await findUsageProblem(root, [...leaf.path, ...requiredWords(leaf)])).toBeUndefined();
      for (const [key, def] of Object.entries(leaf.args)) {
        if (def.type === "positional") continue;
        const value = def.type === "boolean" ? [] : ["value"];
        expect(await findUsageProblem(root, [...leaf.path, `--${key}`, ...value, ...requiredWords(leaf)])).toBeUndefined();
        expect(await findUsageProblem(root, [...leaf.path, ...requiredWords(leaf), `--${key}${value.length ? "=value" : ""}`])).toBeUndefined();
      }
    });

    if (takesFixedCount(leaf)) {
      test(`dusty ${name}: one argument more than it takes is refused`, async () => {
        const words = positionalsOf(leaf).map((_, i) => `word${i}`);
        expect(await findUsageProblem(root, [...leaf.path, ...words])).toBeUndefined();
        const problem = await findUsageProblem(root, [...leaf.path, ...words, "surplus"]);
        expect(problem).toStartWith(`Unexpected argument "surplus" for dusty ${name}: it takes `);
      });
    }
  }
});

test("findUsageProblem() names the closest flag, command and negation", async () => {
  expect(await findUsageProblem(root, ["stop", "--rm-all", "web"])).toStartWith("Unknown option --rm-all for dusty stop (did you mean --rm?)");
  expect(await findUsageProblem(root, ["restart", "--no-snyc"])).toStartWith("Unknown option --no-snyc for dusty restart (did you mean --no-sync?)");
  expect(await findUsageProblem(root, ["-V"])).toStartWith("Unknown option -V for dusty (did you mean -v?)");
  expect(await findUsageProblem(root, ["bundles", "actvate", "x"])).toStartWith('No such command "bundles actvate" (did you mean "activate"?)');
  expect(await findUsageProblem(root, ["down"])).toBe(
    'No such command "down" (to stop and remove the containers: `dusty stop --rm`). Run `dusty --help` to see the commands',
  );
  expect(await findUsageProblem(root, ["shell", "web", "ls"])).toContain("`dusty exec NAME -- COMMAND...`");
});

test("findUsageProblem() leaves what a suite, a script or exec's command receives alone", async () => {
  expect(await findUsageProblem(root, ["test", "web", "unit", "--anything", "-x", "more"])).toBeUndefined();
  expect(await findUsageProblem(root, ["scripts", "web", "check", "--fix", "-h"])).toBeUndefined();
  expect(await findUsageProblem(root, ["exec", "web", "--", "ls", "-la", "--frobnicate"])).toBeUndefined();
  expect(await findUsageProblem(root, ["exec", "-T", "web", "--", "sh", "-c", "exit 3"])).toBeUndefined();
  // Before the suite name, dusty's own options are still checked.
  expect(await findUsageProblem(root, ["test", "--recreat", "web"])).toStartWith("Unknown option --recreat for dusty test (did you mean --recreate?)");
  // Elsewhere `--` ends the flags and what follows counts as arguments.
  expect(await findUsageProblem(root, ["stop", "--", "--web"])).toBeUndefined();
  expect(await findUsageProblem(root, ["shell", "--", "web", "ls"])).toStartWith('Unexpected argument "ls" for dusty shell');
});

test("findUsageProblem() reads citty's spellings, value flags and short clusters", async () => {
  expect(await findUsageProblem(root, ["setup", "--mac-username", "me", "--vmMemory", "2048", "--no-update"])).toBeUndefined();
  expect(await findUsageProblem(root, ["logs", "-ft", "--tail", "5", "web"])).toBeUndefined();
  expect(await findUsageProblem(root, ["logs", "--tail", "web"])).toStartWith("Missing argument SERVICE for dusty logs");
  expect(await findUsageProblem(root, ["disk", "restore", "-y", "/tmp/x"])).toBeUndefined();
  expect(await findUsageProblem(root, ["shell", "-h"])).toBeUndefined();
  expect(await findUsageProblem(root, ["bundles", "--help"])).toBeUndefined();
  expect(await findUsageProblem(root, ["--version"])).toBeUndefined();
  expect(await findUsageProblem(root, ["bundles"])).toBe(
    "Missing command for dusty bundles: it takes one of list, activate, deactivate. See `dusty bundles --help`",
  );
});
