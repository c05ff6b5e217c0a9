// End-to-end: the compiled `dusty validate DIR` on the bad-spec corpus (bench/bad-specs-corpus.ts), in
// the client and through a root daemon; every case must exit non-zero with one diagnostic line per
// problem, no stack trace and no hang (a time limit kills a hung run, which then fails the case).
import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildCase, judgeCase } from "../bench/_bad-specs.ts";
import { BAD_SPEC_CASES, OUTSIDE_SECRET } from "../bench/bad-specs-corpus.ts";
import { runChecked } from "../platform/run.ts";
import { makeGitRepo, makeTempDir } from "./git-fixtures.ts";
import { dustyArgv, runDusty, startDaemon } from "./harness.ts";

const temp = makeTempDir("dusty-bad-specs-test-");
afterAll(() => temp.remove());
const noDaemon = { DUSTY_SOCKET_PATH: join(temp.path, "nobody-home.sock") };
const TIME_LIMIT_MS = 30_000;

// Slow cases (thousands of files) run in the soak only.
const covered = BAD_SPEC_CASES.filter((c) => !c.slow);

describe("dusty validate DIR on the bad-spec corpus", () => {
  test.each(covered.map((c) => [c.name, c] as const))("%s: exits 1 with one diagnostic line per problem", async (name, spec) => {
    const repo = await buildCase(join(temp.path, name), spec);
    const result = await runDusty(["validate", repo], { env: noDaemon, timeoutMs: TIME_LIMIT_MS });
    expect(judgeCase(spec, result).failures).toEqual([]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
  });
});

test.skipIf(process.getuid?.() !== 0 || !Bun.which("setpriv"))(
  "dusty validate DIR run as nobody names a file and a folder it may not read (root reads anything, so this runs as nobody)",
  async () => {
    const repo = join(temp.path, "unreadable");
    mkdirSync(join(repo, "apps"), { recursive: true });
    mkdirSync(join(repo, "libs"));
    mkdirSync(join(repo, "bundles"));
    writeFileSync(join(repo, "apps", "web.yml"), "image: busybox\n");
    writeFileSync(join(repo, "bundles", "site.yml"), "apps: [web]\n");
    chmodSync(join(repo, "apps", "web.yml"), 0o000);
    chmodSync(join(repo, "libs"), 0o000);
    chmodSync(temp.path, 0o755); // mkdtemp makes it 0700; nobody must reach the repo
    const child = Bun.spawn(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", ...dustyArgv(["validate", repo])], {
      env: { PATH: process.env.PATH ?? "", HOME: "/", ...noDaemon },
      cwd: "/",
      stdout: "pipe",
      stderr: "pipe",
    });
    const [stdout, stderr, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
    expect({ code, stdout, stderr }).toEqual({
      code: 1,
      stdout: "",
      stderr:
        "apps/web.yml: cannot read this file: permission denied: make it readable, or remove it\n" +
        'bundles/site.yml:1:8: apps[0]: no app named "web"\n' +
        "libs/: cannot list this folder: permission denied: make it readable, or remove it\n" +
        `Specs at ${repo} have 3 errors: fix them and run the command again\n`,
    });
  },
);

test("the daemon (root) reads its specs repo without blocking on a FIFO or following a link out of the repo", async () => {
  const outside = join(temp.path, "daemon-outside.yml");
  writeFileSync(outside, `${OUTSIDE_SECRET}: [${OUTSIDE_SECRET}\n`);
  const specs = makeGitRepo(join(temp.path, "daemon-specs"), {
    "apps/web.yml": "repo: github.com/acme/web\nmount: /web\nimage: busybox\n",
    "bundles/site.yml": "apps: [web]\n",
  });
  await runChecked(["mkfifo", join(specs.path, "apps", "pipe.yml")]);
  symlinkSync(outside, join(specs.path, "apps", "leak.yml"));
  writeFileSync(join(specs.path, "apps", "api.yaml"), "image: busybox\n");
  const configDir = join(temp.path, "daemon-etc");
  mkdirSync(configDir);
  const config = { specs_repo: specs.url, setup_has_run: true, bundles: ["site"], repo_overrides: { [specs.url]: specs.path } };
  writeFileSync(join(configDir, "config.yml"), JSON.stringify(config));
  const daemon = await startDaemon({ env: { DUSTY_CONFIG_DIR: configDir } });
  try {
    const result = await daemon.run(["validate"], { timeoutMs: TIME_LIMIT_MS });
    expect(result.code).toBe(1);
    expect(result.stderr).not.toContain(OUTSIDE_SECRET);
    expect(result.stderr).not.toContain(outside);
    expect(result.stderr.split("\n").filter((l) => l.includes(": "))).toEqual([
      "apps/api.yaml: warning: ignored: spec files end in .yml (rename it to api.yml)",
      "apps/leak.yml: cannot read this file: it is a symbolic link that leads out of the specs repo, and dusty reads only files inside it: copy it into the repo, or link to something inside it with a relative path",
      "apps/pipe.yml: cannot read this file: it is a named pipe (FIFO), and only regular files are read as specs: remove it, or rename it so it does not end in .yml",
      `Specs at ${specs.path} have 2 errors: fix them and run the command again`,
    ]);
    // Repo commands read leniently: the unreadable files leave out only their own repos.
    const repos = await daemon.run(["repos", "list"], { timeoutMs: TIME_LIMIT_MS });
    expect(repos.code).toBe(0);
    expect(repos.stdout).toContain("github.com/acme/web");
    expect(repos.stderr).toContain(`Some specs at ${specs.path} have errors and their repos are left out`);
  } finally {
    await daemon.stop();
  }
});
