// End-to-end: dusty colors only a terminal. Help piped through `cat -v` has no escapes, NO_COLOR and
// FORCE_COLOR decide over that, and a real terminal (a pty from util-linux `script`) still gets color.
import { describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { wantsColor } from "../core/color.ts";
import { dustyArgv, ROOT, runDusty } from "./harness.ts";

const ESC = "\x1b";
// What the test runner's own environment might say about color is not what these tests are about.
const PLAIN_ENV = { NO_COLOR: undefined, FORCE_COLOR: undefined, CI: undefined, TEST: undefined, TERM: "xterm-256color" };

/** stdout of `dusty ARGS | cat -v` (stderr along with it, through the same pipe). */
async function throughCatV(args: string[], env: Record<string, string | undefined> = {}): Promise<string> {
  const merged: Record<string, string> = {};
  for (const [name, value] of Object.entries({ ...process.env, ...PLAIN_ENV, ...env })) if (value !== undefined) merged[name] = value;
  const child = Bun.spawn(["sh", "-c", '"$@" 2>&1 | cat -v', "sh", ...dustyArgv(args)], { env: merged, stdin: "ignore", stdout: "pipe" });
  const out = await new Response(child.stdout).text();
  expect(await child.exited).toBe(0);
  return out;
}

describe("color", () => {
  test("wantsColor: NO_COLOR wins, FORCE_COLOR forces, else a terminal that is not dumb", () => {
    expect(wantsColor({}, true)).toBe(true);
    expect(wantsColor({}, false)).toBe(false);
    expect(wantsColor({ TERM: "dumb" }, true)).toBe(false);
    expect(wantsColor({ NO_COLOR: "1" }, true)).toBe(false);
    expect(wantsColor({ NO_COLOR: "" }, true)).toBe(true);
    expect(wantsColor({ FORCE_COLOR: "1" }, false)).toBe(true);
    expect(wantsColor({ FORCE_COLOR: "0" }, true)).toBe(false);
    expect(wantsColor({ NO_COLOR: "1", FORCE_COLOR: "1" }, true)).toBe(false);
  });

  test("help piped through cat -v has no escapes, for dusty and every command", async () => {
    const root = await throughCatV(["--help"]);
    expect(root).toContain("USAGE dusty");
    expect(root).not.toContain("^[");
    const commands = [...root.split(/^COMMANDS$/m)[1]!.matchAll(/^\s+(\S+)\s{2,}/gm)].map((m) => m[1]!);
    expect(commands).toContain("bundles");
    for (const command of [...commands, "bundles activate", "config set"]) {
      const help = await throughCatV([...command.split(" "), "--help"]);
      expect(help).toContain(`dusty ${command}`);
      expect(help).not.toContain("^[");
    }
  });

  test("a usage error piped has no escapes on stderr either", async () => {
    const result = await runDusty(["bundles", "activate"], { env: PLAIN_ENV });
    expect(result.code).toBe(2);
    expect(result.stdout + result.stderr).toContain("BUNDLE_NAMES");
    expect(result.stdout + result.stderr).not.toContain(ESC);
  });

  test("FORCE_COLOR colors a pipe, also where citty alone would not (CI, TERM=dumb); NO_COLOR beats it", async () => {
    expect(await throughCatV(["--help"], { FORCE_COLOR: "1" })).toContain("^[[");
    expect(await throughCatV(["--help"], { FORCE_COLOR: "1", CI: "1", TERM: "dumb" })).toContain("^[[");
    expect(await throughCatV(["--help"], { FORCE_COLOR: "1", NO_COLOR: "1" })).not.toContain("^[");
  });

  test("a terminal gets color, unless NO_COLOR", async () => {
    const pty = async (env: Record<string, string | undefined>) => {
      const merged: Record<string, string> = {};
      for (const [name, value] of Object.entries({ ...process.env, ...PLAIN_ENV, ...env })) if (value !== undefined) merged[name] = value;
      const command = dustyArgv(["--help"]).map((word) => `'${word}'`).join(" ");
      const child = Bun.spawn(["script", "-qec", command, "/dev/null"], { env: merged, stdin: "ignore", stdout: "pipe" });
      const out = await new Response(child.stdout).text();
      expect(await child.exited).toBe(0);
      return out;
    };
    expect(await pty({})).toContain(`${ESC}[`);
    expect(await pty({ NO_COLOR: "1" })).not.toContain(ESC);
  });

  test("each stream is judged alone: stdout a terminal, stderr a file: only stdout has color", async () => {
    const dir = mkdtempSync(join(tmpdir(), "dusty-color-"));
    try {
      const merged: Record<string, string> = {};
      for (const [name, value] of Object.entries({ ...process.env, ...PLAIN_ENV })) if (value !== undefined) merged[name] = value;
      const errFile = join(dir, "stderr.txt");
      // Help colors stdout on a terminal; validate's warning would color stderr on one (its "warning:").
      const quoted = (args: string[]) => dustyArgv(args).map((word) => `'${word}'`).join(" ");
      const command = `${quoted(["--help"])} 2>'${errFile}'; ${quoted(["validate", join(ROOT, "fixtures", "compile-lenient")])} 2>>'${errFile}'`;
      const child = Bun.spawn(["script", "-qec", command, "/dev/null"], { env: merged, stdin: "ignore", stdout: "pipe" });
      const out = await new Response(child.stdout).text();
      await child.exited;
      expect(out).toContain(`${ESC}[`);
      const err = readFileSync(errFile, "utf8");
      expect(err).toContain(": warning: ");
      expect(err).not.toContain(ESC);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
