/**
 * A small, fast, non-cryptographic hash for change detection (FNV-1a, 64 bits): did the nginx.conf or a
 * command file change since the containers were created? Runtime-neutral, so core/ can label services.
 */

const ENCODER = new TextEncoder();
const TWO_32 = 2 ** 32;
// The 64-bit offset basis 0xcbf29ce484222325 and prime 0x100000001b3, split into 32-bit halves.
const OFFSET_HI = 0xcbf29ce4;
const OFFSET_LO = 0x84222325;
const PRIME_LO = 0x1b3;
const PRIME_HI_SHIFT = 8; // the prime's high half is 0x100 = 1 << 8

/** FNV-1a 64 of the text's UTF-8 bytes, as 16 lowercase hex digits. */
export function hashText(text: string): string {
  const bytes = ENCODER.encode(text);
  let hi = OFFSET_HI;
  let lo = OFFSET_LO;
  for (let i = 0; i < bytes.length; i++) {
    lo = (lo ^ (bytes[i] as number)) >>> 0;
    // (hi·2^32 + lo) · (2^40 + 0x1b3) mod 2^64, in halves: doubles hold lo·0x1b3 (< 2^41) exactly.
    const low = lo * PRIME_LO;
    const carry = Math.floor(low / TWO_32);
    hi = (Math.imul(hi, PRIME_LO) + (lo << PRIME_HI_SHIFT) + carry) >>> 0;
    lo = low >>> 0;
  }
  return hi.toString(16).padStart(8, "0") + lo.toString(16).padStart(8, "0");
}

/** One hash of several texts; the boundaries count, so ["ab", "c"] and ["a", "bc"] differ. */
export function hashTexts(texts: readonly string[]): string {
  return hashText(JSON.stringify(texts));
}
