/**
 * A small, fast, non-cryptographic hash for change detection (FNV-1a, 64 bits): did the nginx.conf or a
 * command file change since the containers were created? Runtime-neutral, so core/ can label services.
 */

/** FNV-1a 64 of the text's UTF-8 bytes, as 16 lowercase hex digits. */
export function hashText(text: string): string {
  // The 64-bit state in four 16-bit limbs, low first: every product stays a small integer, which
  // engines multiply fast (a 1,000-app nginx.conf in a few ms instead of ~15 with doubles).
  let h0 = 0x2325;
  let h1 = 0x8422;
  let h2 = 0x9ce4;
  let h3 = 0xcbf2;
  // One byte into the state: × 0x100000001b3 is 0x1b3 on every limb plus 0x100 two limbs up (2^40 = 2^32 · 2^8).
  const mix = (byte: number) => {
    h0 ^= byte;
    const t0 = h0 * 0x1b3;
    const t1 = h1 * 0x1b3 + (t0 >>> 16);
    const t2 = h2 * 0x1b3 + h0 * 0x100 + (t1 >>> 16);
    const t3 = h3 * 0x1b3 + h1 * 0x100 + (t2 >>> 16);
    h0 = t0 & 0xffff;
    h1 = t1 & 0xffff;
    h2 = t2 & 0xffff;
    h3 = t3 & 0xffff;
  };
  for (let i = 0; i < text.length; i++) {
    let code = text.charCodeAt(i);
    if (code < 0x80) {
      mix(code); // ASCII: nearly every character of a config
      continue;
    }
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
    if (code < 0x800) (mix(0xc0 | (code >> 6)), mix(0x80 | (code & 0x3f)));
    else if (code < 0x10000) (mix(0xe0 | (code >> 12)), mix(0x80 | ((code >> 6) & 0x3f)), mix(0x80 | (code & 0x3f)));
    else (mix(0xf0 | (code >> 18)), mix(0x80 | ((code >> 12) & 0x3f)), mix(0x80 | ((code >> 6) & 0x3f)), mix(0x80 | (code & 0x3f)));
  }
  return [h3, h2, h1, h0].map((limb) => limb.toString(16).padStart(4, "0")).join("");
}

/** One hash of several texts; the boundaries count, so ["ab", "c"] and ["a", "bc"] differ. */
export function hashTexts(texts: readonly string[]): string {
  return hashText(JSON.stringify(texts));
}
