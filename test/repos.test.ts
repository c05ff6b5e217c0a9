// End-to-end: `dusty repos` against a real daemon, with real git repos in a temp folder reached by
// file:// URLs and plain paths. Tests run in order: the first one clones what the later ones use.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { renderTable } from "../core/table.ts";
import { managedRepoPath } from "../platform/repos.ts";
import { git, makeGitRepo, makeGitShim, makeTempDir, type GitFixture } from "./git-fixtures.ts";
import { type DaemonHandle, runDusty, startDaemon } from "./harness.ts";

const temp = makeTempDir("dusty-repos-test-");
const root = temp.path;
const configDir = join(root, "etc");
const reposDir = join(configDir, "repos");
const gitLog = join(root, "git-agent.log");
let daemon: DaemonHandle;
let agent: Bun.UnixSocketListener<undefined> | undefined;
let specs: GitFixture;
let web: GitFixture;
let util: GitFixture;
// Two repos with the same short name "shared": one for an inactive app, one for an inactive lib.
const sharedA = join(root, "a", "shared");
const sharedB = join(root, "b", "shared");

beforeAll(async () => {
  web = makeGitRepo(join(root, "src", "web"), { "index.html": "v1\n" });
  util = makeGitRepo(join(root, "src", "util"), { "util.sh": "echo util\n" });
  makeGitRepo(sharedA, { "a.txt": "a\n" });
  makeGitRepo(sharedB, { "b.txt": "b\n" });
  specs = makeGitRepo(join(root, "src", "specs"), {
    "apps/web.yml": `repo: ${web.url}\nmount: /web\nimage: busybox\ndepends:\n  libs: [util]\n`,
    "apps/worker.yml": `repo: ${sharedA}\nmount: /worker\nimage: busybox\ndepends:\n  libs: [helper]\n`,
    "libs/util.yml": `repo: ${util.path}\nmount: /util\n`,
    "libs/helper.yml": `repo: ${sharedB}\nmount: /helper\n`,
    "bundles/main.yml": "apps: [web]\n",
    "bundles/other.yml": "apps: [worker]\n",
  });
  mkdirSync(configDir, { recursive: true });
  writeFileSync(join(configDir, "config.yml"), JSON.stringify({ specs_repo: specs.url, setup_has_run: true, bundles: ["main"] }));
  // Records the SSH agent each git command the daemon runs was given.
  const shim = makeGitShim(join(root, "shim"), `printf '%s\\n' "\${SSH_AUTH_SOCK:-none}" >> ${JSON.stringify(gitLog)}\nexec "$REAL_GIT" "$@"`);
  daemon = await startDaemon({ env: { DUSTY_CONFIG_DIR: configDir, SSH_AUTH_SOCK: "", ...shim.env } });
});

afterAll(async () => {
  agent?.stop(true);
  await daemon?.stop();
  temp.remove();
});

const managed = (url: string) => managedRepoPath(url, { reposDir });
const readConfig = () => readFileSync(join(configDir, "config.yml"), "utf8");

describe("dusty repos update", () => {
  test("repos update clones the specs repo first, then the active repos, with the client's SSH agent", async () => {
    const agentPath = join(root, "agent.sock");
    agent = Bun.listen({ unix: agentPath, socket: { data() {} } });
    const result = await daemon.run(["repos", "update"], { env: { SSH_AUTH_SOCK: agentPath } });
    expect(result.stderr).toContain("Updating managed copy of specs-repo before loading specs\n");
    expect(result.code).toBe(0);
    const lines = result.stderr.split("\n");
    expect(lines.indexOf(`Cloning ${specs.url} into ${managed(specs.url)}`)).toBeLessThan(lines.indexOf(`Cloning ${web.url} into ${managed(web.url)}`));
    expect(result.stderr).toContain(`Cloning ${util.path} into ${managed(util.path)}\n`);
    expect(result.stderr).toContain("Finished updating managed repos (2 cloned)\n");
    expect(git(managed(web.url), ["rev-parse", "HEAD"])).toBe(web.head());
    expect(git(managed(util.path), ["rev-parse", "HEAD"])).toBe(util.head());
    // Inactive apps' and libs' repos are not cloned.
    expect(existsSync(managed(sharedA))).toBe(false);
    const agents = new Set(readFileSync(gitLog, "utf8").trim().split("\n"));
    expect([...agents]).toEqual([agentPath]);
  });

  test("repos update pulls a new upstream commit into the managed copy", async () => {
    const sha = web.commit({ "index.html": "v2\n" }, "second");
    const result = await daemon.run(["repos", "update"]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`Updated managed copy of ${web.url}\n`);
    expect(result.stderr).toContain("Finished updating managed repos (2 pulled)\n");
    expect(git(managed(web.url), ["rev-parse", "HEAD"])).toBe(sha);
    expect(readFileSync(join(managed(web.url), "index.html"), "utf8")).toBe("v2\n");
  });

  test("repos update ignores an SSH agent socket that is not a socket, with a warning", async () => {
    writeFileSync(gitLog, "");
    const notSocket = join(root, "not-a-socket");
    writeFileSync(notSocket, "");
    const result = await daemon.run(["repos", "update"], { env: { SSH_AUTH_SOCK: notSocket } });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`Not using your SSH agent at ${notSocket}: it is not a socket.`);
    expect(readFileSync(gitLog, "utf8")).not.toContain(notSocket);
  });

  test("repos update reports a repo it cannot clone and exits 1", async () => {
    const before = readConfig();
    const broken = makeGitRepo(join(root, "src", "broken-specs"), {
      "apps/gone.yml": `repo: ${join(root, "missing", "gone")}\nmount: /gone\nimage: busybox\n`,
      "bundles/gone.yml": "apps: [gone]\n",
    });
    writeFileSync(join(configDir, "config.yml"), JSON.stringify({ specs_repo: broken.url, setup_has_run: true, bundles: ["gone"] }));
    try {
      const result = await daemon.run(["repos", "update"]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`Cannot update 1 managed repo:\n  Cannot clone ${join(root, "missing", "gone")} into`);
    } finally {
      writeFileSync(join(configDir, "config.yml"), before);
    }
  });
});

describe("dusty repos list", () => {
  test("repos list shows the specs repo and every app and lib repo of all specs, by short name then full name", async () => {
    const result = await daemon.run(["repos", "list"]);
    expect(result).toEqual({
      code: 0,
      stderr: "",
      stdout: renderTable(
        ["Full Name", "Short Name", "Local Override"],
        [
          [sharedA, "shared", ""],
          [sharedB, "shared", ""],
          [specs.url, "specs", ""],
          [util.path, "util", ""],
          [web.url, "web", ""],
        ],
        { maxCellWidth: Infinity },
      ),
    });
  });
});

describe("dusty repos override and manage", () => {
  test("repos override resolves a short name and stores the path made absolute against the client's cwd", async () => {
    const clone = join(root, "work", "web");
    mkdirSync(clone, { recursive: true });
    const result = await runDusty(["repos", "override", "web", "web"], { env: daemon.env, cwd: join(root, "work") });
    expect(result).toEqual({ code: 0, stdout: `Locally overriding repo ${web.url} to use source at ${clone}\n`, stderr: "" });
    expect(readConfig()).toContain(`${web.url}: ${clone}`);
    expect((statSync(join(configDir, "config.yml")).mode & 0o777).toString(8)).toBe("600");
    const list = await daemon.run(["repos", "list"]);
    expect(list.stdout).toMatch(new RegExp(`${web.url}\\s+web\\s+${clone}\\n`));
  });

  test("repos update skips an overridden repo", async () => {
    const result = await daemon.run(["repos", "update"]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`Skipping ${web.url}: it is overridden with your source at ${join(root, "work", "web")}\n`);
    expect(result.stderr).not.toContain(`Updating managed copy of ${web.url}\n`);
  });

  test("repos override of an ambiguous short name says which repos match and exits 1", async () => {
    const result = await daemon.run(["repos", "override", "shared", root]);
    expect(result).toEqual({
      code: 1,
      stdout: "",
      stderr: `Short repo name shared is ambiguous. It matches both ${sharedA} and ${sharedB}. Use the full name\n`,
    });
  });

  test("repos override takes a full name where the short name is ambiguous", async () => {
    const result = await daemon.run(["repos", "override", sharedB, sharedB]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`Locally overriding repo ${sharedB} to use source at ${sharedB}\n`);
  });

  test("repos override of an unknown name exits 1 and points at repos list", async () => {
    const result = await daemon.run(["repos", "override", "nope", root]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe("Short repo name nope does not match any known repos. See the known repos with `dusty repos list`\n");
  });

  test("repos override of a path that does not exist exits 1 and changes nothing", async () => {
    const before = readConfig();
    const missing = join(root, "nowhere");
    const result = await daemon.run(["repos", "override", "util", missing]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`Cannot override repo ${util.path}: source path ${missing} does not exist. Pass the folder of your local clone\n`);
    expect(readConfig()).toBe(before);
  });

  test("repos manage of a repo that is not overridden says so and changes nothing", async () => {
    const before = readConfig();
    const result = await daemon.run(["repos", "manage", "util"]);
    expect(result).toEqual({ code: 0, stdout: "No overridden repos found by name util\n", stderr: "" });
    expect(readConfig()).toBe(before);
  });

  test("repos manage NAME removes that override only", async () => {
    const result = await daemon.run(["repos", "manage", "web"]);
    expect(result).toEqual({ code: 0, stdout: `Will manage repo ${web.url} with Dusty-managed copy of source\n`, stderr: "" });
    expect(readConfig()).not.toContain(web.url);
    expect(readConfig()).toContain(`${sharedB}: ${sharedB}`);
  });

  test("repos manage --all removes every override", async () => {
    const result = await daemon.run(["repos", "manage", "--all"]);
    expect(result).toEqual({ code: 0, stdout: `Will manage repo ${sharedB} with Dusty-managed copy of source\n`, stderr: "" });
    expect(readConfig()).not.toContain(sharedB);
  });

  test("repos manage without a name or --all is a usage error", async () => {
    const result = await daemon.run(["repos", "manage"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe("Give either a repo name or --all, as in `dusty repos manage --all`. See `dusty repos --help`\n");
  });
});

describe("the setup gate", () => {
  test("repos commands refuse to run before `dusty setup`", async () => {
    const before = readConfig();
    writeFileSync(join(configDir, "config.yml"), JSON.stringify({ specs_repo: specs.url, setup_has_run: false }));
    try {
      for (const args of [["list"], ["update"], ["manage", "--all"]]) {
        const result = await daemon.run(["repos", ...args]);
        expect(result).toEqual({ code: 1, stdout: "", stderr: "You must run `dusty setup` before you run any other commands\n" });
      }
    } finally {
      writeFileSync(join(configDir, "config.yml"), before);
    }
  });
});

describe("dusty repos from", () => {
  test("repos from overrides each repo whose short name is a folder there, skipping ambiguous names", async () => {
    const dir = join(root, "clones");
    for (const name of ["web", "util", "shared", "unrelated"]) mkdirSync(join(dir, name), { recursive: true });
    const result = await runDusty(["repos", "from", "clones"], { env: daemon.env, cwd: root });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      [
        `Overriding all repos found at ${dir}`,
        `Skipping ${dir}/shared: repos ${sharedA}, ${sharedB} share the name shared. Override one with \`dusty repos override <full name> ${dir}/shared\``,
        `Locally overriding repo ${util.path} to use source at ${dir}/util`,
        `Locally overriding repo ${web.url} to use source at ${dir}/web`,
        "",
      ].join("\n"),
    );
    expect(readConfig()).toContain(`${web.url}: ${dir}/web`);
    expect(readConfig()).toContain(`${util.path}: ${dir}/util`);
    await daemon.run(["repos", "manage", "--all"]);
  });

  test("repos from a folder that does not exist exits 1", async () => {
    const result = await daemon.run(["repos", "from", join(root, "nowhere")]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`Cannot override repos from ${join(root, "nowhere")}: no such directory.`);
  });
});
