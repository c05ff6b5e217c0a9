/**
 * Reads a specs repo from disk: `<kind>/<name>.yml` for each kind, every file once, in sorted order.
 * The original re-read every spec file for each repo lookup; here one read serves the whole command.
 *
 * The daemon reads specs as root, so this reads only what a spec can be: regular files inside the
 * repo, bounded in size and number. Everything else (a folder named `web.yml`, a FIFO, a broken or
 * looping link, a link out of the repo, an unreadable or huge file) becomes a one-line diagnostic
 * naming the file, never a stack trace, a hang or a byte of what lies outside the repo.
 */
import { closeSync, constants, fstatSync, openSync, readSync, type Dirent, type Stats } from "node:fs";
import { open, opendir, realpath, stat, type FileHandle } from "node:fs/promises";
import { join, relative } from "node:path";
import { hasErrors, sortDiagnostics, type Diagnostic } from "../core/diagnostics.ts";
import type { SpecFile } from "../core/load.ts";
import { describeIgnoredSpecFile, SPEC_KIND_SINGULAR } from "../core/load-names.ts";
import { SPEC_KINDS, type SpecKind } from "../core/specs.ts";
import { errnoCode, openedInside, resolveInside, type InsidePath } from "./inside-path.ts";
import { SpecError, UserError } from "./errors.ts";

/** The largest spec file read; the biggest real spec is a few KiB. */
export const MAX_SPEC_FILE_BYTES = 1024 * 1024;
/** The most spec files read from one repo (the large benchmark repo has 1,550). */
export const MAX_SPEC_FILES = 20_000;
/** The most entries looked at in one kind folder, spec or not. */
export const MAX_FOLDER_ENTRIES = 100_000;

/** The spec files of a repo and the problems met while reading it (errors and warnings). */
export interface SpecsFolder {
  files: SpecFile[];
  diagnostics: Diagnostic[];
}

// O_NOFOLLOW: a link swapped in after the checks is not followed. O_NONBLOCK: a FIFO swapped in can never block.
const OPEN_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK | constants.O_NOCTTY;
// O_NOFOLLOW on a folder: a kind folder swapped for a link after it was resolved is not opened.
const FOLDER_FLAGS = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW;
// Files read between two turns of the event loop (a few ms of synchronous reads).
const YIELD_EVERY = 256;

/** Every spec file of the repo at `root`, with paths relative to it; throws a SpecError when any could not be read. */
export async function readSpecsFolder(root: string): Promise<SpecFile[]> {
  const folder = await readSpecsRepo(root);
  if (hasErrors(folder.diagnostics)) throw new SpecError(folder.diagnostics, root);
  return folder.files;
}

/** Limits of readSpecsRepo(), for tests; the defaults are the exported constants. */
export interface ReadSpecsOptions {
  maxFiles?: number;
}

/** Every spec file of the repo at `root`, plus a diagnostic for each file that is not read and why. */
export async function readSpecsRepo(root: string, options: ReadSpecsOptions = {}): Promise<SpecsFolder> {
  const maxFiles = options.maxFiles ?? MAX_SPEC_FILES;
  const realRoot = await realpath(root).catch(() => undefined);
  const info = realRoot === undefined ? undefined : await stat(realRoot).catch(() => undefined);
  if (realRoot === undefined || !info?.isDirectory()) {
    const why = info ? "it is not a folder" : "no such folder";
    throw new UserError(`Cannot read specs at "${root}": ${why}. Pass the path of a specs repo (with apps/, libs/, services/, bundles/)`);
  }
  const diagnostics: Diagnostic[] = [];
  const folders: FileHandle[] = [];
  try {
    const perKind: Entry[][] = [];
    for (const kind of SPEC_KINDS) perKind.push(await listKind(realRoot, kind, { diagnostics, folders }));
    let entries = perKind.flat();
    if (entries.length > maxFiles) {
      // A partial read would make an arbitrary model; name the biggest folder, as that is where to split.
      const biggest = perKind.reduce((a, b) => (b.length > a.length ? b : a));
      const message = `the repo holds ${entries.length} spec files, more than the ${maxFiles} dusty reads, so none is read: split the repo`;
      diagnostics.push(wholeFile(`${biggest[0]!.kind}/`, message));
      entries = [];
    }
    const files: SpecFile[] = [];
    // One file after the other, each read synchronously: spec files are small and usually cached, so
    // the four calls per file take microseconds, where a promise per call through the thread pool cost
    // ~50 ms for the 1,550 files of the benchmark repo (bench/compile.ts).
    for (const [index, entry] of entries.entries()) {
      // The daemon reads specs for one client while others wait for answers: let them in now and then.
      if (index > 0 && index % YIELD_EVERY === 0) await new Promise((resolve) => setImmediate(resolve));
      let result: Read;
      try {
        result = await readSpecFile(realRoot, entry);
      } catch (error) {
        result = `cannot read this file: ${describeErrno(errnoCode(error))}`;
      }
      if (typeof result === "string") diagnostics.push(wholeFile(entry.path, result));
      else if ("message" in result) diagnostics.push({ ...wholeFile(entry.path, result.message), line: result.line, col: result.col });
      else files.push({ path: entry.path, text: result.text });
    }
    return { files, diagnostics: sortDiagnostics(diagnostics) };
  } finally {
    await Promise.all(folders.map((f) => f.close()));
  }
}

/** One `.yml` entry of a kind folder: its repo path, how to open it, and its type from the folder listing. */
interface Entry {
  kind: SpecKind;
  /** `apps/web.yml`, for diagnostics and the loader. */
  path: string;
  /** The path to open: through the open folder's descriptor on Linux, so a folder swapped later is not followed. */
  open: string;
  /** The path below the repo's real root, for resolving a link. */
  relative: string;
  type: Dirent;
}

/** The `.yml` entries of one kind folder, sorted, with diagnostics for the folder and for names that cannot be specs. */
async function listKind(realRoot: string, kind: SpecKind, out: { diagnostics: Diagnostic[]; folders: FileHandle[] }): Promise<Entry[]> {
  const { diagnostics } = out;
  const where = await resolveInside(realRoot, kind);
  if (where.kind === "missing" && !where.viaLink) return []; // no folder: no specs of this kind, as in Dusty
  if (where.kind !== "found" || !where.info.isDirectory()) {
    const expected = `expected a folder of ${SPEC_KIND_SINGULAR[kind]} specs (${kind}/<name>.yml)`;
    const why = where.kind === "found" ? `it is ${describeType(where.info)}: make it a folder, or remove it` : describePlace(where);
    diagnostics.push(wholeFile(kind, `${expected}, but ${why}`));
    return [];
  }
  const listed: Dirent[] = [];
  let prefix: string;
  try {
    const folder = await open(where.path, FOLDER_FLAGS);
    out.folders.push(folder);
    if (!openedInside(realRoot, folder.fd)) {
      diagnostics.push(wholeFile(kind, `expected a folder of ${SPEC_KIND_SINGULAR[kind]} specs, but ${describePlace({ kind: "outside" })}`));
      return [];
    }
    prefix = process.platform === "linux" ? `/proc/self/fd/${folder.fd}` : where.path;
    // bufferSize: the listing comes in batches, not one call per entry.
    for await (const entry of await opendir(prefix, { bufferSize: 1024 })) {
      if (listed.length === MAX_FOLDER_ENTRIES) {
        diagnostics.push(wholeFile(`${kind}/`, `more than ${MAX_FOLDER_ENTRIES} entries: dusty looks at the first ${MAX_FOLDER_ENTRIES} only; remove what is not a spec`));
        break;
      }
      listed.push(entry);
    }
  } catch (error) {
    diagnostics.push(wholeFile(`${kind}/`, `cannot list this folder: ${describeErrno(errnoCode(error))}`));
    return [];
  }
  const ymls = new Set(listed.map((e) => e.name).filter((n) => n.endsWith(".yml")));
  const entries: Entry[] = [];
  for (const entry of listed.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const name = entry.name;
    const shown = `${kind}/${escapeName(name)}`;
    const ignored = describeIgnoredSpecFile(kind, name, (n) => ymls.has(n));
    if (ignored) diagnostics.push({ ...wholeFile(shown, ignored), severity: "warning" });
    if (!ymls.has(name)) continue;
    // A name holding a line break would split its own diagnostic in two (and could forge another one).
    if (shown !== `${kind}/${name}`) {
      diagnostics.push(wholeFile(shown, "file name holds control characters or bytes that are not UTF-8: rename it"));
      continue;
    }
    entries.push({ kind, path: `${kind}/${name}`, open: `${prefix}/${name}`, relative: join(relative(realRoot, where.path), name), type: entry });
  }
  return entries;
}

type Read = { text: string } | { line: number; col: number; message: string } | string;

/**
 * One spec file's text, or why it is not read (a message for a whole-file diagnostic). The type from
 * the folder listing (lstat's, without a call) is checked before anything is opened: a FIFO or a
 * folder is never opened. A link is resolved inside the repo first.
 */
async function readSpecFile(realRoot: string, entry: Entry): Promise<Read> {
  const { type } = entry;
  if (type.isSymbolicLink() || !isKnownType(type)) {
    const where = await resolveInside(realRoot, entry.relative);
    if (where.kind !== "found") return `cannot read this file: ${describePlace(where)}`;
    if (!where.info.isFile()) return notRegular(where.info);
    if (where.info.size > MAX_SPEC_FILE_BYTES) return tooBig(where.info.size);
    return readOpened(realRoot, where.path, true);
  }
  if (!type.isFile()) return notRegular(type);
  return readOpened(realRoot, entry.open, false);
}

// O_NOFOLLOW and O_NONBLOCK cover a swap after the checks; fstat then confirms what was opened.
// Synchronous: see readSpecsRepo(); O_NONBLOCK keeps even a FIFO swapped in from blocking the thread.
function readOpened(realRoot: string, path: string, checkWhere: boolean): Read {
  let fd: number;
  try {
    fd = openSync(path, OPEN_FLAGS);
  } catch (error) {
    return `cannot read this file: ${describeErrno(errnoCode(error))}`;
  }
  try {
    const opened = fstatSync(fd);
    if (!opened.isFile()) return "cannot read this file: it changed while it was being read: run the command again";
    if (checkWhere && !openedInside(realRoot, fd)) return `cannot read this file: ${describePlace({ kind: "outside" })}`;
    if (opened.size > MAX_SPEC_FILE_BYTES) return tooBig(opened.size);
    // Read at most one byte past the limit: the size from stat can be stale, so the limit is checked on what was read.
    const buffer = Buffer.allocUnsafe(Math.min(opened.size, MAX_SPEC_FILE_BYTES) + 1);
    let length = 0;
    while (length < buffer.length) {
      const wanted = buffer.length - length;
      const bytesRead = readSync(fd, buffer, length, wanted, length);
      length += bytesRead;
      if (bytesRead < wanted) break; // a regular file reads short only at its end
    }
    if (length > MAX_SPEC_FILE_BYTES) return tooBig(length);
    if (length === buffer.length) return "cannot read this file: it grew while it was being read: run the command again";
    return decodeText(buffer.subarray(0, length));
  } catch (error) {
    return `cannot read this file: ${describeErrno(errnoCode(error))}`;
  } finally {
    closeSync(fd);
  }
}

function notRegular(type: FileType): string {
  return `cannot read this file: it is ${describeType(type)}, and only regular files are read as specs: remove it, or rename it so it does not end in .yml`;
}

const UTF8 = new TextDecoder("utf-8", { fatal: true });

// YAML is Unicode text; a byte that is not UTF-8 would silently become U+FFFD inside a value.
function decodeText(bytes: Uint8Array): { text: string } | { line: number; col: number; message: string } {
  try {
    return { text: UTF8.decode(bytes) };
  } catch {
    const text = new TextDecoder("utf-8").decode(bytes);
    const bad = Math.max(0, text.indexOf("\ufffd"));
    const before = text.slice(0, bad).split("\n");
    return { line: before.length, col: before.at(-1)!.length + 1, message: "cannot read this file: it is not UTF-8 text (a byte here is not UTF-8): save it as UTF-8" };
  }
}

function tooBig(size: number): string {
  return `cannot read this file: it is ${size} bytes, over the 1 MiB limit for a spec file: make it smaller (a spec is a few KiB)`;
}

// What sits at a path, in words; never the target of a link (it may name a root-only file).
function describePlace(where: Exclude<InsidePath, { kind: "found" }>): string {
  switch (where.kind) {
    case "missing":
      return where.viaLink ? "it is a broken symbolic link (nothing at the end of it): remove it, or point it inside the specs repo" : "it vanished while the repo was read: run the command again";
    case "outside":
      return "it is a symbolic link that leads out of the specs repo, and dusty reads only files inside it: copy it into the repo, or link to something inside it with a relative path";
    case "loop":
      return "it is a symbolic link loop (too many links): remove the loop";
    case "error":
      return describeErrno(where.code);
  }
}

/** What Stats and Dirent both say about a file's type. */
type FileType = Pick<Stats, "isFile" | "isDirectory" | "isFIFO" | "isSocket" | "isCharacterDevice" | "isBlockDevice" | "isSymbolicLink">;

// Some file systems list entries without a type (DT_UNKNOWN): those are looked at with lstat.
function isKnownType(type: FileType): boolean {
  return type.isFile() || type.isDirectory() || type.isFIFO() || type.isSocket() || type.isCharacterDevice() || type.isBlockDevice() || type.isSymbolicLink();
}

function describeType(info: FileType): string {
  if (info.isDirectory()) return "a folder";
  if (info.isFIFO()) return "a named pipe (FIFO)";
  if (info.isSocket()) return "a socket";
  if (info.isCharacterDevice() || info.isBlockDevice()) return "a device";
  if (info.isFile()) return "a file";
  return "not a regular file";
}

function describeErrno(code: string): string {
  if (code === "EACCES" || code === "EPERM") return "permission denied: make it readable, or remove it";
  if (code === "ELOOP") return "it is a symbolic link, and links are checked before reading: run the command again";
  return `${code}: check the file, or remove it`;
}

// JSON's escapes for control characters, so the name stays on its line; U+FFFD marks bytes that were not UTF-8.
function escapeName(name: string): string {
  return /[\u0000-\u001f\u007f\ufffd]/.test(name) ? JSON.stringify(name).slice(1, -1) : name;
}

function wholeFile(file: string, message: string): Diagnostic {
  return { file, line: 0, col: 0, keyPath: "", message, severity: "error" };
}
