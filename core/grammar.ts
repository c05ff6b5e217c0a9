/**
 * The grammar of spec values that reach a system file: host names (hosts file, nginx.conf, compose
 * aliases), container paths (compose volumes, command files) and names used in file names. The
 * validator (core/load-grammar.ts) reports values outside it with their place; the renderers of the
 * hosts section and nginx.conf check again (`assert…`) so that no path that skipped validation can
 * inject a line or a directive.
 */
import { normalizePosixPath } from "./compile-paths.ts";
import { describeValue as quote } from "./load-schema.ts";

const DNS_LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const IPV4 = /^(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(?:\.(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}$/;
// C0 controls, DEL and C1 controls, and the Unicode line and paragraph separators: never part of a path or name.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** True for a DNS name: labels of letters, digits and inner "-", 1 to 63 characters each, 253 in all. */
export function isDnsName(text: string): boolean {
  if (text.length === 0 || text.length > 253) return false;
  const labels = text.split(".");
  // An all-digit last label would read as an IPv4 address (`1.2.3.999`), never as a name.
  if (/^[0-9]+$/.test(labels[labels.length - 1] ?? "")) return false;
  return labels.every((label) => DNS_LABEL.test(label));
}

/** True for an IPv4 address in dotted-quad form or an IPv6 address (no zone, no brackets). */
export function isIpLiteral(text: string): boolean {
  return IPV4.test(text) || isIpv6(text);
}

function isIpv6(text: string): boolean {
  if (!/^[0-9A-Fa-f:.]{2,45}$/.test(text)) return false;
  const halves = text.split("::");
  if (halves.length > 2) return false;
  const groups = halves.flatMap((h) => (h === "" ? [] : h.split(":")));
  const last = groups[groups.length - 1] ?? "";
  const tailV4 = IPV4.test(last);
  const hex = tailV4 ? groups.slice(0, -1) : groups;
  if (!hex.every((g) => /^[0-9A-Fa-f]{1,4}$/.test(g))) return false;
  const count = hex.length + (tailV4 ? 2 : 0);
  return halves.length === 2 ? count <= 7 : count === 8;
}

/**
 * Why `text` cannot be a `host_name`, or undefined when it can: a DNS name or an IPv4 address. Not
 * IPv6: as a name in the hosts file it means nothing, and nginx's server_name wants it in brackets.
 */
export function checkHostName(text: string): string | undefined {
  if (isDnsName(text) || IPV4.test(text)) return undefined;
  return `expected a DNS name or an IPv4 address, got ${quote(text)}: use letters, digits, "-" and dots (labels of 1 to 63 characters, not starting or ending with "-"; 253 in all)`;
}

/** True for a word nginx.conf takes as one plain token: no space, quote, `;`, `{`, `}`, `$`, `#` or `\`. */
export function isSafeNginxToken(text: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9._:[\]-]*$/.test(text);
}

/** True when `text` holds a control character (newline, tab, NUL …). */
export function hasControlChars(text: string): boolean {
  return CONTROL.test(text);
}

/** Options of `checkContainerPath`: what else a path must not be. */
export interface ContainerPathRules {
  /** Compose volumes split `host:container:mode` on ":", so a mount cannot hold one. */
  noColon?: boolean;
  /** Folders dusty mounts itself: the path must be neither one of them nor inside one. */
  reserved?: readonly string[];
}

/**
 * Why `path` cannot be an absolute path inside a container, or undefined when it can: it must start
 * with "/", hold no control character, be written normalised (no ".", "..", "//"; one trailing "/"
 * is fine) and not be "/" itself. The message says what the normalised path would be.
 */
export function checkContainerPath(path: string, rules: ContainerPathRules = {}): string | undefined {
  if (hasControlChars(path)) return `expected a path without control characters (newline, tab, NUL …), got ${quote(path)}`;
  if (!path.startsWith("/")) return `expected an absolute path (starting with "/"), got ${quote(path)}`;
  const normal = normalizePosixPath(path);
  if (climbsAboveRoot(path)) return `expected a path that stays below "/", got ${quote(path)}: its ".." climbs above "/" (it would be ${quote(normal)})`;
  if (normal === "/") return `expected a folder below "/", got ${quote(path)}: it is the container's root`;
  if (normal !== path.replace(/(.)\/$/, "$1")) return `expected a normalised path (no ".", ".." or "//"), got ${quote(path)}: write ${quote(normal)}`;
  if (rules.noColon && path.includes(":")) return `expected a path without ":" (compose reads it as the volume separator), got ${quote(path)}`;
  const clash = rules.reserved?.find((dir) => normal === dir || normal.startsWith(`${dir}/`));
  if (clash) return `expected a path outside ${quote(clash)}, got ${quote(path)}: dusty mounts its own files there`;
  return undefined;
}

/** Why `path` cannot be a relative path that stays inside its base (a repo), or undefined when it can. */
export function checkRelativePath(path: string): string | undefined {
  if (hasControlChars(path)) return `expected a path without control characters (newline, tab, NUL …), got ${quote(path)}`;
  const normal = normalizePosixPath(path);
  if (normal === ".." || normal.startsWith("../")) return `expected a path inside the spec's repo, got ${quote(path)}: its ".." climbs out of it`;
  return undefined;
}

// Counts depth segment by segment: normalizePosixPath silently stops at "/", which would hide the escape.
function climbsAboveRoot(path: string): boolean {
  let depth = 0;
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    depth += part === ".." ? -1 : 1;
    if (depth < 0) return true;
  }
  return false;
}

/** True for a plain file name: letters, digits, ".", "_" and "-", starting with a letter or digit, no "..". */
export function isPlainFileName(name: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name) && !name.includes("..");
}

/** A name as a file-name word: anything but letters, digits, ".", "_" and "-" becomes "_". */
export function toFileNameWord(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, "_");
}

/** Throws when `hostName` or `address` could not be one hosts-file entry: the last line of defence. */
export function assertHostsEntry(address: string, hostName: string): void {
  if (!isIpLiteral(address)) throw new Error(`Cannot write the hosts section: ${quote(address)} is not an IP address. Fix host_address in the dusty config`);
  if (checkHostName(hostName)) throw new Error(`Cannot write the hosts section: ${quote(hostName)} is not a host name. Run \`dusty validate\` and fix the spec's host_forwarding`);
}

/** Throws when `text` is not one plain nginx token (or not `valid`): the last line of defence of nginx.conf. */
export function assertNginxToken(text: string, what: string, valid = isSafeNginxToken(text)): void {
  if (!valid || !isSafeNginxToken(text)) throw new Error(`Cannot write nginx.conf: ${what} ${quote(text)} is not a plain name. Run \`dusty validate\` and fix the spec`);
}
