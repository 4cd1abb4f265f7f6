// MMS `Data` values (ISO 9506-2 Data CHOICE, as IEC 61850-8-1 uses it): the type that MMS
// read/write/report PDUs and GOOSE allData carry. Shared by the protocols that carry it
// (mms, goose), as text for records: strings are made only when a record is written.
import { BER_CONTEXT, BER_OK, Tlv, readHex, readInt, readOid, readText, readTlv } from './ber.ts';

/** Data CHOICE, by context tag number. */
export const DATA_TYPE_NAMES: readonly string[] = [
  'unknown-0', // [0] is not a Data alternative (AccessResult uses it for failure)
  'array', // [1] SEQUENCE OF Data
  'structure', // [2] SEQUENCE OF Data
  'boolean', // [3]
  'bit-string', // [4]
  'integer', // [5]
  'unsigned', // [6]
  'floating-point', // [7]
  'unknown-8', // [8] real, dropped from ISO 9506-2:2003 and not used by IEC 61850
  'octet-string', // [9]
  'visible-string', // [10]
  'generalized-time', // [11]
  'binary-time', // [12]
  'bcd', // [13]
  'boolean-array', // [14]
  'obj-id', // [15]
  'mms-string', // [16]
  'utc-time', // [17]
];

export const DATA_ARRAY = 1;
export const DATA_STRUCTURE = 2;
export const DATA_BOOLEAN = 3;
export const DATA_BIT_STRING = 4;
export const DATA_INTEGER = 5;
export const DATA_UNSIGNED = 6;
export const DATA_FLOATING_POINT = 7;
export const DATA_OCTET_STRING = 9;
export const DATA_VISIBLE_STRING = 10;
export const DATA_GENERALIZED_TIME = 11;
export const DATA_BINARY_TIME = 12;
export const DATA_BCD = 13;
export const DATA_BOOLEAN_ARRAY = 14;
export const DATA_OBJ_ID = 15;
export const DATA_MMS_STRING = 16;
export const DATA_UTC_TIME = 17;

/** Nesting of structures/arrays followed. */
export const MAX_DATA_DEPTH = 8;

export function dataTypeName(tag: number): string {
  return tag < DATA_TYPE_NAMES.length ? DATA_TYPE_NAMES[tag] : `unknown-${tag}`;
}

/** IEC 61850 / MMS UtcTime: 4 bytes of seconds, 3 bytes of binary fraction of a second, 1 quality byte. */
export function utcTime(d: Uint8Array, off: number): number {
  const secs = ((d[off] << 24) >>> 0) + ((d[off + 1] << 16) | (d[off + 2] << 8) | d[off + 3]);
  const frac = (d[off + 4] << 16) | (d[off + 5] << 8) | d[off + 6];
  return secs + frac / 16777216;
}

export interface DataList {
  types: string[];
  values: string[];
  /** Elements in the list (all of them, listed or not). */
  count: number;
}

/**
 * The types and values of the Data elements in d[off, end), at most `maxValues` listed,
 * each value at most `maxChars` characters. Nested structures and arrays are written as
 * `{a,b}` and `[a,b]`. `failure` names the element whose tag is [0] (AccessResult failure):
 * given, [0] elements are written as `failure:<name>` with that function.
 */
export function describeData(
  d: Uint8Array, off: number, end: number, maxValues: number, maxChars: number, failure?: (code: number) => string,
): DataList {
  const out: DataList = { types: [], values: [], count: 0 };
  const t = new Tlv();
  while (off < end) {
    if (readTlv(d, off, end, t) !== BER_OK) break;
    out.count++;
    if (out.types.length < maxValues) {
      if (failure !== undefined && t.cls === BER_CONTEXT && t.tag === 0) {
        out.types.push('failure');
        out.values.push(failure(readInt(d, t.off, t.len)));
      } else {
        out.types.push(t.cls === BER_CONTEXT ? dataTypeName(t.tag) : `unknown-${t.id}`);
        let s = dataValue(d, t, 0, maxChars);
        if (s.length > maxChars) s = s.slice(0, maxChars - 3) + '...';
        out.values.push(s);
      }
    }
    off = t.end;
  }
  return out;
}

/** One Data value as text (booleans true/false, bit strings as 0/1 digits, octets as hex, UTC times in ISO 8601). */
export function dataValue(d: Uint8Array, t: Tlv, depth: number, maxChars: number): string {
  const v = t.off;
  const n = t.len;
  if (t.cls !== BER_CONTEXT) return readHex(d, v, n, 32);
  switch (t.tag) {
    case DATA_ARRAY:
    case DATA_STRUCTURE: {
      if (depth >= MAX_DATA_DEPTH) return '...';
      const c = new Tlv();
      let s = t.tag === DATA_ARRAY ? '[' : '{';
      let off = v;
      let first = true;
      while (off < t.end && s.length <= maxChars) {
        if (readTlv(d, off, t.end, c) !== BER_OK) break;
        if (!first) s += ',';
        first = false;
        s += dataValue(d, c, depth + 1, maxChars);
        off = c.end;
      }
      return s + (t.tag === DATA_ARRAY ? ']' : '}');
    }
    case DATA_BOOLEAN:
      return n === 1 ? (d[v] !== 0 ? 'true' : 'false') : readHex(d, v, n, 8);
    case DATA_BIT_STRING:
    case DATA_BOOLEAN_ARRAY:
      return bitString(d, v, n);
    case DATA_INTEGER: {
      const x = readInt(d, v, n);
      return Number.isNaN(x) ? readHex(d, v, n, 16) : String(x);
    }
    case DATA_UNSIGNED: {
      // Unsigned values are BER INTEGERs too; a missing leading 0x00 is read as unsigned.
      const x = readInt(d, v, n);
      return Number.isNaN(x) ? readHex(d, v, n, 16) : String(x < 0 ? x + 2 ** (8 * n) : x);
    }
    case DATA_FLOATING_POINT:
      return floatingPoint(d, v, n);
    case DATA_VISIBLE_STRING:
    case DATA_MMS_STRING:
      return readText(d, v, n, maxChars);
    case DATA_UTC_TIME:
      return n === 8 ? new Date(Math.floor(utcTime(d, v) * 1000)).toISOString() : readHex(d, v, n, 16);
    case DATA_GENERALIZED_TIME:
      return readText(d, v, n, 32);
    case DATA_OBJ_ID:
      return readOid(d, v, n) || readHex(d, v, n, 16);
    default:
      // octet-string, binary-time, bcd, unknown tags
      return readHex(d, v, n, 32);
  }
}

/** A BIT STRING (first octet: unused bits in the last octet) as '0'/'1' digits, at most 64. */
function bitString(d: Uint8Array, v: number, n: number): string {
  if (n === 0) return '';
  const unused = d[v] & 7;
  const bits = Math.min((n - 1) * 8 - unused, 64);
  let s = '';
  for (let i = 0; i < bits; i++) s += (d[v + 1 + (i >> 3)] >> (7 - (i & 7))) & 1 ? '1' : '0';
  return s;
}

/** MMS FloatingPoint: one octet of exponent width, then an IEEE 754 single (4) or double (8). */
function floatingPoint(d: Uint8Array, v: number, n: number): string {
  if (n !== 5 && n !== 9) return readHex(d, v, n, 16);
  const dv = new DataView(d.buffer, d.byteOffset + v, n);
  return n === 5 ? String(Number(dv.getFloat32(1).toPrecision(7))) : String(dv.getFloat64(1));
}
