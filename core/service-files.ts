/**
 * The files that start dusty's daemon (`dusty -d`) at boot: a systemd unit on Linux and a launchd plist
 * on macOS. Text only; platform/service-install.ts writes them and tells the service manager.
 */

/** What the boot files run, and which dusty locations they move away from the defaults. */
export interface ServiceFileOptions {
  /** Absolute path of the dusty binary. */
  binaryPath: string;
  socketPath?: string;
  configDir?: string;
  hostsFile?: string;
  persistDir?: string;
  /** Where the daemon's stdout and stderr go. Default: the journal (systemd), LAUNCHD_LOG_FILE (launchd). */
  logFile?: string;
}

/** The launchd job label, as the original Dusty named it. */
export const LAUNCHD_LABEL = "com.gamechanger.dusty";
/** The systemd unit name. */
export const SYSTEMD_UNIT_NAME = "dusty.service";
/** launchd has no journal: without a log file the daemon's output would be lost. */
export const LAUNCHD_LOG_FILE = "/var/log/dusty.log";

// launchd starts daemons with PATH=/usr/bin:/bin:/usr/sbin:/sbin, where neither docker nor git from
// Homebrew or Docker Desktop live; the original wrapped dusty in `bash -c 'export PATH=…'` for this.
// The Homebrew formula's service (core/homebrew-formula.ts) gives launchd the same values.
export const LAUNCHD_PATH = "/usr/local/bin:/opt/homebrew/bin:/usr/bin:/bin:/usr/sbin:/sbin";
export const LAUNCHD_HOME = "/var/root";
export const LAUNCHD_WORKING_DIRECTORY = "/usr/local";

/** Option → the environment variable the daemon reads it from (platform/locations.ts), sorted by variable. */
const ENVIRONMENT_VARIABLES = [
  ["configDir", "DUSTY_CONFIG_DIR"],
  ["hostsFile", "DUSTY_HOSTS_FILE"],
  ["persistDir", "DUSTY_PERSIST_DIR"],
  ["socketPath", "DUSTY_SOCKET_PATH"],
] as const;

/** The program that starts the daemon at boot; each reads its file by its own rules. */
export type ServiceManager = "systemd" | "launchd";

// Neither format can carry these: XML 1.0 forbids them, and systemd reads one setting per line.
const UNREPRESENTABLE = /[\p{Cc}\p{Cs}\uFFFE\uFFFF]/u;

/** Every problem with `options` for `manager`, as `<option> "<value>" <problem>`; empty when the file can be written. */
export function checkServiceFileOptions(options: ServiceFileOptions, manager: ServiceManager): string[] {
  const problems: string[] = [];
  const paths: [keyof ServiceFileOptions, string | undefined][] = [
    ["binaryPath", options.binaryPath],
    ...ENVIRONMENT_VARIABLES.map(([key]) => [key, options[key]] as [keyof ServiceFileOptions, string | undefined]),
    ["logFile", options.logFile],
  ];
  for (const [key, value] of paths) {
    if (value === undefined) continue;
    const shown = `${key} ${JSON.stringify(value)}`;
    if (!value.startsWith("/")) problems.push(`${shown} is not an absolute path`);
    if (UNREPRESENTABLE.test(value)) problems.push(`${shown} contains a control character`);
    else if (manager === "systemd") problems.push(...systemdProblems(key, value).map((p) => `${shown} ${p}`));
  }
  return problems;
}

function systemdProblems(key: keyof ServiceFileOptions, value: string): string[] {
  // systemd refuses such an executable even when quoted: "Executable name contains special characters".
  if (key === "binaryPath" && /["'\\]/.test(value)) return ["contains a quote or a backslash, which systemd refuses"];
  // StandardOutput=append: takes the rest of the line unquoted; systemd trims trailing spaces and joins
  // a line ending in "\" with the next one.
  if (key === "logFile" && /[\s\\]$/.test(value)) return ["ends with a space or a backslash"];
  return [];
}

/** The systemd unit (/etc/systemd/system/dusty.service) that runs `<binary> -d` as root. */
export function renderSystemdUnit(options: ServiceFileOptions): string {
  assertRepresentable(options, "systemd");
  const output = options.logFile === undefined ? "journal" : `append:${escapeSpecifiers(options.logFile)}`;
  const lines = [
    "# Written by `dusty daemon install`; the next install replaces it.",
    "[Unit]",
    "Description=Dusty daemon (Docker-powered local development environments)",
    "After=docker.service network-online.target",
    // After= alone does not start network-online.target; Wants= does, and is harmless without Docker's unit.
    "Wants=docker.service network-online.target",
    "",
    "[Service]",
    "Type=simple",
    "# User= makes systemd set HOME, which git needs.",
    "User=root",
    `ExecStart=${quoteExecutable(options.binaryPath)} -d`,
    ...environmentOf(options).map(([name, value]) => `Environment=${quoteEnvironment(`${name}=${value}`)}`),
    "Restart=always",
    "# A failed preflight (Docker not up yet) exits; retrying every 5 s stays under the start limit.",
    "RestartSec=5",
    `StandardOutput=${output}`,
    `StandardError=${output}`,
    "",
    "[Install]",
    "WantedBy=multi-user.target",
  ];
  return lines.join("\n") + "\n";
}

/** The launchd plist (/Library/LaunchDaemons/com.gamechanger.dusty.plist) that keeps `<binary> -d` running. */
export function renderLaunchdPlist(options: ServiceFileOptions): string {
  assertRepresentable(options, "launchd");
  const log = options.logFile ?? LAUNCHD_LOG_FILE;
  const environment = [...environmentOf(options), ["HOME", LAUNCHD_HOME], ["PATH", LAUNCHD_PATH]];
  const lines = [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">`,
    `<plist version="1.0">`,
    `<dict>`,
    ...plistEntry("Label", LAUNCHD_LABEL),
    `\t<key>ProgramArguments</key>`,
    `\t<array>`,
    `\t\t<string>${escapeXml(options.binaryPath)}</string>`,
    `\t\t<string>-d</string>`,
    `\t</array>`,
    `\t<key>EnvironmentVariables</key>`,
    `\t<dict>`,
    ...environment.flatMap(([name, value]) => plistEntry(name!, value!).map((line) => `\t${line}`)),
    `\t</dict>`,
    ...plistEntry("WorkingDirectory", LAUNCHD_WORKING_DIRECTORY),
    `\t<key>RunAtLoad</key>`,
    `\t<true/>`,
    `\t<key>KeepAlive</key>`,
    `\t<true/>`,
    ...plistEntry("StandardOutPath", log),
    ...plistEntry("StandardErrorPath", log),
    `</dict>`,
    `</plist>`,
  ];
  return lines.join("\n") + "\n";
}

function assertRepresentable(options: ServiceFileOptions, manager: ServiceManager): void {
  const problems = checkServiceFileOptions(options, manager);
  if (problems.length > 0) throw new Error(`Cannot render the dusty service file: ${problems.join("; ")}`);
}

/** The DUSTY_* variables for the options given, in ENVIRONMENT_VARIABLES order. */
function environmentOf(options: ServiceFileOptions): [string, string][] {
  return ENVIRONMENT_VARIABLES.flatMap(([key, name]) => {
    const value = options[key];
    return value === undefined ? [] : [[name, value] as [string, string]];
  });
}

function plistEntry(key: string, value: string): string[] {
  return [`\t<key>${escapeXml(key)}</key>`, `\t<string>${escapeXml(value)}</string>`];
}

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&${XML_ENTITIES[c]};`);
}

const XML_ENTITIES: Record<string, string> = { "&": "amp", "<": "lt", ">": "gt", '"': "quot", "'": "apos" };

/** systemd expands %-specifiers in almost every setting; "%%" is a literal "%". */
function escapeSpecifiers(text: string): string {
  return text.replaceAll("%", "%%");
}

// Characters systemd reads literally in an unquoted command-line word.
const PLAIN_WORD = /^[A-Za-z0-9/._+@:,=-]+$/;

/**
 * ExecStart='s executable, quoted when it holds spaces. systemd expands %-specifiers in it but not "$"
 * (a "$$" would stay doubled); quotes and backslashes were refused by checkServiceFileOptions().
 */
function quoteExecutable(path: string): string {
  return PLAIN_WORD.test(path) ? path : `"${escapeSpecifiers(path)}"`;
}

/** One Environment= assignment, always quoted; systemd expands no "$" there, only %-specifiers. */
function quoteEnvironment(assignment: string): string {
  return `"${escapeSpecifiers(escapeQuoted(assignment))}"`;
}

function escapeQuoted(text: string): string {
  return text.replace(/[\\"]/g, (c) => `\\${c}`);
}
