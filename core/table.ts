/**
 * Plain-text tables for command output (`bundles list`, `status` …): a header row, a rule, one row per
 * item; columns as wide as their widest cell, long cells wrapped at a word boundary.
 */

/** Options for renderTable. */
export interface TableOptions {
  /** Wrap cells longer than this many characters (Dusty wrapped descriptions at 80). */
  maxCellWidth?: number;
}

/** Renders rows under headers; every line ends with "\n", no trailing spaces. */
export function renderTable(headers: readonly string[], rows: readonly (readonly string[])[], options: TableOptions = {}): string {
  const max = options.maxCellWidth ?? 80;
  const wrapped = rows.map((row) => headers.map((_, i) => wrapCell(row[i] ?? "", max)));
  const widths = headers.map((h, i) => Math.max(h.length, ...wrapped.map((row) => Math.max(...row[i]!.map((l) => l.length)))));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd() + "\n";
  let out = line(headers) + line(widths.map((w) => "-".repeat(w)));
  for (const row of wrapped) {
    const height = Math.max(...row.map((c) => c.length));
    for (let k = 0; k < height; k++) out += line(row.map((c) => c[k] ?? ""));
  }
  return out;
}

/** Splits a cell into lines of at most `max` characters, breaking at spaces where possible. */
export function wrapCell(text: string, max: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split("\n")) {
    let rest = paragraph;
    while (rest.length > max) {
      const cut = rest.lastIndexOf(" ", max);
      const at = cut > 0 ? cut : max;
      lines.push(rest.slice(0, at).trimEnd());
      rest = rest.slice(at).trimStart();
    }
    lines.push(rest);
  }
  return lines;
}
