// The compiled binary refuses unknown flags and surplus arguments on every command with exit 2, with no
// daemon running: the check needs none, and nothing is sent to one.
import { describe, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runDusty } from "./harness.ts";

/** Command paths from the help of the binary itself, subcommands included. */
function listedCommands(help: string): string[] {
  const section = help.split(/^COMMANDS$/m)[1]?.split(/^Use /m)[0] ?? "";
  return [...section.matchAll(/^\s+(\S+)\s{2,}/gm)].map((m) => m[1]!);
}

const env = { NO_COLOR: "1", DUSTY_SOCKET_PATH: join(mkdtempSync(join(tmpdir(), "dusty-usage-")), "none.sock") };
const run = (args: string[]) => runDusty(args, { env });

const paths: string[][] = [];
for (const command of listedCommands((await run(["--help"])).stdout)) {
  const subs = listedCommands((await run([command, "--help"])).stdout);
  if (subs.length === 0) paths.push([command]);
  else for (const sub of subs) paths.push([command, sub]);
}

describe("an unknown flag, without a daemon", () => {
  for (const path of paths) {
    test(`dusty ${path.join(" ")} --frobnicate exits 2 and names the command`, async () => {
      const result = await run([...path, "--frobnicate"]);
      expect(result.stderr).toStartWith(`Unknown option --frobnicate for dusty ${path.join(" ")}: its options are `);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe("");
    });
  }
});

test("the issue's examples are refused before the daemon is asked, with the closest known word", async () => {
  const cases: [string[], string][] = [
    [["stop", "--rm-all", "web"], "Unknown option --rm-all for dusty stop (did you mean --rm?)"],
    [["restart", "--no-snyc"], "Unknown option --no-snyc for dusty restart (did you mean --no-sync?)"],
    [["shell", "web", "ls"], 'Unexpected argument "ls" for dusty shell: it takes SERVICE.'],
    [["-V"], "Unknown option -V for dusty (did you mean -v?)"],
    [["down"], 'No such command "down" (to stop and remove the containers: `dusty stop --rm`)'],
    [["stauts"], 'No such command "stauts" (did you mean "status"?)'],
    [["bundles"], "Missing command for dusty bundles: it takes one of list, activate, deactivate."],
  ];
  for (const [args, message] of cases) {
    const result = await run(args);
    expect(result.stderr).toStartWith(message);
    expect(result.code).toBe(2);
  }
  // The same arguments spelt right do reach for the daemon (and find none).
  const right = await run(["stop", "--rm", "web"]);
  expect(right.stderr).toContain("Cannot connect to the dusty daemon");
  expect(right.code).toBe(1);
});

test("up --wait takes a number of seconds, and not together with --no-wait", async () => {
  const word = await run(["up", "--wait", "soon"]);
  expect(word.stderr).toBe('Invalid value for --wait: "soon". Give a number of seconds up to 3600, e.g. --wait 60, or --no-wait\n');
  expect(word.code).toBe(2);
  const both = await run(["up", "--wait=5", "--no-wait"]);
  expect(both.stderr).toBe("Cannot use --wait and --no-wait together: give one\n");
  expect(both.code).toBe(2);
});
