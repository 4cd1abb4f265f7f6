// BACnet's tagged encoding (ASHRAE 135 clause 20.2): the tag reader and the decoders of
// primitive values. Pure functions over a byte view; nothing here throws on what the
// network sent (a bad tag makes readTag return false).
import {
  APP_BIT_STRING, APP_BOOLEAN, APP_CHARACTER_STRING, APP_DATE, APP_DOUBLE, APP_ENUMERATED, APP_NULL, APP_OBJECT_ID,
  APP_OCTET_STRING, APP_REAL, APP_SIGNED, APP_TIME, APP_UNSIGNED, OBJECT_TYPES, nameOf,
} from './constants.ts';
import { hexBytes } from '../../core/hex.ts';

export const TAG_PRIMITIVE = 0;
export const TAG_OPENING = 1;
export const TAG_CLOSING = 2;

/** One tag as read by readTag (reused: one per parser). */
export class Tag {
  /** Tag number: the application type, or the context tag number. */
  num = 0;
  /** Context-specific class (else application). */
  context = false;
  /** TAG_PRIMITIVE, TAG_OPENING or TAG_CLOSING. */
  kind = TAG_PRIMITIVE;
  /** The 3-bit length/value/type field (an application Boolean's value). */
  lvt = 0;
  /** Offset of the content octets. */
  off = 0;
  /** Number of content octets. */
  len = 0;
  /** Offset just after the tag and its content. */
  next = 0;
}

/**
 * Reads the tag at `off` (content must end by `end`). False when it is truncated or not a
 * valid tag (reserved tag number 255, an application Boolean with a length).
 */
export function readTag(d: Uint8Array, off: number, end: number, t: Tag): boolean {
  if (off >= end) return false;
  const b = d[off];
  let p = off + 1;
  let num = b >> 4;
  if (num === 15) {
    if (p >= end) return false;
    num = d[p++];
    if (num === 255) return false;
  }
  const context = (b & 8) !== 0;
  const lvt = b & 7;
  t.num = num;
  t.context = context;
  t.lvt = lvt;
  t.off = p;
  t.len = 0;
  t.next = p;
  if (context && lvt === 6) {
    t.kind = TAG_OPENING;
    return true;
  }
  if (context && lvt === 7) {
    t.kind = TAG_CLOSING;
    return true;
  }
  t.kind = TAG_PRIMITIVE;
  if (!context && num === APP_BOOLEAN) return lvt <= 1;
  let len = lvt;
  if (lvt === 5) {
    if (p >= end) return false;
    len = d[p++];
    if (len === 254) {
      if (end - p < 2) return false;
      len = (d[p] << 8) | d[p + 1];
      p += 2;
    } else if (len === 255) {
      if (end - p < 4) return false;
      len = d[p] * 0x1000000 + ((d[p + 1] << 16) | (d[p + 2] << 8) | d[p + 3]);
      p += 4;
    }
  }
  if (len > end - p) return false;
  t.off = p;
  t.len = len;
  t.next = p + len;
  return true;
}

/** An unsigned integer of `len` big-endian octets (exact up to 2^53). */
export function readUnsigned(d: Uint8Array, off: number, len: number): number {
  let v = 0;
  for (let i = 0; i < len; i++) v = v * 256 + d[off + i];
  return v;
}

/** A two's-complement integer of `len` octets. */
export function readSigned(d: Uint8Array, off: number, len: number): number {
  if (len === 0) return 0;
  const v = readUnsigned(d, off, len);
  return (d[off] & 0x80) !== 0 ? v - 2 ** (8 * len) : v;
}

const F = new Uint8Array(8);
const FV = new DataView(F.buffer);

export function readReal(d: Uint8Array, off: number): number {
  for (let i = 0; i < 4; i++) F[i] = d[off + i];
  return FV.getFloat32(0);
}

export function readDouble(d: Uint8Array, off: number): number {
  for (let i = 0; i < 8; i++) F[i] = d[off + i];
  return FV.getFloat64(0);
}

/** The object type of a 4-octet BACnetObjectIdentifier (10 bits). */
export function objectTypeOf(d: Uint8Array, off: number): number {
  return (d[off] << 2) | (d[off + 1] >> 6);
}

/** The instance number of a 4-octet BACnetObjectIdentifier (22 bits). */
export function instanceOf(d: Uint8Array, off: number): number {
  return ((d[off + 1] & 0x3f) << 16) | (d[off + 2] << 8) | d[off + 3];
}

export function objectTypeName(type: number): string {
  return nameOf(OBJECT_TYPES, type);
}

/**
 * A number as C's printf("%f") writes it (six decimals, round-half-even on the exact binary
 * value, "inf"/"nan"): how ICSNPP writes REAL and DOUBLE property values.
 */
export function formatFixed6(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  const a = Math.abs(x);
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  if (a >= 1e21) return sign + BigInt(a).toString() + '.000000';
  // A tie at the seventh decimal is exact only for odd multiples of 1/128 (x·10^6 = k + 1/2).
  const scaled = a * 1e6;
  if (a < 2 ** 40 && (a * 128) % 2 === 1 && scaled % 1 === 0.5) {
    const lo = Math.floor(scaled);
    const n = lo % 2 === 0 ? lo : lo + 1;
    const s = n.toString().padStart(7, '0');
    return sign + s.slice(0, -6) + '.' + s.slice(-6);
  }
  return sign + a.toFixed(6);
}

const UTF8 = new TextDecoder('utf-8');
const UTF16BE = new TextDecoder('utf-16be');

/**
 * A CharacterString's text (20.2.9): the first octet names the character set. UTF-8, UCS-2,
 * UCS-4 and ISO 8859-1 are decoded; the DBCS and JIS sets come out as hex.
 */
export function characterString(d: Uint8Array, off: number, len: number): string {
  if (len === 0) return '';
  const cs = d[off];
  const p = off + 1;
  const n = len - 1;
  switch (cs) {
    case 0:
      return UTF8.decode(d.subarray(p, p + n));
    case 4:
      return UTF16BE.decode(d.subarray(p, p + n - (n & 1)));
    case 5: {
      let s = '';
      for (let i = 0; i < n; i++) s += String.fromCharCode(d[p + i]);
      return s;
    }
    case 3: {
      let s = '';
      for (let i = 0; i + 4 <= n; i += 4) {
        const cp = readUnsigned(d, p + i, 4);
        s += cp <= 0x10ffff ? String.fromCodePoint(cp) : '\ufffd';
      }
      return s;
    }
    default:
      return hexBytes(d, p, n);
  }
}

/** An application-tagged primitive value as text, as ICSNPP writes property values (see docs/protocols/bacnet.md). */
export function formatApplication(d: Uint8Array, t: Tag, enumNames: readonly string[] | null): string | undefined {
  const off = t.off;
  const len = t.len;
  switch (t.num) {
    case APP_NULL:
      return undefined;
    case APP_BOOLEAN:
      return t.lvt === 1 ? 'true' : 'false';
    case APP_UNSIGNED:
      return len <= 6 ? String(readUnsigned(d, off, len)) : unsignedBig(d, off, len);
    case APP_SIGNED:
      return len <= 6 ? String(readSigned(d, off, len)) : signedBig(d, off, len);
    case APP_REAL:
      return len === 4 ? formatFixed6(readReal(d, off)) : hexBytes(d, off, len);
    case APP_DOUBLE:
      return len === 8 ? formatFixed6(readDouble(d, off)) : hexBytes(d, off, len);
    case APP_OCTET_STRING:
      return hexBytes(d, off, len);
    case APP_CHARACTER_STRING:
      return characterString(d, off, len);
    case APP_BIT_STRING:
      return bitString(d, off, len);
    case APP_ENUMERATED: {
      if (len > 6) return unsignedBig(d, off, len);
      const v = readUnsigned(d, off, len);
      return enumNames !== null ? nameOf(enumNames, v) : String(v);
    }
    case APP_DATE:
      // month/day/year, as ICSNPP writes dates (255 = any).
      return len === 4 ? `${d[off + 1]}/${d[off + 2]}/${d[off] + 1900}` : hexBytes(d, off, len);
    case APP_TIME:
      // hour:minute:second.hundredths
      return len === 4 ? `${d[off]}:${d[off + 1]}:${d[off + 2]}.${d[off + 3]}` : hexBytes(d, off, len);
    case APP_OBJECT_ID:
      return len === 4 ? `${objectTypeName(objectTypeOf(d, off))}: ${instanceOf(d, off)}` : hexBytes(d, off, len);
    default:
      // 13–15 are reserved application tags.
      return hexBytes(d, off, len);
  }
}

/** A BIT STRING: the first octet counts the unused bits of the last; each bit as T/F, first bit first. */
export function bitString(d: Uint8Array, off: number, len: number): string {
  if (len === 0) return '';
  const unused = d[off] & 7;
  const bits = (len - 1) * 8 - (len > 1 ? unused : 0);
  let s = '';
  for (let i = 0; i < bits; i++) s += (d[off + 1 + (i >> 3)] >> (7 - (i & 7))) & 1 ? 'T' : 'F';
  return s;
}

function unsignedBig(d: Uint8Array, off: number, len: number): string {
  let v = 0n;
  for (let i = 0; i < len; i++) v = (v << 8n) | BigInt(d[off + i]);
  return v.toString();
}

function signedBig(d: Uint8Array, off: number, len: number): string {
  let v = 0n;
  for (let i = 0; i < len; i++) v = (v << 8n) | BigInt(d[off + i]);
  if ((d[off] & 0x80) !== 0) v -= 1n << BigInt(8 * len);
  return v.toString();
}
