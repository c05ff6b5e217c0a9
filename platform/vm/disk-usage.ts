/**
 * Disk space as `df -h` prints it (`disk inspect`, test/containers-disk.test.ts), parsed the
 * same way for this machine and for a VM, so `disk inspect` and the low-disk warning read the same.
 */

/** One filesystem's space, with sizes as df prints them ("18.2G", "512M"). */
export interface DiskUsage {
  total: string;
  used: string;
  free: string;
  /** Like "23%". */
  usagePercent: string;
  /** Under `LOW_DISK_BYTES` free. */
  low: boolean;
}

/** Below this much free space `up` warns. Dusty's rule (free shown in M or K) means the same under `df -h`. */
export const LOW_DISK_BYTES = 1024 ** 3;

const UNITS = "BKMGTPEZY";
// Filesystem and mount point may hold spaces, so anchor on the four numeric columns and the percentage.
const DF_LINE = /^(.*?)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\d+%|-)(?:\s+(.*))?$/;

/** Parses the first data line of `df -h` / `df -P -h` output (a header line is skipped). */
export function parseDfOutput(output: string): DiskUsage {
  const lines = output.split("\n").map((line) => line.trim()).filter((line) => line !== "" && !/^Filesystem\s/.test(line));
  const match = lines[0] === undefined ? null : DF_LINE.exec(lines[0]);
  if (!match) throw new Error(`Cannot read disk usage: unexpected df output ${JSON.stringify(output.slice(0, 200))}`);
  const [, , total, used, free, usagePercent] = match as unknown as [string, string, string, string, string, string];
  return { total, used, free, usagePercent, low: parseSize(free) < LOW_DISK_BYTES };
}

/**
 * Bytes in a df -h size ("1.5G", "512M", "0", "1,5G" in some locales); units are powers of 1024 as df -h
 * prints them. An unreadable size counts as 0, so a strange df warns rather than staying silent.
 */
export function parseSize(text: string): number {
  const match = /^(\d+(?:[.,]\d+)?)([A-Za-z]?)i?B?$/.exec(text.trim());
  if (!match) return 0;
  const power = UNITS.indexOf((match[2] || "B").toUpperCase());
  return power < 0 ? 0 : Number(match[1]!.replace(",", ".")) * 1024 ** power;
}

/** The text of `dusty disk inspect`, as Dusty printed it. */
export function formatDiskUsage(usage: DiskUsage): string {
  return `Usage: ${usage.usagePercent}\nTotal Size: ${usage.total}\nUsed: ${usage.used}\nFree: ${usage.free}`;
}
