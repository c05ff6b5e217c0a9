import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { renderHomebrewFormula } from "./homebrew-formula.ts";
import { RELEASE_TARGETS, type ReleaseTarget } from "./release.ts";

const SHA256 = Object.fromEntries(RELEASE_TARGETS.map((target, i) => [target, String(i).repeat(64)])) as Record<ReleaseTarget, string>;
const formula = renderHomebrewFormula({ version: "1.2.3", releaseUrl: "https://example.com/dusty", sha256: SHA256 });
// The plist `dusty daemon install` writes for a binary; the formula's service must start the same job.
const plist = readFileSync(join(import.meta.dir, "..", "fixtures", "_service-files", "default", "com.gamechanger.dusty.plist"), "utf8");

/** A <key>'s <string> value in the plist. */
const plistValue = (key: string) => new RegExp(`<key>${key}</key>\\s*<string>([^<]*)</string>`).exec(plist)?.[1];

describe("homebrew formula", () => {
  test("renderHomebrewFormula() points each OS and CPU at its tarball and sha256", () => {
    const blocks = [...formula.matchAll(/on_(macos|linux) do\n    on_(arm|intel) do\n      url "([^"]+)"\n      sha256 "([0-9a-f]+)"/g)];
    expect(blocks.map(([, os, cpu, url, hex]) => `${os} ${cpu} ${url} ${hex![0]}`)).toEqual([
      "macos arm #{RELEASE_URL}/#{version}/dusty-#{version}-darwin-arm64.tar.gz 0",
      "linux arm #{RELEASE_URL}/#{version}/dusty-#{version}-linux-arm64.tar.gz 3",
    ]);
    for (const target of RELEASE_TARGETS) expect(formula).toContain(`dusty-#{version}-${target}.tar.gz"\n      sha256 "${SHA256[target]}"`);
    expect(formula).toContain(`RELEASE_URL = "https://example.com/dusty".freeze`);
    expect(formula).toContain(`version "1.2.3"`);
  });

  test("renderHomebrewFormula()'s service is the launchd job `dusty daemon install` writes, as root", () => {
    const service = /\n  service do\n([\s\S]*?)\n  end\n/.exec(formula)![1]!;
    expect(service).toContain(`name macos: "${plistValue("Label")}", linux: "dusty"`);
    expect(service).toContain(`run [opt_bin/"dusty", "-d"]`);
    expect(service).toContain("require_root true");
    expect(service).toContain("keep_alive true");
    expect(service).toContain(`working_dir "${plistValue("WorkingDirectory")}"`);
    expect(service).toContain(`environment_variables PATH: "${plistValue("PATH")}", HOME: OS.mac? ? "${plistValue("HOME")}" : "/root"`);
    expect(service).toContain(`if OS.mac?\n      log_path "${plistValue("StandardOutPath")}"\n      error_log_path "${plistValue("StandardErrorPath")}"\n    end`);
    // The socket is the daemon's default in both: neither sets DUSTY_SOCKET_PATH.
    expect(`${service} ${plist}`).not.toContain("DUSTY_SOCKET_PATH");
  });

  test("renderHomebrewFormula()'s caveats say how to start the service and set up", () => {
    expect(formula).toContain("sudo brew services start dusty");
    expect(formula).toContain("dusty setup");
  });

  test("renderHomebrewFormula() refuses values that would break the Ruby or the URLs", () => {
    expect(() => renderHomebrewFormula({ version: '1"; system("x', releaseUrl: "https://example.com", sha256: SHA256 })).toThrow("holds characters a URL cannot");
    expect(() => renderHomebrewFormula({ version: "1.0.0", releaseUrl: 'https://x/#{`id`}"', sha256: SHA256 })).toThrow("is not an http(s) URL");
    expect(() => renderHomebrewFormula({ version: "1.0.0", releaseUrl: "https://x", sha256: { ...SHA256, "linux-x64": "zz" } })).toThrow(
      "the sha256 of linux-x64 is not 64 hex digits",
    );
  });
});
