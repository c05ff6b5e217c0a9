/**
 * The files `up` saves and `stop`, `dump` and a failed `up` look at again (the compose file, the
 * environment state, the hosts file, the config): read them if they are there, rewrite one only when
 * it changed, put one back as it was. Writes go through atomic-write.ts.
 */
import { readFile, rm } from "node:fs/promises";
import { readRegularFile, writeFileAtomic } from "./atomic-write.ts";

/** The bytes at `path`; undefined when it cannot be read (missing, a folder, no rights). */
export function readFileIfAny(path: string): Promise<Buffer | undefined> {
  return readFile(path).catch(() => undefined);
}

/**
 * The bytes of the regular file at `path`; undefined when it is missing, unreadable or not a regular
 * file. Never a plain read: it serves files read before they are checked, and a FIFO there must not hang.
 */
export function readRegularFileIfAny(path: string): Promise<Buffer | undefined> {
  return readRegularFile(path).catch(() => undefined);
}

/** Writes `data` to `path` (atomically, mode 0644) unless the file already holds exactly that; a failed write throws. */
export async function writeFileIfChanged(path: string, data: string | Uint8Array): Promise<void> {
  const now = await readFileIfAny(path);
  if (now !== undefined && sameBytes(now, typeof data === "string" ? Buffer.from(data) : data)) return;
  await writeFileAtomic(path, data, { mode: 0o644 });
}

/**
 * Puts `path` back to `bytes` (undefined: the file did not exist, so it is removed), unless it holds
 * them already. Best effort: what it could not put back shows when the caller compares the files after.
 */
export async function putBackFile(path: string, bytes: Uint8Array | undefined): Promise<void> {
  if (sameBytes(await readRegularFileIfAny(path), bytes)) return;
  await (bytes === undefined ? rm(path, { force: true }) : writeFileAtomic(path, bytes, { mode: 0o644 })).catch(() => {});
}

/** True when both are missing, or both hold the same bytes. */
export function sameBytes(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return Buffer.compare(a, b) === 0;
}
