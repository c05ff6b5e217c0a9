// Each fixtures/_service-files/<case>/ holds options.json and the two files it must produce.
// UPDATE_FIXTURES=1 rewrites them from the current code; review the diff before committing.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  checkServiceFileOptions,
  LAUNCHD_LABEL,
  renderLaunchdPlist,
  renderSystemdUnit,
  type ServiceFileOptions,
} from "./service-files.ts";

const FIXTURES = join(import.meta.dir, "..", "fixtures", "_service-files");
const UPDATE = process.env.UPDATE_FIXTURES === "1";
const UNIT_FILE = "dusty.service";
const PLIST_FILE = `${LAUNCHD_LABEL}.plist`;

const cases = readdirSync(FIXTURES).sort();
const optionsOf = (name: string): ServiceFileOptions => JSON.parse(readFileSync(join(FIXTURES, name, "options.json"), "utf8"));

function expectFixture(name: string, file: string, actual: string): void {
  const path = join(FIXTURES, name, file);
  if (UPDATE) writeFileSync(path, actual);
  expect(actual).toBe(readFileSync(path, "utf8"));
}

describe("service file fixtures", () => {
  test("there are cases with defaults, overrides and characters that need escaping", () => {
    expect(cases).toEqual(["default", "odd-characters", "overrides"]);
  });
  for (const name of cases) {
    test(`renderSystemdUnit() matches fixture ${name}`, () => expectFixture(name, UNIT_FILE, renderSystemdUnit(optionsOf(name))));
    test(`renderLaunchdPlist() matches fixture ${name}`, () => expectFixture(name, PLIST_FILE, renderLaunchdPlist(optionsOf(name))));
  }
});

test("renderSystemdUnit() logs to the journal and sets no DUSTY_* variable by default", () => {
  const unit = renderSystemdUnit({ binaryPath: "/usr/local/bin/dusty" });
  expect(unit).toContain("\nExecStart=/usr/local/bin/dusty -d\n");
  expect(unit).toContain("\nStandardOutput=journal\nStandardError=journal\n");
  expect(unit).not.toContain("Environment=");
});

test("renderSystemdUnit() quotes and escapes values per systemd rules", () => {
  const unit = renderSystemdUnit({ binaryPath: "/opt/a b/$x%", socketPath: '/s "q" \\ $x 5%', logFile: "/log 5%" });
  expect(unit).toContain('\nExecStart="/opt/a b/$x%%" -d\n');
  expect(unit).toContain('\nEnvironment="DUSTY_SOCKET_PATH=/s \\"q\\" \\\\ $x 5%%"\n');
  expect(unit).toContain("\nStandardOutput=append:/log 5%%\nStandardError=append:/log 5%%\n");
});

test("renderLaunchdPlist() always sets HOME and PATH and logs to /var/log/dusty.log by default", () => {
  const plist = renderLaunchdPlist({ binaryPath: "/usr/local/bin/dusty" });
  expect(plist).toContain("<key>HOME</key>\n\t\t<string>/var/root</string>");
  expect(plist).toContain("<key>StandardErrorPath</key>\n\t<string>/var/log/dusty.log</string>");
  expect(plist).not.toContain("DUSTY_");
});

test("checkServiceFileOptions() reports every path the file cannot carry", () => {
  const good = { binaryPath: "/usr/local/bin/dusty", logFile: "/var/log/dusty.log" };
  expect(checkServiceFileOptions(good, "systemd")).toEqual([]);
  expect(checkServiceFileOptions(good, "launchd")).toEqual([]);
  const bad = { binaryPath: "dusty", socketPath: "/run/a\nb", hostsFile: "" };
  const expected = [
    'binaryPath "dusty" is not an absolute path',
    'hostsFile "" is not an absolute path',
    'socketPath "/run/a\\nb" contains a control character',
  ];
  expect(checkServiceFileOptions(bad, "systemd")).toEqual(expected);
  expect(checkServiceFileOptions(bad, "launchd")).toEqual(expected);
});

test("checkServiceFileOptions() refuses for systemd only what systemd cannot read", () => {
  const options = { binaryPath: "/Users/o'brien/bin/dusty", logFile: "/var/log/dusty\\", configDir: "/etc/dusty\\" };
  expect(checkServiceFileOptions(options, "systemd")).toEqual([
    `binaryPath "/Users/o'brien/bin/dusty" contains a quote or a backslash, which systemd refuses`,
    'logFile "/var/log/dusty\\\\" ends with a space or a backslash',
  ]);
  expect(checkServiceFileOptions(options, "launchd")).toEqual([]);
});

test("renderSystemdUnit() and renderLaunchdPlist() refuse options they cannot represent", () => {
  expect(() => renderSystemdUnit({ binaryPath: "/bin/dusty", logFile: "/var/log/a\u0000" })).toThrow(
    'Cannot render the dusty service file: logFile "/var/log/a\\u0000" contains a control character',
  );
  expect(() => renderLaunchdPlist({ binaryPath: "bin/dusty" })).toThrow('binaryPath "bin/dusty" is not an absolute path');
});

describe("with the real parsers", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "dusty-service-files-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // verify fails when ExecStart does not name an executable, so a real one at an awkward path proves the quoting.
  test.skipIf(!Bun.which("systemd-analyze"))("systemd-analyze verify accepts every unit without a warning", async () => {
    const binDir = join(dir, "bin 100% $HOME here");
    mkdirSync(binDir);
    const binaryPath = join(binDir, "dusty");
    copyFileSync("/bin/true", binaryPath);
    chmodSync(binaryPath, 0o755);
    const units = cases.map((name) => {
      const options = { ...optionsOf(name), binaryPath };
      if (options.logFile) options.logFile = join(dir, "log 50%.log");
      const path = join(dir, `${name}.service`);
      writeFileSync(path, renderSystemdUnit(options));
      return path;
    });
    const verify = Bun.spawnSync(["systemd-analyze", "verify", ...units], { stderr: "pipe", stdout: "pipe" });
    expect(verify.stderr.toString()).toBe("");
    expect(verify.exitCode).toBe(0);
  });

  // Python's plistlib parses with expat, which rejects any XML that is not well formed.
  test.skipIf(!Bun.which("python3"))("plistlib reads every plist back to the values given", () => {
    const script = "import json, plistlib, sys\nprint(json.dumps([plistlib.load(open(p, 'rb')) for p in sys.argv[1:]]))";
    const paths = cases.map((name) => join(FIXTURES, name, PLIST_FILE));
    const parsed = Bun.spawnSync(["python3", "-c", script, ...paths], { stderr: "pipe", stdout: "pipe" });
    expect(parsed.stderr.toString()).toBe("");
    const plists = JSON.parse(parsed.stdout.toString()) as Record<string, any>[];
    const odd = plists[cases.indexOf("odd-characters")]!;
    const options = optionsOf("odd-characters");
    expect(odd.ProgramArguments).toEqual([options.binaryPath, "-d"]);
    expect(odd.EnvironmentVariables).toEqual({
      DUSTY_CONFIG_DIR: options.configDir,
      DUSTY_HOSTS_FILE: options.hostsFile,
      DUSTY_PERSIST_DIR: options.persistDir,
      DUSTY_SOCKET_PATH: options.socketPath,
      HOME: "/var/root",
      PATH: "/usr/local/bin:/opt/homebrew/bin:/usr/bin:/bin:/usr/sbin:/sbin",
    });
    expect(odd.StandardOutPath).toBe(options.logFile);
    const plain = plists[cases.indexOf("default")]!;
    expect(plain).toMatchObject({ Label: LAUNCHD_LABEL, RunAtLoad: true, KeepAlive: true, WorkingDirectory: "/usr/local" });
    expect(plain.StandardErrorPath).toBe("/var/log/dusty.log");
  });

  test.skipIf(!Bun.which("plutil"))("plutil -lint accepts every plist", () => {
    const paths = cases.map((name) => join(FIXTURES, name, PLIST_FILE));
    expect(Bun.spawnSync(["plutil", "-lint", ...paths]).exitCode).toBe(0);
  });
});
