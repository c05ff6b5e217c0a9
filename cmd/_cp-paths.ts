/**
 * The two arguments of `dusty cp`: `path` on this machine or `NAME:/abs/path` in the container of an app
 * or service. Shared by the client (which checks early and makes local paths absolute) and the daemon
 * (which checks again, as its args come from the wire). No imports beyond node:path: the client loads it.
 */
import { isAbsolute, posix, resolve } from "node:path";

/** One side of a copy. */
export type CpEndpoint = { kind: "local"; path: string } | { kind: "container"; name: string; path: string };

/** A parsed argument, or the message that says what is wrong with it. */
export type CpParseResult = { ok: true; endpoint: CpEndpoint } | { ok: false; error: string };

/**
 * Parses one argument. Any ":" makes it a container path (as in Dusty), so local paths cannot hold one;
 * container paths must be absolute and are normalised ("/a//b/./c/" → "/a/b/c"); local ones are
 * resolved against `cwd`.
 */
export function parseCpEndpoint(text: string, cwd: string): CpParseResult {
  if (text === "") return { ok: false, error: "Cannot copy: a path is empty. Give a local path or NAME:/path/in/container" };
  const parts = text.split(":");
  if (parts.length > 2) return { ok: false, error: `Invalid path specification "${text}", expected [container:]path. Paths cannot contain ":"` };
  if (parts.length === 1) return { ok: true, endpoint: { kind: "local", path: isAbsolute(text) ? resolve(text) : resolve(cwd, text) } };
  const [name, path] = parts as [string, string];
  if (name === "") return { ok: false, error: `Invalid path specification "${text}", expected [container:]path: the name before ":" is empty` };
  if (!path.startsWith("/")) {
    return { ok: false, error: `You must provide an absolute path inside containers: got "${path}" in "${text}". Write ${name}:/path/in/container` };
  }
  const normalised = posix.normalize(path);
  return { ok: true, endpoint: { kind: "container", name, path: normalised.length > 1 ? normalised.replace(/\/+$/, "") : normalised } };
}

/** Both arguments, or the first problem: a bad argument, or two local paths (a plain `cp` does that). */
export function parseCpArgs(source: string, destination: string, cwd: string): { ok: true; source: CpEndpoint; destination: CpEndpoint } | { ok: false; error: string } {
  const from = parseCpEndpoint(source, cwd);
  if (!from.ok) return from;
  const to = parseCpEndpoint(destination, cwd);
  if (!to.ok) return to;
  if (from.endpoint.kind === "local" && to.endpoint.kind === "local") {
    return { ok: false, error: "Refusing to copy files between your local filesystem: use cp for that. One side must be NAME:/path inside a container" };
  }
  return { ok: true, source: from.endpoint, destination: to.endpoint };
}

/** How an endpoint reads in messages: the local path, or `NAME:/path`. */
export function describeCpEndpoint(endpoint: CpEndpoint): string {
  return endpoint.kind === "local" ? endpoint.path : `${endpoint.name}:${endpoint.path}`;
}
