/**
 * The OS's file events for a whole tree (inotify on Linux, FSEvents on macOS) through `fs.watch` with
 * `recursive`: Bun adds a watch for each folder created later, so nothing polls the tree. `.git` folders
 * are left out at every level, as git writes there on every status and fetch.
 *
 * What the watcher cannot promise is said through `onLost`: an event without a path, or a watcher error
 * (inotify's queue overflowed, the watch limit was hit, the folder went away). Events may then have been
 * missed, and the caller must fall back to a full sync of the tree.
 */
import { watch, type FSWatcher } from "node:fs";

/** What a watcher reports. */
export interface TreeWatchHandlers {
  /** A path (relative to the root, "/"-separated) was created, changed, deleted or renamed (from or to). */
  onPath(path: string): void;
  /** Events may have been missed: sync the whole tree. */
  onLost(reason: string): void;
}

/** A running watch; `close()` ends it, and no handler is called afterwards. */
export interface TreeWatcher {
  close(): void;
}

/** Starts watching the tree at `root`; throws when it cannot be watched at all (missing folder, no watches left). */
export function watchTree(root: string, handlers: TreeWatchHandlers): TreeWatcher {
  let closed = false;
  const watcher: FSWatcher = watch(root, { recursive: true, encoding: "utf8" }, (_event, filename) => {
    if (closed) return;
    if (filename === null || filename === undefined) {
      handlers.onLost("the watcher reported a change without a path");
      return;
    }
    const path = String(filename).replaceAll("\\", "/");
    if (path === "" || path.split("/").includes(".git")) return;
    handlers.onPath(path);
  });
  watcher.on("error", (error: Error) => {
    if (!closed) handlers.onLost(`the watcher failed: ${error.message}`);
  });
  return {
    close() {
      closed = true;
      watcher.close();
    },
  };
}

/** The paths without those inside another listed path: syncing a folder brings (or deletes) all of it. */
export function outermostPaths(paths: Iterable<string>): string[] {
  const all = new Set(paths);
  const inside = (path: string): boolean => {
    const parts = path.split("/");
    for (let i = 1; i < parts.length; i++) if (all.has(parts.slice(0, i).join("/"))) return true;
    return false;
  };
  return [...all].filter((path) => !inside(path)).sort();
}
