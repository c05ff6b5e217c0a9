/**
 * Resolves a path inside a folder the way the kernel would, one component at a time, but never looks
 * at anything outside that folder. The daemon reads specs repos as root on behalf of socket-group
 * members: a link `apps/x.yml -> /etc/shadow` must not make it open, stat or even probe the target, or
 * error messages would become an oracle for root-only files. Links that stay inside are followed.
 */
import { lstat, readlink } from "node:fs/promises";
import { readlinkSync, type Stats } from "node:fs";
import { join, sep } from "node:path";
import { isErrno } from "./atomic-write.ts";

/** Where a path inside the folder leads: its real path there, or why it leads nowhere readable. */
export type InsidePath =
  | { kind: "found"; path: string; info: Stats; viaLink: boolean }
  /** Nothing at that path; `viaLink` when a symbolic link pointed there (a broken link). */
  | { kind: "missing"; viaLink: boolean }
  /** A symbolic link leads out of the folder (or uses an absolute path that is not inside it). */
  | { kind: "outside" }
  /** More than MAX_LINK_HOPS symbolic links, as the kernel's ELOOP. */
  | { kind: "loop" }
  /** Any other error, by errno code only (its message would hold absolute paths). */
  | { kind: "error"; code: string };

/** The kernel's own limit (Linux MAXSYMLINKS). */
export const MAX_LINK_HOPS = 40;

/**
 * Resolves `relative` (slash-separated) inside `realRoot`, which must be a real path (no symlinks, as
 * from `realpath`). Every lstat and readlink happens on a path below `realRoot`, whose components
 * before the last are real folders; `..` can therefore be taken lexically, and stepping above the root
 * is "outside".
 */
export async function resolveInside(realRoot: string, relative: string): Promise<InsidePath> {
  const rootParts = splitPath(realRoot);
  const done: string[] = [];
  const pending = splitPath(relative);
  let hops = 0;
  let info: Stats | undefined;
  while (pending.length > 0) {
    const part = pending.shift()!;
    if (part === ".") continue;
    if (part === "..") {
      if (done.length === 0) return { kind: "outside" };
      done.pop();
      info = undefined;
      continue;
    }
    const candidate = join(realRoot, ...done, part);
    try {
      info = await lstat(candidate);
    } catch (error) {
      if (isErrno(error, "ENOENT", "ENOTDIR")) return { kind: "missing", viaLink: hops > 0 };
      return { kind: "error", code: errnoCode(error) };
    }
    if (info.isSymbolicLink()) {
      if (++hops > MAX_LINK_HOPS) return { kind: "loop" };
      let target: string;
      try {
        target = await readlink(candidate);
      } catch (error) {
        return { kind: "error", code: errnoCode(error) };
      }
      const targetParts = splitPath(target);
      if (target.startsWith("/")) {
        // An absolute target is inside only when it spells out the root itself, component by component.
        if (!rootParts.every((p, i) => targetParts[i] === p)) return { kind: "outside" };
        done.length = 0;
        pending.unshift(...targetParts.slice(rootParts.length));
      } else {
        pending.unshift(...targetParts);
      }
      info = undefined;
      continue;
    }
    if (pending.length > 0 && !info.isDirectory()) return { kind: "missing", viaLink: hops > 0 };
    done.push(part);
  }
  const path = join(realRoot, ...done);
  try {
    info ??= await lstat(path);
  } catch (error) {
    return { kind: "error", code: errnoCode(error) };
  }
  return { kind: "found", path, info, viaLink: hops > 0 };
}

/**
 * True when the open descriptor `fd` refers to something at or below `realRoot`. Linux names the file
 * a descriptor really refers to: this catches a parent folder swapped for a link between the checks
 * and the open, which O_NOFOLLOW (last component only) cannot. Elsewhere it is always true, and the
 * component-wise checks of resolveInside() are all there is.
 */
export function openedInside(realRoot: string, fd: number): boolean {
  if (process.platform !== "linux") return true;
  let real: string;
  try {
    real = readlinkSync(`/proc/self/fd/${fd}`);
  } catch {
    return true;
  }
  return isInside(realRoot, real);
}

/** True when `path` (absolute, no symlinks) is `realRoot` or below it. */
export function isInside(realRoot: string, path: string): boolean {
  if (realRoot === sep) return path.startsWith(sep);
  return path === realRoot || path.startsWith(realRoot + sep);
}

function splitPath(path: string): string[] {
  return path.split("/").filter((p) => p !== "");
}

/** The errno code of a system error, or a word for anything else. */
export function errnoCode(error: unknown): string {
  return (error as NodeJS.ErrnoException | undefined)?.code ?? "unknown error";
}
