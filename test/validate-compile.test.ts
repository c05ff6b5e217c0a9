// End-to-end: `dusty validate` and `dusty compile --print` through a real daemon (the configured specs,
// the real compile options), in the client (an explicit path), and the fallback to the built-in example
// when no daemon answers.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { makeGitRepo, makeTempDir, type GitFixture } from "./git-fixtures.ts";
import { ROOT, runDusty, startDaemon, type DaemonHandle } from "./harness.ts";

const temp = makeTempDir("dusty-validate-compile-test-");
const root = temp.path;
const configDir = join(root, "etc");
const noDaemon = { DUSTY_SOCKET_PATH: join(root, "nobody-home.sock") };
let daemon: DaemonHandle;
let specs: GitFixture;
let webSource: string;

/** Writes the daemon's config: setup done, the specs repo overridden to its work tree (no clone needed). */
function writeConfig(extra: Record<string, unknown> = {}, specsPath = specs.path): void {
  const config = {
    specs_repo: specs.url,
    setup_has_run: true,
    bundles: ["main"],
    repo_overrides: { [specs.url]: specsPath, "github.com/acme/web": webSource },
    ...extra,
  };
  writeFileSync(join(configDir, "config.yml"), JSON.stringify(config));
}

beforeAll(async () => {
  webSource = join(root, "src", "web");
  mkdirSync(webSource, { recursive: true });
  specs = makeGitRepo(join(root, "specs"), {
    "apps/web.yml":
      "repo: github.com/acme/web\nmount: /web\nbuild: docker\ndepends:\n  libs: [util]\n" +
      "host_forwarding:\n  - host_name: web.local\n    host_port: 80\n    container_port: 8000\n",
    "apps/worker.yml": "repo: github.com/acme/worker\nmount: /worker\nimage: busybox\n",
    "libs/util.yml": "repo: github.com/acme/util\nmount: /util\n",
    "services/db.yml": "image: postgres\n",
    "bundles/main.yml": "apps: [web]\nservices: [db]\n",
    "bundles/jobs.yml": "apps: [worker]\n",
  });
  mkdirSync(configDir, { recursive: true });
  writeConfig();
  daemon = await startDaemon({ env: { DUSTY_CONFIG_DIR: configDir } });
});

afterAll(async () => {
  await daemon?.stop();
  temp.remove();
});

describe("dusty validate", () => {
  test("validate without a path checks the configured specs in the daemon", async () => {
    const result = await daemon.run(["validate"]);
    expect(result).toEqual({ code: 0, stdout: `Specs at ${specs.path} are valid: 2 apps, 1 lib, 1 service, 2 bundles\n`, stderr: "" });
  });

  test("validate without a path reports every error of the configured specs and exits 1", async () => {
    const broken = join(root, "broken-specs");
    mkdirSync(join(broken, "apps"), { recursive: true });
    mkdirSync(join(broken, "bundles"), { recursive: true });
    writeFileSync(join(broken, "apps", "web.yml"), "repo: /src/web\nmount: /web\nimage: busybox\ndepends:\n  apps: [api]\n");
    writeFileSync(join(broken, "bundles", "main.yml"), "apps: [web, wbe]\n");
    writeConfig({}, broken);
    try {
      const result = await daemon.run(["validate"]);
      expect(result.code).toBe(1);
      expect(result.stdout).toBe("");
      expect(result.stderr).toContain('apps/web.yml:5:10: depends.apps[0]: no app named "api"');
      expect(result.stderr).toContain('bundles/main.yml:1:13: apps[1]: no app named "wbe" (did you mean "web"?)');
      expect(result.stderr).toEndWith(`Specs at ${broken} have 2 errors: fix them and run the command again\n`);
    } finally {
      writeConfig();
    }
  });

  test("validate PATH checks that folder in the client, without a daemon", async () => {
    const result = await runDusty(["validate", specs.path], { env: noDaemon });
    expect(result).toEqual({ code: 0, stdout: `Specs at ${specs.path} are valid: 2 apps, 1 lib, 1 service, 2 bundles\n`, stderr: "" });
  });

  test("validate without a path and without a daemon checks the configured specs repo in the client, naming it", async () => {
    const result = await runDusty(["validate"], { env: { ...noDaemon, DUSTY_CONFIG_DIR: configDir } });
    expect(result.stdout).toBe(`Specs at ${specs.path} are valid: 2 apps, 1 lib, 1 service, 2 bundles\n`);
    expect(result.stderr).toContain(`Cannot connect to the dusty daemon at "${noDaemon.DUSTY_SOCKET_PATH}": no such file`);
    expect(result.stderr).toContain(`Validating the configured specs repo, ${specs.path}, in the client`);
    expect(result.code).toBe(0);
  });

  test("validate without a path, a daemon or a config fails saying how to give the specs", async () => {
    const empty = join(root, "no-config");
    const result = await runDusty(["validate"], { env: { ...noDaemon, DUSTY_CONFIG_DIR: empty } });
    expect(result.stdout).toBe("");
    expect(result.stderr).toEndWith(
      `Cannot validate: no specs path was given and no dusty config exists at ${join(empty, "config.yml")} (\`dusty setup\` writes one). ` +
        "Give the path of your specs repo, as in `dusty validate ~/specs`, or start the daemon with `sudo dusty -d`\n",
    );
    expect(result.code).toBe(1);
  });

});

describe("dusty compile --print", () => {
  test("compile without --specs compiles the configured specs with the active bundles and the daemon's real options", async () => {
    writeConfig({ bind_address: "127.0.0.2", port_base: 64000, dusty_env_overrides: { web: { MODE: "dev" } } });
    try {
      const result = await daemon.run(["compile", "--print", "--json"]);
      expect(result.stderr).toBe("");
      expect(result.code).toBe(0);
      const compiled = JSON.parse(result.stdout);
      expect(compiled.assembled).toEqual({ bundles: ["main"], apps: ["web"], libs: ["util"], services: ["db"], appLibs: { web: ["util"] } });
      const web = compiled.compose.services.web;
      const persist = daemon.env.DUSTY_PERSIST_DIR!;
      // The native Docker host's folders under the daemon's persist dir, the override as the build context.
      expect(web.volumes).toContain(`${persist}/assets:/dusty_assets:ro`);
      expect(web.volumes).toContain(`${persist}/repos/github.com/acme/util:/util`);
      expect(web.build).toBe(join(webSource, "docker"));
      expect(web.environment).toMatchObject({ MODE: "dev" });
      expect(compiled.hosts).toContain("127.0.0.2 web.local");
      expect(JSON.stringify(compiled.compose.services)).toContain("127.0.0.2:64000:");
    } finally {
      writeConfig();
    }
  });

  test("compile --bundle compiles the named bundles instead of the active ones, as text", async () => {
    const result = await daemon.run(["compile", "--print", "--bundle", "jobs"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toStartWith("### hosts file section\n");
    const compose = result.stdout.split("### docker-compose.yml\n")[1]!.split("\n### ")[0]!;
    expect(Object.keys(parse(compose).services).sort()).toEqual(["dustyInternalNginx", "worker"]);
  });

  test("compile --bundle of an unknown bundle exits 1 naming the known ones", async () => {
    const result = await daemon.run(["compile", "--bundle", "nope"]);
    expect(result).toEqual({ code: 1, stdout: "", stderr: 'Cannot compile: no bundle named "nope". Known bundles: jobs, main\n' });
  });
  test("compile --bundle of a misspelt bundle names the closest one", async () => {
    const result = await daemon.run(["compile", "--bundle", "mian"]);
    expect(result).toEqual({ code: 1, stdout: "", stderr: 'Cannot compile: no bundle named "mian" (did you mean "main"?). Known bundles: jobs, main\n' });
  });


  test("compile with no active bundle warns that nothing runs", async () => {
    writeConfig({ bundles: [] });
    try {
      const result = await daemon.run(["compile", "--json"]);
      expect(result.code).toBe(0);
      expect(result.stderr).toBe(
        "Warning: No bundles are activated, so nothing runs: activate some with `dusty bundles activate <name>`, or pass --bundle <name>\n",
      );
      expect(JSON.parse(result.stdout).assembled.apps).toEqual([]);
    } finally {
      writeConfig();
    }
  });

  test("compile without --specs refuses to run before `dusty setup`", async () => {
    writeConfig({ setup_has_run: false });
    try {
      const result = await daemon.run(["compile"]);
      expect(result).toEqual({ code: 1, stdout: "", stderr: "You must run `dusty setup` before you run any other commands\n" });
    } finally {
      writeConfig();
    }
  });

  test("compile --specs PATH compiles that folder in the client, every bundle by default", async () => {
    const result = await runDusty(["compile", "--json", "--specs", specs.path], { env: noDaemon });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).assembled.bundles).toEqual(["jobs", "main"]);
  });

  test("compile without a daemon compiles the built-in example in the client, as `--specs fixtures/example` would", async () => {
    const fallback = await runDusty(["compile", "--print"], { env: noDaemon });
    const explicit = await runDusty(["compile", "--print", "--specs", join(ROOT, "fixtures", "example")], { env: noDaemon });
    expect(fallback.code).toBe(0);
    expect(fallback.stderr).toBe(
      `Cannot connect to the dusty daemon at "${noDaemon.DUSTY_SOCKET_PATH}": no such file. Start it with \`sudo dusty -d\`\n` +
        "Compiling the built-in example instead (pass --specs PATH to compile your own specs)\n",
    );
    expect(explicit).toEqual({ code: 0, stdout: fallback.stdout, stderr: "" });
    expect(fallback.stdout).toContain("### docker-compose.yml\n");
  });
});
