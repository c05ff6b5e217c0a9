/**
 * The OS's file events for a whole tree (inotify on Linux, FSEvents on macOS) through `fs.watch` with
 * `recursive`: Bun adds a watch for each folder created later, so nothing polls the tree. `.git` folders
 * are left out at every level, as git writes there on every status and fetch.
 *
 * Neither Bun's `fs.watch` nor inotifywait (3.22, measured) reports the kernel's IN_Q_OVERFLOW: both drop
 * that record without a word. Bun reads the queue on a thread of its own, so it overflows only under a
 * flood of events, and an overflow means the queue (fs.inotify.max_queued_events, 16,384 by default)
 * filled up and was then delivered: `eventsMayBeLost()` turns that many events close together into the
 * same full sync an overflow record would have asked for.
 */
import { watch, type FSWatcher } from "node:fs";
import { UserError } from "./errors.ts";

/** What a watcher reports. */
export interface TreeWatchHandlers {
  /** A path (relative to the root, "/"-separated) was created, changed, deleted or renamed (from or to). */
  onPath(path: string): void;
  /** Events may have been missed: sync the whole tree. */
  onLost(reason: string): void;
  /** The watcher stopped by itself (an error closed it): nothing is watched any more. */
  onFailed(reason: string): void;
}

/** A running watch; `close()` ends it, and no handler is called afterwards. */
export interface TreeWatcher {
  close(): void;
}

/** Starts watching the tree at `root` (in place when it returns); throws when it cannot be watched at all. */
export function watchTree(root: string, handlers: TreeWatchHandlers): TreeWatcher {
  let closed = false;
  let watcher: FSWatcher;
  try {
    watcher = watch(root, { recursive: true, encoding: "utf8" }, onEvent);
  } catch (error) {
    throw new UserError(`Cannot watch ${root}: ${describeWatchError(error)}`);
  }
  function onEvent(_event: string, filename: string | null): void {
    if (closed) return;
    if (filename === null || filename === undefined) {
      handlers.onLost("the watcher reported a change without a path");
      return;
    }
    const path = String(filename).replaceAll("\\", "/");
    if (path === "" || path.split("/").includes(".git")) return;
    handlers.onPath(path);
  }
  // After an error the watcher is closed (ENOSPC: no inotify watches left, the folder went away).
  watcher.on("error", (error: Error) => {
    if (!closed) handlers.onFailed(`the watcher failed: ${describeWatchError(error)}`);
  });
  return {
    close() {
      closed = true;
      watcher.close();
    },
  };
}

/** What went wrong, with the fix for the errors that have one. */
function describeWatchError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === "ENOSPC") return `${message}: no inotify watches left. Raise the limit (\`sudo sysctl fs.inotify.max_user_watches=524288\`) and try again`;
  if (code === "ENOENT") return "no such folder. Check the repo's override with `dusty repos list`";
  return message;
}

/**
 * A quarter of the kernel's default queue: the least number of events, arriving in one batch, that an
 * overflow leaves behind it (with room for Bun coalescing some). Below it nothing was lost.
 */
export const FLOOD_EVENTS = 4096;

/** True when a batch saw so many events that the kernel's queue may have overflowed and dropped some. */
export function eventsMayBeLost(eventCount: number): boolean {
  return eventCount >= FLOOD_EVENTS;
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
