/** Repo arguments typed on the command line: a relative folder becomes absolute, a URL stays as typed. */
import { resolve } from "node:path";

/**
 * `./specs` or `../specs` → an absolute path against `cwd`; anything else (a URL, `github.com/org/repo`,
 * an absolute path) unchanged. Only an explicit `.` prefix marks a relative folder, since
 * `github.com/org/repo` is a repo name, not a folder.
 */
export function absoluteRepoArg(value: string, cwd: string): string {
  return value === "." || value === ".." || value.startsWith("./") || value.startsWith("../") ? resolve(cwd, value) : value;
}
