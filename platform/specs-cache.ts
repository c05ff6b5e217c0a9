/**
 * The daemon's copy of the loaded specs, so that concurrent and repeated read-only commands do not each
 * read, parse and validate the whole specs repo again (200 concurrent `dusty status` on a 2,000-app repo
 * once took the daemon from 76 MB to 1.5 GB). One entry, for the specs folder last asked for, reused
 * while a stat pass over that folder finds the same files; concurrent requests share one load.
 *
 * Why stat and not a content hash: hashing means reading every file on every request, which is most of
 * the I/O the cache exists to save. A stat pass cannot miss an edit for these reasons:
 * - every write changes ctime, which no user can set (utimes sets mtime and atime, and itself moves ctime);
 * - path, size, mtime, ctime, inode and device are compared for every entry of every kind folder, and a
 *   symlink is compared both as a link and as its target, so renames, replacements and retargets show;
 * - what a stat cannot tell apart is two changes within one tick of the file system's clock (1-2 s on
 *   HFS+ or FAT). Like git's "racy" rule, a load whose newest change is younger than RACY_WINDOW_MS when
 *   its fingerprint was taken is used once and not kept, so such a change cannot hide behind it.
 * Specs on a network file system whose server clock runs ahead of this machine's could defeat that
 * rule; the daemon reads its managed clone or a local override, both on local disks.
 */
import type { BigIntStats } from "node:fs";
import { lstat, readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { SPEC_KINDS } from "../core/specs.ts";
import { NextCallSharing } from "./work-sharing.ts";

/** Changes younger than this, when a fingerprint is taken, may share a clock tick with a later one. */
export const RACY_WINDOW_MS = 2_000;

/** What one stat pass over a specs folder saw. */
export interface SpecsFingerprint {
  /** Equal for two passes that saw the same entries with the same stats. */
  key: string;
  /** The newest mtime or ctime seen, in ms since the epoch. */
  newestChangeMs: number;
  /** When the pass started, in ms since the epoch. */
  takenAtMs: number;
}

/**
 * Stats the folder, each kind folder and every entry in them (not only `*.yml`, so whatever the reader
 * makes of the others, a change to them shows). Throws when `root` itself cannot be stat'ed.
 */
export async function fingerprintSpecsFolder(root: string): Promise<SpecsFingerprint> {
  const takenAtMs = Date.now();
  const paths = [".", ...(await Promise.all(SPEC_KINDS.map(async (kind) => [kind, ...(await listNames(root, kind))]))).flat()];
  const stats = await Promise.all(paths.map((path) => statEntry(join(root, path), path === ".")));
  let newestNs = 0n;
  const lines = paths.map((path, i) => {
    const { link, target } = stats[i]!;
    for (const s of [link, target]) {
      if (s && s.mtimeNs > newestNs) newestNs = s.mtimeNs;
      if (s && s.ctimeNs > newestNs) newestNs = s.ctimeNs;
    }
    return `${path}\t${describeStats(link)}\t${link === target ? "" : describeStats(target)}`;
  });
  return { key: lines.join("\n"), newestChangeMs: Number(newestNs / 1_000_000n), takenAtMs };
}

/** Options of a SpecsCache. */
export interface SpecsCacheOptions<T> {
  /** Reads, parses and checks the specs at a folder. */
  load: (root: string) => Promise<T>;
  /** False runs every request's own load (a benchmark switch: DUSTY_SPEC_CACHE=0). */
  enabled?: boolean;
  /** Whether a failed load may be kept like a result: true for spec errors, which the same files repeat. */
  keepsError?: (error: unknown) => boolean;
  /** Default RACY_WINDOW_MS. */
  racyWindowMs?: number;
}

interface Entry<T> {
  root: string;
  key: string;
  result: Promise<T>;
}

/** One folder's loaded specs, reused while its fingerprint holds; concurrent callers share one load. */
export class SpecsCache<T> {
  readonly #options: SpecsCacheOptions<T>;
  #entry: Entry<T> | undefined;
  // 200 commands arriving together need one stat pass, not 200 (each is thousands of stats).
  readonly #passes = new NextCallSharing();

  constructor(options: SpecsCacheOptions<T>) {
    this.#options = options;
  }

  /** The specs at `root`: the kept (or in-flight) load when the folder has not changed, else a new load. */
  async get(root: string): Promise<T> {
    const { load, enabled = true, keepsError = () => false, racyWindowMs = RACY_WINDOW_MS } = this.#options;
    if (!enabled) return load(root);
    let fingerprint: SpecsFingerprint;
    try {
      fingerprint = await this.#passes.run(root, () => fingerprintSpecsFolder(root));
    } catch {
      // No folder to fingerprint: the load says what is wrong with it, in the reader's words.
      this.#entry = undefined;
      return load(root);
    }
    const kept = this.#entry;
    if (kept && kept.root === root && kept.key === fingerprint.key) return kept.result;
    const result = load(root);
    const racy = fingerprint.newestChangeMs >= fingerprint.takenAtMs - racyWindowMs;
    if (racy) {
      this.#entry = undefined;
      return result;
    }
    const entry: Entry<T> = { root, key: fingerprint.key, result };
    this.#entry = entry;
    result.catch((error) => {
      // An I/O failure may not happen again; only a verdict on the files themselves is kept.
      if (!keepsError(error) && this.#entry === entry) this.#entry = undefined;
    });
    return result;
  }
}

async function statEntry(path: string, mustExist: boolean): Promise<{ link: BigIntStats | null; target: BigIntStats | null }> {
  const link = await lstat(path, { bigint: true }).catch((error: unknown) => {
    if (mustExist) throw error;
    return null;
  });
  const target = link?.isSymbolicLink() ? await stat(path, { bigint: true }).catch(() => null) : link;
  return { link, target };
}

function describeStats(s: BigIntStats | null): string {
  if (!s) return "-";
  return `${s.mode.toString(8)} ${s.size} ${s.mtimeNs} ${s.ctimeNs} ${s.ino} ${s.dev}`;
}

async function listNames(root: string, kind: string): Promise<string[]> {
  try {
    return (await readdir(join(root, kind))).sort().map((name) => `${kind}/${name}`);
  } catch {
    // Not a folder (or gone): its own stat line already records what is there.
    return [];
  }
}
