import { afterAll, expect, test } from "bun:test";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { resolveLocations } from "./locations.ts";
import { runPreflight } from "./preflight.ts";

const dir = mkdtempSync(join(tmpdir(), "dusty-preflight-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function locationsIn(name: string, hostsFile?: string) {
  const base = join(dir, name);
  return resolveLocations({
    DUSTY_CONFIG_DIR: join(base, "etc"),
    DUSTY_SOCKET_PATH: join(base, "run", "dusty.sock"),
    DUSTY_HOSTS_FILE: hostsFile ?? join(dir, "hosts"),
    DUSTY_PERSIST_DIR: join(base, "persist"),
  });
}

test("runPreflight() creates the config and socket folders and finds nothing wrong here", async () => {
  writeFileSync(join(dir, "hosts"), "127.0.0.1 localhost\n");
  const locations = locationsIn("ok");
  expect(await runPreflight(locations)).toEqual([]);
  expect(existsSync(locations.configDir)).toBe(true);
  expect(existsSync(join(dir, "ok", "run"))).toBe(true);
});

test("runPreflight() lists every missing program and an unusable hosts file together", async () => {
  const hosts = join(dir, "no-such-folder", "hosts");
  const problems = await runPreflight(locationsIn("bad", hosts), { which: (name) => (name === "git" ? "/usr/bin/git" : null) });
  expect(problems).toEqual([
    "Executable not found: rsync. Install it, or add its folder to PATH",
    "Executable not found: docker. Install it, or add its folder to PATH",
    `The folder of the hosts file, ${dirname(hosts)}, is not writable: no such file or folder. Run the daemon as root, or set DUSTY_HOSTS_FILE`,
  ]);
});

test("runPreflight() accepts a hosts file that does not exist yet in a writable folder", async () => {
  const problems = await runPreflight(locationsIn("fresh", join(dir, "not-yet-hosts")), { which: () => "/usr/bin/x" });
  expect(problems).toEqual([]);
});

test.skipIf(process.getuid?.() !== 0)("runPreflight() refuses a compose folder inside the config folder that others can write", async () => {
  const locations = locationsIn("loose-compose");
  mkdirSync(locations.composeDir, { recursive: true });
  chmodSync(locations.composeDir, 0o777);
  const problems = await runPreflight(locations, { which: () => "/usr/bin/x" });
  expect(problems).toEqual([
    `Refusing to start: the compose folder ${locations.composeDir} could be changed by others: ${locations.composeDir} is writable by its group and everyone ` +
      `(owner uid 0 (root), mode 0777). Run \`chmod go-w ${locations.composeDir}\`, then start the daemon again`,
  ]);
});
