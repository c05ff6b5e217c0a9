// `dusty upgrade` against a release folder made by scripts/release.sh, served on 127.0.0.1. The binary
// upgraded is always a copy of dist/dusty in a temp folder, never dist/dusty itself.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, normalize } from "node:path";
import type { Server } from "bun";
import { VERSION } from "../cmd/_version.ts";
import { tarballFolder, tarballName } from "../core/release.ts";
import { NEXT_VERSION, RELEASE_BUILD_TIMEOUT_MS, sha256Of, TestReleases } from "./_release.ts";
import { dustyArgv, runDusty, startDaemon } from "./harness.ts";

const scratch = mkdtempSync(join(tmpdir(), "dusty-upgrade-test-"));
const TARBALL = tarballName(NEXT_VERSION, "linux-x64");
const releases = new TestReleases();
const RELEASE_ROOT = releases.root;
let server: Server<undefined>;
let dyingServer: Server<undefined>;

// A release whose tarball and SHA256SUMS agree, but whose binary is another version than its name says.
const MISLABELED_ROOT = join(scratch, "mislabeled");

/** Serves RELEASE_ROOT under /good/, with every tarball altered by one byte under /corrupt/, and MISLABELED_ROOT under /mislabeled/. */
function serveReleases(request: Request): Response {
  const [, mode, ...rest] = new URL(request.url).pathname.split("/");
  const root = mode === "mislabeled" ? MISLABELED_ROOT : RELEASE_ROOT;
  const path = normalize(join(root, ...rest));
  if (!path.startsWith(`${root}/`) || !Bun.file(path).size) return new Response("not found", { status: 404 });
  if (mode === "corrupt" && path.endsWith(".tar.gz")) {
    const bytes = new Uint8Array(readFileSync(path));
    bytes[bytes.length >> 1]! ^= 0xff;
    return new Response(bytes);
  }
  return new Response(Bun.file(path));
}

beforeAll(async () => {
  await Promise.all([releases.build(NEXT_VERSION, ["linux-x64"]), releases.build(VERSION, ["linux-x64"])]);
  writeFileSync(join(RELEASE_ROOT, "index.json"), JSON.stringify({ latest: NEXT_VERSION, versions: [VERSION, NEXT_VERSION] }));
  const folder = join(MISLABELED_ROOT, NEXT_VERSION);
  mkdirSync(join(folder, tarballFolder(NEXT_VERSION, "linux-x64")), { recursive: true });
  copyFileSync(dustyArgv([])[0]!, join(folder, tarballFolder(NEXT_VERSION, "linux-x64"), "dusty"));
  const tar = Bun.spawnSync(["tar", "-czf", TARBALL, tarballFolder(NEXT_VERSION, "linux-x64")], { cwd: folder, env: { ...process.env, GZIP: "-1" } });
  expect(tar.exitCode).toBe(0);
  writeFileSync(join(folder, "SHA256SUMS"), `${await sha256Of(join(folder, TARBALL))}  ${TARBALL}\n`);
  server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: serveReleases });
  // A server that dies mid-download: it announces the whole tarball, sends half, and stops with its connections.
  dyingServer = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch(request) {
      if (!request.url.endsWith(".tar.gz")) return serveReleases(new Request(request.url.replace("/dying/", "/good/")));
      const bytes = readFileSync(join(RELEASE_ROOT, NEXT_VERSION, TARBALL));
      let sent = false;
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (!sent) {
            sent = true;
            controller.enqueue(bytes.subarray(0, bytes.length >> 1));
            return;
          }
          dyingServer.stop(true);
        },
      });
      return new Response(body, { headers: { "content-length": String(bytes.length) } });
    },
  });
}, RELEASE_BUILD_TIMEOUT_MS);
afterAll(() => {
  server?.stop(true);
  dyingServer?.stop(true);
  releases.remove();
  rmSync(scratch, { recursive: true, force: true });
});

let copies = 0;
/** A fresh copy of dist/dusty with an unusual mode, in its own folder. */
function copyOfDusty(): string {
  const dir = join(scratch, `install-${++copies}`);
  mkdirSync(dir);
  const path = join(dir, "dusty");
  copyFileSync(dustyArgv([])[0]!, path);
  chmodSync(path, 0o750);
  return path;
}

/** Runs `<binary> upgrade …` against a release URL, with the daemon's socket and the config moved into the temp folder. */
const upgrade = (binary: string, url: string | undefined, args: string[] = [], configDir = join(scratch, "no-config")) =>
  runDusty(["upgrade", ...args], {
    bin: binary,
    env: { DUSTY_RELEASE_URL: url, DUSTY_CONFIG_DIR: configDir, DUSTY_SOCKET_PATH: join(scratch, "no-daemon.sock") },
  });

const good = () => `http://127.0.0.1:${server.port}/good`;

describe("dusty upgrade", () => {
  test("installs the index's latest version in one rename, keeps the mode, the new binary runs, and the old daemon is named", async () => {
    const binary = copyOfDusty();
    const inode = statSync(binary).ino;
    // A daemon started by hand from the copy: no service manager can restart it, so the upgrade says so.
    const daemon = await startDaemon({ bin: binary });
    try {
      const result = await daemon.run(["upgrade"], { env: { DUSTY_RELEASE_URL: good() } });
      expect(result).toEqual({
        code: 0,
        stdout: `Upgraded ${binary} from ${VERSION} to ${NEXT_VERSION}\n`,
        stderr:
          `Downloading ${good()}/${NEXT_VERSION}/${TARBALL}\n` +
          `The dusty daemon at ${daemon.socketPath} still runs the old binary and no service manager runs it: stop it and start \`sudo dusty -d\` again\n`,
      });
    } finally {
      await daemon.stop();
    }
    expect(statSync(binary).mode & 0o7777).toBe(0o750);
    // A new inode: the file was renamed into place, not rewritten where a running dusty reads it.
    expect(statSync(binary).ino).not.toBe(inode);
    expect(readdirSync(join(binary, ".."))).toEqual(["dusty"]);
    expect(await runDusty(["-v"], { bin: binary })).toEqual({ code: 0, stdout: `Dusty version ${NEXT_VERSION}\n`, stderr: "" });
  });

  test("refuses a downgrade without --force, installs it with --force, and does nothing for the same version", async () => {
    const binary = copyOfDusty();
    // The config's release_url, with no DUSTY_RELEASE_URL.
    const configDir = join(scratch, "etc-dusty");
    mkdirSync(configDir);
    writeFileSync(join(configDir, "config.yml"), `release_url: ${good()}\n`);
    expect((await upgrade(binary, undefined, [NEXT_VERSION], configDir)).stdout).toBe(`Upgraded ${binary} from ${VERSION} to ${NEXT_VERSION}\n`);
    const upgraded = await sha256Of(binary);

    const refused = await upgrade(binary, good(), [VERSION]);
    expect(refused).toEqual({
      code: 1,
      stdout: "",
      stderr: `Cannot downgrade dusty from ${NEXT_VERSION} to ${VERSION}: it is older. Add --force to install it anyway\n`,
    });
    expect(await sha256Of(binary)).toBe(upgraded);

    const forced = await upgrade(binary, good(), [VERSION, "--force"]);
    expect(forced.stdout).toBe(`Downgraded ${binary} from ${NEXT_VERSION} to ${VERSION}\n`);
    expect(forced.code).toBe(0);
    expect((await runDusty(["-v"], { bin: binary })).stdout).toBe(`Dusty version ${VERSION}\n`);

    const same = await upgrade(binary, good(), [VERSION]);
    expect(same).toEqual({ code: 0, stdout: `dusty ${VERSION} is already installed at ${binary}: nothing to do (add --force to install it again)\n`, stderr: "" });
  });

  test("refuses a tarball that does not match SHA256SUMS and replaces nothing", async () => {
    const binary = copyOfDusty();
    const [before, inode] = [await sha256Of(binary), statSync(binary).ino];
    const url = `http://127.0.0.1:${server.port}/corrupt`;
    const result = await upgrade(binary, url);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(
      new RegExp(`^Downloading .*\\nCannot upgrade to dusty ${NEXT_VERSION.replaceAll(".", "\\.")}: ${TARBALL.replaceAll(".", "\\.")} \\(\\d+ bytes\\) has sha256 [0-9a-f]{64}, but SHA256SUMS says [0-9a-f]{64}\\. Nothing was replaced\\.`),
    );
    expect([await sha256Of(binary), statSync(binary).ino, statSync(binary).mode & 0o7777]).toEqual([before, inode, 0o750]);
    expect(readdirSync(join(binary, ".."))).toEqual(["dusty"]);
  });

  test("refuses a download the server breaks off and replaces nothing", async () => {
    const binary = copyOfDusty();
    const [before, inode] = [await sha256Of(binary), statSync(binary).ino];
    const url = `http://127.0.0.1:${dyingServer.port}/dying`;
    const result = await upgrade(binary, url);
    expect(result.code).toBe(1);
    const download = `${url}/${NEXT_VERSION}/${TARBALL}`;
    const [first, second, rest] = result.stderr.split("\n");
    expect([first, rest]).toEqual([`Downloading ${download}`, ""]);
    expect(second).toStartWith(`Cannot download ${download}: `);
    expect(second).toMatch(/ after \d+ bytes\. Nothing was replaced\. Check the network and the release URL \(config key release_url, or DUSTY_RELEASE_URL\), then try again$/);
    expect([await sha256Of(binary), statSync(binary).ino]).toEqual([before, inode]);
    expect(readdirSync(join(binary, ".."))).toEqual(["dusty"]);
  });

  test("refuses a tarball whose binary is not the version it is named for, and replaces nothing", async () => {
    const binary = copyOfDusty();
    const [before, inode] = [await sha256Of(binary), statSync(binary).ino];
    const url = `http://127.0.0.1:${server.port}/mislabeled`;
    const result = await upgrade(binary, url, [NEXT_VERSION]);
    expect(result).toEqual({
      code: 1,
      stdout: "",
      stderr:
        `Downloading ${url}/${NEXT_VERSION}/${TARBALL}\n` +
        `Cannot upgrade to dusty ${NEXT_VERSION}: the downloaded binary does not run as dusty ${NEXT_VERSION} here (\`dusty -v\` said: Dusty version ${VERSION}). Nothing was replaced\n`,
    });
    expect([await sha256Of(binary), statSync(binary).ino]).toEqual([before, inode]);
  });

  test("without a release URL says how to set one, and touches nothing", async () => {
    const binary = copyOfDusty();
    const before = await sha256Of(binary);
    // dist/dusty is built without RELEASE_URL (the Makefile's default), and neither the env nor a config sets one.
    expect(await upgrade(binary, undefined)).toEqual({
      code: 1,
      stdout: "",
      stderr:
        "Cannot upgrade dusty: no release URL is set. Set it with `sudo dusty config set release_url https://…` (or DUSTY_RELEASE_URL) " +
        "to where the releases are published (…/index.json, …/<version>/SHA256SUMS)\n",
    });
    expect(await sha256Of(binary)).toBe(before);
  });

  test("refuses a binary Homebrew installed and says to use brew", async () => {
    const cellar = join(scratch, "homebrew", "Cellar", "dusty", VERSION, "bin");
    mkdirSync(cellar, { recursive: true });
    copyFileSync(dustyArgv([])[0]!, join(cellar, "dusty"));
    mkdirSync(join(scratch, "homebrew", "bin"));
    const linked = join(scratch, "homebrew", "bin", "dusty");
    symlinkSync(join(cellar, "dusty"), linked);
    const result = await upgrade(linked, good());
    expect(result).toEqual({
      code: 1,
      stdout: "",
      stderr: `Cannot upgrade ${join(cellar, "dusty")}: Homebrew installed it (package "dusty"), and would not know about a replaced binary. Upgrade it with \`brew upgrade dusty\`\n`,
    });
  });
});
