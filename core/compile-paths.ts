/**
 * POSIX path arithmetic for the compilers. core/ cannot import node:path, and every path the compilers
 * build (host volumes, build contexts, container mounts) is a Linux path, so a small pure version is enough.
 */

/** Resolves "." and ".." and repeated slashes; keeps the path absolute when it was, never climbs above "/". */
export function normalizePosixPath(path: string): string {
  const absolute = path.startsWith("/");
  const parts: string[] = [];
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      // A relative path may keep leading ".." (nothing to climb out of yet); an absolute one stops at "/".
      if (parts.length > 0 && parts[parts.length - 1] !== "..") parts.pop();
      else if (!absolute) parts.push("..");
      continue;
    }
    parts.push(part);
  }
  const joined = parts.join("/");
  if (absolute) return "/" + joined;
  return joined === "" ? "." : joined;
}

/** Joins `base` and `path` the way a shell would: an absolute `path` replaces `base`. */
export function joinPosixPath(base: string, path: string): string {
  return normalizePosixPath(path.startsWith("/") ? path : `${base}/${path}`);
}
