// Real folders, real modes, real owners: the test runs as root and hands folders to nobody (65534).
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { chmodSync, chownSync, lchownSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkStrictModes, resolveRealPath } from "./strict-modes.ts";

const IS_ROOT = process.getuid?.() === 0;
const NOBODY = 65534;

let dir: string;
beforeEach(() => {
  // mkdtemp gives 0700, owned by us, inside the sticky /tmp: the harness's layout, which must pass.
  dir = realpathSync(mkdtempSync(join(tmpdir(), "dusty-strict-")));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const check = (path: string, uid?: number) => checkStrictModes([{ path, what: "the config folder" }], { uid });

describe.skipIf(!IS_ROOT)("checkStrictModes()", () => {
  test("checkStrictModes() accepts root-owned folders under the sticky /tmp, existing or not yet", async () => {
    mkdirSync(join(dir, "etc"), { mode: 0o755 });
    expect(await check(join(dir, "etc"))).toEqual([]);
    expect(await check(join(dir, "persist", "deeper"))).toEqual([]);
  });

  test("checkStrictModes() refuses a world-writable folder, naming it, its owner and mode, and the chmod", async () => {
    const etc = join(dir, "etc");
    mkdirSync(etc);
    chmodSync(etc, 0o777);
    expect(await check(etc)).toEqual([
      `Refusing to start: the config folder ${etc} could be changed by others: ${etc} is writable by its group and everyone ` +
        `(owner uid 0 (root), mode 0777). Run \`chmod go-w ${etc}\`, then start the daemon again`,
    ]);
  });

  test("checkStrictModes() refuses a writable parent, and a sticky bit on the folder itself does not help", async () => {
    const etc = join(dir, "etc");
    mkdirSync(join(etc, "dusty"), { recursive: true });
    chmodSync(etc, 0o775);
    chmodSync(join(etc, "dusty"), 0o1777);
    const problems = await check(join(etc, "dusty"));
    expect(problems).toHaveLength(2);
    expect(problems[0]).toContain(`: ${etc} is writable by its group (owner uid 0 (root), mode 0775). Run \`chmod go-w ${etc}\``);
    expect(problems[1]).toContain(`: ${join(etc, "dusty")} is writable by its group and everyone (owner uid 0 (root), mode 1777)`);
  });

  test("checkStrictModes() accepts a root folder its daemon group may write (macOS's /var/run), not one another group may", async () => {
    const run = join(dir, "run");
    mkdirSync(join(run, "dusty"), { recursive: true, mode: 0o755 });
    chmodSync(run, 0o775);
    chownSync(run, 0, 1);
    expect(await check(join(run, "dusty"))).toEqual([]);
    chownSync(run, 0, NOBODY);
    expect((await check(join(run, "dusty")))[0]).toContain(`: ${run} is writable by its group (owner uid 0 (root), mode 0775)`);
    chownSync(run, 0, 1);
    chmodSync(run, 0o777);
    expect((await check(join(run, "dusty")))[0]).toContain(`: ${run} is writable by its group and everyone`);
  });

  test("checkStrictModes() refuses a folder owned by another user, and accepts the daemon's own uid", async () => {
    const etc = join(dir, "etc");
    mkdirSync(etc, { mode: 0o755 });
    chownSync(etc, NOBODY, NOBODY);
    expect(await check(etc)).toEqual([
      `Refusing to start: the config folder ${etc} could be changed by others: ${etc} is owned by uid ${NOBODY} (nobody), not root ` +
        `(mode 0755). Run \`chown root ${etc}\`, then start the daemon again`,
    ]);
    // --allow-non-root: a daemon running as nobody trusts its own folders.
    expect(await check(etc, NOBODY)).toEqual([]);
    expect((await check(join(etc, "missing"), 1000))[0]).toContain("not root or the daemon's own uid 1000");
  });

  test("checkStrictModes() follows links like the kernel and checks every folder a link's target passes", async () => {
    // real/inner is open to everyone; the path reaches it only through a link.
    mkdirSync(join(dir, "real", "inner", "etc"), { recursive: true });
    chmodSync(join(dir, "real", "inner"), 0o777);
    symlinkSync("real/inner", join(dir, "hop"));
    symlinkSync(join(dir, "hop", "etc"), join(dir, "etc"));
    const problems = await check(join(dir, "etc"));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(`: ${join(dir, "real", "inner")} is writable by its group and everyone`);
    chmodSync(join(dir, "real", "inner"), 0o755);
    expect(await check(join(dir, "etc"))).toEqual([]);
  });

  test("checkStrictModes() refuses a link owned by another user in a sticky folder: its owner could repoint it", async () => {
    mkdirSync(join(dir, "real"), { mode: 0o755 });
    mkdirSync(join(dir, "shared"));
    chmodSync(join(dir, "shared"), 0o1777);
    const link = join(dir, "shared", "etc");
    symlinkSync(join(dir, "real"), link);
    expect(await check(link)).toEqual([]);
    lchownSync(link, NOBODY, NOBODY);
    expect(await check(link)).toEqual([
      `Refusing to start: the config folder ${link} could be changed by others: ${link} is a symbolic link owned by uid ${NOBODY} (nobody), ` +
        `not root (mode 0777). Run \`chown -h root ${link}\`, then start the daemon again`,
    ]);
  });

  test("checkStrictModes() refuses a missing path whose folder is sticky and open to all: anyone could create it first", async () => {
    const shared = join(dir, "shared");
    mkdirSync(shared);
    chmodSync(shared, 0o1777);
    expect(await check(join(shared, "hosts"))).toEqual([
      `Refusing to start: the config folder ${join(shared, "hosts")} could be changed by others: ${join(shared, "hosts")} does not exist yet, ` +
        `and anyone may create it first in ${shared} (mode 1777). Create it as root, then start the daemon again`,
    ]);
  });

  test("checkStrictModes() checks a file too: a group-writable hosts file is refused", async () => {
    const hosts = join(dir, "hosts");
    writeFileSync(hosts, "127.0.0.1 localhost\n");
    chmodSync(hosts, 0o664);
    const problems = await checkStrictModes([{ path: hosts, what: "the hosts file" }]);
    expect(problems).toEqual([
      `Refusing to start: the hosts file ${hosts} could be changed by others: ${hosts} is writable by its group (owner uid 0 (root), mode 0664). ` +
        `Run \`chmod go-w ${hosts}\`, then start the daemon again`,
    ]);
  });

  test("checkStrictModes() tells a folder shared by two paths once", async () => {
    chmodSync(dir, 0o777);
    const problems = await checkStrictModes([
      { path: join(dir, "etc"), what: "the config folder" },
      { path: join(dir, "persist"), what: "the persist folder" },
    ]);
    expect(problems).toHaveLength(1);
    chmodSync(dir, 0o700);
  });
});

test("resolveRealPath() resolves links, also for a path whose end does not exist yet", async () => {
  mkdirSync(join(dir, "private", "etc"), { recursive: true });
  writeFileSync(join(dir, "private", "etc", "hosts"), "");
  symlinkSync("private/etc", join(dir, "etc"));
  expect(await resolveRealPath(join(dir, "etc", "hosts"))).toBe(join(dir, "private", "etc", "hosts"));
  expect(await resolveRealPath(join(dir, "etc", "new", "hosts"))).toBe(join(dir, "private", "etc", "new", "hosts"));
  // ".." after a link goes up from where the link led, as in the kernel, not by the name's text.
  expect(await resolveRealPath(`${dir}/etc/../etc/hosts`)).toBe(join(dir, "private", "etc", "hosts"));
});
