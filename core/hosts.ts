/**
 * The Dusty section of the hosts file (fixtures/<case>/expected/hosts): rendering it, and planning the whole new file
 * so that only the section changes. platform/hosts-file.ts does the (atomic) write.
 *
 * The hosts file is bytes, not text: it may hold Latin-1 comments, CRLF endings, NUL bytes or no final
 * newline, and every byte outside dusty's section must come out as it went in. So the plan cuts the
 * file into lines of bytes, matches the (ASCII) markers byte for byte, and splices byte ranges: nothing
 * is ever decoded or re-encoded.
 */
import { assertHostsEntry } from "./grammar.ts";
import type { PortPlan } from "./ports.ts";

export const HOSTS_BEGIN_MARKER = "# BEGIN section for Dusty";
export const HOSTS_END_MARKER = "# END section for Dusty";

/** The section: both markers around one `<address> <hostName>` line per distinct host name; throws on a value that is not one. */
export function renderHostsSection(hosts: PortPlan["hosts"]): string {
  const seen = new Set<string>();
  const lines = [HOSTS_BEGIN_MARKER];
  for (const { address, hostName } of hosts) {
    if (seen.has(hostName)) continue;
    seen.add(hostName);
    // Validation already refuses such names; this keeps any other caller from writing a line of its own.
    assertHostsEntry(address, hostName);
    lines.push(`${address} ${hostName}`);
  }
  lines.push(HOSTS_END_MARKER);
  return lines.join("\n") + "\n";
}

/** Why the markers in a hosts file cannot be trusted; `line` is 1-based. */
export interface HostsProblem {
  line: number;
  message: string;
}

/** The new file's bytes (identical to the input when nothing changes), or why it must not be touched. */
export type HostsPlan = { bytes: Uint8Array } | { problem: HostsProblem };

/** One line of a file: its bytes and its own terminator (empty only for a last line without one). */
interface Line {
  text: Uint8Array;
  eol: Uint8Array;
}

type LineKind = "begin" | "end" | "blank" | "other";

const LF = 0x0a;
const CR = 0x0d;
const ENCODER = new TextEncoder();
const BEGIN_BYTES = ENCODER.encode(HOSTS_BEGIN_MARKER);
const END_BYTES = ENCODER.encode(HOSTS_END_MARKER);

/**
 * The new hosts file: `current` with its Dusty section replaced by `section` (removed when `section`
 * is ""). Every byte outside the section is kept. Several whole sections collapse into one at the
 * place of the first (what is between them stays); with no section yet, it is appended after a blank
 * line. Markers that do not pair up (a BEGIN without END, an END without BEGIN, a BEGIN inside a
 * section) are a problem, not something to repair: whatever dusty guessed, it could delete the
 * user's own entries, so the file is left alone and the user told which line to fix.
 */
export function planHostsFile(current: Uint8Array, section: string): HostsPlan {
  const lines = splitLines(current);
  const eol = lines.find((l) => l.eol.length > 0)?.eol ?? Uint8Array.of(LF);
  const sectionBytes = encodeSection(section, eol);

  const kept: Line[] = [];
  let insertAt: number | undefined;
  let openedAt: number | undefined; // the line of the BEGIN whose END is still to come
  for (const [index, line] of lines.entries()) {
    const kind = kindOf(line.text);
    if (kind === "begin") {
      if (openedAt !== undefined) {
        return problemAt(index, `a second "${HOSTS_BEGIN_MARKER}" inside the section that starts at line ${openedAt}`);
      }
      openedAt = index + 1;
      insertAt ??= kept.length;
    } else if (kind === "end") {
      if (openedAt === undefined) return problemAt(index, `"${HOSTS_END_MARKER}" without a "${HOSTS_BEGIN_MARKER}" above it`);
      openedAt = undefined;
    } else if (openedAt === undefined) {
      kept.push(line);
    }
  }
  if (openedAt !== undefined) return problemAt(openedAt - 1, `"${HOSTS_BEGIN_MARKER}" without a "${HOSTS_END_MARKER}" after it`);

  if (sectionBytes.length === 0) {
    if (insertAt === undefined) return { bytes: current };
    dropBlankLeftAt(kept, insertAt);
  } else {
    if (insertAt === undefined) insertAt = appendPoint(kept, eol);
    kept.splice(insertAt, 0, { text: sectionBytes, eol: new Uint8Array() });
  }
  return { bytes: concat(kept.flatMap((l) => [l.text, l.eol])) };
}

function problemAt(index: number, message: string): { problem: HostsProblem } {
  return { problem: { line: index + 1, message } };
}

/** The section's bytes with the file's line ending, every line ended ("" stays empty). */
function encodeSection(section: string, eol: Uint8Array): Uint8Array {
  if (section === "") return new Uint8Array();
  const ending = eol.length === 2 ? "\r\n" : "\n";
  return ENCODER.encode(section.replace(/\r?\n/g, ending).replace(/(?<!\n)$/, ending));
}

/** Lines as views into `bytes` (no copy); a CR before the LF belongs to the terminator. */
function splitLines(bytes: Uint8Array): Line[] {
  const lines: Line[] = [];
  let start = 0;
  while (start < bytes.length) {
    const lf = bytes.indexOf(LF, start);
    if (lf < 0) {
      lines.push({ text: bytes.subarray(start), eol: new Uint8Array() });
      break;
    }
    const end = lf > start && bytes[lf - 1] === CR ? lf - 1 : lf;
    lines.push({ text: bytes.subarray(start, end), eol: bytes.subarray(end, lf + 1) });
    start = lf + 1;
  }
  return lines;
}

// ASCII white space only (tab, LF, VT, FF, CR, space): a Latin-1 no-break space (0xA0) is not white space here.
function isSpace(byte: number): boolean {
  return byte === 0x20 || (byte >= 0x09 && byte <= 0x0d);
}

function kindOf(text: Uint8Array): LineKind {
  let start = 0;
  let end = text.length;
  while (start < end && isSpace(text[start] as number)) start++;
  while (end > start && isSpace(text[end - 1] as number)) end--;
  if (start === end) return "blank";
  const trimmed = text.subarray(start, end);
  if (sameBytes(trimmed, BEGIN_BYTES)) return "begin";
  if (sameBytes(trimmed, END_BYTES)) return "end";
  return "other";
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

/** Removing the section must not leave the blank line that appending it added. */
function dropBlankLeftAt(kept: Line[], at: number): void {
  const before = kept[at - 1];
  const after = kept[at];
  if (before && kindOf(before.text) === "blank" && (after === undefined || kindOf(after.text) === "blank")) kept.splice(at - 1, 1);
}

/** Appending: end the last line, separate with one blank line, and put the section last. */
function appendPoint(kept: Line[], eol: Uint8Array): number {
  const last = kept[kept.length - 1];
  if (last === undefined) return 0;
  if (last.eol.length === 0) last.eol = eol;
  if (kindOf(last.text) !== "blank") kept.push({ text: new Uint8Array(), eol });
  return kept.length;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
