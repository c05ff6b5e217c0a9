/**
 * Writes the built-in example to disk for `dusty setup` without a specs repo: its specs folder and each
 * of its code repos, each a git repo with one commit, so dusty manages them like any other repo. The
 * example's specs name their repos /usr/local/share/dusty/example/<name>; `exampleRepoOverrides()`
 * points those URLs at the written folders, so the example works wherever it was written.
 */
import { randomBytes } from "node:crypto";
import { chmod, mkdir, rename, rm, stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { loadSpecs, type SpecFile } from "../core/load.ts";
import { writeNewFile } from "./atomic-write.ts";
import { runChecked } from "./run.ts";

/** One file of an example code repo. */
export interface ExampleFile {
  text: string;
  executable: boolean;
}

/** What the example is made of (cmd/_example-specs.ts embeds it in the binary). */
export interface ExampleContent {
  specs: readonly SpecFile[];
  /** Folder name → relative path → file. */
  repos: Record<string, Record<string, ExampleFile>>;
}

/** Where the example was written. */
export interface WrittenExample {
  /** The specs repo's folder: `<dir>/specs`. */
  specsPath: string;
  /** Each code repo's folder by name: `<dir>/<name>`. */
  repoPaths: Record<string, string>;
  /** The folders written by this call; those already there were left as they were. */
  created: string[];
}

/** The folder of the specs repo inside the example's folder. */
export const EXAMPLE_SPECS_FOLDER = "specs";

// Git must not read the machine's or root's settings here: a global commit.gpgsign or a hook path would
// make a root daemon's commit fail or run someone's script.
const GIT_ENV = {
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_CONFIG_GLOBAL: "/dev/null",
  GIT_DIR: undefined,
  GIT_WORK_TREE: undefined,
  GIT_INDEX_FILE: undefined,
  GIT_OBJECT_DIRECTORY: undefined,
  GIT_COMMON_DIR: undefined,
};
const GIT_IDENTITY = ["-c", "user.name=dusty", "-c", "user.email=dusty@localhost", "-c", "commit.gpgsign=false"];

/**
 * Writes the example under `dir` (`specs/` plus one folder per code repo). A folder that already exists
 * is kept as it is, so running setup again never overwrites changes made to the example. Each folder is
 * built in a hidden temp sibling and renamed into place, so an interrupted write leaves no half repo.
 */
export async function writeExample(dir: string, content: ExampleContent): Promise<WrittenExample> {
  const folders: [string, Record<string, ExampleFile>][] = [
    [EXAMPLE_SPECS_FOLDER, Object.fromEntries(content.specs.map((file) => [file.path, { text: file.text, executable: false }]))],
    ...Object.entries(content.repos),
  ];
  await makeFolder(dir);
  const created: string[] = [];
  for (const [name, files] of folders) {
    const path = join(dir, name);
    if (await exists(path)) continue;
    await writeRepo(path, files);
    created.push(path);
  }
  return {
    specsPath: join(dir, EXAMPLE_SPECS_FOLDER),
    repoPaths: Object.fromEntries(Object.keys(content.repos).map((name) => [name, join(dir, name)])),
    created,
  };
}

/** Repo overrides that point each repo URL of the example's specs at its written folder (matched by folder name). */
export function exampleRepoOverrides(content: ExampleContent, written: Pick<WrittenExample, "repoPaths">): Record<string, string> {
  const { specs } = loadSpecs(content.specs);
  const urls = [...Object.values(specs.apps), ...Object.values(specs.libs)].map((spec) => spec.repo).filter((url) => url !== "");
  const overrides: Record<string, string> = {};
  for (const url of urls) {
    const path = written.repoPaths[basename(url)];
    if (path !== undefined) overrides[url] = path;
  }
  return overrides;
}

async function writeRepo(path: string, files: Record<string, ExampleFile>): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString("hex")}.dusty-example`);
  try {
    await makeFolder(temp);
    for (const [relative, file] of Object.entries(files).sort(([a], [b]) => (a < b ? -1 : 1))) {
      const target = join(temp, relative);
      const parts = relative.split("/").slice(0, -1);
      for (let i = 1; i <= parts.length; i++) await makeFolder(join(temp, ...parts.slice(0, i)));
      // Explicit modes: a root daemon's umask (often 077) must not hide the example from the user.
      await writeNewFile(target, file.text, file.executable ? 0o755 : 0o644);
    }
    const git = (args: string[]) => runChecked(["git", ...GIT_IDENTITY, ...args], { cwd: temp, env: GIT_ENV, timeoutMs: 60_000 });
    await git(["init", "--quiet", "--initial-branch=main"]);
    await git(["add", "--all"]);
    await git(["commit", "--quiet", "--no-verify", "-m", "The dusty example, as written by `dusty setup`"]);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    // Another setup wrote the same folder meanwhile: theirs is as good as ours.
    if (await exists(path)) return;
    throw error;
  }
}

async function makeFolder(path: string): Promise<void> {
  await mkdir(path, { recursive: true });
  await chmod(path, 0o755);
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
