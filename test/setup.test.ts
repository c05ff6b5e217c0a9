// End-to-end: `dusty setup` and the setup gate, against a real daemon, real git repos and the built-in example.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { totalmem } from "node:os";
import { join } from "node:path";
import { isYes, recommendVmMemory } from "../cmd/setup.ts";
import { managedRepoPath } from "../platform/repos.ts";
import { git, makeGitRepo, makeGitShim, makeTempDir } from "./git-fixtures.ts";
import { dustyArgv, startDaemon, type DaemonHandle } from "./harness.ts";
import { configBytes, currentUserName, helpOf, readConfigFile, SPECS_FILES } from "./_setup-fixture.ts";

const scratch = makeTempDir("dusty-setup-test-");
const gitLog = join(scratch.path, "git-calls.log");
// Every git the daemon runs logs the SSH agent it was given, to show the client's agent reaches git.
const shim = makeGitShim(join(scratch.path, "shim"), `echo "SSH_AUTH_SOCK=\${SSH_AUTH_SOCK:-} $*" >> ${JSON.stringify(gitLog)}\nexec "$REAL_GIT" "$@"`);
let daemon: DaemonHandle;
let user: string;
let agent: ReturnType<typeof Bun.listen> | undefined;
const run = (args: string[], env: Record<string, string | undefined> = {}) => daemon.run(args, { env: { SSH_AUTH_SOCK: undefined, ...env } });
const configDir = () => daemon.env.DUSTY_CONFIG_DIR!;
const reposDir = () => join(configDir(), "repos");

beforeAll(async () => {
  daemon = await startDaemon({ env: shim.env });
  user = await currentUserName();
});
afterAll(async () => {
  agent?.stop(true);
  await daemon?.stop();
  scratch.remove();
});

describe("before dusty setup", () => {
  test("commands that need specs refuse with the setup message", async () => {
    for (const args of [["bundles", "list"], ["bundles", "activate", "x"], ["env", "list"], ["env", "set", "web", "A", "1"]]) {
      expect(await run(args)).toEqual({ code: 1, stdout: "", stderr: "You must run `dusty setup` before you run any other commands\n" });
    }
  });

  test("config and dump work before setup, to inspect a fresh install", async () => {
    const list = await run(["config", "list"]);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/\nsetup_has_run +Whether `dusty setup` has run +false\n/);
    expect((await run(["config", "listvalues"])).code).toBe(0);
    const dump = await run(["dump"]);
    expect(dump.code).toBe(0);
    expect(dump.stdout).toContain("Configuration key specs_repo is not set");
  });

  test("setup with a user this machine does not have fails and leaves setup undone", async () => {
    const result = await run(["setup", "--mac_username=no-such-user-here", "--vm_memory=2048"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toEndWith("No user found named no-such-user-here: mac_username must be a user of this machine (see `getent passwd`)\n");
    expect(existsSync(join(configDir(), "example"))).toBe(false);
    expect((await run(["bundles", "list"])).stderr).toBe("You must run `dusty setup` before you run any other commands\n");
  });

  test("setup with a memory size that is not a number fails before changing anything", async () => {
    const result = await run(["setup", `--mac_username=${user}`, "--vm_memory=lots"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toEndWith(
      'Cannot set vm_memory_size to "lots": expected a whole number of megabytes, got "lots". Nothing was changed: run `dusty setup` again with a valid value\n',
    );
    // No config file yet: nothing at all was written.
    expect(existsSync(join(configDir(), "config.yml"))).toBe(false);
  });
});

describe("dusty setup with the built-in example", () => {
  test("setup without flags and without a terminal takes the defaults and writes the example", async () => {
    const result = await run(["setup"]);
    expect(result.code).toBe(0);
    const example = join(configDir(), "example");
    const memory = recommendVmMemory(Math.floor(totalmem() / 1024 / 1024));
    expect(result.stderr).toStartWith(
      "We just need to verify a few settings before we get started.\n\n" +
        `Setting mac_username to ${user}: the user running dusty setup\n` +
        "Using the built-in example specs\n" +
        `Setting vm_memory_size to ${memory}: this machine has `,
    );
    expect(result.stderr).toContain(`Wrote the example specs and code repos to ${example}\n`);
    expect(result.stdout).toBe("Initial setup completed. You should now be able to use Dusty!\n");
    expect(readConfigFile(daemon)).toMatchObject({
      setup_has_run: true,
      mac_username: user,
      specs_repo: join(example, "specs"),
      vm_memory_size: String(memory),
      repo_overrides: {
        "/usr/local/share/dusty/example/api": join(example, "api"),
        "/usr/local/share/dusty/example/greeting-lib": join(example, "greeting-lib"),
        "/usr/local/share/dusty/example/website": join(example, "website"),
        [join(example, "specs")]: join(example, "specs"),
      },
    });
    for (const name of ["specs", "api", "greeting-lib", "website"]) {
      expect(git(join(example, name), ["rev-list", "--count", "HEAD"])).toBe("1");
      expect(git(join(example, name), ["status", "--porcelain"])).toBe("");
    }
    // The example is read in place (an override of its own path), so there is no managed clone of it.
    expect(existsSync(managedRepoPath(join(example, "specs"), { reposDir: reposDir() }))).toBe(false);
  });

  test("after setup with the example, bundles list shows its bundles and compile works", async () => {
    const list = await run(["bundles", "list"]);
    expect(list.stdout).toBe(
      [
        "Name        Description                                                Activated?",
        "----------  ---------------------------------------------------------  ----------",
        "everything  The website, the api with its greeting lib, and the cache",
        "website     Just the static website",
        "",
      ].join("\n"),
    );
    expect((await run(["bundles", "activate", "everything"])).code).toBe(0);
    const compiled = await run(["compile"]);
    expect(compiled.code).toBe(0);
    expect(compiled.stdout).toContain("local.api.website.com");
    expect((await run(["validate"])).code).toBe(0);
  });

  test("setup again keeps the written example as it is, changes included", async () => {
    const page = join(configDir(), "example", "website", "public", "index.html");
    writeFileSync(page, "<title>changed by the user</title>\n");
    const result = await run(["setup", "--no-update"]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`Using the example already at ${join(configDir(), "example")}\n`);
    expect(readFileSync(page, "utf8")).toBe("<title>changed by the user</title>\n");
    // Setup keeps the activated bundles.
    expect(readConfigFile(daemon).bundles).toEqual(["everything"]);
  });

  test("setup rewrites a deleted example folder", async () => {
    rmSync(join(configDir(), "example", "greeting-lib"), { recursive: true });
    const result = await run(["setup", "--no-update"]);
    expect(result.stderr).toContain("Wrote the example specs and code repos");
    expect(git(join(configDir(), "example", "greeting-lib"), ["rev-list", "--count", "HEAD"])).toBe("1");
  });
});

describe("dusty setup with a specs repo", () => {
  test("setup with flags saves them, pulls the specs repo with the client's SSH agent, and lists its bundles", async () => {
    const specs = makeGitRepo(join(scratch.path, "specs-a"), SPECS_FILES);
    const socket = join(scratch.path, "agent.sock");
    agent = Bun.listen({ unix: socket, socket: { data() {} } });
    writeFileSync(gitLog, "");
    const result = await run(
      ["setup", `--mac_username=${user}`, `--default_specs_repo=${specs.path}`, "--vm_memory=3072"],
      { SSH_AUTH_SOCK: socket },
    );
    expect(result).toEqual({
      code: 0,
      stdout: "Initial setup completed. You should now be able to use Dusty!\n",
      stderr:
        "We just need to verify a few settings before we get started.\n\n" +
        `Setting mac_username to ${user} based on flag\n` +
        `Setting specs_repo to ${specs.path} based on flag\n` +
        "Setting vm_memory_size to 3072 based on flag\n" +
        `Updating managed copy of ${specs.path}\n` +
        `Cloning ${specs.path} into ${managedRepoPath(specs.path, { reposDir: reposDir() })}\n`,
    });
    expect(readConfigFile(daemon)).toMatchObject({ specs_repo: specs.path, vm_memory_size: "3072", mac_username: user, setup_has_run: true });
    expect(readFileSync(gitLog, "utf8")).toContain(`SSH_AUTH_SOCK=${socket} clone`);
    expect((await run(["bundles", "list"])).stdout).toStartWith("Name     Description");
  });

  test("setup --boot2docker_vm_memory is Dusty 0.4's name for --vm_memory", async () => {
    const specs = readConfigFile(daemon).specs_repo as string;
    const result = await run(["setup", `--mac_username=${user}`, `--default_specs_repo=${specs}`, "--boot2docker_vm_memory=1024", "--no-update"]);
    expect(result.code).toBe(0);
    expect(readConfigFile(daemon).vm_memory_size).toBe("1024");
  });

  test("setup --no-update saves the settings without touching the specs repo", async () => {
    const specs = makeGitRepo(join(scratch.path, "specs-b"), SPECS_FILES);
    writeFileSync(gitLog, "");
    const result = await run(["setup", `--mac_username=${user}`, `--default_specs_repo=${specs.path}`, "--vm_memory=2048", "--no-update"]);
    expect(result.code).toBe(0);
    expect(readConfigFile(daemon).specs_repo).toBe(specs.path);
    expect(readFileSync(gitLog, "utf8")).toBe("");
    expect(existsSync(managedRepoPath(specs.path, { reposDir: reposDir() }))).toBe(false);
  });

  test("setup with a specs repo that cannot be cloned saves the settings and says how to retry", async () => {
    const missing = join(scratch.path, "no-such-specs");
    const result = await run(["setup", `--mac_username=${user}`, `--default_specs_repo=${missing}`, "--vm_memory=2048"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`Cannot update 1 managed repo:\n  Cannot clone ${missing}`);
    expect(result.stderr).toEndWith("Your settings are saved: fix the problem, then run `dusty repos update`\n");
    expect(readConfigFile(daemon).specs_repo).toBe(missing);
  });

  test("setup warns about an SSH_AUTH_SOCK that is not a socket, and goes on without it", async () => {
    const notSocket = join(scratch.path, "not-a-socket");
    writeFileSync(notSocket, "");
    const specs = makeGitRepo(join(scratch.path, "specs-c"), SPECS_FILES);
    writeFileSync(gitLog, "");
    const result = await run(["setup", `--mac_username=${user}`, `--default_specs_repo=${specs.path}`, "--vm_memory=2048"], {
      SSH_AUTH_SOCK: notSocket,
    });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`Not using your SSH agent at ${notSocket}: it is not a socket.`);
    expect(readFileSync(gitLog, "utf8")).toContain("SSH_AUTH_SOCK= clone");
  });

  test("setup at a terminal asks for what the flags did not give", async () => {
    const specs = makeGitRepo(join(scratch.path, "specs-d"), SPECS_FILES);
    // `script` gives dusty a terminal; the answers are typed ahead: not me, user, specs repo, no, 1536.
    const answers = `n\n${user}\n${specs.path}\nn\nlots\n1536\n`;
    const result = await runAtTerminal(["setup", "--no-update"], answers);
    expect(result.code).toBe(0);
    expect(result.output).toContain("Is ");
    expect(result.output).toContain("Enter your actual mac_username: ");
    expect(result.output).toContain("Input the path to your specs repo, or leave blank to start with the example specs: ");
    expect(result.output).toContain("lots is not a whole number of megabytes");
    expect(result.output).toContain("Initial setup completed. You should now be able to use Dusty!");
    expect(readConfigFile(daemon)).toMatchObject({ mac_username: user, specs_repo: specs.path, vm_memory_size: "1536" });
  });

  test("setup at a terminal cancels without a change when input ends early", async () => {
    const before = configBytes(daemon);
    const result = await runAtTerminal(["setup"], "y\n");
    expect(result.code).toBe(1);
    expect(result.output).toContain("Setup cancelled: nothing was changed");
    expect(configBytes(daemon)).toBe(before);
  });
});

describe("dusty setup helpers", () => {
  test("recommendVmMemory() follows the original's thresholds", () => {
    expect([4096, 8191, 8192, 16383, 16384, 65536].map(recommendVmMemory)).toEqual([2048, 2048, 4096, 4096, 6144, 6144]);
  });

  test("isYes() takes y, Y and an empty answer as yes", () => {
    expect(["", "y", "Y", " y "].map(isYes)).toEqual([true, true, true, true]);
    expect(["n", "yes", "N", "x"].map(isYes)).toEqual([false, false, false, false]);
  });

  test("setup -h describes the flags", async () => {
    expect(await helpOf(daemon, ["setup"])).toMatchInlineSnapshot(`
      "Configure Dusty after installation (dusty setup v<version>)

      USAGE dusty setup [OPTIONS] 

      OPTIONS

                      --mac_username=<user>    User who runs Dusty (VM, Docker and Compose commands run as this user)
          --default_specs_repo=<specs_repo>    Specs repo: a URL or an absolute path (empty: the built-in example)   
                    --vm_memory=<memory_mb>    Memory of the Docker VM, in MB                                        
        --boot2docker_vm_memory=<memory_mb>    Same as --vm_memory (Dusty 0.4's name)                                
                                   --update    Pull the specs repo once set up (Default: true)                       
                                --no-update    Do not pull the specs repo"
    `);
  });
});

/** Runs dusty with a terminal as stdin and stdout (through `script`), typing `input`; returns everything shown. */
async function runAtTerminal(args: string[], input: string): Promise<{ code: number; output: string }> {
  const quote = (arg: string) => `'${arg.replaceAll("'", `'\\''`)}'`;
  const child = Bun.spawn(["script", "--quiet", "--return", "--command", dustyArgv(args).map(quote).join(" "), "/dev/null"], {
    env: { ...process.env, ...daemon.env, SSH_AUTH_SOCK: "", NO_COLOR: "1" },
    stdin: new TextEncoder().encode(input),
    stdout: "pipe",
    stderr: "pipe",
  });
  const [output, code] = await Promise.all([new Response(child.stdout).text(), child.exited]);
  return { code, output };
}
