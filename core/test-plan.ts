/**
 * What `dusty test` runs (the spec key `test`), decided from the specs alone: the app or lib, its suites,
 * each suite's arguments, the repos its container mounts, and the names of the images and compose
 * projects a run creates. The compose file of one suite run is in test-plan-compose.ts.
 */
import { expandLibs, ownValue } from "./assemble.ts";
import { commandFileName } from "./command-files.ts";
import { parseRepo } from "./repos.ts";
import type { AppSpec, LibSpec, Specs, TestSuite } from "./specs.ts";
import { renderTable } from "./table.ts";
import { formatSuggestion } from "./validate-suggest.ts";

/** The suite name that runs every suite (validation keeps it out of specs). */
export const ALL_SUITES = "all";
/** Where the test command files are mounted in the prep and suite containers. */
export const TEST_COMMAND_FILES_MOUNT = "/command_files";

/** The app or lib under test. */
export interface TestTarget {
  kind: "app" | "lib";
  name: string;
  spec: AppSpec | LibSpec;
}

/** A repo mounted into the test container: the target's own and those of its libs, in lib order. */
export interface TestRepo {
  url: string;
  /** Where it is mounted; "" when the spec gives no mount (then it is pulled and synced but not mounted). */
  mount: string;
}

/** Finds the app or lib `name`; an unknown name gives an error naming the known ones. */
export function findTestTarget(specs: Specs, name: string): TestTarget | { error: string } {
  const app = ownValue(specs.apps, name);
  if (app) return { kind: "app", name, spec: app };
  const lib = ownValue(specs.libs, name);
  if (lib) return { kind: "lib", name, spec: lib };
  return { error: `No app or lib named "${name}"${formatSuggestion(name, testableNames(specs))}. ${describeKnownTargets(specs)}` };
}

/** "Apps: a, b. Libs: c." — what `dusty test` accepts, for error messages. */
export function describeKnownTargets(specs: Specs): string {
  const list = (names: string[]) => (names.length > 0 ? names.join(", ") : "none");
  return `Apps: ${list(Object.keys(specs.apps))}. Libs: ${list(Object.keys(specs.libs))}`;
}

/** The suites to run: one by name, or every suite in spec order for `all`; an unknown name lists the known ones. */
export function selectSuites(target: TestTarget, suite: string): TestSuite[] | { error: string } {
  const suites = target.spec.test.suites;
  if (suites.length === 0) return { error: noSuitesMessage(target) };
  if (suite === ALL_SUITES) return [...suites];
  const found = suites.find((s) => s.name === suite);
  if (found) return [found];
  const names = suites.map((s) => s.name);
  return {
    error: `The ${target.kind} ${target.name} has no test suite named "${suite}"${formatSuggestion(suite, names)}. Its suites: ${names.join(", ")} (or ${ALL_SUITES})`,
  };
}

/** The message for an app or lib without suites. */
export function noSuitesMessage(target: TestTarget): string {
  return `No test suite registered for ${target.name}: add suites under test.suites in its spec`;
}

/** `dusty test NAME`: the suites with their descriptions and default args, in spec order. */
export function renderSuiteList(target: TestTarget): string {
  const rows = target.spec.test.suites.map((s) => [s.name, s.description, s.default_args]);
  return renderTable(["Test Suite", "Description", "Default Args"], rows);
}

/** How one suite of `dusty test NAME all` went. */
export interface SuiteResult {
  suite: string;
  exitCode: number;
  seconds: number;
}

/** The summary table of `all`: one row per suite in the order run, PASS or FAIL and the time with one decimal. */
export function renderSuiteSummary(results: readonly SuiteResult[]): string {
  const rows = results.map((r) => [r.suite, r.exitCode === 0 ? "PASS" : `FAIL (exit code ${r.exitCode})`, r.seconds.toFixed(1)]);
  return renderTable(["Suite", "Result", "Time (s)"], rows);
}

/** The arguments a suite runs with: the user's when there are any, else its `default_args` split like a shell would. */
export function suiteArgs(suite: TestSuite, args: readonly string[]): string[] {
  return args.length > 0 ? [...args] : splitShellWords(suite.default_args);
}

/**
 * Splits text into words as sh does, without expansions: blanks separate words, '…' keeps everything,
 * "…" and a backslash escape. The original split on single spaces, so `"a  b"` gave an empty argument.
 */
export function splitShellWords(text: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else word += c;
    } else if (c === "\\" && i + 1 < text.length && (quote === undefined || /["\\$`]/.test(text[i + 1]!))) {
      word = (word ?? "") + text[++i];
    } else if (quote === '"') {
      if (c === '"') quote = undefined;
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      word ??= "";
    } else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else {
      word = (word ?? "") + c;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}

/**
 * The target's own repo and its libs' repos (spec key `depends.libs`) with where each is mounted, in lib order.
 * A repo that two of them mount at different places is listed once per place.
 */
export function testRepos(specs: Specs, target: TestTarget): TestRepo[] {
  const libs = expandLibs(specs, target.spec.depends.libs).flatMap((l) => ownValue(specs.libs, l) ?? []);
  const repos: TestRepo[] = [];
  for (const { repo, mount } of [target.spec, ...libs]) {
    if (repo !== "" && !repos.some((r) => r.url === repo && r.mount === mount)) repos.push({ url: repo, mount });
  }
  return repos;
}

/** Host folders the test containers mount: `host:container`, the command files first, then the repos. */
export function testMounts(target: TestTarget, repos: readonly TestRepo[], paths: { reposDir: string; commandFilesDir: string }): string[] {
  const mounts = [`${paths.commandFilesDir}/${target.name}/test:${TEST_COMMAND_FILES_MOUNT}`];
  for (const repo of repos) {
    if (repo.mount !== "") mounts.push(`${paths.reposDir}/${parseRepo(repo.url).relPath}:${repo.mount}`);
  }
  return [...new Set(mounts)];
}

/** The command of the container that prepares the test image (lib installs, then `test.once`). */
export function prepCommand(name: string): string[] {
  return ["sh", `${TEST_COMMAND_FILES_MOUNT}/${commandFileName(name)}`];
}

/** The command of a suite's container; the args reach the suite's last command line through "$@". */
export function suiteCommand(name: string, suite: string, args: readonly string[]): string[] {
  return ["sh", `${TEST_COMMAND_FILES_MOUNT}/${commandFileName(name, { suite })}`, ...args];
}

/** `dusty/test_<name>`: the repository of an app's or lib's test images (the tag is the content key). */
export function testImageRepository(name: string): string {
  return `dusty/test_${dockerNameComponent(name)}`;
}

/** The test image for one content key. */
export function testImageRef(name: string, key: string): string {
  return `${testImageRepository(name)}:${key}`;
}

/** The tag the base image of a `test.build` spec is built as (one per app or lib, unlike the original's shared tag). */
export function testBaseImageRef(name: string): string {
  return `dusty/test_base_${dockerNameComponent(name)}:latest`;
}

/**
 * The name of one thing a run creates: `dustytest-<name>-<run id>-<part>`, with part "prep" for the image
 * preparation container and the suite's number for a suite's compose project. Unique per run, so parallel
 * runs never share a container; lowercase, as compose wants project names.
 */
export function testRunName(name: string, runId: string, part: string): string {
  const safe = name.toLowerCase().replace(/[^a-z0-9_-]+/g, "-").replace(/^[-_]+|[-_]+$/g, "") || "x";
  return `dustytest-${safe}-${runId}-${part}`;
}

/** A name as one path component of a Docker image repository: lowercase, separators only between letters and digits. */
function dockerNameComponent(name: string): string {
  if (/^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/.test(name)) return name;
  return name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "") || "x";
}

function testableNames(specs: Specs): string[] {
  return [...Object.keys(specs.apps), ...Object.keys(specs.libs)];
}
