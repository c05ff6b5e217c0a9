import { describe, expect, test } from "bun:test";
import { DEBIAN_BINARY_PATH, DEBIAN_UNIT_PATH, debianArchitecture, debianVersion, renderDebianFiles } from "./debian-package.ts";
import { renderSystemdUnit } from "./service-files.ts";

const files = renderDebianFiles({ version: "1.2.3-rc.1", architecture: "arm64", installedSizeKiB: 1234 });
const fileAt = (path: string) => files.find((file) => file.path === path)!;

describe("debian package", () => {
  test("renderDebianFiles() ships the unit `dusty daemon install` would write for /usr/bin/dusty", () => {
    expect(fileAt(DEBIAN_UNIT_PATH.slice(1))).toEqual({ path: "usr/lib/systemd/system/dusty.service", text: renderSystemdUnit({ binaryPath: DEBIAN_BINARY_PATH }), mode: 0o644 });
  });

  test("renderDebianFiles()'s control names the package, a Debian version and the architecture", () => {
    const control = fileAt("DEBIAN/control").text;
    expect(control).toStartWith("Package: dusty\nVersion: 1.2.3~rc.1\nArchitecture: arm64\n");
    expect(control).toContain("Installed-Size: 1234\n");
    expect(control).not.toContain("Depends:");
    expect(control).toEndWith("\n");
  });

  test("renderDebianFiles()'s maintainer scripts touch systemd only when it runs, and create the dusty group", () => {
    const postinst = fileAt("DEBIAN/postinst");
    expect(postinst.mode).toBe(0o755);
    expect(postinst.text).toContain("getent group dusty >/dev/null || groupadd --system dusty");
    for (const script of ["DEBIAN/postinst", "DEBIAN/prerm", "DEBIAN/postrm"]) {
      const lines = fileAt(script).text.split("\n");
      // Every systemctl call sits inside the `[ -d /run/systemd/system ]` guard.
      const guard = lines.findIndex((line) => line.includes("[ -d /run/systemd/system ]"));
      const calls = lines.flatMap((line, i) => (/^\s*systemctl /.test(line) ? [i] : []));
      expect(`${script} ${calls.length > 0 && calls.every((i) => i > guard && guard >= 0)}`).toBe(`${script} true`);
    }
  });

  test("debianVersion() and debianArchitecture() map release names to Debian's", () => {
    expect(debianVersion("1.0.0")).toBe("1.0.0");
    expect(debianVersion("1.0.0-rc.1")).toBe("1.0.0~rc.1");
    expect(debianArchitecture("linux-x64")).toBe("amd64");
    expect(debianArchitecture("linux-arm64")).toBe("arm64");
    expect(debianArchitecture("darwin-arm64")).toBeUndefined();
  });
});
