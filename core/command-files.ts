/**
 * Command files (fixtures/<case>/expected/command-files/): the sh scripts containers run. The main file installs libs, copies
 * assets, runs `once` on the first start and then `always`; script and test files run one command list.
 * They run under busybox sh as well as dash or bash, so they use POSIX sh only.
 */
import { expandLibs, ownValue, type AssembledSpecs } from "./assemble.ts";
import { onceBlock, shellWord, userLines } from "./compile-shell.ts";
import { toFileNameWord } from "./grammar.ts";
import type { AppSpec, Asset, LibSpec, Specs } from "./specs.ts";

// Script and suite names come from specs: a "/" must not put a file outside the commands dir, and the
// name lands unquoted in `sh /command_files/<file>`, so anything unusual becomes "_" (toFileNameWord);
// validation refuses two names that would make the same file.
/** `dusty_command_file_<name>[_script_<script> | _test_<suite>].sh`; the script wins if both are given. */
export function commandFileName(name: string, options: { script?: string; suite?: string } = {}): string {
  if (options.script !== undefined) return `dusty_command_file_${name}_script_${toFileNameWord(options.script)}.sh`;
  if (options.suite !== undefined) return `dusty_command_file_${name}_test_${toFileNameWord(options.suite)}.sh`;
  return `dusty_command_file_${name}.sh`;
}

/** The main and script files of every active app, as `<app>/<file name>` → text, in sorted order. */
export function compileCommandFiles(assembled: AssembledSpecs): Record<string, string> {
  const files: Record<string, string> = {};
  for (const [app, spec] of Object.entries(assembled.apps)) {
    const libs = (assembled.appLibs[app] ?? []).flatMap((l) => ownValue(assembled.libs, l) ?? []);
    files[`${app}/${commandFileName(app)}`] = mainFile(spec, libs);
    for (const script of spec.scripts) {
      files[`${app}/${commandFileName(app, { script: script.name })}`] = commandListFile(spec.mount, script.command);
    }
  }
  return sortedRecord(files);
}

/** The test files of one app or lib: the image preparation file and one file per suite. */
export function compileTestCommandFiles(specs: Specs, name: string): Record<string, string> {
  const spec: AppSpec | LibSpec | undefined = ownValue(specs.apps, name) ?? ownValue(specs.libs, name);
  if (!spec) return {};
  const libs = expandLibs(specs, spec.depends.libs).flatMap((l) => ownValue(specs.libs, l) ?? []);
  const files: Record<string, string> = {};
  const prep = ["set -e", ...libInstallLines(libs), ...cdLines(spec.mount), ...userLines(spec.test.once)];
  files[`${name}/test/${commandFileName(name)}`] = toFile(prep);
  for (const suite of spec.test.suites) {
    files[`${name}/test/${commandFileName(name, { suite: suite.name })}`] = commandListFile(spec.mount, suite.command);
  }
  return sortedRecord(files);
}

function mainFile(spec: AppSpec, libs: readonly LibSpec[]): string {
  const lines = ["set -e", ...libInstallLines(libs)];
  if (spec.mount !== "") lines.push(`cd ${shellWord(spec.mount)}`, `export PATH=$PATH:${shellWord(spec.mount)}`);
  for (const asset of [...spec.assets, ...libs.flatMap((l) => l.assets)]) lines.push(assetCopyLine(asset));
  lines.push(...onceBlock(userLines(spec.commands.once)));
  const always = userLines(spec.commands.always);
  if (always.length > 0) lines.push("dusty_always_fn () {", ...always.map((l) => `  ${l}`), "}", "dusty_always_fn");
  return toFile(lines);
}

function libInstallLines(libs: readonly LibSpec[]): string[] {
  return libs.flatMap((lib) => {
    const install = userLines(lib.install);
    return install.length > 0 ? [...cdLines(lib.mount), ...install] : [];
  });
}

function assetCopyLine(asset: Asset): string {
  const source = shellWord(`/dusty_assets/${asset.name}`);
  return `if [ -f ${source} ]; then cp ${source} ${shellWord(asset.path)}; fi`;
}

/** A script or suite: its lines in the mount, the arguments of `dusty scripts|test` added to the last one. */
function commandListFile(mount: string, command: readonly string[]): string {
  const lines = userLines(command);
  const last = lines.pop();
  if (last !== undefined) lines.push(`${last} "$@"`);
  return toFile([...cdLines(mount), ...lines]);
}

// Without a mount a bare `cd` goes to $HOME, as the original's files did: scripts and suites written
// for it expect to start there, not wherever the image's working directory happens to be.
function cdLines(mount: string): string[] {
  return [mount === "" ? "cd" : `cd ${shellWord(mount)}`];
}

function toFile(lines: readonly string[]): string {
  return lines.map((l) => `${l}\n`).join("");
}

function sortedRecord(files: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(files).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
