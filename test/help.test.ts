// Every command's help, locked by snapshots: a change to a flag or a description shows up in review.
// `bun test -u test/help.test.ts` rewrites them; `make check` fails when one is stale.
import { describe, expect, test } from "bun:test";
import { runDusty as runWithColors } from "./harness.ts";

// Plain text: the snapshots must not depend on whether citty thinks it may colour.
const runDusty = (args: string[]) => runWithColors(args, { env: { NO_COLOR: "1" } });

/** Command names listed in a help text's COMMANDS section. */
function listedCommands(help: string): string[] {
  const section = help.split(/^COMMANDS$/m)[1]?.split(/^Use /m)[0] ?? "";
  return [...section.matchAll(/^\s+(\S+)\s{2,}/gm)].map((m) => m[1]!);
}

const root = await runDusty(["--help"]);
const commands = listedCommands(root.stdout);

describe("help", () => {
  test("dusty --help lists every command", () => {
    expect(root.code).toBe(0);
    expect(commands).toEqual([
      "assets", "bundles", "compile", "completion", "config", "cp", "daemon", "disk", "doctor", "dump", "env", "exec", "logs",
      "repos", "restart", "scripts", "setup", "shell", "shutdown", "status", "stop", "sync", "test", "up", "upgrade", "validate",
      "version", "watch",
    ]);
    expect(root.stdout).toMatchSnapshot();
  });

  for (const command of commands) {
    test(`dusty ${command} -h`, async () => {
      const help = await runDusty([command, "-h"]);
      expect(help.code).toBe(0);
      expect(help.stdout).toContain(`dusty ${command}`);
      expect(help.stdout).toMatchSnapshot();
      for (const sub of listedCommands(help.stdout)) {
        const subHelp = await runDusty([command, sub, "-h"]);
        expect(subHelp.code).toBe(0);
        expect(subHelp.stdout).toContain(`dusty ${command} ${sub}`);
        expect(subHelp.stdout).toMatchSnapshot(`${command} ${sub}`);
      }
    });
  }
});

test("an unknown command says so in one line, with the closest command, and exits 2 (a usage error)", async () => {
  const result = await runDusty(["stauts"]);
  expect(result.code).toBe(2);
  expect(result.stdout).toBe("");
  expect(result.stderr).toBe('No such command "stauts" (did you mean "status"?). Run `dusty --help` to see the commands\n');
});

test("dusty with no command prints the overview and succeeds, as Dusty did", async () => {
  const result = await runDusty([]);
  expect(result.code).toBe(0);
  expect(result.stdout).toContain("USAGE dusty assets|bundles");
});
