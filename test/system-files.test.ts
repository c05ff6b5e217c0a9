// End-to-end: the daemon's own files against symlinks and loose permissions, with the real binary,
// real modes and real owners (the test runs as root and hands files to nobody, 65534).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, readFileSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeTempDir } from "./git-fixtures.ts";
import { dustyArgv, runDusty, startDaemon, type DaemonHandle } from "./harness.ts";
import { startSetUpDaemon, type SetUpDaemon } from "./_setup-fixture.ts";

const IS_ROOT = process.getuid?.() === 0;
const NOBODY = 65534;

/** The locations of a daemon in `dir`, as the harness lays them out. */
function locationsIn(dir: string) {
  return {
    DUSTY_CONFIG_DIR: join(dir, "etc"),
    DUSTY_SOCKET_PATH: join(dir, "run", "dusty.sock"),
    DUSTY_HOSTS_FILE: join(dir, "hosts"),
    DUSTY_PERSIST_DIR: join(dir, "persist"),
  };
}

/** Starts the real daemon (not just its preflight) and returns once it has exited, or after 20 s (code -1). */
function startRefused(env: Record<string, string>) {
  return runDusty(["-d", "--allow-non-root"], { env, timeoutMs: 20_000 });
}

describe.skipIf(!IS_ROOT)("dusty -d start checks", () => {
  const temp = makeTempDir("dusty-strict-e2e-");
  afterAll(() => temp.remove());

  test("dusty -d refuses to start when its config folder is world-writable, naming it, its mode and the fix", async () => {
    const dir = join(temp.path, "open-config");
    const env = locationsIn(dir);
    mkdirSync(env.DUSTY_CONFIG_DIR, { recursive: true });
    chmodSync(env.DUSTY_CONFIG_DIR, 0o777);
    writeFileSync(env.DUSTY_HOSTS_FILE, "127.0.0.1 localhost\n");
    const result = await startRefused(env);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `Refusing to start: the config folder ${env.DUSTY_CONFIG_DIR} could be changed by others: ${env.DUSTY_CONFIG_DIR} is writable by its group and everyone ` +
        `(owner uid 0 (root), mode 0777). Run \`chmod go-w ${env.DUSTY_CONFIG_DIR}\`, then start the daemon again`,
    );
    expect(existsSync(env.DUSTY_SOCKET_PATH)).toBe(false);
  });

  test("dusty -d refuses a persist folder owned by another user, and a parent anyone can write", async () => {
    const dir = join(temp.path, "foreign-persist");
    const env = locationsIn(dir);
    mkdirSync(env.DUSTY_PERSIST_DIR, { recursive: true });
    chownSync(env.DUSTY_PERSIST_DIR, NOBODY, NOBODY);
    writeFileSync(env.DUSTY_HOSTS_FILE, "127.0.0.1 localhost\n");
    const owned = await startRefused(env);
    expect(owned.code).toBe(1);
    expect(owned.stderr).toContain(`${env.DUSTY_PERSIST_DIR} is owned by uid ${NOBODY} (nobody), not root (mode 0755). Run \`chown root ${env.DUSTY_PERSIST_DIR}\``);

    chownSync(env.DUSTY_PERSIST_DIR, 0, 0);
    chmodSync(dir, 0o757);
    const open = await startRefused(env);
    expect(open.code).toBe(1);
    // One folder above all three locations: said once, for the first of them.
    expect(open.stderr.match(/Refusing to start/g)).toHaveLength(1);
    expect(open.stderr).toContain(`${dir} is writable by everyone (owner uid 0 (root), mode 0757). Run \`chmod go-w ${dir}\``);
  });

  test.skipIf(!Bun.which("setpriv"))("dusty -d --allow-non-root as nobody accepts folders nobody owns, and refuses them to root's daemon", async () => {
    const dir = join(temp.path, "own-folders");
    const env = locationsIn(dir);
    mkdirSync(dir);
    chownSync(dir, NOBODY, NOBODY);
    writeFileSync(env.DUSTY_HOSTS_FILE, "127.0.0.1 localhost\n");
    chownSync(env.DUSTY_HOSTS_FILE, NOBODY, NOBODY);
    chmodSync(temp.path, 0o755); // let nobody reach its folder
    const argv = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", ...dustyArgv(["-d", "--allow-non-root", "--preflight-only"])];
    const child = Bun.spawn(argv, { env: { ...env, PATH: process.env.PATH ?? "", HOME: "/" }, cwd: "/", stdout: "pipe", stderr: "pipe" });
    const [stderr, code] = await Promise.all([new Response(child.stderr).text(), child.exited]);
    expect({ code, stderr }).toEqual({ code: 0, stderr: expect.stringContaining("Completed preflight check successfully") });

    const asRoot = await runDusty(["-d", "--allow-non-root", "--preflight-only"], { env });
    expect(asRoot.code).toBe(1);
    expect(asRoot.stderr).toContain(`${dir} is owned by uid ${NOBODY} (nobody), not root (mode 0755). Run \`chown root ${dir}\``);
  });

  test("dusty -d resolves a symlinked hosts path once and checks the real file: a group-writable one is refused", async () => {
    const dir = join(temp.path, "linked-hosts");
    const env = locationsIn(dir);
    const real = join(dir, "private", "etc", "hosts");
    mkdirSync(join(dir, "private", "etc"), { recursive: true });
    writeFileSync(real, "127.0.0.1 localhost\n");
    chmodSync(real, 0o664);
    symlinkSync("private/etc/hosts", env.DUSTY_HOSTS_FILE);
    const result = await startRefused(env);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`Refusing to start: the hosts file ${realpathSync(real)} could be changed by others: ${realpathSync(real)} is writable by its group`);
  });
});

describe.skipIf(!IS_ROOT)("the daemon's files are never written through a symlink", () => {
  let daemon: DaemonHandle;
  const temp = makeTempDir("dusty-victims-");
  beforeAll(async () => {
    daemon = await startDaemon();
  });
  afterAll(async () => {
    await daemon?.stop();
    temp.remove();
  });

  test("dusty config set with config.yml symlinked to a victim leaves the victim byte for byte, its mode and owner too", async () => {
    const configFile = join(daemon.env.DUSTY_CONFIG_DIR!, "config.yml");
    const victim = join(temp.path, "root-only.yml");
    // Valid config YAML, so that a daemon following the link would read it and write its change back through it.
    writeFileSync(victim, "# a file only root may change\nbundles: []\n");
    chmodSync(victim, 0o644);
    chownSync(victim, NOBODY, NOBODY);
    const before = readFileSync(victim);
    rmSync(configFile, { force: true });
    symlinkSync(victim, configFile);

    const result = await daemon.run(["config", "set", "nginx_image", "nginx:planted"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`Cannot read ${configFile}: it is a symbolic link, not a regular file`);
    expect(result.stderr).toContain("Nothing was changed");
    expect(readFileSync(victim).equals(before)).toBe(true);
    const info = statSync(victim);
    expect([info.mode & 0o7777, info.uid, info.gid]).toEqual([0o644, NOBODY, NOBODY]);
    expect(lstatSync(configFile).isSymbolicLink()).toBe(true);
    rmSync(configFile);
  });

  test("dusty config set through a dangling config.yml link creates no file where it points", async () => {
    const configFile = join(daemon.env.DUSTY_CONFIG_DIR!, "config.yml");
    const planted = join(temp.path, "planted-by-root");
    rmSync(configFile, { force: true });
    symlinkSync(planted, configFile);
    const result = await daemon.run(["config", "set", "nginx_image", "nginx:planted"]);
    expect(result.code).toBe(1);
    expect(existsSync(planted)).toBe(false);
    rmSync(configFile);
  });
});

describe.skipIf(!IS_ROOT)("dusty up and a malformed hosts file", () => {
  let setUp: SetUpDaemon;
  const temp = makeTempDir("dusty-torn-hosts-");
  const real = join(temp.path, "private", "hosts");
  beforeAll(async () => {
    mkdirSync(join(temp.path, "private"));
    writeFileSync(real, "");
    symlinkSync("private/hosts", join(temp.path, "hosts"));
    // Through the link: the daemon must find, check and name the real file.
    setUp = await startSetUpDaemon({ env: { DUSTY_HOSTS_FILE: join(temp.path, "hosts") } });
  });
  afterAll(async () => {
    await setUp?.stop();
    temp.remove();
  });

  test("dusty up with a BEGIN marker but no END fails before it touches anything, names the line and leaves the file byte for byte", async () => {
    const torn = Buffer.from("127.0.0.1 localhost\n# BEGIN section for Dusty\n127.0.0.1 web.local\n# caf\xe9\n10.0.0.1 nas\n", "latin1");
    writeFileSync(real, torn);
    const result = await setUp.daemon.run(["up", "--no-pull"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `dusty up stopped while checking the hosts file: ${realpathSync(real)}:2: "# BEGIN section for Dusty" without a "# END section for Dusty" after it\n`,
    );
    expect(result.stderr).toContain("left exactly as it was. Fix line 2 by hand");
    expect(result.stderr).toContain("The hosts file, the compose file and the config are as they were before this `dusty up`");
    expect(readFileSync(real).equals(torn)).toBe(true);
    expect(existsSync(`${real}.dusty-backup`)).toBe(false);
  });
});
