/**
 * The man page dusty(1), in roff, rendered from the command tree (core/command-tree.ts): every command
 * with its usage, description, arguments and flags, the same words as `--help`.
 */
import { commandPaths, type CommandNode, type FlagNode } from "./command-tree.ts";

/** What the page says besides the commands. */
export interface ManPageOptions {
  version: string;
  /** The page's date, e.g. "2026-12-01" (a release's; fixed, so the page is reproducible). */
  date: string;
}

/** dusty.1 as roff text. */
export function renderManPage(root: CommandNode, options: ManPageOptions): string {
  const out = [
    `.TH DUSTY 1 ${roffQuote(options.date)} ${roffQuote(`dusty ${options.version}`)} "User Commands"`,
    ".SH NAME",
    `dusty \\- ${escape(root.description)}`,
    ".SH SYNOPSIS",
    ".B dusty",
    ".I command",
    "[\\fIoptions\\fR] [\\fIarguments\\fR]",
    ".br",
    ".B sudo dusty \\-d",
    ".SH DESCRIPTION",
    "A team describes its whole stack once, as YAML specs in a git repo (apps, libs, services, bundles);",
    ".B dusty up",
    "runs every app and service of the active bundles in containers, reachable by host names through nginx.",
    ".B dusty \\-d",
    "is the daemon (root, on a Unix socket); every other command is its client.",
    "Read commands take \\fB\\-\\-json\\fR; output is colored only on a terminal.",
    ".SH COMMANDS",
  ];
  for (const [path, node] of commandPaths(root).slice(1)) {
    if (node.subcommands.length > 0) continue;
    out.push(`.SS ${roffQuote(["dusty", ...path].join(" "))}`, usage(path, node), ".PP", escape(node.description));
    for (const positional of node.positionals) out.push(".TP", `\\fI${escape(positional.name.toUpperCase())}\\fR${positional.required ? "" : " (optional)"}`, escape(positional.description));
    for (const flag of node.flags.filter((f) => f.name !== "help")) out.push(".TP", flagLine(flag), escape(flag.description));
  }
  out.push(
    ".SH ENVIRONMENT",
    ".TP",
    "\\fBNO_COLOR\\fR, \\fBFORCE_COLOR\\fR",
    "Never color, or color even when the output is not a terminal (NO_COLOR wins).",
    ".TP",
    "\\fBDUSTY_SOCKET_PATH\\fR, \\fBDUSTY_CONFIG_DIR\\fR, \\fBDUSTY_HOSTS_FILE\\fR, \\fBDUSTY_PERSIST_DIR\\fR",
    "Where the daemon's socket, its config (/etc/dusty), the hosts file and its persistent files (/var/lib/dusty) are.",
    ".SH FILES",
    ".TP",
    ".I /etc/dusty/config.yml",
    "The configuration (see \\fBdusty config list\\fR).",
    ".TP",
    ".I /etc/dusty/ports.json",
    "The published port of each app, kept so that it does not change when other bundles do.",
    ".SH SEE ALSO",
    "\\fBdusty \\fIcommand\\fB \\-\\-help\\fR; the completion scripts: \\fBdusty completion bash|zsh|fish\\fR.",
  );
  return out.join("\n") + "\n";
}

function usage(path: string[], node: CommandNode): string {
  const words = [`\\fBdusty ${path.map(escape).join(" ")}\\fR`];
  if (node.flags.some((f) => f.name !== "help")) words.push("[\\fIoptions\\fR]");
  for (const p of node.positionals) words.push(p.required ? `\\fI${escape(p.name.toUpperCase())}\\fR` : `[\\fI${escape(p.name.toUpperCase())}\\fR]`);
  return words.join(" ");
}

function flagLine(flag: FlagNode): string {
  const names = [`\\-\\-${escape(flag.name)}`, ...(flag.negatable ? [`\\-\\-no\\-${escape(flag.name)}`] : []), ...flag.aliases.map((a) => (a.length === 1 ? `\\-${a}` : `\\-\\-${a}`))];
  return `\\fB${names.join(", ")}\\fR${flag.takesValue ? ` \\fI${escape((flag.valueHint ?? "value").toUpperCase())}\\fR` : ""}`;
}

/** Text safe in a roff line: backslashes and hyphens escaped, no line starting a request. */
function escape(text: string): string {
  const escaped = text.replaceAll("\\", "\\e").replaceAll("-", "\\-");
  return /^[.']/.test(escaped) ? `\\&${escaped}` : escaped;
}

function roffQuote(text: string): string {
  return `"${escape(text).replaceAll('"', '""')}"`;
}
