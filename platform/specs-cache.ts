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
import { lstatSync, readdirSync, statSync, type BigIntStats } from "node:fs";
import { join } from "node:path";
import { SPEC_KINDS } from "../core/specs.ts";

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
export function fingerprintSpecsFolder(root: string): SpecsFingerprint {
  const takenAtMs = Date.now();
  let newestChangeMs = 0;
  const lines: string[] = [];
  const add = (label: string, path: string, mustExist = false) => {
    const link = statOrNull(path, lstatSync, mustExist);
    const target = link?.isSymbolicLink() ? statOrNull(path, statSync) : link;
    for (const s of [link, target]) if (s) newestChangeMs = Math.max(newestChangeMs, Number(s.mtimeNs / 1_000_000n), Number(s.ctimeNs / 1_000_000n));
    lines.push(`${label}\t${describeStats(link)}\t${link === target ? "" : describeStats(target)}`);
  };
  add(".", root, true);
  for (const kind of SPEC_KINDS) {
    add(kind, join(root, kind));
    for (const name of listNames(join(root, kind))) add(`${kind}/${name}`, join(root, kind, name));
  }
  return { key: lines.join("\n"), newestChangeMs, takenAtMs };
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

  constructor(options: SpecsCacheOptions<T>) {
    this.#options = options;
  }

  /** The specs at `root`: the kept (or in-flight) load when the folder has not changed, else a new load. */
  get(root: string): Promise<T> {
    const { load, enabled = true, keepsError = () => false, racyWindowMs = RACY_WINDOW_MS } = this.#options;
    if (!enabled) return load(root);
    let fingerprint: SpecsFingerprint;
    try {
      fingerprint = fingerprintSpecsFolder(root);
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

function statOrNull(path: string, stat: typeof lstatSync, mustExist = false): BigIntStats | null {
  try {
    return stat(path, { bigint: true });
  } catch (error) {
    if (mustExist) throw error;
    return null;
  }
}

function describeStats(s: BigIntStats | null): string {
  if (!s) return "-";
  return `${s.mode.toString(8)} ${s.size} ${s.mtimeNs} ${s.ctimeNs} ${s.ino} ${s.dev}`;
}

function listNames(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    // Not a folder (or gone): its own stat line above already records what is there.
    return [];
  }
}
