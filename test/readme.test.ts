// End-to-end: every command of the README's "Using it" section runs as written against the built-in
// example (real daemon, Docker Engine, nginx), in the README's order. Only what names this machine's
// places is replaced: the specs repo the README calls github.com/acme/specs or path/to/specs.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { makeTempDir } from "./git-fixtures.ts";
import { dustyArgv, ROOT } from "./harness.ts";
import { readmeCommands } from "./readme-commands.ts";
import { startExampleEnvironment, type ExampleEnvironment } from "./up-example.ts";

const README = readFileSync(join(ROOT, "README.md"), "utf8");
const COMMANDS = readmeCommands(README, "Using it");
const work = makeTempDir("dusty-readme-");
let env: ExampleEnvironment;

beforeAll(async () => {
  // No bundle active, as after a fresh setup: the README activates one.
  env = await startExampleEnvironment({ compose: "docker compose", bundles: [] });
}, 120_000);
afterAll(async () => {
  await env?.cleanup();
  work.remove();
});

test("the README's commands are read from it", () => {
  expect(COMMANDS).toContain("dusty bundles activate website");
  expect(COMMANDS.every((command) => /^(sudo )?dusty /.test(command))).toBe(true);
  expect(COMMANDS.length).toBeGreaterThan(15);
});

test("every command of the README's Using it section runs as written on the built-in example", async () => {
  const done: string[] = [];
  const followers: { command: string; process: Bun.Subprocess<"ignore", "pipe", "pipe"> }[] = [];
  for (const command of COMMANDS) {
    const words = command
      .replace(/^sudo /, "") // the tests run the daemon as this user (--allow-non-root)
      .replaceAll("github.com/acme/specs", env.specs.path)
      .replaceAll("path/to/specs", env.specs.path)
      .replaceAll("~/code/website", env.repos.website!.path)
      .split(" ")
      .slice(1);
    if (words[0] === "-d") {
      // The daemon: the test environment started it the same way (`dusty -d`).
      expect((await env.dusty(["version"])).code).toBe(0);
      continue;
    }
    if (words[0] === "logs" && words.includes("-f")) {
      // Follows until the container is removed (the README's later `stop --rm`) or the user's Ctrl-C.
      followers.push({
        command,
        process: Bun.spawn(dustyArgv(words), { env: { ...process.env, ...env.daemon.env }, stdin: "ignore", stdout: "pipe", stderr: "pipe" }),
      });
      continue;
    }
    if (words[0] === "watch") {
      // Runs until Ctrl-C: once it watches, the user's Ctrl-C, and it must end as Ctrl-C ends a program.
      const watch = Bun.spawn(dustyArgv(words), { env: { ...process.env, ...env.daemon.env }, stdin: "ignore", stdout: "pipe", stderr: "ignore" });
      let out = "";
      for await (const chunk of watch.stdout) {
        out += new TextDecoder().decode(chunk);
        if (/watching for changes/.test(out)) break;
      }
      expect(out, `\`${command}\` never said it was watching`).toMatch(/watching for changes/);
      watch.kill("SIGINT");
      expect(await watch.exited).toBe(130);
      done.push(command);
      continue;
    }
    const result = await env.daemon.run(words, { cwd: work.path, timeoutMs: 110_000, stdin: words[0] === "shell" ? "echo shell-ok\nexit\n" : undefined });
    if (result.code !== 0) throw new Error(`\`${command}\` exited ${result.code} after ${done.join("; ")}:\n${result.stdout}${result.stderr}`);
    if (words[0] === "shell") expect(result.stdout).toContain("shell-ok");
    if (words[0] === "cp") expect(readFileSync(join(work.path, "index.html"), "utf8")).toContain("Dusty example website");
    if (words[0] === "up") expect((await env.fetchPage("local.website.com")).text).toContain("Hello from the Dusty example website");
    done.push(command);
  }
  expect(followers.length).toBeGreaterThan(0);
  for (const follower of followers) {
    // One still following gets the user's Ctrl-C; one that ended must have ended well.
    const interrupt = setTimeout(() => follower.process.kill("SIGINT"), 5_000);
    const code = await follower.process.exited;
    clearTimeout(interrupt);
    const stderr = await new Response(follower.process.stderr).text();
    if (code !== 0 && code !== 130) throw new Error(`\`${follower.command}\` exited ${code}:\n${stderr}`);
  }
  expect(existsSync(join(work.path, "index.html"))).toBe(true);
}, 600_000);
