/** Small helpers for messages written as sentences. */

/** "a", "a and b", "a, b and c": a list as a sentence names it. */
export function joinWords(words: readonly string[]): string {
  return words.length <= 1 ? words.join("") : `${words.slice(0, -1).join(", ")} and ${words.at(-1)}`;
}
