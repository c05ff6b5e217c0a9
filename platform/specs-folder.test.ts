// Reading a specs repo from real files: FIFOs (made with mkfifo), real symlinks, huge and non-UTF-8 files.
import { afterEach, beforeEach, expect, test } from "bun:test";
import { mkdirSync, realpathSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { formatDiagnostic } from "../core/diagnostics.ts";
import { makeTempDir } from "../test/git-fixtures.ts";
import { SpecError, UserError } from "./errors.ts";
import { runChecked } from "./run.ts";
import { MAX_SPEC_FILE_BYTES, readSpecsFolder, readSpecsRepo } from "./specs-folder.ts";

let temp: ReturnType<typeof makeTempDir>;
let repo: string;
let outside: string;
const SECRET = "secret-text-that-must-not-appear";

beforeEach(() => {
  temp = makeTempDir("dusty-specs-folder-test-");
  repo = join(temp.path, "repo");
  outside = join(temp.path, "outside");
  mkdirSync(join(outside, "apps"), { recursive: true });
  writeFileSync(join(outside, "secret.yml"), `${SECRET}: [${SECRET}\n`);
  writeFileSync(join(outside, "apps", "web.yml"), `image: ${SECRET}\n`);
  mkdirSync(repo);
});
afterEach(() => temp.remove());

function write(path: string, text: string | Uint8Array): void {
  mkdirSync(dirname(join(repo, path)), { recursive: true });
  writeFileSync(join(repo, path), text);
}

function link(path: string, target: string): void {
  mkdirSync(dirname(join(repo, path)), { recursive: true });
  symlinkSync(target, join(repo, path));
}

async function lines(): Promise<string[]> {
  return (await readSpecsRepo(repo)).diagnostics.map(formatDiagnostic);
}

test("readSpecsRepo() reads the regular .yml files of every kind folder in sorted order, and nothing else", async () => {
  write("apps/web.yml", "image: a\n");
  write("apps/api.yml", "image: b\n");
  write("apps/README.md", "not a spec\n");
  write("apps/old/web.yml", "image: c\n");
  write("bundles/site.yml", "apps: [web]\n");
  write("notes.yml", "not a kind folder\n");
  const folder = await readSpecsRepo(repo);
  expect(folder.files).toEqual([
    { path: "apps/api.yml", text: "image: b\n" },
    { path: "apps/web.yml", text: "image: a\n" },
    { path: "bundles/site.yml", text: "apps: [web]\n" },
  ]);
  expect(folder.diagnostics).toEqual([]);
});

test("readSpecsRepo() reports a folder named *.yml, a FIFO, a broken link and a link loop, one line each, without blocking on the FIFO", async () => {
  write("apps/ok.yml", "image: a\n");
  mkdirSync(join(repo, "apps", "web.yml"));
  await runChecked(["mkfifo", join(repo, "apps", "pipe.yml")]);
  link("apps/gone.yml", "nothing.yml");
  link("apps/a.yml", "b.yml");
  link("apps/b.yml", "a.yml");
  const folder = await readSpecsRepo(repo);
  expect(folder.files.map((f) => f.path)).toEqual(["apps/ok.yml"]);
  expect(folder.diagnostics.map(formatDiagnostic)).toEqual([
    "apps/a.yml: cannot read this file: it is a symbolic link loop (too many links): remove the loop",
    "apps/b.yml: cannot read this file: it is a symbolic link loop (too many links): remove the loop",
    "apps/gone.yml: cannot read this file: it is a broken symbolic link (nothing at the end of it): remove it, or point it inside the specs repo",
    "apps/pipe.yml: cannot read this file: it is a named pipe (FIFO), and only regular files are read as specs: remove it, or rename it so it does not end in .yml",
    "apps/web.yml: cannot read this file: it is a folder, and only regular files are read as specs: remove it, or rename it so it does not end in .yml",
  ]);
});

test("readSpecsRepo() refuses every link out of the repo and never prints the target's path or text", async () => {
  link("apps/absolute.yml", join(outside, "secret.yml"));
  link("apps/relative.yml", "../../outside/secret.yml");
  link("apps/shadow.yml", "/etc/shadow");
  link("apps/via", outside);
  link("apps/through-folder.yml", "via/secret.yml");
  link("libs", "../outside/apps");
  const output = (await lines()).join("\n");
  const refused = "cannot read this file: it is a symbolic link that leads out of the specs repo, and dusty reads only files inside it";
  for (const name of ["absolute", "relative", "shadow", "through-folder"]) expect(output).toContain(`apps/${name}.yml: ${refused}`);
  expect(output).toContain("libs: expected a folder of lib specs (libs/<name>.yml), but it is a symbolic link that leads out of the specs repo");
  expect(output.split("\n")).toHaveLength(5);
  expect(output).not.toContain(SECRET);
  expect(output).not.toContain(outside);
  expect(output).not.toContain("/etc/shadow");
});

test("readSpecsRepo() follows links that stay inside the repo, relative or spelled with the repo's real path", async () => {
  write("shared/web.yml", "image: shared\n");
  link("apps/web.yml", "../shared/web.yml");
  link("apps/api.yml", join(realpathSync(repo), "shared", "web.yml"));
  write("real-libs/util.yml", "repo: /u\nmount: /u\n");
  link("libs", "real-libs");
  const folder = await readSpecsRepo(repo);
  expect(folder.diagnostics).toEqual([]);
  expect(folder.files).toEqual([
    { path: "apps/api.yml", text: "image: shared\n" },
    { path: "apps/web.yml", text: "image: shared\n" },
    { path: "libs/util.yml", text: "repo: /u\nmount: /u\n" },
  ]);
});

test("readSpecsRepo() reports a kind path that is a file or a FIFO, and takes a missing one as no specs", async () => {
  write("apps", "web: busybox\n");
  await runChecked(["mkfifo", join(repo, "bundles")]);
  expect(await lines()).toEqual([
    "apps: expected a folder of app specs (apps/<name>.yml), but it is a file: make it a folder, or remove it",
    "bundles: expected a folder of bundle specs (bundles/<name>.yml), but it is a named pipe (FIFO): make it a folder, or remove it",
  ]);
});

test("readSpecsRepo() reads a file of exactly 1 MiB and refuses one byte more, naming the limit", async () => {
  write("apps/max.yml", `#${"x".repeat(MAX_SPEC_FILE_BYTES - 2)}\n`);
  write("apps/over.yml", `#${"x".repeat(MAX_SPEC_FILE_BYTES - 1)}\n`);
  const folder = await readSpecsRepo(repo);
  expect(folder.files.map((f) => [f.path, f.text.length])).toEqual([["apps/max.yml", MAX_SPEC_FILE_BYTES]]);
  expect(folder.diagnostics.map(formatDiagnostic)).toEqual([
    `apps/over.yml: cannot read this file: it is ${MAX_SPEC_FILE_BYTES + 1} bytes, over the 1 MiB limit for a spec file: make it smaller (a spec is a few KiB)`,
  ]);
});

test("readSpecsRepo() reads no spec at all when the repo holds more spec files than the limit", async () => {
  for (let i = 0; i < 4; i++) write(`services/s${i}.yml`, "image: x\n");
  write("apps/web.yml", "image: x\n");
  const folder = await readSpecsRepo(repo, { maxFiles: 4 });
  expect(folder.files).toEqual([]);
  expect(folder.diagnostics.map(formatDiagnostic)).toEqual([
    "services/: the repo holds 5 spec files, more than the 4 dusty reads, so none is read: split the repo",
  ]);
});

test("readSpecsRepo() reports a file that is not UTF-8 at its first bad byte", async () => {
  write("apps/web.yml", new Uint8Array([...new TextEncoder().encode("repo: /w\nimage: é"), 0xff, 0x0a]));
  expect(await lines()).toEqual(["apps/web.yml:2:9: cannot read this file: it is not UTF-8 text (a byte here is not UTF-8): save it as UTF-8"]);
});

test("readSpecsRepo() keeps a file name with a line break on one line, escaped, and does not read the file", async () => {
  write("apps/a\nb.yml", "image: x\n");
  const folder = await readSpecsRepo(repo);
  expect(folder.files).toEqual([]);
  expect(folder.diagnostics.map(formatDiagnostic)).toEqual([
    "apps/a\\nb.yml: file name holds control characters or bytes that are not UTF-8: rename it",
  ]);
});

test("readSpecsRepo() warns about *.yaml files, which Dusty never read, and says which name to use", async () => {
  write("apps/web.yaml", "image: x\n");
  write("apps/api.yaml", "image: x\n");
  write("apps/api.yml", "image: y\n");
  const folder = await readSpecsRepo(repo);
  expect(folder.files.map((f) => f.path)).toEqual(["apps/api.yml"]);
  expect(folder.diagnostics.map(formatDiagnostic)).toEqual([
    "apps/api.yaml: warning: ignored: spec files end in .yml, and apps/api.yml is read instead (remove one of them)",
    "apps/web.yaml: warning: ignored: spec files end in .yml (rename it to web.yml)",
  ]);
});

test("readSpecsFolder() throws a SpecError listing every file it could not read, and a UserError for no folder or a file", async () => {
  write("apps/web.yml", "image: x\n");
  link("apps/gone.yml", "nothing.yml");
  link("libs", "/etc");
  const error = await readSpecsFolder(repo).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(SpecError);
  expect((error as SpecError).diagnostics.map((d) => d.file)).toEqual(["apps/gone.yml", "libs"]);
  const missing = await readSpecsFolder(join(repo, "nope")).catch((e: unknown) => e);
  expect(missing).toBeInstanceOf(UserError);
  expect((missing as Error).message).toContain("no such folder");
  const file = await readSpecsFolder(join(repo, "apps", "web.yml")).catch((e: unknown) => e);
  expect((file as Error).message).toContain(": it is not a folder. Pass the path of a specs repo");
});
