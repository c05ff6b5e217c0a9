/** "Did you mean" hints for names that do not exist: the closest known name, or none when nothing is close. */

/**
 * The known name closest to `name`: within 2 edits (a swap counts as one, and at most half the name's
 * length, so `down` does not find `doctor`), or sharing a long prefix, or being the whole start of it.
 */
export function suggestName(name: string, candidates: Iterable<string>): string | undefined {
  let best: { name: string; score: number } | undefined;
  const wanted = name.toLowerCase();
  for (const candidate of candidates) {
    const score = scoreCandidate(wanted, candidate.toLowerCase());
    if (score === undefined) continue;
    if (!best || score < best.score || (score === best.score && candidate < best.name)) {
      best = { name: candidate, score };
    }
  }
  return best?.name;
}

/** ` (did you mean "web"?)`, or "" when no known name is close. */
export function formatSuggestion(name: string, candidates: Iterable<string>): string {
  const match = suggestName(name, candidates);
  return match === undefined ? "" : ` (did you mean "${match}"?)`;
}

// Lower is closer; undefined means "not close". Edit matches rank before prefix matches.
function scoreCandidate(wanted: string, candidate: string): number | undefined {
  // A one-letter name is one edit away from every other one-letter name: cap edits at half the length.
  const allowed = Math.min(2, Math.floor(Math.max(wanted.length, candidate.length) / 2));
  const distance = measureEditDistance(wanted, candidate, allowed);
  if (distance <= allowed) return distance;
  const prefix = countCommonPrefix(wanted, candidate);
  const shorter = Math.min(wanted.length, candidate.length);
  // A long shared prefix (`common` for `common-utils`), or all of a short name (`rm` for `rm-all`).
  if ((prefix >= 3 && prefix * 2 >= shorter) || (prefix === shorter && shorter >= 2)) return 3 + Math.abs(wanted.length - candidate.length);
  return undefined;
}

function countCommonPrefix(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

/** Optimal-string-alignment distance (Levenshtein plus adjacent swaps); returns limit+1 once past `limit`. */
export function measureEditDistance(a: string, b: string, limit = Infinity): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let prevPrev: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, prevPrev[j - 2]! + 1);
      }
      row.push(value);
      rowMin = Math.min(rowMin, value);
    }
    if (rowMin > limit) return limit + 1;
    prevPrev = prev;
    prev = row;
  }
  return prev[b.length]!;
}
