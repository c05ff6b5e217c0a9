// `make release` for real: every target cross-compiled, the tarballs, SHA256SUMS, the Homebrew formula
// (checked by Ruby's parser) and the .deb, installed with dpkg on this machine and removed again.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, realpathSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEBIAN_BINARY_PATH, DEBIAN_DOC_PATHS, DEBIAN_UNIT_PATH } from "../core/debian-package.ts";
import { parseSha256Sums, RELEASE_TARGETS, tarballFolder, tarballName } from "../core/release.ts";
import { renderSystemdUnit } from "../core/service-files.ts";
import { NEXT_VERSION, RELEASE_BUILD_TIMEOUT_MS, sha256Of, TestReleases } from "./_release.ts";
import { clientVersionPattern, runDusty, startDaemon } from "./harness.ts";

const DEB = `dusty_${NEXT_VERSION}_amd64.deb`;
const scratch = mkdtempSync(join(tmpdir(), "dusty-release-check-"));
const releases = new TestReleases();
let release: string;

beforeAll(async () => {
  release = await releases.build(NEXT_VERSION);
}, RELEASE_BUILD_TIMEOUT_MS);
afterAll(() => {
  releases.remove();
  rmSync(scratch, { recursive: true, force: true });
});

/** Runs a program to completion (this test drives dpkg, tar, file and ruby, as a user would). */
async function sh(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = Bun.spawn(argv, { stdout: "pipe", stderr: "pipe", stdin: "ignore" });
  const [stdout, stderr, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
  return { code, stdout, stderr };
}

/** Unpacks only the binary of one target's tarball and returns its path. */
async function unpackBinary(target: string): Promise<string> {
  const member = `${tarballFolder(NEXT_VERSION, target)}/dusty`;
  const result = await sh(["tar", "-xzf", join(release, tarballName(NEXT_VERSION, target)), "-C", scratch, member]);
  expect(result).toMatchObject({ code: 0, stderr: "" });
  return join(scratch, member);
}

/** The load command types of a 64-bit little-endian Mach-O file. */
function machOLoadCommands(bytes: Uint8Array): number[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  expect(view.getUint32(0, true)).toBe(0xfeedfacf);
  const commands: number[] = [];
  let offset = 32;
  for (let i = 0; i < view.getUint32(16, true); i++) {
    commands.push(view.getUint32(offset, true));
    offset += view.getUint32(offset + 4, true);
  }
  return commands;
}
const LC_CODE_SIGNATURE = 0x1d;

describe("make release", () => {
  test("writes a tarball per target, a .deb per Linux target and SHA256SUMS that matches every file", async () => {
    const tarballs = RELEASE_TARGETS.map((target) => tarballName(NEXT_VERSION, target));
    const debs = [DEB, `dusty_${NEXT_VERSION}_arm64.deb`];
    expect(readdirSync(release).sort()).toEqual(["SHA256SUMS", "dusty.rb", ...tarballs, ...debs].sort());
    const sums = parseSha256Sums(readFileSync(join(release, "SHA256SUMS"), "utf8"));
    expect([...sums.keys()].sort()).toEqual([...tarballs, ...debs].sort());
    for (const [file, hex] of sums) expect(`${file} ${await sha256Of(join(release, file))}`).toBe(`${file} ${hex}`);
  });

  test("each tarball holds the binary for its OS and CPU, README.md, the completion scripts and the man page", async () => {
    const expected: Record<string, RegExp> = {
      "darwin-arm64": /^Mach-O 64-bit arm64 executable/,
      "darwin-x64": /^Mach-O 64-bit x86_64 executable/,
      "linux-x64": /^ELF 64-bit LSB executable, x86-64/,
      "linux-arm64": /^ELF 64-bit LSB executable, ARM aarch64/,
    };
    for (const target of RELEASE_TARGETS) {
      const folder = tarballFolder(NEXT_VERSION, target);
      const listing = await sh(["tar", "-tzf", join(release, tarballName(NEXT_VERSION, target))]);
      expect(listing.stdout.split("\n").filter(Boolean).sort()).toEqual(
        [`${folder}/`, `${folder}/README.md`, `${folder}/dusty`, `${folder}/completions/`, `${folder}/completions/_dusty`, `${folder}/completions/dusty.bash`,
          `${folder}/completions/dusty.fish`, `${folder}/man/`, `${folder}/man/dusty.1`].sort(),
      );
      const binary = await unpackBinary(target);
      expect(statSync(binary).mode & 0o777).toBe(0o755);
      expect(`${target}: ${(await sh(["file", "-b", binary])).stdout}`).toMatch(new RegExp(`^${target}: ${expected[target]!.source.slice(1)}`));
      // macOS on arm64 kills an unsigned binary; bun leaves an ad-hoc signature load command in its output.
      if (target.startsWith("darwin")) expect(machOLoadCommands(await Bun.file(binary).bytes())).toContain(LC_CODE_SIGNATURE);
      rmSync(join(scratch, folder), { recursive: true, force: true });
    }
  });

  test("the linux-x64 binary has its version, commit and target baked in", async () => {
    const binary = await unpackBinary("linux-x64");
    expect(await runDusty(["-v"], { bin: binary })).toEqual({ code: 0, stdout: `Dusty version ${NEXT_VERSION}\n`, stderr: "" });
    const version = await runDusty(["version"], { bin: binary, env: { DUSTY_SOCKET_PATH: join(scratch, "none.sock") } });
    expect(version.stdout).toMatch(new RegExp(`^${clientVersionPattern(NEXT_VERSION, "linux-x64")}$`));
  });

  test("the Homebrew formula parses with Ruby and its sha256 values are the tarballs'", async () => {
    const formula = releases.formulaPath(NEXT_VERSION);
    expect(readFileSync(join(release, "dusty.rb"), "utf8")).toBe(readFileSync(formula, "utf8"));
    expect(await sh(["ruby", "-c", formula])).toEqual({ code: 0, stdout: "Syntax OK\n", stderr: "" });
    const text = readFileSync(formula, "utf8");
    const pairs = [...text.matchAll(/url "#\{RELEASE_URL\}\/#\{version\}\/dusty-#\{version\}-([a-z0-9-]+)\.tar\.gz"\n\s+sha256 "([0-9a-f]{64})"/g)];
    expect(pairs.map((m) => m[1]).sort()).toEqual([...RELEASE_TARGETS].sort());
    for (const [, target, hex] of pairs) {
      expect(`${target} ${hex}`).toBe(`${target} ${await sha256Of(join(release, tarballName(NEXT_VERSION, target!)))}`);
    }
    expect(text).toContain(`version "${NEXT_VERSION}"`);
  });
});

// dpkg changes this machine: the test refuses to run over a dusty it did not install, removes the package
// (purge) afterwards, and deletes the dusty group only when it created it. systemd is not PID 1 here, so
// the maintainer scripts start nothing; the daemon it starts runs from the installed binary in a temp folder.
describe("the .deb", () => {
  const WANTS_LINK = "/etc/systemd/system/multi-user.target.wants/dusty.service";
  let groupExisted = false;
  let installed = false;

  const groupExists = async () => (await sh(["getent", "group", "dusty"])).code === 0;
  /** dpkg takes a lock another apt run on this machine may hold for a while: wait for it. */
  async function dpkg(args: string[]) {
    for (let attempt = 0; ; attempt++) {
      const result = await sh(["dpkg", ...args]);
      if (!/lock/i.test(result.stderr) || attempt === 60) return result;
      await Bun.sleep(1000);
    }
  }

  afterAll(async () => {
    if (installed) await dpkg(["--purge", "dusty"]);
    if (installed && !groupExisted && (await groupExists())) await sh(["groupdel", "dusty"]);
  });

  test("dpkg -i installs the binary, the systemd unit (enabled, not started), the dusty group, the completions and the man page", async () => {
    const before = await sh(["dpkg-query", "-W", "-f=${Status}", "dusty"]);
    expect(`${before.stdout} ${existsSync(DEBIAN_BINARY_PATH)}`).toBe(" false"); // nothing of ours or anyone's to clobber
    groupExisted = await groupExists();

    const result = await dpkg(["-i", join(release, DEB)]);
    installed = true;
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect((await sh(["dpkg-query", "-W", "-f=${Status} ${Version}", "dusty"])).stdout).toBe(`install ok installed ${NEXT_VERSION}`);
    expect(statSync(DEBIAN_BINARY_PATH).mode & 0o7777).toBe(0o755);
    expect(readFileSync(DEBIAN_UNIT_PATH, "utf8")).toBe(renderSystemdUnit({ binaryPath: DEBIAN_BINARY_PATH }));
    // deb-systemd-helper may name /lib/systemd/system, the same folder on a merged-/usr system.
    expect(realpathSync(WANTS_LINK)).toBe(realpathSync(DEBIAN_UNIT_PATH));
    expect(await groupExists()).toBe(true);
    for (const path of Object.values(DEBIAN_DOC_PATHS)) expect(`${path} ${statSync(path).mode & 0o777}`).toBe(`${path} ${0o644}`);
    expect(readFileSync("/usr/share/bash-completion/completions/dusty", "utf8")).toContain("complete -F _dusty dusty");
    expect((await sh(["man", "-w", "dusty"])).stdout.trim()).toBe("/usr/share/man/man1/dusty.1.gz");
    const running = readdirSync("/proc").filter((pid) => /^\d+$/.test(pid) && safeReadlink(`/proc/${pid}/exe`) === DEBIAN_BINARY_PATH);
    expect(running).toEqual([]);
  });

  test("the installed dusty prints its version, runs a daemon, and leaves upgrades to apt", async () => {
    expect(installed).toBe(true);
    const daemon = await startDaemon({ bin: DEBIAN_BINARY_PATH });
    try {
      const version = await daemon.run(["version"]);
      expect(version.code).toBe(0);
      expect(version.stdout).toMatch(new RegExp(`^${clientVersionPattern(NEXT_VERSION, "linux-x64")}Dusty daemon version: ${NEXT_VERSION.replaceAll(".", "\\.")}\\n$`));
      const upgrade = await daemon.run(["upgrade"], { env: { DUSTY_RELEASE_URL: "http://127.0.0.1:9/" } });
      expect(upgrade).toEqual({
        code: 1,
        stdout: "",
        stderr:
          `Cannot upgrade ${DEBIAN_BINARY_PATH}: dpkg installed it (package "dusty"), and would not know about a replaced binary. ` +
          "Upgrade it with apt (`sudo apt install ./dusty_<version>_<arch>.deb` with the release's package)\n",
      });
    } finally {
      await daemon.stop();
    }
  });

  test("dpkg --purge removes the binary, the unit and its enablement, the completions and the man page", async () => {
    expect(installed).toBe(true);
    const result = await dpkg(["--purge", "dusty"]);
    expect(result).toMatchObject({ code: 0, stderr: "" });
    installed = false;
    for (const path of [DEBIAN_BINARY_PATH, DEBIAN_UNIT_PATH, WANTS_LINK, "/var/lib/systemd/deb-systemd-helper-enabled/dusty.service.dsh-also", ...Object.values(DEBIAN_DOC_PATHS)]) {
      expect(`${path} ${lstatExists(path)}`).toBe(`${path} false`);
    }
    if (!groupExisted) await sh(["groupdel", "dusty"]);
  });
});

function safeReadlink(path: string): string | undefined {
  try {
    return readlinkSync(path);
  } catch {
    return undefined;
  }
}

function lstatExists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}
