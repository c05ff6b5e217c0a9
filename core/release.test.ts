import { describe, expect, test } from "bun:test";
import {
  compareVersions,
  decideUpgrade,
  parseReleaseIndex,
  parseSha256Sums,
  releaseTargetFor,
  tarballName,
} from "./release.ts";

const HEX_A = "a".repeat(64);
const HEX_B = "0123456789abcdef".repeat(4);

describe("release", () => {
  test("tarballName() names the version and the target", () => {
    expect(tarballName("1.2.3", "darwin-arm64")).toBe("dusty-1.2.3-darwin-arm64.tar.gz");
  });

  test("releaseTargetFor() maps process.platform and process.arch, and knows only the four targets", () => {
    expect(releaseTargetFor("linux", "x64")).toBe("linux-x64");
    expect(releaseTargetFor("darwin", "arm64")).toBe("darwin-arm64");
    expect(releaseTargetFor("win32", "x64")).toBeUndefined();
    expect(releaseTargetFor("linux", "ia32")).toBeUndefined();
  });

  test("parseSha256Sums() reads sha256sum's text and binary forms, and skips other lines", () => {
    const text = `${HEX_A}  dusty-1.0.0-linux-x64.tar.gz\n${HEX_B.toUpperCase()} *dusty_1.0.0_amd64.deb\nnot a line\n${"f".repeat(63)}  short.tar.gz\n`;
    expect([...parseSha256Sums(text)]).toEqual([
      ["dusty-1.0.0-linux-x64.tar.gz", HEX_A],
      ["dusty_1.0.0_amd64.deb", HEX_B],
    ]);
  });

  test("compareVersions() orders by number, not text, and puts a prerelease before its release", () => {
    const sorted = ["0.10.0", "0.9.1", "1.0.0", "1.0.0-rc.10", "1.0.0-rc.2", "1.0.0-beta", "0.9.10"].sort(compareVersions);
    expect(sorted).toEqual(["0.9.1", "0.9.10", "0.10.0", "1.0.0-beta", "1.0.0-rc.2", "1.0.0-rc.10", "1.0.0"]);
    expect(compareVersions("1.2.3", "1.2.3")).toBe(0);
    expect(() => compareVersions("1.2", "1.2.3")).toThrow('Cannot compare versions "1.2" and "1.2.3"');
  });

  test("parseReleaseIndex() takes latest and versions, and words each problem", () => {
    expect(parseReleaseIndex(`{"latest":"0.2.0","versions":["0.1.0","0.2.0"]}`)).toEqual({ latest: "0.2.0", versions: ["0.1.0", "0.2.0"] });
    expect(parseReleaseIndex(`{"latest":"0.2.0"}`)).toEqual({ latest: "0.2.0", versions: ["0.2.0"] });
    expect(parseReleaseIndex("<html>")).toEqual({ error: "it is not JSON" });
    expect(parseReleaseIndex(`{"latest":"../../etc"}`)).toEqual({ error: `"latest" is not a version like 1.2.3` });
    expect(parseReleaseIndex(`{"latest":"1.0.0","versions":[1]}`)).toEqual({ error: `"versions" holds 1, not a version like 1.2.3` });
  });

  test("decideUpgrade() installs newer versions, and older or equal ones only with force", () => {
    expect(decideUpgrade("0.1.0", "0.2.0")).toEqual({ action: "install", version: "0.2.0", direction: "upgrade" });
    expect(decideUpgrade("0.2.0", "0.1.0")).toEqual({ action: "none", why: "older" });
    expect(decideUpgrade("0.2.0", "0.2.0")).toEqual({ action: "none", why: "installed" });
    expect(decideUpgrade("0.2.0", "0.1.0", { force: true })).toEqual({ action: "install", version: "0.1.0", direction: "downgrade" });
    expect(decideUpgrade("0.2.0", "0.2.0", { force: true })).toEqual({ action: "install", version: "0.2.0", direction: "reinstall" });
  });
});
