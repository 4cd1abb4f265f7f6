// ASN.1 BER (ITU-T X.690) reading for the protocols that carry it (MMS and its ISO session/
// presentation layers, GOOSE, SNMP, …): one TLV header at a time into a reused object, so
// walking a PDU allocates nothing. Definite lengths only (the indefinite form, 0x80, is
// reported as BER_BAD: none of the industrial encodings we read use it on the wire).
//
// Every read is bounded by `end`; a length that runs past `end` is BER_TRUNCATED when the
// header itself was whole (the caller decides whether a cut PDU is an error), BER_BAD when
// the header is impossible.

/** readTlv results. */
export const BER_OK = 0;
/** The header or the value runs past `end`. */
export const BER_TRUNCATED = 1;
/** Not a valid definite-length BER header (indefinite length, tag or length too long). */
export const BER_BAD = 2;

export const BER_UNIVERSAL = 0;
export const BER_APPLICATION = 1;
export const BER_CONTEXT = 2;
export const BER_PRIVATE = 3;

/** One TLV header. Reused: readTlv overwrites every field. */
export class Tlv {
  /** BER_UNIVERSAL, BER_APPLICATION, BER_CONTEXT or BER_PRIVATE. */
  cls = 0;
  constructed = false;
  /** Tag number (within its class). */
  tag = 0;
  /** The identifier octet as it appears on the wire (single-octet tags), or -1 for a multi-octet tag. */
  id = 0;
  /** Offset of the first identifier octet. */
  start = 0;
  /** Offset of the value. */
  off = 0;
  /** Length of the value; -1 after a BER_TRUNCATED whose header was cut short. */
  len = 0;
  /** One past the value (off + len). */
  end = 0;
}

/**
 * Reads the TLV header at d[off] (bounded by `end`) into `t`. BER_OK when header and value
 * lie within [off, end); BER_TRUNCATED when they run past `end` (t holds what was read);
 * BER_BAD when the header is not a valid definite-length header.
 */
export function readTlv(d: Uint8Array, off: number, end: number, t: Tlv): number {
  t.start = off;
  t.len = -1; // stays -1 when the header itself is cut short
  if (off >= end) return BER_TRUNCATED;
  const b = d[off++];
  t.cls = b >> 6;
  t.constructed = (b & 0x20) !== 0;
  let tag = b & 0x1f;
  if (tag === 0x1f) {
    // High tag number form: base-128 digits, high bit set on all but the last (at most 4).
    tag = 0;
    for (let i = 0; ; i++) {
      if (off >= end) return BER_TRUNCATED;
      if (i === 4) return BER_BAD;
      const c = d[off++];
      tag = tag * 128 + (c & 0x7f);
      if ((c & 0x80) === 0) break;
    }
    t.id = -1;
  } else {
    t.id = b;
  }
  t.tag = tag;
  if (off >= end) return BER_TRUNCATED;
  let len = d[off++];
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4) return BER_BAD; // indefinite, or longer than any PDU we accept
    if (end - off < n) return BER_TRUNCATED;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + d[off++];
  }
  t.off = off;
  t.len = len;
  t.end = off + len;
  return t.end > end ? BER_TRUNCATED : BER_OK;
}

/** An unsigned big-endian integer of `len` bytes; -1 when it is longer than 7 bytes or not a safe integer. */
export function readUint(d: Uint8Array, off: number, len: number): number {
  if (len > 7) return -1;
  let v = 0;
  for (let i = 0; i < len; i++) v = v * 256 + d[off + i];
  return v > Number.MAX_SAFE_INTEGER ? -1 : v;
}

/**
 * A BER INTEGER (two's complement, big-endian) of `len` bytes as a number; values outside
 * the safe integer range, and empty encodings, give NaN.
 */
export function readInt(d: Uint8Array, off: number, len: number): number {
  if (len === 0 || len > 8) return Number.NaN;
  let v = 0;
  if (d[off] & 0x80) {
    // Negative: the magnitude minus one is the bitwise complement (exact for small magnitudes).
    for (let i = 0; i < len; i++) v = v * 256 + (~d[off + i] & 0xff);
    v = -v - 1;
  } else {
    for (let i = 0; i < len; i++) v = v * 256 + d[off + i];
  }
  return Number.isSafeInteger(v) ? v : Number.NaN;
}

/** Bytes as Latin-1 text (VisibleString, IA5String, printable identifiers), at most `max` characters. */
export function readText(d: Uint8Array, off: number, len: number, max = 256): string {
  const n = len < max ? len : max;
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(d[off + i]);
  return s;
}

const HEX = '0123456789abcdef';

/** Bytes as lower-case hex, at most `max` bytes. */
export function readHex(d: Uint8Array, off: number, len: number, max = 64): string {
  const n = len < max ? len : max;
  let s = '';
  for (let i = 0; i < n; i++) s += HEX[d[off + i] >> 4] + HEX[d[off + i] & 15];
  return s;
}

/** An OBJECT IDENTIFIER value as dotted text ("1.0.9506.2.3"); '' when malformed. */
export function readOid(d: Uint8Array, off: number, len: number): string {
  if (len === 0 || len > 64) return '';
  let s = '';
  let v = 0;
  let first = true;
  for (let i = 0; i < len; i++) {
    const c = d[off + i];
    v = v * 128 + (c & 0x7f);
    if (c & 0x80) {
      if (i === len - 1) return '';
      continue;
    }
    if (first) {
      const a = v < 40 ? 0 : v < 80 ? 1 : 2;
      s = `${a}.${v - a * 40}`;
      first = false;
    } else {
      s += `.${v}`;
    }
    v = 0;
  }
  return s;
}
