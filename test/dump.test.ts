// End-to-end: `dusty dump` against a real daemon, the real programs it asks (docker, compose, ssh-add) and a real ssh-agent.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { VERSION } from "../cmd/_version.ts";
import { formatSection, maskConfig, maskUrlPasswords, MASK } from "../cmd/daemon/handlers/dump.ts";
import { defaultConfig } from "../core/config.ts";
import { makeTempDir } from "./git-fixtures.ts";
import { waitUntil } from "./harness.ts";
import { helpOf, startSetUpDaemon, type SetUpDaemon } from "./_setup-fixture.ts";

const SECRET = "hunter2-do-not-print";
const scratch = makeTempDir("dusty-dump-test-");
const agentSocket = join(scratch.path, "agent.sock");
let setUp: SetUpDaemon;
let agent: ReturnType<typeof Bun.spawn> | undefined;
const run = (args: string[], env: Record<string, string | undefined> = {}) => setUp.daemon.run(args, { env: { SSH_AUTH_SOCK: undefined, ...env } });
const titles = (stdout: string) => [...stdout.matchAll(/^COMMAND: (.*)$/gm)].map((match) => match[1]);

beforeAll(async () => {
  setUp = await startSetUpDaemon();
  await run(["bundles", "activate", "site"]);
  await run(["env", "set", "web", "API_TOKEN", SECRET]);
  agent = Bun.spawn(["ssh-agent", "-D", "-a", agentSocket], { stdin: "ignore", stdout: "ignore", stderr: "ignore" });
  await waitUntil(() => existsSync(agentSocket), 10_000, () => "ssh-agent did not create its socket");
});
afterAll(async () => {
  agent?.kill();
  await agent?.exited;
  await setUp?.stop();
  scratch.remove();
});

describe("dusty dump", () => {
  test("dump prints every section in order as COMMAND / OUTPUT blocks, with override values masked", async () => {
    const result = await run(["dump"]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe("");
    const { hostsFile, configFile } = { hostsFile: setUp.daemon.env.DUSTY_HOSTS_FILE!, configFile: join(setUp.daemon.env.DUSTY_CONFIG_DIR!, "config.yml") };
    expect(titles(result.stdout)).toEqual([
      "Dusty Version",
      "Dusty Binary",
      "Daemon Warnings",
      "uname -a",
      "which rsync",
      "git --version",
      "Docker Engine",
      "docker version",
      expect.stringMatching(/^docker(-compose| compose) version$/),
      `cat ${hostsFile}`,
      `cat ${configFile} (environment override values masked)`,
      "ssh-add -l",
    ]);
    // Every block: COMMAND, OUTPUT, the output, one blank line.
    expect(result.stdout).toStartWith(`COMMAND: Dusty Version\nOUTPUT:\n${VERSION}\n\nCOMMAND: Dusty Binary\nOUTPUT:\n`);
    expect(result.stdout).toContain("COMMAND: Daemon Warnings\nOUTPUT:\nNone\n\n");
    expect(result.stdout).toMatch(/COMMAND: which rsync\nOUTPUT:\n\/\S*rsync\n\n/);
    expect(result.stdout).toContain(`COMMAND: cat ${hostsFile}\nOUTPUT:\n127.0.0.1 localhost\n\n`);
    expect(result.stdout).toMatch(/COMMAND: docker version\nOUTPUT:\n[^]*Server:/);
    expect(result.stdout).toContain(`COMMAND: Docker Engine\nOUTPUT:\n${process.env.DOCKER_HOST || "unix:///var/run/docker.sock"} (from ${process.env.DOCKER_HOST ? "your DOCKER_HOST" : "the default socket"})\n\n`);
    expect(result.stdout).toContain(`    API_TOKEN: "${MASK}"\n`);
    expect(result.stdout).toContain("bundles:\n  - site\n");
    expect(result.stdout).not.toContain(SECRET);
    expect(result.stdout).toEndWith(
      "COMMAND: ssh-add -l\nOUTPUT:\nNot run: the client sent no usable SSH_AUTH_SOCK (git over SSH will not have your keys)\n\n",
    );
  });

  test("dump asks the client's SSH agent for its keys", async () => {
    const result = await run(["dump"], { SSH_AUTH_SOCK: agentSocket });
    expect(result.code).toBe(0);
    // A real agent without keys: ssh-add says so and exits 1, which the dump shows.
    expect(result.stdout).toEndWith("COMMAND: ssh-add -l\nOUTPUT:\nThe agent has no identities.\n(exit code 1)\n\n");
  });

  test("dump masks a password in a repo URL", async () => {
    await run(["config", "set", "specs_repo", `https://deploy:${SECRET}@git.example.com/org/specs.git`]);
    const result = await run(["dump"]);
    expect(result.stdout).toContain(`specs_repo: https://deploy:${MASK}@git.example.com/org/specs.git\n`);
    expect(result.stdout).not.toContain(SECRET);
    await run(["config", "set", "specs_repo", setUp.specs.path]);
  });

  test("a failing command prints its output and the dump goes on", async () => {
    const hostsFile = setUp.daemon.env.DUSTY_HOSTS_FILE!;
    renameSync(hostsFile, `${hostsFile}.away`);
    try {
      const result = await run(["dump"]);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(new RegExp(`COMMAND: cat ${hostsFile}\\nOUTPUT:\\ncat: ${hostsFile}: No such file or directory\\n\\(exit code 1\\)\\n\\n`));
      expect(titles(result.stdout).at(-1)).toBe("ssh-add -l");
    } finally {
      renameSync(`${hostsFile}.away`, hostsFile);
    }
  });

  test("dump with a broken config shows the problem and the warning, never the file's text", async () => {
    const path = join(setUp.daemon.env.DUSTY_CONFIG_DIR!, "config.yml");
    const original = readFileSync(path, "utf8");
    writeFileSync(path, `${original}dusty_env_overrides: [${SECRET}\n`);
    try {
      const result = await run(["dump"]);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(`Cannot use the config ${path}: fix the problem`);
      expect(result.stdout).toMatch(/\(the file: \d+ characters, not shown\)/);
      expect(result.stdout).not.toContain(SECRET);
      expect(titles(result.stdout).at(-1)).toBe("ssh-add -l");
    } finally {
      writeFileSync(path, original);
    }
  });

  test("dump -h describes it", async () => {
    expect(await helpOf(setUp.daemon, ["dump"])).toMatchInlineSnapshot(`
      "Print diagnostic information for bug reports (works without the daemon) (dusty dump v<version>)

      USAGE dusty dump"
    `);
  });
});

describe("dump helpers", () => {
  test("formatSection() ends every block with one blank line, also for empty output", () => {
    expect(formatSection("which x", "/bin/x\n")).toBe("COMMAND: which x\nOUTPUT:\n/bin/x\n\n");
    expect(formatSection("cat empty", "")).toBe("COMMAND: cat empty\nOUTPUT:\n\n");
  });

  test("maskConfig() masks every override value but keeps names and nulls", () => {
    const text = maskConfig({ ...defaultConfig(), dusty_env_overrides: { web: { A: "secret", B: null } } });
    expect(text).toContain(`  web:\n    A: "${MASK}"\n    B: null\n`);
    expect(text).not.toContain("secret");
  });

  test("maskUrlPasswords() masks only the password of a URL", () => {
    expect(maskUrlPasswords("a https://u:p@h/x b ssh://git@h/y c git@github.com:o/r")).toBe(
      `a https://u:${MASK}@h/x b ssh://git@h/y c git@github.com:o/r`,
    );
  });
});
