import { afterEach, beforeEach, expect, test } from "bun:test";
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defaultConfig, type DustyConfig } from "../core/config.ts";
import { NotRegularFileError } from "./atomic-write.ts";
import { isExpectedError } from "./errors.ts";
import { ConfigError, loadConfig, readConfig, updateConfig, writeConfig } from "./config-file.ts";

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "dusty-config-"));
  file = join(dir, "etc", "dusty", "config.yml");
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test("readConfig() gives the defaults when the file is missing, and does not create it", async () => {
  expect(await readConfig(file)).toEqual(defaultConfig());
  expect(existsSync(join(dir, "etc"))).toBe(false);
});

test("readConfig() throws a ConfigError naming the file, line and key", async () => {
  await writeConfig(file, defaultConfig());
  writeFileSync(file, "bundles: []\nport_base: 80\n");
  const error = await readConfig(file).catch((e) => e);
  expect(error).toBeInstanceOf(ConfigError);
  expect(isExpectedError(error)).toBe(true);
  expect(error.message).toBe(
    `${file}:2:12: port_base: expected a whole number from 1024 to 65535, got 80\n` +
      `Cannot use the config ${file}: fix the problem above in the file and run the command again`,
  );
  expect(error.diagnostics).toHaveLength(1);
});

test("loadConfig() returns warnings for unknown keys and whether the file exists", async () => {
  expect((await loadConfig(file)).exists).toBe(false);
  await writeConfig(file, defaultConfig());
  writeFileSync(file, "bundels: [site]\n", { flag: "a" });
  const loaded = await loadConfig(file);
  expect(loaded.exists).toBe(true);
  expect(loaded.warnings.map((w) => w.keyPath)).toEqual(["bundels"]);
});

test("writeConfig() creates the folder 0755 and the file 0600, and reads back the same config", async () => {
  const config: DustyConfig = { ...defaultConfig(), bundles: ["site"], dusty_env_overrides: { web: { TOKEN: "s3cret" } } };
  const umask = process.umask(0o077); // a strict umask must not narrow the folder's mode
  try {
    await writeConfig(file, config);
  } finally {
    process.umask(umask);
  }
  expect(statSync(join(dir, "etc")).mode & 0o7777).toBe(0o755);
  expect(statSync(join(dir, "etc", "dusty")).mode & 0o7777).toBe(0o755);
  expect(statSync(file).mode & 0o7777).toBe(0o600);
  expect(readdirSync(join(dir, "etc", "dusty"))).toEqual(["config.yml"]);
  expect(await readConfig(file)).toEqual(config);
});

test("writeConfig() makes an existing world-readable config private", async () => {
  await writeConfig(file, defaultConfig());
  chmodSync(file, 0o644);
  await writeConfig(file, { ...defaultConfig(), specs_repo: "github.com/acme/specs" });
  expect(statSync(file).mode & 0o7777).toBe(0o600);
});

test("updateConfig() applies overlapping changes one after the other", async () => {
  const names = ["a", "b", "c", "d", "e"];
  await Promise.all(names.map((name) => updateConfig(file, (c) => ({ ...c, bundles: [...c.bundles, name] }))));
  expect((await readConfig(file)).bundles.sort()).toEqual(names);
});

test("updateConfig() writes a missing file but leaves an unchanged one as it is", async () => {
  await updateConfig(file, (c) => c);
  expect(readFileSync(file, "utf8")).toContain("bundles: []");
  writeFileSync(file, "# my notes\nbundles: [site]\n");
  const config = await updateConfig(file, (c) => ({ ...c }));
  expect(config.bundles).toEqual(["site"]);
  expect(readFileSync(file, "utf8")).toBe("# my notes\nbundles: [site]\n");
});

test("updateConfig() does not write when the file is invalid or the change throws", async () => {
  await writeConfig(file, defaultConfig());
  const before = readFileSync(file, "utf8");
  const failed = await updateConfig(file, () => {
    throw new Error("no such bundle");
  }).catch((e) => e);
  expect(failed.message).toBe("no such bundle");
  expect(readFileSync(file, "utf8")).toBe(before);

  writeFileSync(file, "port_base: 1\n");
  expect(await updateConfig(file, (c) => c).catch((e) => e)).toBeInstanceOf(ConfigError);
  expect(readFileSync(file, "utf8")).toBe("port_base: 1\n");
});

// What a user who can write in the config folder could try: the daemon, as root, must neither read
// the victim into an error message nor overwrite, chmod or create it.
test.skipIf(process.getuid?.() !== 0)("updateConfig() refuses a config.yml that is a symlink and leaves its target byte for byte", async () => {
  const victim = join(dir, "shadow");
  writeFileSync(victim, "root:$6$secret:19000:0:99999:7:::\n");
  chmodSync(victim, 0o640);
  chownSync(victim, 65534, 65534);
  mkdirSync(join(dir, "etc", "dusty"), { recursive: true });
  symlinkSync(victim, file);
  const before = readFileSync(victim);

  const error = await updateConfig(file, (c) => ({ ...c, bundles: ["site"] })).catch((e) => e);
  expect(error).toBeInstanceOf(NotRegularFileError);
  expect(isExpectedError(error)).toBe(true);
  expect(error.message).toStartWith(`Cannot read ${file}: it is a symbolic link, not a regular file`);
  expect(error.message).not.toContain("secret");
  expect(readFileSync(victim).equals(before)).toBe(true);
  const info = statSync(victim);
  expect([info.mode & 0o7777, info.uid, info.gid]).toEqual([0o640, 65534, 65534]);
});

test("writeConfig() refuses a dangling config.yml link and creates no file where it points", async () => {
  mkdirSync(join(dir, "etc", "dusty"), { recursive: true });
  symlinkSync(join(dir, "planted"), file);
  expect(await writeConfig(file, defaultConfig()).catch((e) => e)).toBeInstanceOf(NotRegularFileError);
  expect(existsSync(join(dir, "planted"))).toBe(false);
});
