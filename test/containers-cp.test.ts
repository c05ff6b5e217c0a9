// `dusty cp` end to end in every direction, for files and folders, on real containers; and, run as the
// user nobody, that local files are read and written with the caller's rights.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { STAGING_FOLDER } from "../cmd/daemon/handlers/cp.ts";
import { NOBODY } from "./client-env.ts";
import { allowOtherUsers, startContainersEnv, type ContainersEnv } from "./containers-env.ts";

const IDLE_APP = "image: dusty-example/busybox:latest\ncommands:\n  always:\n    - exec sleep 3600\n";
const SPECS = {
  "apps/app_one.yml": IDLE_APP,
  "apps/app_two.yml": IDLE_APP,
  "bundles/main.yml": "apps:\n  - app_one\n  - app_two\n",
};

let env: ContainersEnv;
let local: string;
beforeAll(async () => {
  env = await startContainersEnv({ specs: SPECS, bundles: ["main"] });
  local = mkdtempSync(join(tmpdir(), "dusty-cp-"));
}, 120_000);
afterAll(async () => {
  if (local) rmSync(local, { recursive: true, force: true });
  await env?.stop();
}, 60_000);

/** Writes files under a local folder: relative path → text. */
function writeTree(root: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, ".."), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}

/** Every file under a container folder with its text, as "path=text" lines, sorted. */
async function containerTree(service: string, dir: string): Promise<string[]> {
  const out = await env.exec(service, ["sh", "-c", 'cd "$1" && find . -type f | sort | while read f; do echo "$f=$(cat "$f")"; done', "sh", dir]);
  return out.trim().split("\n").filter(Boolean);
}

describe("dusty cp between this machine and a container", () => {
  test("a local file lands at the container path, its folders created", async () => {
    writeTree(local, { "note.txt": "hello from local" });
    const result = await env.run(["cp", join(local, "note.txt"), "app_one:/data/new/deeper/note.txt"]);
    expect(result.stderr).toContain(`Copied ${join(local, "note.txt")} to app_one:/data/new/deeper/note.txt`);
    expect(result.code).toBe(0);
    expect(await env.exec("app_one", ["cat", "/data/new/deeper/note.txt"])).toBe("hello from local");
  });

  test("a relative local path is taken from the client's folder", async () => {
    writeTree(local, { "rel/r.txt": "relative" });
    const result = await env.run(["cp", "rel/r.txt", "app_one:/data/r.txt"], { cwd: local });
    expect(result.code).toBe(0);
    expect(await env.exec("app_one", ["cat", "/data/r.txt"])).toBe("relative");
  });

  test("a local folder merges into an existing container folder, keeping what else is there", async () => {
    await env.exec("app_one", ["sh", "-c", "mkdir -p /srv/site && echo old > /srv/site/keep.txt && echo old > /srv/site/index.html"]);
    writeTree(local, { "site/index.html": "new", "site/css/a.css": "css" });
    const result = await env.run(["cp", join(local, "site"), "app_one:/srv/site/"]);
    expect(result.code).toBe(0);
    expect(await containerTree("app_one", "/srv/site")).toEqual(["./css/a.css=css", "./index.html=new", "./keep.txt=old"]);
  });

  test("a local folder copied to a new container path becomes that folder, not a folder inside it", async () => {
    writeTree(local, { "fresh/one.txt": "1", "fresh/sub/two.txt": "2" });
    expect((await env.run(["cp", join(local, "fresh"), "app_one:/opt/copy"])).code).toBe(0);
    expect(await containerTree("app_one", "/opt/copy")).toEqual(["./one.txt=1", "./sub/two.txt=2"]);
  });

  test("files copied into a container belong to root there", async () => {
    writeTree(local, { "owned.txt": "x" });
    chownSync(join(local, "owned.txt"), 1234, 1234);
    expect((await env.run(["cp", join(local, "owned.txt"), "app_one:/data/owned.txt"])).code).toBe(0);
    expect((await env.exec("app_one", ["stat", "-c", "%u:%g", "/data/owned.txt"])).trim()).toBe("0:0");
  });

  test("a container file lands at a new local path, its folders created", async () => {
    await env.exec("app_one", ["sh", "-c", "echo from container > /tmp/out.txt"]);
    const dest = join(local, "fetched", "deep", "out.txt");
    const result = await env.run(["cp", "app_one:/tmp/out.txt", dest]);
    expect(result.code).toBe(0);
    expect(readFileSync(dest, "utf8")).toBe("from container\n");
  });

  test("a container folder merges into an existing local folder, whose other files survive", async () => {
    await env.exec("app_one", ["sh", "-c", "mkdir -p /export/sub && echo new > /export/same.txt && echo deep > /export/sub/d.txt"]);
    const dest = join(local, "existing");
    writeTree(dest, { "same.txt": "old", "mine.txt": "precious", "other/kept.txt": "kept" });
    const result = await env.run(["cp", "app_one:/export", dest]);
    expect(result.code).toBe(0);
    expect(readFileSync(join(dest, "same.txt"), "utf8")).toBe("new\n");
    expect(readFileSync(join(dest, "sub", "d.txt"), "utf8")).toBe("deep\n");
    expect(readFileSync(join(dest, "mine.txt"), "utf8")).toBe("precious");
    expect(readFileSync(join(dest, "other", "kept.txt"), "utf8")).toBe("kept");
  });

  test("a symlink to a folder in the container is copied as the folder it points to", async () => {
    await env.exec("app_one", ["sh", "-c", "mkdir -p /real && echo r > /real/f.txt && ln -sfn /real /link"]);
    expect((await env.run(["cp", "app_one:/link", join(local, "via-link")])).code).toBe(0);
    expect(readFileSync(join(local, "via-link", "f.txt"), "utf8")).toBe("r\n");
  });

  test("the staging folder is gone after each copy", () => {
    const staging = join(env.persistDir, "cp", STAGING_FOLDER);
    expect(existsSync(staging) ? readdirSync(staging) : []).toEqual([]);
  });
});

describe("dusty cp between containers", () => {
  test("a file goes from one container to another", async () => {
    await env.exec("app_one", ["sh", "-c", "echo shared > /tmp/shared.txt"]);
    expect((await env.run(["cp", "app_one:/tmp/shared.txt", "app_two:/inbox/shared.txt"])).code).toBe(0);
    expect(await env.exec("app_two", ["cat", "/inbox/shared.txt"])).toBe("shared\n");
  });

  test("a folder goes from one container to another", async () => {
    await env.exec("app_one", ["sh", "-c", "mkdir -p /bundle/x && echo 1 > /bundle/a && echo 2 > /bundle/x/b"]);
    expect((await env.run(["cp", "app_one:/bundle", "app_two:/received"])).code).toBe(0);
    expect(await containerTree("app_two", "/received")).toEqual(["./a=1", "./x/b=2"]);
  });
});

describe("dusty cp refusals", () => {
  test("a missing local source is named", async () => {
    const result = await env.run(["cp", join(local, "nope.txt"), "app_one:/tmp/x"]);
    expect(result.stderr).toContain(`Path ${join(local, "nope.txt")} does not exist`);
    expect(result.code).toBe(1);
  });

  test("a missing container source is named with its container", async () => {
    const result = await env.run(["cp", "app_one:/no/such/file", join(local, "x")]);
    expect(result.stderr).toContain("Path /no/such/file does not exist inside container app_one");
    expect(result.code).toBe(1);
    expect(existsSync(join(local, "x"))).toBe(false);
  });

  test("a file is never copied over a folder", async () => {
    writeTree(local, { "f.txt": "f" });
    const result = await env.run(["cp", join(local, "f.txt"), "app_one:/tmp"]);
    expect(result.stderr).toContain(`Cannot copy the file ${join(local, "f.txt")} to app_one:/tmp: a folder is there`);
    expect(result.code).toBe(1);
  });

  test("two local paths, a relative container path and two colons are refused by the client", async () => {
    const both = await env.run(["cp", "/tmp/a", "/tmp/b"]);
    expect(both.stderr).toContain("Refusing to copy files between your local filesystem");
    const relative = await env.run(["cp", "/tmp/a", "app_one:tmp/b"]);
    expect(relative.stderr).toContain("You must provide an absolute path inside containers");
    const colons = await env.run(["cp", "/tmp/a", "app_one:/x:y"]);
    expect(colons.stderr).toContain("Invalid path specification");
    expect([both.code, relative.code, colons.code]).toEqual([1, 1, 1]);
  });

  test("a container that is not running is named", async () => {
    const result = await env.run(["cp", "/tmp", "app_three:/tmp/x"]);
    expect(result.stderr).toContain("No running container found for app_three");
    expect(result.code).toBe(1);
  });

  test("a misspelt name gets the closest of the environment's containers", async () => {
    const result = await env.run(["cp", "/tmp", "app_oen:/tmp/x"]);
    expect(result.stderr).toContain('No running container found for app_oen (did you mean "app_one"?)');
    expect(result.code).toBe(1);
  });
});

describe("dusty cp run by another user (nobody)", () => {
  let mine: string;
  beforeAll(() => {
    allowOtherUsers(env);
    mine = join(local, "nobody");
    mkdirSync(mine);
    chownSync(mine, NOBODY.uid, NOBODY.gid);
    chmodSync(local, 0o755);
  });

  test("files fetched from a container belong to the caller", async () => {
    await env.exec("app_one", ["sh", "-c", "mkdir -p /give/sub && echo g > /give/g.txt && echo s > /give/sub/s.txt"]);
    const result = await env.runAsNobody(["cp", "app_one:/give", join(mine, "got")]);
    expect(result.stderr).toContain("Copied app_one:/give");
    expect(result.code).toBe(0);
    for (const path of ["got", "got/g.txt", "got/sub", "got/sub/s.txt"]) {
      const info = statSync(join(mine, path));
      expect(`${path} ${info.uid}:${info.gid}`).toBe(`${path} ${NOBODY.uid}:${NOBODY.gid}`);
    }
  });

  test("the caller cannot write where they have no right to", async () => {
    await env.exec("app_one", ["sh", "-c", "echo x > /tmp/x.txt"]);
    const rootOnly = join(local, "root-only");
    mkdirSync(rootOnly, { mode: 0o755 });
    const result = await env.runAsNobody(["cp", "app_one:/tmp/x.txt", join(rootOnly, "x.txt")]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/Cannot copy .*Permission denied/i);
    expect(existsSync(join(rootOnly, "x.txt"))).toBe(false);
  });

  test("the caller cannot copy a file they cannot read into a container", async () => {
    const secret = join(local, "secret.txt");
    writeFileSync(secret, "root only", { mode: 0o600 });
    const result = await env.runAsNobody(["cp", secret, "app_one:/tmp/stolen.txt"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/Permission denied/i);
    expect(await env.exec("app_one", ["sh", "-c", "test -e /tmp/stolen.txt && echo there || echo absent"])).toBe("absent\n");
  });

  test("the caller's own files go into the container", async () => {
    writeFileSync(join(mine, "mine.txt"), "by nobody");
    chownSync(join(mine, "mine.txt"), NOBODY.uid, NOBODY.gid);
    const result = await env.runAsNobody(["cp", join(mine, "mine.txt"), "app_one:/from-nobody.txt"]);
    expect(result.code).toBe(0);
    expect(await env.exec("app_one", ["cat", "/from-nobody.txt"])).toBe("by nobody");
  });
});
