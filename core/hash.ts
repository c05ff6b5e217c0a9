/**
 * A small, fast, non-cryptographic hash for change detection (FNV-1a, 64 bits): did the nginx.conf or a
 * command file change since the containers were created? Runtime-neutral, so core/ can label services.
 */

const UTF8 = new TextEncoder();

/** FNV-1a 64 of the text's UTF-8 bytes, as 16 lowercase hex digits. */
export function hashText(text: string): string {
  // TextEncoder gives the UTF-8 bytes natively (a lone surrogate becomes U+FFFD), so the loop only mixes.
  const bytes = UTF8.encode(text);
  // The 64-bit state in two 32-bit words, kept as signed int32 (what the engine's fast paths hold;
  // an unsigned word past 2^31 would become a double). × 0x100000001b3 is × 0x1b3 plus × 2^40: the
  // low word's product gives the new low word (Math.imul: its low 32 bits) and a carry, worked out on
  // 16-bit halves so that it stays a small integer; the high word gets its own × 0x1b3 and the low
  // word × 2^8 (2^40 = 2^32 · 2^8). No call per byte, so even before the JIT has warmed up the loop
  // runs fast.
  let hi = 0xcbf29ce4 | 0;
  let lo = 0x84222325 | 0;
  for (let i = 0; i < bytes.length; i++) {
    lo ^= bytes[i]!;
    const carry = ((lo >>> 16) * 0x1b3 + (((lo & 0xffff) * 0x1b3) >>> 16)) >>> 16;
    hi = (Math.imul(hi, 0x1b3) + (lo << 8) + carry) | 0;
    lo = Math.imul(lo, 0x1b3);
  }
  return (hi >>> 0).toString(16).padStart(8, "0") + (lo >>> 0).toString(16).padStart(8, "0");
}

/** One hash of several texts; the boundaries count, so ["ab", "c"] and ["a", "bc"] differ. */
export function hashTexts(texts: readonly string[]): string {
  return hashText(JSON.stringify(texts));
}
