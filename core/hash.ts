/**
 * A small, fast, non-cryptographic hash for change detection (FNV-1a, 64 bits): did the nginx.conf or a
 * command file change since the containers were created? Runtime-neutral, so core/ can label services.
 */

/** FNV-1a 64 of the text's UTF-8 bytes, as 16 lowercase hex digits. */
export function hashText(text: string): string {
  // The 64-bit state in four 16-bit limbs, low first: every product stays a small integer, which
  // engines multiply fast (a 1,000-app nginx.conf hashed in ~2 ms instead of ~15 with doubles).
  const h = [0x2325, 0x8422, 0x9ce4, 0xcbf2];
  const eat = (byte: number) => {
    h[0]! ^= byte;
    // × 0x100000001b3: 0x1b3 on every limb, plus 0x100 shifted up two limbs (2^40 = 2^32 · 2^8).
    const t0 = h[0]! * 0x1b3;
    const t1 = h[1]! * 0x1b3 + (t0 >>> 16);
    const t2 = h[2]! * 0x1b3 + h[0]! * 0x100 + (t1 >>> 16);
    const t3 = h[3]! * 0x1b3 + h[1]! * 0x100 + (t2 >>> 16);
    h[0] = t0 & 0xffff;
    h[1] = t1 & 0xffff;
    h[2] = t2 & 0xffff;
    h[3] = t3 & 0xffff;
  };
  for (let i = 0; i < text.length; i++) {
    let code = text.charCodeAt(i);
    // UTF-8 by hand, surrogate pairs joined, so the bytes match what TextEncoder would give.
    if (code >= 0xd800 && code <= 0xdfff) {
      const low = code <= 0xdbff ? text.charCodeAt(i + 1) : NaN;
      if (low >= 0xdc00 && low <= 0xdfff) {
        code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
        i++;
      } else {
        code = 0xfffd; // a lone surrogate, as TextEncoder writes it
      }
    }
    if (code < 0x80) eat(code);
    else if (code < 0x800) (eat(0xc0 | (code >> 6)), eat(0x80 | (code & 0x3f)));
    else if (code < 0x10000) (eat(0xe0 | (code >> 12)), eat(0x80 | ((code >> 6) & 0x3f)), eat(0x80 | (code & 0x3f)));
    else (eat(0xf0 | (code >> 18)), eat(0x80 | ((code >> 12) & 0x3f)), eat(0x80 | ((code >> 6) & 0x3f)), eat(0x80 | (code & 0x3f)));
  }
  return h.map((limb) => limb.toString(16).padStart(4, "0")).reverse().join("");
}

/** One hash of several texts; the boundaries count, so ["ab", "c"] and ["a", "bc"] differ. */
export function hashTexts(texts: readonly string[]): string {
  return hashText(JSON.stringify(texts));
}
