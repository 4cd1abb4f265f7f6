// Connection uids in Zeek's shape ("C" + base62, e.g. CHhAvVGS1DHFjwGM9), but derived
// from the flow key and first-packet time instead of a random generator, so the same
// capture gives the same uids in every run and in every worker thread, and records
// written by different workers or tools can be joined on them.
//
// Three 32-bit lanes (96 bits, like Zeek's uids) each hash the whole input with their own
// seed, multipliers and rotations; the lanes are then cross-mixed and each is finalised with
// a full-avalanche mix. Each lane is written as exactly 6 base62 digits (62^6 > 2^32), so the
// uid has a fixed length of 19 characters and distinct lane values never concatenate to the
// same text. This is not a cryptographic hash: a party that controls traffic could craft a
// collision, which would only make two records share a uid.

const DIGITS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Length of every uid: "C" and three lanes of six base62 digits. */
export const CONN_UID_LENGTH = 19;

// Scratch view to read the 64 bits of a float64 timestamp as two words.
const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

function rotl(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r));
}

/** Final avalanche of a 32-bit value (MurmurHash3's fmix32). */
function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}

const DIGIT_CODES = Array.from(DIGITS, (c) => c.charCodeAt(0));
/** The uid's character codes ('C', then the lanes' digits), for String.fromCharCode.apply (a plain array: read fastest). */
const codes: number[] = new Array<number>(CONN_UID_LENGTH).fill(67);

/** Writes x (as unsigned) as six base62 digits, most significant first, at codes[at]. */
function put6(x: number, at: number): void {
  x >>>= 0;
  for (let i = at + 5; i >= at; i--) {
    const q = Math.floor(x / 62);
    codes[i] = DIGIT_CODES[x - q * 62];
    x = q;
  }
}

/**
 * A deterministic Zeek-style connection uid for a flow key (`words`: 32-bit values such
 * as addresses, ports, protocol, VLAN ids, taken modulo 2^32) and the flow's first-packet
 * time `ts` (seconds). Same inputs give the same uid; the result matches
 * /^C[0-9A-Za-z]{18}$/.
 */
export function connUid(words: ArrayLike<number>, ts: number): string {
  f64[0] = ts;
  const n = words.length;
  // Lane seeds differ, and each lane also takes the word count so prefixes differ.
  let a = 0x243f6a88 ^ n;
  let b = 0x85a308d3 ^ Math.imul(n, 0x9e3779b9);
  let c = 0x13198a2e ^ rotl(n, 16);
  for (let i = 0; i <= n + 1; i++) {
    // The timestamp's two words follow the key words.
    const w = i < n ? words[i] | 0 : u32[i - n];
    let k = Math.imul(w, 0xcc9e2d51);
    k = rotl(k, 15);
    a ^= Math.imul(k, 0x1b873593);
    a = Math.imul(rotl(a, 13), 5) + 0xe6546b64 | 0;

    k = Math.imul(w ^ 0x5bd1e995, 0x7feb352d);
    k = rotl(k, 17);
    b ^= Math.imul(k, 0x846ca68b);
    b = Math.imul(rotl(b, 11), 9) + 0x61c88647 | 0;

    k = Math.imul(rotl(w, 7) + 0x27d4eb2f | 0, 0x165667b1);
    k ^= k >>> 15;
    c += Math.imul(k, 0x2545f491);
    c = Math.imul(rotl(c, 19), 0x9e3779b1);
  }
  a = fmix(a);
  b = fmix(b ^ a);
  c = fmix(c ^ b);
  a = fmix(a + c | 0);
  put6(a, 1);
  put6(b, 7);
  put6(c, 13);
  return String.fromCharCode.apply(null, codes);
}
