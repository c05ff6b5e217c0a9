// End-to-end: `dusty assets` against a real daemon. The specs repo is overridden to a local folder, so
// no clone is needed; assets land in the daemon's persist dir.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { MAX_ASSET_BYTES } from "../cmd/assets.ts";
import { renderTable } from "../core/table.ts";
import { makeGitRepo, makeTempDir } from "./git-fixtures.ts";
import { type DaemonHandle, dustyArgv, runDusty, startDaemon } from "./harness.ts";

const temp = makeTempDir("dusty-assets-test-");
const root = temp.path;
const configDir = join(root, "etc");
let daemon: DaemonHandle;
let assetsDir: string;

beforeAll(async () => {
  const specs = makeGitRepo(join(root, "specs"), {
    "apps/web.yml":
      "repo: /src/web\nmount: /web\nimage: busybox\ndepends:\n  libs: [tls]\n" +
      "assets:\n  - name: api-key\n    path: /etc/web/api-key\n  - name: logo\n    path: /srv/logo.png\n    required: false\n",
    "apps/batch.yml": "repo: /src/batch\nmount: /batch\nimage: busybox\nassets:\n  - name: batch-token\n    path: /etc/batch\n",
    "libs/tls.yml": "repo: /src/tls\nmount: /tls\nassets:\n  - name: api-key\n    path: /etc/tls/key\n    required: false\n",
    "bundles/main.yml": "apps: [web]\n",
    "bundles/batch.yml": "apps: [batch]\n",
  });
  mkdirSync(configDir, { recursive: true });
  writeFileSync(
    join(configDir, "config.yml"),
    JSON.stringify({ specs_repo: specs.url, repo_overrides: { [specs.url]: specs.path }, setup_has_run: true, bundles: ["main"] }),
  );
  daemon = await startDaemon({ env: { DUSTY_CONFIG_DIR: configDir } });
  assetsDir = join(daemon.env.DUSTY_PERSIST_DIR!, "assets");
});

afterAll(async () => {
  await daemon?.stop();
  temp.remove();
});

/** Runs `dusty assets read KEY` and returns stdout as bytes (the harness decodes text, which would mangle binary). */
async function readAssetBytes(key: string): Promise<{ code: number; bytes: Uint8Array; stderr: string }> {
  const child = Bun.spawn(dustyArgv(["assets", "read", key]), { env: { ...process.env, ...daemon.env }, stdout: "pipe", stderr: "pipe" });
  const [bytes, stderr, code] = await Promise.all([new Response(child.stdout).bytes(), new Response(child.stderr).text(), child.exited]);
  return { code, bytes, stderr };
}

describe("dusty assets set and read", () => {
  test("assets set stores the file's exact bytes, mode 0600 in a 0700 folder owned by the daemon, and read gives them back", async () => {
    const bytes = new Uint8Array(256).map((_, i) => i);
    const source = join(root, "all-bytes.bin");
    writeFileSync(source, bytes);
    const set = await daemon.run(["assets", "set", "api-key", source]);
    expect(set).toEqual({ code: 0, stdout: "Set asset api-key (256 bytes): containers get it when they next start (`dusty restart`)\n", stderr: "" });
    const file = statSync(join(assetsDir, "api-key"));
    expect((file.mode & 0o777).toString(8)).toBe("600");
    expect(file.uid).toBe(process.getuid!());
    expect((statSync(assetsDir).mode & 0o777).toString(8)).toBe("700");
    const read = await readAssetBytes("api-key");
    expect(read.code).toBe(0);
    expect(read.stderr).toBe("");
    expect([...read.bytes]).toEqual([...bytes]);
  });

  test("assets set replaces the value and takes a path relative to the client's cwd; no temp file is left", async () => {
    writeFileSync(join(root, "new-key.txt"), "second value\n");
    const set = await runDusty(["assets", "set", "api-key", "new-key.txt"], { env: daemon.env, cwd: root });
    expect(set.code).toBe(0);
    expect(readFileSync(join(assetsDir, "api-key"), "utf8")).toBe("second value\n");
    expect(readdirSync(assetsDir)).toEqual(["api-key"]);
    const read = await daemon.run(["assets", "read", "api-key"]);
    expect(read).toEqual({ code: 0, stdout: "second value\n", stderr: "" });
  });

  test("assets set of an empty file round-trips to empty output", async () => {
    writeFileSync(join(root, "empty"), "");
    expect((await daemon.run(["assets", "set", "logo", join(root, "empty")])).code).toBe(0);
    const read = await readAssetBytes("logo");
    expect(read.code).toBe(0);
    expect(read.bytes.length).toBe(0);
  });

  test("assets set warns about a key no spec uses, with a suggestion, and still sets it", async () => {
    const result = await daemon.run(["assets", "set", "api-kye", join(root, "new-key.txt")]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('Warning: No app or lib in the specs uses asset api-kye (did you mean "api-key"?)\n');
    expect(existsSync(join(assetsDir, "api-kye"))).toBe(true);
    await daemon.run(["assets", "unset", "api-kye"]);
  });

  test("assets read of a key that isn't set exits 1", async () => {
    const result = await daemon.run(["assets", "read", "batch-token"]);
    expect(result).toEqual({ code: 1, stdout: "", stderr: "Asset batch-token isn't set\n" });
  });

  test("assets set of a missing local file fails in the client", async () => {
    const missing = join(root, "no-such-file");
    const result = await daemon.run(["assets", "set", "api-key", missing]);
    expect(result).toEqual({ code: 1, stdout: "", stderr: `Local path ${missing} does not exist, or you don't have permission to access it\n` });
  });

  test("assets set of a file over the request limit says how large an asset may be", async () => {
    const big = join(root, "big.bin");
    writeFileSync(big, new Uint8Array(MAX_ASSET_BYTES + 1));
    const result = await daemon.run(["assets", "set", "api-key", big]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `Cannot set the asset from ${big}: it is 780289 bytes, and an asset can be at most 780288 bytes (762 KiB): ` +
        "the daemon takes requests of up to 1 MiB, and the content travels base64-encoded. Keep large files in a repo or an image instead\n",
    );
  });

  test("assets set of a file of exactly the largest size works", async () => {
    const big = join(root, "largest.bin");
    const content = new Uint8Array(MAX_ASSET_BYTES).map((_, i) => (i * 7) % 256);
    writeFileSync(big, content);
    expect((await daemon.run(["assets", "set", "logo", big])).code).toBe(0);
    expect(readFileSync(join(assetsDir, "logo")).equals(Buffer.from(content))).toBe(true);
  });

  test.each([["../escape"], ["a/b"], [".hidden"], ["..."]])("assets set refuses the key %p", async (key) => {
    const result = await daemon.run(["assets", "set", key, join(root, "new-key.txt")]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`Cannot use asset key ${JSON.stringify(key)}: keys are file names: no "/", "\\" or "..", and no "." at the start\n`);
    expect(existsSync(join(daemon.env.DUSTY_PERSIST_DIR!, "escape"))).toBe(false);
  });

  test("assets read refuses to follow a symlink planted in the assets folder", async () => {
    writeFileSync(join(root, "outside"), "not an asset\n");
    symlinkSync(join(root, "outside"), join(assetsDir, "planted"));
    const result = await daemon.run(["assets", "read", "planted"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toStartWith(`Cannot use asset planted: ${join(assetsDir, "planted")} is not a regular file.`);
    expect(await daemon.run(["assets", "unset", "planted"])).toEqual({ code: 0, stdout: "Unset asset planted\n", stderr: "" });
    expect(readFileSync(join(root, "outside"), "utf8")).toBe("not an asset\n");
  });
});

describe("dusty assets list and unset", () => {
  test("assets list shows the assets of the active apps and libs, with who uses and requires each", async () => {
    const result = await daemon.run(["assets", "list"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      "Listing assets used by active apps and libs\n" +
        renderTable(
          ["Asset", "Is Set", "Used By", "Required By"],
          [
            ["api-key", "X", "tls, web", "web"],
            ["logo", "X", "web", ""],
          ],
        ),
    );
  });

  test("assets list APP shows that app's assets, their paths and whether each is set", async () => {
    const result = await daemon.run(["assets", "list", "batch"]);
    expect(result).toEqual({
      code: 0,
      stderr: "",
      stdout: renderTable(["Asset", "Is Set", "Required", "In-Container Path"], [["batch-token", "", "X", "/etc/batch"]]),
    });
  });

  test("assets list of an unknown name exits 1 with a suggestion", async () => {
    const result = await daemon.run(["assets", "list", "bath"]);
    expect(result).toEqual({ code: 1, stdout: "", stderr: 'Cannot list assets: no app or lib named "bath" in the specs (did you mean "batch"?)\n' });
  });

  test("assets unset removes the file; a second unset says it isn't set", async () => {
    expect(await daemon.run(["assets", "unset", "logo"])).toEqual({ code: 0, stdout: "Unset asset logo\n", stderr: "" });
    expect(existsSync(join(assetsDir, "logo"))).toBe(false);
    expect(await daemon.run(["assets", "unset", "logo"])).toEqual({ code: 0, stdout: "Asset logo isn't set\n", stderr: "" });
  });
});
