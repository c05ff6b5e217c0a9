import { afterEach, beforeEach, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { makeTempDir } from "../../test/git-fixtures.ts";
import { runChecked } from "../run.ts";
import { demoteArgv, homeOf, memoryOf, shellCommand, writeFileCommand } from "./_vm-shell.ts";

let temp: ReturnType<typeof makeTempDir>;
beforeEach(() => (temp = makeTempDir("dusty-vm-shell-")));
afterEach(() => temp.remove());

test("writeFileCommand() makes a shell write the text verbatim, with no expansion", async () => {
  const text = 'a "quoted" $HOME `id` $((1 + 2)) \\n 100% \\\\ done\nline two\n';
  const path = join(temp.path, "pro file");
  const command = writeFileCommand(path, text, { sudo: false });
  expect(command.startsWith("sh -c '")).toBe(true);
  await runChecked(["sh", "-c", command]);
  expect(readFileSync(path, "utf8")).toBe(text);
  expect(writeFileCommand("/p", "x")).toBe(`sudo sh -c 'printf "%s" "x" > /p'`);
  expect(() => writeFileCommand("/p", "it's")).toThrow(/single quotes/);
});

test("shellCommand() leaves plain words bare and quotes the rest so a shell gets the exact words back", async () => {
  expect(shellCommand(["sudo", "mkdir", "-p", "/persist/repos/github.com/org/web"])).toBe("sudo mkdir -p /persist/repos/github.com/org/web");
  const words = ["printf", "%s|", "a b", "it's", "$HOME", "*", "é"];
  const result = await runChecked(["sh", "-c", shellCommand(words)]);
  expect(result.stdout).toBe("a b|it's|$HOME|*|é|");
});

test("demoteArgv() prefixes sudo -u <user> -H only when a user is set", () => {
  expect(demoteArgv(["boot2docker", "ip"], "al")).toEqual(["sudo", "-u", "al", "-H", "--", "boot2docker", "ip"]);
  expect(demoteArgv(["boot2docker", "ip"], undefined)).toEqual(["boot2docker", "ip"]);
});

test("memoryOf() gives whole megabytes and rejects what is not a size", () => {
  expect(memoryOf({})).toBe("2048");
  expect(memoryOf({ memoryMb: "4096" })).toBe("4096");
  expect(memoryOf({ memoryMb: 6144.7 })).toBe("6144");
  expect(() => memoryOf({ memoryMb: "lots" })).toThrow(/vm_memory_size is "lots"/);
});

test("homeOf() is the VM owner's home from their account, /Users/<user> when no account lists them, $HOME without a user", async () => {
  const accounts: Record<string, { home: string }> = { al: { home: "/home/al" } };
  const lookUp = async (name: string) => accounts[name];
  expect(await homeOf({ user: "al" }, lookUp)).toBe("/home/al");
  expect(await homeOf({ user: "bo" }, lookUp)).toBe("/Users/bo");
  expect(await homeOf({ user: "al", home: "/elsewhere" }, lookUp)).toBe("/elsewhere");
  expect(await homeOf({}, lookUp)).toBe(homedir());
  // The real lookup: /etc/passwd knows root.
  expect(await homeOf({ user: "root" })).toBe("/root");
});
