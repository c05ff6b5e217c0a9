// End-to-end: `dusty completion bash|zsh|fish` run through the real shells. bash: `complete -p` and the
// completion function (over compgen) offer every command, subcommand and flag of the definitions, and
// names from a real daemon running the example; zsh and fish parse their scripts (`-n`) and fish
// completes through `complete -C`. The man page renders through man(1) without warnings.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { root } from "../cmd/_commands.ts";
import { readCommandTree } from "../cmd/_command-tree.ts";
import { commandPaths, flagWords } from "../core/command-tree.ts";
import { renderManPage } from "../core/man-page.ts";
import { makeTempDir } from "./git-fixtures.ts";
import { dustyArgv, runDusty } from "./harness.ts";
import { startExampleEnvironment, type ExampleEnvironment } from "./up-example.ts";

const work = makeTempDir("dusty-completion-");
const BIN = dustyArgv([])[0]!;
const haveShell = (shell: string) => Bun.spawnSync(["sh", "-c", `command -v ${shell}`]).exitCode === 0;
let env: ExampleEnvironment;
const scripts: Record<string, string> = {};

beforeAll(async () => {
  for (const [shell, file] of [["bash", "dusty.bash"], ["zsh", "_dusty"], ["fish", "dusty.fish"]] as const) {
    const result = await runDusty(["completion", shell]);
    expect(result.code).toBe(0);
    scripts[shell] = join(work.path, file);
    writeFileSync(scripts[shell]!, result.stdout);
  }
  env = await startExampleEnvironment({ compose: "docker compose" });
  const up = await env.dusty(["up"]);
  if (up.code !== 0) throw new Error(up.stderr);
}, 120_000);
afterAll(async () => {
  await env?.cleanup();
  work.remove();
});

/** What bash's completion function offers for the words typed so far (the last one being completed). */
async function bashComplete(words: string[], daemonEnv: Record<string, string> = env.daemon.env): Promise<{ words: string[]; stderr: string }> {
  // COMP_WORDS[0] is the binary: the script asks it for names, as a user's `dusty` would be asked.
  const script = `source ${JSON.stringify(scripts.bash)}
COMP_WORDS=(${[BIN, ...words].map((w) => `'${w}'`).join(" ")}); COMP_CWORD=${words.length}
_dusty; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const child = Bun.spawn(["bash", "--norc", "-c", script], { env: { ...process.env, ...daemonEnv }, stdout: "pipe", stderr: "pipe" });
  const [out, stderr] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text()]);
  expect(await child.exited).toBe(0);
  return { words: out.split("\n").filter(Boolean).sort(), stderr };
}

describe("bash", () => {
  test("sourcing the script registers the function: complete -p", () => {
    const result = Bun.spawnSync(["bash", "--norc", "-c", `source ${JSON.stringify(scripts.bash)} && complete -p dusty`]);
    expect(result.stdout.toString()).toBe("complete -F _dusty dusty\n");
  });

  test("every command, subcommand and flag of the definitions is offered where it belongs", async () => {
    const tree = await readCommandTree(root);
    for (const [path, node] of commandPaths(tree)) {
      if (node.subcommands.length > 0) expect(`${path.join(" ")}: ${(await bashComplete([...path, ""])).words.join(" ")}`).toBe(`${path.join(" ")}: ${node.subcommands.map((s) => s.name).sort().join(" ")}`);
      const flags = (await bashComplete([...path, "-"])).words;
      expect(`${path.join(" ")}: ${flags.join(" ")}`).toBe(`${path.join(" ")}: ${node.flags.flatMap(flagWords).filter((w) => w.startsWith("-")).sort().join(" ")}`);
    }
  }, 120_000);

  test("a prefix narrows: bu → bundles, --t after logs → --tail --timestamps", async () => {
    expect((await bashComplete(["bu"])).words).toEqual(["bundles"]);
    expect((await bashComplete(["logs", "--t"])).words).toEqual(["--tail", "--timestamps"]);
    expect((await bashComplete(["bundles", "a"])).words).toEqual(["activate"]);
  });

  test("names come from the daemon: bundles, containers, suites, scripts, repos, config keys", async () => {
    expect((await bashComplete(["bundles", "activate", ""])).words).toEqual(["everything", "website"]);
    expect((await bashComplete(["bundles", "activate", "everything", "w"])).words).toEqual(["website"]);
    expect((await bashComplete(["logs", "-f", ""])).words).toEqual(["api", "cache", "nginx", "website"]);
    expect((await bashComplete(["test", "website", ""])).words).toEqual(["pages"]);
    expect((await bashComplete(["test", ""])).words).toEqual(["api", "greeting", "website"]);
    expect((await bashComplete(["scripts", "website", ""])).words).toEqual(["check"]);
    expect((await bashComplete(["repos", "override", "web"])).words).toEqual(["website"]);
    expect((await bashComplete(["config", "set", "port_"])).words).toEqual(["port_base"]);
    // A flag's value is not a positional: --tail 5 still completes the container.
    expect((await bashComplete(["logs", "--tail", "5", "we"])).words).toEqual(["website"]);
  });

  test("every positional completes names, files or is free text on purpose", async () => {
    const tree = await readCommandTree(root);
    const free = commandPaths(tree).flatMap(([path, node]) => node.positionals.filter((p) => !p.kind).map((p) => `${path.join(" ")}: ${p.name}`));
    expect(free).toEqual(["config set: value", "env set: value", "exec: command", "scripts: args", "test: args", "upgrade: version"]);
    expect((await bashComplete(["completion", ""])).words).toEqual(["bash", "fish", "zsh"]);
    expect((await env.dusty(["env", "set", "api", "DEBUG", "1"])).code).toBe(0);
    expect((await bashComplete(["env", "unset", "api", ""])).words).toEqual(["DEBUG"]);
  });

  test("without a daemon there are no names and no error on the terminal", async () => {
    const result = await bashComplete(["bundles", "activate", ""], { DUSTY_SOCKET_PATH: join(work.path, "no.sock") });
    expect(result).toEqual({ words: [], stderr: "" });
  });
});

test("zsh -n accepts the zsh script, and it completes through compadd", async () => {
  expect(haveShell("zsh")).toBe(true);
  const syntax = Bun.spawnSync(["zsh", "-n", scripts.zsh!]);
  expect(syntax.stderr.toString()).toBe("");
  expect(syntax.exitCode).toBe(0);
  // compadd and _files stubbed to print what the completion system would be handed.
  const script = `compadd() { shift; print -l -- "$@" }; _files() { print FILES }
words=(${BIN} bundles activate ''); CURRENT=4
source ${scripts.zsh}`;
  const child = Bun.spawn(["zsh", "-f", "-c", script], { env: { ...process.env, ...env.daemon.env }, stdout: "pipe", stderr: "pipe" });
  const out = await new Response(child.stdout).text();
  expect(await new Response(child.stderr).text()).toBe("");
  expect(out.split("\n").filter(Boolean).sort()).toEqual(["everything", "website"]);
});

test.skipIf(!haveShell("fish"))("fish -n accepts the fish script, and complete -C completes commands, flags and names", async () => {
  expect(Bun.spawnSync(["fish", "-n", scripts.fish!]).exitCode).toBe(0);
  // fish calls `dusty` by name for names: put this binary first on PATH under that name.
  const bin = join(work.path, "bin");
  Bun.spawnSync(["mkdir", "-p", bin]);
  Bun.spawnSync(["ln", "-sf", BIN, join(bin, "dusty")]);
  const complete = async (line: string) => {
    const child = Bun.spawn(["fish", "--no-config", "-c", `source ${scripts.fish}; complete -C ${JSON.stringify(line)}`], {
      env: { ...process.env, ...env.daemon.env, PATH: `${bin}:${process.env.PATH}` },
      stdout: "pipe",
      stderr: "pipe",
    });
    const out = await new Response(child.stdout).text();
    expect(await child.exited).toBe(0);
    return out.split("\n").filter(Boolean).map((l) => l.split("\t")[0]!).sort();
  };
  expect(await complete("dusty bun")).toEqual(["bundles"]);
  expect(await complete("dusty bundles ")).toEqual(["activate", "deactivate", "list"]);
  expect(await complete("dusty status --j")).toEqual(["--json"]);
  expect(await complete("dusty bundles activate ")).toEqual(["everything", "website"]);
  expect(await complete("dusty test website ")).toContain("pages");
});

test("dusty completion refuses an unknown shell with exit 2 and the choices", async () => {
  const result = await runDusty(["completion", "tcsh"]);
  expect(result).toEqual({ code: 2, stdout: "", stderr: 'Cannot print a completion script for "tcsh": name one of bash, zsh, fish, e.g. `dusty completion bash`\n' });
});

test("the man page lists every command and renders through man without a warning", async () => {
  const tree = await readCommandTree(root);
  const page = renderManPage(tree, { version: "1.2.3", date: "2026-12-01" });
  const file = join(work.path, "dusty.1");
  writeFileSync(file, page);
  const man = Bun.spawnSync(["man", "--warnings", "-l", file], { env: { ...process.env, MANWIDTH: "200", MAN_KEEP_FORMATTING: "" } });
  expect(man.stderr.toString()).toBe("");
  const text = man.stdout.toString();
  for (const [path, node] of commandPaths(tree).slice(1)) if (node.subcommands.length === 0) expect(text).toContain(`dusty ${path.join(" ")}`);
  expect(text).toContain("--json");
  expect(text).toContain("dusty 1.2.3");
});
