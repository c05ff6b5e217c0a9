/**
 * The Dusty section of the hosts file (reference §4.4): rendering it, and planning the whole new file
 * so that only the section changes. platform/hosts-file.ts does the (atomic) write.
 *
 * The hosts file is bytes, not text: it may hold Latin-1 comments, CRLF endings, NUL bytes or no final
 * newline, and every byte outside dusty's section must come out as it went in. So the plan works on a
 * byte string (one character per byte, 0–255): the markers are ASCII and match exactly, and nothing
 * is ever decoded or re-encoded.
 */
import type { PortPlan } from "./ports.ts";

export const HOSTS_BEGIN_MARKER = "# BEGIN section for Dusty";
export const HOSTS_END_MARKER = "# END section for Dusty";

/** The section: both markers around one `<address> <hostName>` line per distinct host name. */
export function renderHostsSection(hosts: PortPlan["hosts"]): string {
  const seen = new Set<string>();
  const lines = [HOSTS_BEGIN_MARKER];
  for (const { address, hostName } of hosts) {
    if (seen.has(hostName)) continue;
    seen.add(hostName);
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

/** One line of a file: its bytes as a byte string and its own terminator ("" only for a last line without one). */
interface Line {
  text: string;
  eol: string;
}

type LineKind = "begin" | "end" | "blank" | "other";

/**
 * The new hosts file: `current` with its Dusty section replaced by `section` (removed when `section`
 * is ""). Every byte outside the section is kept. Several whole sections collapse into one at the
 * place of the first (what is between them stays); with no section yet, it is appended after a blank
 * line. Markers that do not pair up (a BEGIN without END, an END without BEGIN, a BEGIN inside a
 * section) are a problem, not something to repair: whatever dusty guessed, it could delete the
 * user's own entries, so the file is left alone and the user told which line to fix.
 */
export function planHostsFile(current: Uint8Array, section: string): HostsPlan {
  const lines = splitLines(toByteString(current));
  const eol = lines.find((l) => l.eol !== "")?.eol ?? "\n";
  const sectionLines = splitLines(toByteString(new TextEncoder().encode(section))).map((l) => ({ text: l.text, eol }));

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

  if (sectionLines.length === 0) {
    if (insertAt === undefined) return { bytes: current };
    dropBlankLeftAt(kept, insertAt);
  } else {
    if (insertAt === undefined) insertAt = appendPoint(kept, eol);
    kept.splice(insertAt, 0, ...sectionLines);
  }
  return { bytes: fromByteString(kept.map((l) => l.text + l.eol).join("")) };
}

function problemAt(index: number, message: string): { problem: HostsProblem } {
  return { problem: { line: index + 1, message } };
}

function splitLines(text: string): Line[] {
  if (text === "") return [];
  const pieces = text.split("\n");
  const last = pieces.pop() as string;
  const lines = pieces.map((p) => (p.endsWith("\r") ? { text: p.slice(0, -1), eol: "\r\n" } : { text: p, eol: "\n" }));
  if (last !== "") lines.push({ text: last, eol: "" });
  return lines;
}

// ASCII white space only: in a byte string 0xA0 is a Latin-1 no-break space, which String.trim() would eat.
const EDGE_SPACE = /^[ \t\v\f\r]+|[ \t\v\f\r]+$/g;

function kindOf(text: string): LineKind {
  const trimmed = text.replace(EDGE_SPACE, "");
  if (trimmed === HOSTS_BEGIN_MARKER) return "begin";
  if (trimmed === HOSTS_END_MARKER) return "end";
  return trimmed === "" ? "blank" : "other";
}

/** Removing the section must not leave the blank line that appending it added. */
function dropBlankLeftAt(kept: Line[], at: number): void {
  const before = kept[at - 1];
  const after = kept[at];
  if (before && kindOf(before.text) === "blank" && (after === undefined || kindOf(after.text) === "blank")) kept.splice(at - 1, 1);
}

/** Appending: end the last line, separate with one blank line, and put the section last. */
function appendPoint(kept: Line[], eol: string): number {
  const last = kept[kept.length - 1];
  if (last === undefined) return 0;
  if (last.eol === "") last.eol = eol;
  if (kindOf(last.text) !== "blank") kept.push({ text: "", eol });
  return kept.length;
}

// Chunks keep String.fromCharCode's argument list far below the engines' limits on a large file.
const CHUNK = 0x8000;

/** Bytes as a string of one character per byte (0–255): lossless, unlike any text decoding. */
function toByteString(bytes: Uint8Array): string {
  let text = "";
  for (let i = 0; i < bytes.length; i += CHUNK) text += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  return text;
}

function fromByteString(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}
