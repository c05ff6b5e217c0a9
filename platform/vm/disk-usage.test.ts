import { expect, test } from "bun:test";
import { formatDiskUsage, LOW_DISK_BYTES, parseDfOutput, parseSize } from "./disk-usage.ts";

test("parseDfOutput() reads the line `df -h | grep /dev/sda1` prints in a boot2docker VM", () => {
  expect(parseDfOutput("/dev/sda1                18.2G      4.1G     13.1G  24% /mnt/sda1\n")).toEqual({
    total: "18.2G",
    used: "4.1G",
    free: "13.1G",
    usagePercent: "24%",
    low: false,
  });
});

test("parseDfOutput() skips the header of `df -P -h` and allows spaces in the mount point", () => {
  const output = "Filesystem      Size  Used Avail Use% Mounted on\n/dev/vda        252G   23G   80G  23% /mnt/my disk\n";
  expect(parseDfOutput(output)).toEqual({ total: "252G", used: "23G", free: "80G", usagePercent: "23%", low: false });
});

test("parseDfOutput() flags low disk when the free column is in M or K, as Dusty did, and when it is 0", () => {
  const line = (free: string) => `/dev/sda1 18.2G 17.7G ${free} 99% /mnt/sda1`;
  expect(parseDfOutput(line("512.0M")).low).toBe(true);
  expect(parseDfOutput(line("1023M")).low).toBe(true);
  expect(parseDfOutput(line("980K")).low).toBe(true);
  expect(parseDfOutput(line("0")).low).toBe(true);
  expect(parseDfOutput(line("1.0G")).low).toBe(false);
  expect(parseDfOutput(line("2T")).low).toBe(false);
});

test("parseDfOutput() rejects output it cannot read instead of guessing", () => {
  expect(() => parseDfOutput("")).toThrow(/unexpected df output/);
  expect(() => parseDfOutput("df: /persist: No such file or directory\n")).toThrow(/unexpected df output/);
});

test("parseSize() converts df -h sizes to bytes in powers of 1024", () => {
  expect(parseSize("1.5G")).toBe(1.5 * 1024 ** 3);
  expect(parseSize("1,5G")).toBe(1.5 * 1024 ** 3);
  expect(parseSize("512M")).toBe(512 * 1024 ** 2);
  expect(parseSize("12")).toBe(12);
  expect(parseSize("3Ki")).toBe(3 * 1024);
  expect(parseSize("garbage")).toBe(0);
  expect(parseSize("1G")).toBe(LOW_DISK_BYTES);
});

test("formatDiskUsage() prints Dusty's four lines", () => {
  const usage = parseDfOutput("/dev/sda1 18.2G 4.1G 13.1G 24% /mnt/sda1");
  expect(formatDiskUsage(usage)).toBe("Usage: 24%\nTotal Size: 18.2G\nUsed: 4.1G\nFree: 13.1G");
});
