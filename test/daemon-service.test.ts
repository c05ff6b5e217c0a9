// End-to-end: `dusty daemon install --dry-run` (systemd is not PID 1 here, so nothing is ever installed for real).
import { describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import { serviceOptionsFor } from "../cmd/daemon-service.ts";
import { VERSION } from "../cmd/_version.ts";
import { renderSystemdUnit } from "../core/service-files.ts";
import { SYSTEMD_UNIT_PATH } from "../platform/service-install.ts";
import { dustyArgv, ROOT, runDusty } from "./harness.ts";

const COMPILED = process.env.DUSTY_BIN !== undefined;
const BINARY = COMPILED ? (isAbsolute(process.env.DUSTY_BIN!) ? process.env.DUSTY_BIN! : join(ROOT, process.env.DUSTY_BIN!)) : "";
// Locations left to their defaults, as on a normal install.
const DEFAULT_LOCATIONS = { DUSTY_SOCKET_PATH: undefined, DUSTY_CONFIG_DIR: undefined, DUSTY_HOSTS_FILE: undefined, DUSTY_PERSIST_DIR: undefined };
const COMMANDS = "Would run:\n  systemctl daemon-reload\n  systemctl enable --now dusty.service\n";

describe("serviceOptionsFor()", () => {
  test("serviceOptionsFor() starts the compiled binary with only the locations this process was given", () => {
    const options = serviceOptionsFor({
      execPath: "/usr/local/bin/dusty",
      main: "/$bunfs/root/dusty",
      env: { DUSTY_CONFIG_DIR: "/srv/dusty", DUSTY_SOCKET_PATH: "", HOME: "/root" },
    });
    expect(options).toEqual({ binaryPath: "/usr/local/bin/dusty", configDir: "/srv/dusty", socketPath: undefined, hostsFile: undefined, persistDir: undefined });
  });

  test("serviceOptionsFor() refuses to install bun running the sources", () => {
    const options = serviceOptionsFor({ execPath: "/usr/bin/bun", main: "/src/dusty/cmd/main.ts", env: {} });
    expect(options).toEqual({ error: expect.stringMatching(/^Cannot install the dusty daemon service from source \(\/src\/dusty\/cmd\/main\.ts\)/) });
  });
});

describe("dusty daemon install", () => {
  test.skipIf(!COMPILED)("daemon install --dry-run prints the systemd unit and the commands, and writes nothing", async () => {
    const existed = existsSync(SYSTEMD_UNIT_PATH);
    const result = await runDusty(["daemon", "install", "--dry-run"], { env: DEFAULT_LOCATIONS });
    expect(result).toEqual({
      code: 0,
      stdout: `Would write ${SYSTEMD_UNIT_PATH}:\n${renderSystemdUnit({ binaryPath: BINARY })}\n${COMMANDS}`,
      stderr: "",
    });
    expect(result.stdout).toContain(`ExecStart=${BINARY} -d\n`);
    expect(existsSync(SYSTEMD_UNIT_PATH)).toBe(existed);
  });

  test.skipIf(!COMPILED)("daemon install --dry-run carries the DUSTY_* locations of the current environment into the unit", async () => {
    const env = { ...DEFAULT_LOCATIONS, DUSTY_CONFIG_DIR: "/srv/dusty/etc", DUSTY_SOCKET_PATH: "/run/dusty-test/dusty.sock" };
    const result = await runDusty(["daemon", "install", "--dry-run"], { env });
    expect(result.code).toBe(0);
    const unit = renderSystemdUnit({ binaryPath: BINARY, configDir: "/srv/dusty/etc", socketPath: "/run/dusty-test/dusty.sock" });
    expect(result.stdout).toBe(`Would write ${SYSTEMD_UNIT_PATH}:\n${unit}\n${COMMANDS}`);
    expect(result.stdout).toContain('Environment="DUSTY_CONFIG_DIR=/srv/dusty/etc"\n');
  });

  test.skipIf(!COMPILED)("daemon install refuses a relative location and says which", async () => {
    const result = await runDusty(["daemon", "install", "--dry-run"], { env: { ...DEFAULT_LOCATIONS, DUSTY_CONFIG_DIR: "etc/dusty" } });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('Cannot install the dusty daemon service: configDir "etc/dusty" is not an absolute path. Give absolute paths without those characters\n');
  });

  test.skipIf(!COMPILED || process.getuid?.() !== 0 || !Bun.which("setpriv"))(
    "daemon install without root says it needs root; --dry-run works without it",
    async () => {
      const asNobody = (args: string[]) => runCommand(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", ...dustyArgv(args)]);
      const refused = await asNobody(["daemon", "install"]);
      expect(refused).toEqual({
        code: 1,
        stdout: "",
        stderr: "Cannot install the dusty daemon service: it needs root. Run `sudo dusty daemon install` (or add --dry-run to see what it would do)\n",
      });
      expect((await asNobody(["daemon", "install", "--dry-run"])).code).toBe(0);
    },
  );

  test.skipIf(COMPILED)("daemon install from the sources says to use the installed binary", async () => {
    const result = await runDusty(["daemon", "install", "--dry-run"]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(
      `Cannot install the dusty daemon service from source (${join(ROOT, "cmd", "main.ts")}): the service must start the installed binary. ` +
        "Build it with `make build` and run `sudo dist/dusty daemon install` (or the dusty you installed)\n",
    );
  });

  test("daemon -h and daemon install -h describe them", async () => {
    const help = async (args: string[]) => {
      const result = await runDusty([...args, "-h"], { env: { NO_COLOR: "1" } });
      expect(result.code).toBe(0);
      return result.stdout.replaceAll(VERSION, "<version>").trimEnd();
    };
    expect(await help(["daemon"])).toMatchInlineSnapshot(`
      "Manage the dusty daemon's service (start at boot) (dusty daemon v<version>)

      USAGE dusty daemon install

      COMMANDS

        install    Start the dusty daemon now and at every boot (systemd on Linux, launchd on macOS)

      Use dusty daemon <command> --help for more information about a command."
    `);
    expect(await help(["daemon", "install"])).toMatchInlineSnapshot(`
      "Start the dusty daemon now and at every boot (systemd on Linux, launchd on macOS) (dusty daemon install)

      USAGE dusty daemon install [OPTIONS] 

      OPTIONS

        --dry-run    Print the service file and the commands, and change nothing"
    `);
  });
});

async function runCommand(argv: string[]) {
  const child = Bun.spawn(argv, { env: { PATH: process.env.PATH ?? "", HOME: "/" }, cwd: "/", stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
  return { code, stdout, stderr };
}
