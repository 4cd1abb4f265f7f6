// Reading primitives of RFB (RFC 6143: big-endian integers) and the ProtocolVersion check.

export function u16(d: Uint8Array, off: number): number {
  return (d[off] << 8) | d[off + 1];
}

export function u32(d: Uint8Array, off: number): number {
  return ((d[off] << 24) | (d[off + 1] << 16) | (d[off + 2] << 8) | d[off + 3]) >>> 0;
}

const isDigit = (c: number) => c >= 0x30 && c <= 0x39;

/**
 * Whether the `len` bytes at d[off] (at most 12) could begin a ProtocolVersion
 * "RFB xxx.yyy\n" (§7.1.1): 1 a prefix of one, 2 a whole one, 0 not one.
 */
export function versionPrefix(d: Uint8Array, off: number, len: number): number {
  const n = len < 12 ? len : 12;
  for (let i = 0; i < n; i++) {
    const c = d[off + i];
    const ok = i < 4 ? c === 'RFB '.charCodeAt(i) : i === 7 ? c === 0x2e : i === 11 ? c === 0x0a : isDigit(c);
    if (!ok) return 0;
  }
  return n === 12 ? 2 : 1;
}

/** A whole ProtocolVersion at d[off] (12 bytes available). */
export function isVersion(d: Uint8Array, off: number): boolean {
  return versionPrefix(d, off, 12) === 2;
}
