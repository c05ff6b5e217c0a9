import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { assembleSpecs } from "./assemble.ts";
import { commandFileName, compileCommandFiles, compileTestCommandFiles } from "./command-files.ts";
import { shellWord } from "./compile-shell.ts";
import { specsFromRaw, type RawSpecs } from "./compile-test-helpers.ts";

function filesFor(raw: RawSpecs): Record<string, string> {
  const specs = specsFromRaw({ ...raw, bundles: { all: { apps: Object.keys(raw.apps ?? {}) } } });
  return compileCommandFiles(assembleSpecs(specs, ["all"]));
}

describe("commandFileName()", () => {
  test("commandFileName() names main, script and suite files, the script winning", () => {
    expect(commandFileName("web")).toBe("dusty_command_file_web.sh");
    expect(commandFileName("web", { script: "seed" })).toBe("dusty_command_file_web_script_seed.sh");
    expect(commandFileName("web", { suite: "unit" })).toBe("dusty_command_file_web_test_unit.sh");
    expect(commandFileName("web", { script: "s", suite: "t" })).toBe("dusty_command_file_web_script_s.sh");
  });

  test("commandFileName() keeps a spec's script name from leaving the folder or needing quotes", () => {
    expect(commandFileName("web", { script: "../../etc/x y" })).toBe("dusty_command_file_web_script_.._.._etc_x_y.sh");
  });
});

describe("compileCommandFiles()", () => {
  test("compileCommandFiles() installs libs in dependency order, then enters the mount, copies assets and runs always", () => {
    const files = filesFor({
      apps: {
        web: {
          image: "x",
          repo: "/code/web",
          mount: "/web",
          depends: { libs: ["top"] },
          assets: [{ name: "KEY", path: "/web/key" }],
          commands: { always: ["./serve  ", "", "./never-blank"] },
        },
      },
      libs: {
        top: { repo: "/code/top", mount: "/top", depends: { libs: ["base"] }, install: ["make top"], assets: [{ name: "TOP", path: "/etc/top" }] },
        base: { repo: "/code/base", mount: "/base", install: ["make base"] },
      },
    });
    expect(Object.keys(files)).toEqual(["web/dusty_command_file_web.sh"]);
    expect(files["web/dusty_command_file_web.sh"]).toBe(
      [
        "set -e",
        "cd /base",
        "make base",
        "cd /top",
        "make top",
        "cd /web",
        "export PATH=$PATH:/web",
        "if [ -f /dusty_assets/KEY ]; then cp /dusty_assets/KEY /web/key; fi",
        "if [ -f /dusty_assets/TOP ]; then cp /dusty_assets/TOP /etc/top; fi",
        "dusty_always_fn () {",
        "  ./serve",
        "  ./never-blank",
        "}",
        "dusty_always_fn",
        "",
      ].join("\n"),
    );
  });

  test("compileCommandFiles() leaves out cd, PATH and once when the app has no mount and no once", () => {
    const files = filesFor({ apps: { cli: { image: "x", commands: { always: ["sleep 1"] } } } });
    expect(files["cli/dusty_command_file_cli.sh"]).toBe("set -e\ndusty_always_fn () {\n  sleep 1\n}\ndusty_always_fn\n");
  });

  test("compileCommandFiles() writes script files that pass arguments to the last line only", () => {
    const files = filesFor({
      apps: { web: { image: "x", repo: "/r", mount: "/my app", scripts: [{ name: "seed", command: ["./a", "./b"] }] } },
    });
    expect(files["web/dusty_command_file_web_script_seed.sh"]).toBe(`cd '/my app'\n./a\n./b "$@"\n`);
  });

  test("compileCommandFiles() output never has trailing spaces", () => {
    const files = filesFor({ apps: { web: { image: "x", repo: "/r", mount: "/r", commands: { once: ["a  "], always: ["b\t"] } } } });
    for (const text of Object.values(files)) expect(text).not.toMatch(/[ \t]$/m);
  });
});

describe("compileTestCommandFiles()", () => {
  const specs = specsFromRaw({
    apps: {
      web: {
        image: "x",
        repo: "/code/web",
        mount: "/web",
        depends: { libs: ["top"] },
        test: { once: ["npm ci"], suites: [{ name: "unit", command: ["npm run build", "npm test"] }, { name: "lint", command: ["npm run lint"] }] },
      },
    },
    libs: {
      top: { repo: "/code/top", mount: "/top", depends: { libs: ["base"] }, install: ["make top"], test: { suites: [{ name: "t", command: ["make test"] }] } },
      base: { repo: "/code/base", mount: "/base", install: ["make base"] },
    },
  });

  test("compileTestCommandFiles() writes an app's preparation file and one file per suite", () => {
    expect(compileTestCommandFiles(specs, "web")).toEqual({
      "web/test/dusty_command_file_web.sh": "set -e\ncd /base\nmake base\ncd /top\nmake top\ncd /web\nnpm ci\n",
      "web/test/dusty_command_file_web_test_lint.sh": 'cd /web\nnpm run lint "$@"\n',
      "web/test/dusty_command_file_web_test_unit.sh": 'cd /web\nnpm run build\nnpm test "$@"\n',
    });
  });

  test("compileTestCommandFiles() prepares a lib with the libs it depends on, not its own install", () => {
    expect(compileTestCommandFiles(specs, "top")).toEqual({
      "top/test/dusty_command_file_top.sh": "set -e\ncd /base\nmake base\ncd /top\n",
      "top/test/dusty_command_file_top_test_t.sh": 'cd /top\nmake test "$@"\n',
    });
    expect(compileTestCommandFiles(specs, "nothing")).toEqual({});
  });
});

test("shellWord() quotes only what needs it, and quotes quotes", () => {
  expect(shellWord("/srv/app-1.2_x")).toBe("/srv/app-1.2_x");
  expect(shellWord("/my app")).toBe("'/my app'");
  expect(shellWord("it's $HOME")).toBe(`'it'\\''s $HOME'`);
});

// The files run for real in a chroot made of the static busybox: under busybox sh (what minimal images
// have), and under dash (Debian's sh) with busybox's applets beside it.
const BUSYBOX = "/usr/bin/busybox";
const DASH = "/usr/bin/dash";
const CHROOT = Bun.which("chroot");
const canChroot = existsSync(BUSYBOX) && process.getuid?.() === 0 && CHROOT !== null;
const roots: string[] = [];
afterAll(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

type Shell = "busybox" | "dash";

function makeRoot(files: Record<string, string>, shell: Shell = "busybox"): string {
  const root = mkdtempSync(join(tmpdir(), "dusty-command-files-test-"));
  roots.push(root);
  for (const dir of ["bin", "dev", "tmp", "dusty_assets", "command_files"]) mkdirSync(join(root, dir));
  // Every container has /dev/null; sh needs it for `&` and `command -v … > /dev/null`.
  expect(Bun.spawnSync(["mknod", "-m", "666", join(root, "dev", "null"), "c", "1", "3"]).exitCode).toBe(0);
  copyFileSync(BUSYBOX, join(root, "bin", "busybox"));
  chmodSync(join(root, "bin", "busybox"), 0o755);
  for (const applet of ["tee", "mkfifo", "mkdir", "rm", "touch", "echo", "cat", "cp", "false", "printf", "pwd"]) {
    symlinkSync("busybox", join(root, "bin", applet));
  }
  if (shell === "busybox") symlinkSync("busybox", join(root, "bin", "sh"));
  else copyWithLibraries(DASH, join(root, "bin", "sh"), root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

/** Copies a dynamically linked program and the libraries `ldd` lists for it into `root`. */
function copyWithLibraries(program: string, target: string, root: string): void {
  copyFileSync(program, target);
  chmodSync(target, 0o755);
  const libs = [...Bun.spawnSync(["ldd", program]).stdout.toString().matchAll(/(\/\S+) \(0x/g)].map((m) => m[1] ?? "");
  for (const lib of libs) {
    mkdirSync(dirname(join(root, lib)), { recursive: true });
    copyFileSync(lib, join(root, lib));
  }
}

function runIn(root: string, file: string, args: string[] = [], env: Record<string, string> = {}) {
  const result = Bun.spawnSync([CHROOT ?? "chroot", root, "/bin/sh", file, ...args], { env: { PATH: "/bin", ...env } });
  return { code: result.exitCode, stdout: result.stdout.toString(), stderr: result.stderr.toString() };
}

function mainFileOf(raw: RawSpecs, app: string): string {
  return filesFor(raw)[`${app}/${commandFileName(app)}`] ?? "";
}

for (const shell of ["busybox", "dash"] as const) {
  describe.skipIf(!canChroot || (shell === "dash" && !existsSync(DASH)))(`command files under ${shell} sh`, () => {
    test("the main file runs once on the first start only, logging its stdout and stderr", () => {
      // `wait` lets the background tee finish, so the test reads complete output.
      const raw: RawSpecs = { apps: { a: { image: "x", commands: { once: ["echo once-out", "echo once-err >&2"], always: ["wait", "echo always-ran"] } } } };
      const root = makeRoot({ "command_files/main.sh": mainFileOf(raw, "a") }, shell);
      const first = runIn(root, "/command_files/main.sh");
      expect(first).toEqual({ code: 0, stdout: "once-out\nonce-err\nalways-ran\n", stderr: "" });
      expect(readFileSync(join(root, "var/log/dusty_once_fn.log"), "utf8")).toBe("once-out\nonce-err\n");
      expect(existsSync(join(root, ".dusty_first_time_started"))).toBe(true);
      expect(runIn(root, "/command_files/main.sh")).toEqual({ code: 0, stdout: "always-ran\n", stderr: "" });
    });

    test("a failing once stops the container with its exit code, its output logged, and is not retried", () => {
      const raw: RawSpecs = { apps: { a: { image: "x", commands: { once: ["echo before", "sh -c 'exit 3'", "echo after"], always: ["echo always-ran"] } } } };
      const root = makeRoot({ "command_files/main.sh": mainFileOf(raw, "a") }, shell);
      const first = runIn(root, "/command_files/main.sh");
      expect(first.code).toBe(3);
      expect(first.stdout).toBe("before\n");
      expect(first.stderr).toBe("dusty: the once commands failed with exit code 3\n");
      expect(readFileSync(join(root, "var/log/dusty_once_fn.log"), "utf8")).toBe("before\n");
      // The marker was touched before once ran: a restart goes straight to always, as in the original.
      expect(runIn(root, "/command_files/main.sh")).toEqual({ code: 0, stdout: "always-ran\n", stderr: "" });
    });

    test("the main file installs libs, enters the mount with it on PATH, and copies the assets that are set", () => {
      const raw: RawSpecs = {
        apps: {
          a: {
            image: "x",
            repo: "/code/a",
            mount: "/srv/my app",
            depends: { libs: ["l"] },
            assets: [{ name: "SET", path: "/srv/my app/set.txt" }, { name: "UNSET", path: "/unset.txt", required: false }],
            commands: { always: ["pwd", 'echo "$PATH"', "cat set.txt"] },
          },
        },
        libs: { l: { repo: "/code/l", mount: "/lib", install: ["echo installed > /installed.txt", "pwd > /install-dir.txt"] } },
      };
      const files = { "command_files/main.sh": mainFileOf(raw, "a"), "dusty_assets/SET": "secret\n", "srv/my app/.keep": "", "lib/.keep": "" };
      const root = makeRoot(files, shell);
      expect(runIn(root, "/command_files/main.sh")).toEqual({ code: 0, stdout: "/srv/my app\n/bin:/srv/my app\nsecret\n", stderr: "" });
      expect(readFileSync(join(root, "installed.txt"), "utf8")).toBe("installed\n");
      expect(readFileSync(join(root, "install-dir.txt"), "utf8")).toBe("/lib\n");
      expect(existsSync(join(root, "unset.txt"))).toBe(false);
    });

    test("a relative asset path lands under the app's mount, where the main file has already gone", () => {
      const raw: RawSpecs = {
        apps: { a: { image: "x", repo: "/code/a", mount: "/srv/a", assets: [{ name: "KEY", path: "conf/key.txt" }], commands: { always: ["cat /srv/a/conf/key.txt"] } } },
      };
      const root = makeRoot({ "command_files/main.sh": mainFileOf(raw, "a"), "dusty_assets/KEY": "k\n", "srv/a/conf/.keep": "" }, shell);
      expect(runIn(root, "/command_files/main.sh")).toEqual({ code: 0, stdout: "k\n", stderr: "" });
    });

    test("a script file hands its arguments, spaces kept, to the last line", () => {
      const files = filesFor({ apps: { a: { image: "x", scripts: [{ name: "s", command: ["echo first", "printf '[%s]'"] }] } } });
      const root = makeRoot({ "command_files/s.sh": files[`a/${commandFileName("a", { script: "s" })}`] ?? "" }, shell);
      expect(runIn(root, "/command_files/s.sh", ["x y", "z"])).toEqual({ code: 0, stdout: "first\n[x y][z]", stderr: "" });
    });

    test("script and suite files of an app without a mount start in $HOME, as the original's bare `cd` did", () => {
      const raw: RawSpecs = { apps: { a: { image: "x", scripts: [{ name: "s", command: ["pwd"] }], test: { suites: [{ name: "t", command: ["pwd"] }] } } } };
      const script = filesFor(raw)[`a/${commandFileName("a", { script: "s" })}`] ?? "";
      const suite = compileTestCommandFiles(specsFromRaw(raw), "a")[`a/test/${commandFileName("a", { suite: "t" })}`] ?? "";
      const root = makeRoot({ "command_files/s.sh": script, "command_files/t.sh": suite, "home/dev/.keep": "" }, shell);
      expect(runIn(root, "/command_files/s.sh", [], { HOME: "/home/dev" })).toEqual({ code: 0, stdout: "/home/dev\n", stderr: "" });
      expect(runIn(root, "/command_files/t.sh", [], { HOME: "/home/dev" })).toEqual({ code: 0, stdout: "/home/dev\n", stderr: "" });
    });
  });
}

// busybox sh knows its own applets, so only dash can show an image without tee.
test.skipIf(!canChroot || !existsSync(DASH))("the main file of an image without tee still runs once, unlogged, instead of hanging", () => {
  const raw: RawSpecs = { apps: { a: { image: "x", commands: { once: ["echo once-out"], always: ["echo always-ran"] } } } };
  const root = makeRoot({ "command_files/main.sh": mainFileOf(raw, "a") }, "dash");
  rmSync(join(root, "bin", "tee"));
  expect(runIn(root, "/command_files/main.sh")).toEqual({ code: 0, stdout: "once-out\nalways-ran\n", stderr: "" });
  expect(existsSync(join(root, "var/log/dusty_once_fn.log"))).toBe(false);
});

test.skipIf(!Bun.which("dash"))("every fixture's command files parse in dash", () => {
  const fixtures = join(import.meta.dir, "..", "fixtures");
  const scripts = readdirSync(fixtures, { recursive: true, encoding: "utf8" }).filter((p) => p.includes("/expected/command-files/") && p.endsWith(".sh"));
  expect(scripts.length).toBeGreaterThan(10);
  for (const script of scripts) {
    const result = Bun.spawnSync(["dash", "-n", join(fixtures, script)]);
    expect(`${script}: ${result.stderr.toString()}`).toBe(`${script}: `);
  }
});
