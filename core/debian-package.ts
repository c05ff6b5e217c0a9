/**
 * The Debian package of a release (`dusty_<version>_<arch>.deb`, built by scripts/release.sh with
 * dpkg-deb): the binary in /usr/bin, the systemd unit `dusty daemon install` would write for it, and
 * maintainer scripts that create the `dusty` group and enable the unit. Starting, stopping and reloading
 * happen only where systemd runs as PID 1, so installing into a container or a chroot starts nothing.
 */
import { renderSystemdUnit, SYSTEMD_UNIT_NAME } from "./service-files.ts";

/** Where the package puts the binary. */
export const DEBIAN_BINARY_PATH = "/usr/bin/dusty";

/** Where the package puts the generated completion scripts and man page (scripts/generate-docs.ts's names → installed path). */
export const DEBIAN_DOC_PATHS: Record<string, string> = {
  "completions/dusty.bash": "/usr/share/bash-completion/completions/dusty",
  "completions/_dusty": "/usr/share/zsh/vendor-completions/_dusty",
  "completions/dusty.fish": "/usr/share/fish/vendor_completions.d/dusty.fish",
  // Debian policy: man pages compressed; scripts/release-files.ts gzips it.
  "man/dusty.1": "/usr/share/man/man1/dusty.1.gz",
};
/** Where packages put systemd units; one the administrator writes to /etc/systemd/system wins over it. */
export const DEBIAN_UNIT_PATH = `/usr/lib/systemd/system/${SYSTEMD_UNIT_NAME}`;
/** The group whose members may use the daemon's socket (config key socket_group's default). */
export const DEBIAN_GROUP = "dusty";

/** Debian's name of a release target's CPU, or undefined for targets that are not Linux. */
export function debianArchitecture(target: string): "amd64" | "arm64" | undefined {
  return ({ "linux-x64": "amd64", "linux-arm64": "arm64" } as const)[target as "linux-x64"];
}

/** Debian sorts "~" before anything, so 1.0.0~rc1 < 1.0.0 as in semver; a "-" would mean a Debian revision. */
export function debianVersion(version: string): string {
  return version.replace("-", "~");
}

/** What goes into one package. */
export interface DebianPackageOptions {
  version: string;
  architecture: "amd64" | "arm64";
  /** Size of the installed files, in KiB. */
  installedSizeKiB: number;
}

/** Every file of the package (path inside the package → text and mode), the binary aside. */
export function renderDebianFiles(options: DebianPackageOptions): { path: string; text: string; mode: number }[] {
  return [
    { path: "DEBIAN/control", text: renderControl(options), mode: 0o644 },
    { path: "DEBIAN/postinst", text: POSTINST, mode: 0o755 },
    { path: "DEBIAN/prerm", text: PRERM, mode: 0o755 },
    { path: "DEBIAN/postrm", text: POSTRM, mode: 0o755 },
    { path: DEBIAN_UNIT_PATH.slice(1), text: renderSystemdUnit({ binaryPath: DEBIAN_BINARY_PATH }), mode: 0o644 },
  ];
}

function renderControl(options: DebianPackageOptions): string {
  return [
    "Package: dusty",
    `Version: ${debianVersion(options.version)}`,
    `Architecture: ${options.architecture}`,
    "Maintainer: dusty maintainers <dusty@localhost>",
    `Installed-Size: ${options.installedSizeKiB}`,
    "Section: devel",
    "Priority: optional",
    // Recommends, not Depends: `dpkg -i` would leave the package half-configured without them, and a
    // machine may run Docker from Docker's own packages (docker-ce) or remotely.
    "Recommends: docker.io | docker-ce, docker-compose | docker-compose-plugin, git, rsync",
    "Description: Docker-powered local development environments, as one fast binary",
    " dusty runs every app and service of a team's stack in containers, reachable by",
    " friendly host names, from YAML specs kept in a git repo. The daemon (dusty -d)",
    " runs as root under systemd; members of the dusty group may use its socket.",
    "",
  ].join("\n");
}

// deb-systemd-helper records the enablement even without a running systemd, so the unit starts at the
// next boot under systemd; `[ -d /run/systemd/system ]` is how Debian tells that systemd is PID 1.
const POSTINST = `#!/bin/sh
set -e
if [ "$1" = configure ]; then
  getent group ${DEBIAN_GROUP} >/dev/null || groupadd --system ${DEBIAN_GROUP}
  if command -v deb-systemd-helper >/dev/null; then
    deb-systemd-helper enable ${SYSTEMD_UNIT_NAME} >/dev/null 2>&1 || true
  fi
  if [ -d /run/systemd/system ]; then
    systemctl --system daemon-reload >/dev/null || true
    # restart: starts it on a first install, and runs the new binary after an upgrade.
    systemctl restart ${SYSTEMD_UNIT_NAME} >/dev/null || echo "dusty: the daemon did not start: see journalctl -u ${SYSTEMD_UNIT_NAME}" >&2
  fi
fi
exit 0
`;

const PRERM = `#!/bin/sh
set -e
if [ "$1" = remove ] && [ -d /run/systemd/system ]; then
  systemctl stop ${SYSTEMD_UNIT_NAME} >/dev/null || true
fi
exit 0
`;

// The group stays on purge, as Debian keeps system groups: users may still be in it.
const POSTRM = `#!/bin/sh
set -e
if [ -d /run/systemd/system ]; then
  systemctl --system daemon-reload >/dev/null || true
fi
if [ "$1" = purge ] && command -v deb-systemd-helper >/dev/null; then
  deb-systemd-helper purge ${SYSTEMD_UNIT_NAME} >/dev/null 2>&1 || true
  deb-systemd-helper unmask ${SYSTEMD_UNIT_NAME} >/dev/null 2>&1 || true
fi
exit 0
`;
