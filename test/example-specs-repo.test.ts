// End-to-end: the official example specs repo (gamechanger/dusty-example-specs, copied in
// fixtures/compile-example-specs) through a real daemon, as a user migrating from Dusty meets it. Its
// watchdog app and lib share a name: validate fails on that, but bundles, compile and the other four
// bundles work, as they did in Dusty. Plus a bundle named in another script (`bundle-Ɯ`, from Dusty's tests).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { makeGitRepo, makeTempDir, type GitFixture } from "./git-fixtures.ts";
import { ROOT, runDusty, startDaemon, type DaemonHandle } from "./harness.ts";

const temp = makeTempDir("dusty-example-specs-test-");
const configDir = join(temp.path, "etc");
const noDaemon = { DUSTY_SOCKET_PATH: join(temp.path, "nobody-home.sock") };
const CLASH = 'apps/watchdog.yml: warning: app "watchdog" has the same name as lib "watchdog" (';
const CLASH_FOR_BUNDLES = `${CLASH}this command uses no bundle's specs: \`dusty validate\` fails on it, as do \`compile\` and \`up\` of a bundle that uses this spec)`;
const CLASH_FOR_COMPILE = `${CLASH}no bundle this command works on uses this spec: only \`dusty validate\` fails on it)`;
let daemon: DaemonHandle;
let specs: GitFixture;

/** Each warning line names its level once: `file: warning: …`, never `Warning: file: warning: …` or consola's ` WARN ` badge before it. */
function expectLevelNamedOnce(stderr: string, clash: string): void {
  const lines = stderr.split("\n").filter((line) => /warn/i.test(line));
  expect(lines.length).toBeGreaterThan(0);
  for (const line of lines) expect(line.match(/warn/gi)).toHaveLength(1);
  expect(lines.filter((line) => line === clash)).toHaveLength(1);
}

function writeConfig(bundles: string[]): void {
  const config = { specs_repo: specs.url, setup_has_run: true, bundles, repo_overrides: { [specs.url]: specs.path } };
  writeFileSync(join(configDir, "config.yml"), JSON.stringify(config));
}

beforeAll(async () => {
  const source = join(ROOT, "fixtures", "compile-example-specs");
  const files: Record<string, string> = { "bundles/bundle-Ɯ.yml": "description: Named as in Dusty's own tests\napps: [fileserver]\n" };
  for (const kind of ["apps", "libs", "services", "bundles"]) {
    for (const name of readdirSync(join(source, kind))) files[`${kind}/${name}`] = readFileSync(join(source, kind, name), "utf8");
  }
  specs = makeGitRepo(join(temp.path, "specs"), files);
  mkdirSync(configDir, { recursive: true });
  writeConfig(["hello-world"]);
  daemon = await startDaemon({ env: { DUSTY_CONFIG_DIR: configDir } });
});

afterAll(async () => {
  await daemon?.stop();
  temp.remove();
});

describe("the example specs repo", () => {
  test("validate fails on the watchdog name clash, as Dusty's did", async () => {
    const result = await daemon.run(["validate"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('apps/watchdog.yml: app "watchdog" has the same name as lib "watchdog"');
  });

  test("bundles list and activate work, the clash a warning, a non-ASCII bundle name included", async () => {
    const list = await daemon.run(["bundles", "list"]);
    expect(list.code).toBe(0);
    expectLevelNamedOnce(list.stderr, CLASH_FOR_BUNDLES);
    expect(list.stdout).toContain("bundle-Ɯ");
    expect(list.stdout).toContain("mongo-cluster");
    const activate = await daemon.run(["bundles", "activate", "bundle-Ɯ", "mongo-cluster"]);
    expect(activate.code).toBe(0);
    expect(activate.stdout).toBe("Activated bundles bundle-Ɯ, mongo-cluster\n");
    expect((await daemon.run(["bundles", "list"])).stdout).toMatch(/bundle-Ɯ .* X\n/);
  });

  test("compile of the active bundles works with the clash outside them as a warning, net: translated", async () => {
    writeConfig(["mongo-cluster"]);
    const result = await daemon.run(["compile", "--json"]);
    expectLevelNamedOnce(result.stderr, CLASH_FOR_COMPILE);
    expect(result.code).toBe(0);
    const services = JSON.parse(result.stdout).compose.services;
    expect(services.mongo_cluster2.network_mode).toBe("service:mongo_cluster1");
    expect(services.mongo_cluster2).not.toHaveProperty("net");
  });

  test("compile of the watchdog bundle still fails: the clash is in the specs it uses", async () => {
    const result = await daemon.run(["compile", "--bundle", "watchdog"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('apps/watchdog.yml: app "watchdog" has the same name as lib "watchdog"');
    expect(result.stderr).not.toContain(CLASH);
  });

  test("compile --specs in the client compiles a named bundle, and refuses every bundle when one uses the clash", async () => {
    const one = await runDusty(["compile", "--print", "--specs", specs.path, "--bundle", "hello-world"], { env: noDaemon });
    expect(one.code).toBe(0);
    expectLevelNamedOnce(one.stderr, CLASH_FOR_COMPILE);
    const json = await runDusty(["compile", "--json", "--specs", specs.path, "--bundle", "hello-world"], { env: noDaemon });
    expect(json.code).toBe(0);
    expectLevelNamedOnce(json.stderr, CLASH_FOR_COMPILE);
    expect(JSON.parse(json.stdout)).toHaveProperty("compose");
    const compose = one.stdout.split("### docker-compose.yml\n")[1]!.split("\n### ")[0]!;
    expect(Object.keys(parse(compose).services).sort()).toEqual(["dustyInternalNginx", "flaskone", "flasktwo", "persistent_mongo"]);
    const all = await runDusty(["compile", "--print", "--specs", specs.path], { env: noDaemon });
    expect(all.code).toBe(1);
  });
});
