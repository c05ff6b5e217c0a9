import { expect, test } from "bun:test";
import { join } from "node:path";
import { HEAVY_PACKAGES, startupPackages } from "../../test/startup-packages.ts";
import { describeConnectFailure } from "./call.ts";

const errno = (code: string) => Object.assign(new Error("Failed to connect"), { code });

test("describeConnectFailure() names the path and the reason, and says how to fix it", () => {
  expect(describeConnectFailure("/run/d.sock", errno("ENOENT"))).toBe(
    'Cannot connect to the dusty daemon at "/run/d.sock": no such file. Start it with `sudo dusty -d`',
  );
  expect(describeConnectFailure("/run/d.sock", errno("ECONNREFUSED"))).toBe(
    'Cannot connect to the dusty daemon at "/run/d.sock": connection refused. Start it with `sudo dusty -d`',
  );
  expect(describeConnectFailure("/run/d.sock", errno("EACCES"))).toBe(
    'Cannot connect to the dusty daemon at "/run/d.sock": permission denied. ' +
      'Run dusty with sudo, or ask an admin to add you to the group "dusty" (then log in again)',
  );
});

test("cmd/version.ts and cmd/client/call.ts bring no heavy package into start-up, not even lazily", () => {
  const packages = startupPackages(join(import.meta.dir, "../version.ts"));
  expect(packages.has("citty")).toBe(true);
  expect([...packages].filter((p) => HEAVY_PACKAGES.includes(p))).toEqual([]);
  expect([...packages].sort()).toEqual(["citty", "node:fs", "node:path"]);
});
