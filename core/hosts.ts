/**
 * The Dusty section of the hosts file (reference §4.4): rendering it, and planning the whole new file
 * so that only the section changes. platform/hosts-file.ts does the (atomic) write.
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

/** One line of a file: its text and its own terminator ("" only for a last line without one). */
interface Line {
  text: string;
  eol: string;
}

type LineKind = "begin" | "end" | "entry" | "blank" | "other";

// An address (IPv4, IPv6, optional zone) followed by at least one name: what a hosts-file entry looks like.
const HOST_ENTRY = /^[0-9A-Fa-f:.]+(%\S+)?\s+[^\s#]/;

/**
 * The new hosts file: `current` with its Dusty section replaced by `section` (removed when `section`
 * is ""). Everything else is kept byte for byte. Repairs what crashes and hand edits leave behind:
 * several sections collapse into one at the place of the first, a BEGIN without END loses the
 * entries after it, an END without BEGIN loses the entries right above it that name hosts the new
 * section maps (never a line dusty does not manage). With no section yet, it is appended after a blank line.
 */
export function planHostsFile(current: string, section: string): string {
  const lines = splitLines(current);
  const eol = lines.find((l) => l.eol !== "")?.eol ?? "\n";
  const sectionLines = splitLines(section).map((l) => ({ text: l.text, eol }));
  const managed = new Set(sectionLines.flatMap((l) => (kindOf(l.text) === "entry" ? hostNamesOf(l.text) : [])));

  const kept: Line[] = [];
  let insertAt: number | undefined;
  for (let i = 0; i < lines.length; ) {
    const kind = kindOf(lines[i]?.text ?? "");
    if (kind === "begin") {
      insertAt ??= kept.length;
      const next = lines.findIndex((l, j) => j > i && ["begin", "end"].includes(kindOf(l.text)));
      if (next >= 0 && kindOf(lines[next]?.text ?? "") === "end") {
        i = next + 1; // a whole section, whatever is inside it
        continue;
      }
      // Torn: BEGIN without END. The entries right after our marker are ours.
      i++;
      while (i < lines.length && kindOf(lines[i]?.text ?? "") === "entry") i++;
      continue;
    }
    if (kind === "end") {
      // Torn: END without BEGIN. Above it may be anyone's lines, so drop only entries dusty maps anyway.
      const floor = insertAt ?? 0;
      while (kept.length > floor && isManagedEntry(kept[kept.length - 1]?.text ?? "", managed)) kept.pop();
      insertAt ??= kept.length;
      i++;
      continue;
    }
    kept.push(lines[i] as Line);
    i++;
  }

  if (sectionLines.length === 0) {
    if (insertAt !== undefined) dropBlankLeftAt(kept, insertAt);
  } else {
    if (insertAt === undefined) insertAt = appendPoint(kept, eol);
    kept.splice(insertAt, 0, ...sectionLines);
  }
  return kept.map((l) => l.text + l.eol).join("");
}

function splitLines(text: string): Line[] {
  if (text === "") return [];
  const pieces = text.split("\n");
  const last = pieces.pop() as string;
  const lines = pieces.map((p) => (p.endsWith("\r") ? { text: p.slice(0, -1), eol: "\r\n" } : { text: p, eol: "\n" }));
  if (last !== "") lines.push({ text: last, eol: "" });
  return lines;
}

function kindOf(text: string): LineKind {
  const trimmed = text.trim();
  if (trimmed === HOSTS_BEGIN_MARKER) return "begin";
  if (trimmed === HOSTS_END_MARKER) return "end";
  if (trimmed === "") return "blank";
  return HOST_ENTRY.test(trimmed) ? "entry" : "other";
}

/** The names of an entry line, without its address and any trailing comment. */
function hostNamesOf(text: string): string[] {
  return (text.split("#")[0] ?? "").trim().split(/\s+/).slice(1);
}

function isManagedEntry(text: string, managed: ReadonlySet<string>): boolean {
  if (kindOf(text) !== "entry") return false;
  return hostNamesOf(text).every((name) => managed.has(name));
}

/** Removing the section must not leave the blank line that appending it added. */
function dropBlankLeftAt(kept: Line[], at: number): void {
  const before = kept[at - 1];
  const after = kept[at];
  if (before && before.text.trim() === "" && (after === undefined || after.text.trim() === "")) kept.splice(at - 1, 1);
}

/** Appending: end the last line, separate with one blank line, and put the section last. */
function appendPoint(kept: Line[], eol: string): number {
  const last = kept[kept.length - 1];
  if (last === undefined) return 0;
  if (last.eol === "") last.eol = eol;
  if (last.text.trim() !== "") kept.push({ text: "", eol });
  return kept.length;
}
