/**
 * The loop of `dusty watch`: file events of each watched repo gathered over a short quiet window, then
 * one sync per batch of only the changed paths into the Docker host (a full sync of a repo when its
 * watcher may have missed events or the batch is too big to list), one line per batch. One batch runs
 * at a time; what changes meanwhile, even in a file being copied, goes into the next one.
 */
import { errorMessage, UserError } from "../../../platform/errors.ts";
import { eventsMayBeLost, outermostPaths, watchTree, type TreeWatcher } from "../../../platform/tree-watcher.ts";
import type { DockerHost } from "../../../platform/vm/index.ts";

/** One repo the session keeps in sync. */
export interface WatchedRepo {
  url: string;
  /** Its short name, for the batch lines. */
  name: string;
  /** The local checkout (the override). */
  local: string;
  /** Where containers mount it on the Docker host. */
  dest: string;
}

/** How a session reports and what it does after a batch. */
export interface WatchSessionOptions {
  host: DockerHost;
  /** Ends the session: Ctrl-C, a dropped client, `dusty stop`. */
  signal: AbortSignal;
  /** One line per batch (and per failure). */
  report(line: string): void;
  /** Called after a batch with the repos it synced, e.g. to restart their apps. */
  afterBatch?(urls: string[]): Promise<void>;
  /** How long no event must come before a batch starts (ms). */
  quietMs?: number;
  /** A batch starts at the latest this long after its first event, even while events keep coming (ms). */
  maxWaitMs?: number;
}

/** Quiet enough to gather an editor's save (temp file, rename, chmod) into one batch, short enough not to be felt. */
const QUIET_MS = 15;
const MAX_WAIT_MS = 200;
/**
 * Past this many changed paths in one repo, one full rsync replaces the list. Not lower: measured on a
 * 20,000-file repo, a listed rsync of N new files stayed cheaper than one full rsync for N up to 4,000,
 * idle and under load (a full one walks every file; under load it took 1-5 s), and batches grow as
 * events that come during a sync join the next one.
 */
export const FULL_SYNC_PATHS = 4000;
/** The flood rule counts events this close together (a batch's own span when no sync delays it). */
const FLOOD_WINDOW_MS = MAX_WAIT_MS;

/** Watches the repos until the signal aborts; the watchers start before the first full sync, so nothing changed during it is missed. */
export async function runWatchSession(repos: readonly WatchedRepo[], options: WatchSessionOptions): Promise<void> {
  const { host, signal, report } = options;
  const quietMs = options.quietMs ?? QUIET_MS;
  const maxWaitMs = options.maxWaitMs ?? MAX_WAIT_MS;
  const pending = new Map<string, Set<string>>();
  // url → raw events of the current flood window: counted per window, not per batch, since a batch also
  // holds what came during a slow sync, and those events were received, not lost.
  const floodWindows = new Map<string, { start: number; events: number }>();
  const full = new Map<string, string>(); // url → why a full sync is needed
  let timer: ReturnType<typeof setTimeout> | undefined;
  let firstPendingAt: number | undefined;
  let running: Promise<void> | undefined;
  let again = false;

  const schedule = () => {
    if (signal.aborted) return;
    // During a sync, events only gather: the sync's end starts their batch's quiet window (track()).
    if (running) {
      again = true;
      return;
    }
    const now = performance.now();
    firstPendingAt ??= now;
    clearTimeout(timer);
    timer = setTimeout(flush, Math.max(0, Math.min(quietMs, firstPendingAt + maxWaitMs - now)));
  };
  const flush = () => {
    timer = undefined;
    if (running) {
      again = true; // after the batch in flight
      return;
    }
    firstPendingAt = undefined;
    track(syncBatch());
  };
  /**
   * Makes `work` the sync in flight: batches wait for it. Events that came meanwhile become one batch
   * after it, gathered as any other (quiet window, capped at maxWaitMs from the sync's end): starting it
   * at once split a burst (a checkout, a build writing thousands of files) into many small back-to-back
   * rsyncs, each paying rsync's start and walk again, which under load fell far behind the writer.
   */
  const track = (work: Promise<void>) => {
    running = work.finally(() => {
      running = undefined;
      if (again && !signal.aborted) {
        again = false;
        firstPendingAt = undefined;
        schedule();
      }
    });
    return running;
  };

  const syncBatch = async () => {
    const batch = repos.flatMap((repo) => {
      const paths = pending.get(repo.url) ?? new Set<string>();
      pending.delete(repo.url);
      const why = full.get(repo.url) ?? (paths.size > FULL_SYNC_PATHS ? `${paths.size} changes` : undefined);
      full.delete(repo.url);
      if (why === undefined && paths.size === 0) return [];
      return [{ repo, paths, why }];
    });
    if (batch.length === 0) return;
    const started = performance.now();
    const synced: typeof batch = [];
    await Promise.all(
      batch.map(async (item) => {
        const { repo } = item;
        try {
          if (item.why !== undefined) await host.syncIn(repo.local, repo.dest, { excludeNestedGit: true, signal });
          else await host.syncPathsIn(repo.local, repo.dest, outermostPaths(item.paths), { excludeNestedGit: true, signal });
          synced.push(item);
        } catch (error) {
          if (signal.aborted) return;
          // The next event of this repo brings a full sync, so a failed list is never half-applied for good.
          full.set(repo.url, "the last sync failed");
          report(`Cannot sync ${repo.name}: ${errorMessage(error)}. Watching goes on; the next change syncs it in full`);
        }
      }),
    );
    if (signal.aborted || synced.length === 0) return;
    report(describeBatch(synced, Math.round(performance.now() - started)));
    await options.afterBatch?.(synced.map((item) => item.repo.url)).catch((error: unknown) => {
      if (!signal.aborted) report(`Cannot finish the batch: ${errorMessage(error)}. Watching goes on`);
    });
  };

  /** Counts one event; a flood of them close together asks for a full sync, as a lost event does. */
  const countForFlood = (url: string) => {
    const now = performance.now();
    let window = floodWindows.get(url);
    if (!window || now - window.start > FLOOD_WINDOW_MS) floodWindows.set(url, (window = { start: now, events: 0 }));
    window.events++;
    if (eventsMayBeLost(window.events) && !full.has(url)) full.set(url, `${window.events} events within ${FLOOD_WINDOW_MS} ms: the kernel's queue may have overflowed`);
  };

  const watchers: TreeWatcher[] = [];
  let failed: ((reason: string) => void) | undefined;
  const failure = new Promise<string>((resolve) => (failed = resolve));
  try {
    for (const repo of repos) {
      watchers.push(
        watchTree(repo.local, {
          onPath(path) {
            let paths = pending.get(repo.url);
            if (!paths) pending.set(repo.url, (paths = new Set()));
            paths.add(path);
            countForFlood(repo.url);
            schedule();
          },
          onLost(reason) {
            full.set(repo.url, reason);
            schedule();
          },
          onFailed: (reason) => failed?.(`${repo.name}: ${reason}`),
        }),
      );
    }
    const started = performance.now();
    // The start's full sync: the host matches the checkouts before the first event is handled.
    await track(Promise.all(repos.map((repo) => host.syncIn(repo.local, repo.dest, { excludeNestedGit: true, signal }))).then(() => {}));
    report(`synced ${repos.map((r) => r.name).join(", ")} in full (${Math.round(performance.now() - started)} ms); watching for changes (Ctrl-C stops)`);
    const ended = new Promise<void>((resolve) => {
      if (signal.aborted) resolve();
      else signal.addEventListener("abort", () => resolve(), { once: true });
    });
    const why = await Promise.race([ended.then(() => undefined), failure]);
    if (why !== undefined) throw new UserError(`Stopped watching: the watcher of ${why}. Start \`dusty watch\` again`);
  } finally {
    for (const watcher of watchers) watcher.close();
    clearTimeout(timer);
    // The sync in flight was started with the same signal, so it is being killed: wait for it to end.
    await running?.catch(() => {});
  }
}


function describeBatch(items: { repo: WatchedRepo; paths: Set<string>; why?: string }[], ms: number): string {
  const listed = items.filter((item) => item.why === undefined);
  const whole = items.filter((item) => item.why !== undefined);
  const parts: string[] = [];
  if (listed.length > 0) {
    const count = listed.reduce((sum, item) => sum + item.paths.size, 0);
    parts.push(`synced ${count} file${count === 1 ? "" : "s"} to ${listed.map((item) => item.repo.name).join(", ")}`);
  }
  for (const item of whole) parts.push(`synced ${item.repo.name} in full (${item.why})`);
  return `${parts.join("; ")} (${ms} ms)`;
}
