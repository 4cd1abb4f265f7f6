// SNMP values as record text: each value type as the SMI defines it (RFC 2578): numbers in
// decimal, OBJECT IDENTIFIERs dotted, IpAddress dotted, OCTET STRINGs as text when they are
// printable UTF-8 (trailing NULs dropped) and as lower-case hex otherwise.
import { readHex, readInt, readOid } from '../../dissect/ber.ts';
import {
  TAG_COUNTER32, TAG_COUNTER64, TAG_END_OF_MIB_VIEW, TAG_GAUGE32, TAG_INTEGER, TAG_IPADDRESS, TAG_NO_SUCH_INSTANCE,
  TAG_NO_SUCH_OBJECT, TAG_NULL, TAG_OCTET_STRING, TAG_OID, TAG_TIMETICKS, TAG_UINTEGER32, VALUE_TYPES,
} from './constants.ts';

const utf8 = new TextDecoder('utf-8');

/** Length of d[off, off+len) without trailing NULs, or -1 when it is not printable UTF-8 text (tab, CR, LF allowed). */
export function textLength(d: Uint8Array, off: number, len: number): number {
  let n = len;
  while (n > 0 && d[off + n - 1] === 0) n--;
  let i = off;
  const end = off + n;
  while (i < end) {
    const c = d[i];
    if (c < 0x80) {
      if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c === 0x7f) return -1;
      i++;
      continue;
    }
    // A UTF-8 sequence: lead byte, then 1-3 continuation bytes (no overlong 2-byte leads).
    const k = c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : -1;
    if (k < 0 || i + k >= end) return -1;
    for (let j = 1; j <= k; j++) if ((d[i + j] & 0xc0) !== 0x80) return -1;
    i += k + 1;
  }
  return n;
}

/** An OCTET STRING as text (printable) or hex, at most `max` bytes read. */
export function octetsText(d: Uint8Array, off: number, len: number, max: number): string {
  const n = len < max ? len : max;
  const t = textLength(d, off, n);
  if (t < 0) return readHex(d, off, n, max);
  let ascii = true;
  for (let i = off; i < off + t; i++) {
    if (d[i] >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (!ascii) return utf8.decode(d.subarray(off, off + t));
  let s = '';
  for (let i = off; i < off + t; i++) s += String.fromCharCode(d[i]);
  return s;
}

/** An unsigned integer of any length as decimal text (Counter64 may exceed 2^53). */
function unsignedText(d: Uint8Array, off: number, len: number): string {
  if (len <= 6) {
    let v = 0;
    for (let i = 0; i < len; i++) v = v * 256 + d[off + i];
    return String(v);
  }
  if (len > 9) return readHex(d, off, len, 16);
  let v = 0n;
  for (let i = 0; i < len; i++) v = v * 256n + BigInt(d[off + i]);
  return v.toString();
}

/** Name of a value type for `varbind_types`. */
export function valueTypeName(tag: number): string {
  return VALUE_TYPES[tag] ?? (tag < 0 ? 'unknown' : `unknown-${tag}`);
}

/** A value as text for `varbind_values`; '' for NULL and the v2 exceptions. */
export function valueText(d: Uint8Array, tag: number, off: number, len: number, max: number): string {
  switch (tag) {
    case TAG_INTEGER: {
      const v = readInt(d, off, len);
      return Number.isNaN(v) ? readHex(d, off, len, max) : String(v);
    }
    case TAG_OCTET_STRING:
      return octetsText(d, off, len, max);
    case TAG_NULL:
    case TAG_NO_SUCH_OBJECT:
    case TAG_NO_SUCH_INSTANCE:
    case TAG_END_OF_MIB_VIEW:
      return '';
    case TAG_OID: {
      const s = readOid(d, off, len);
      return s === '' ? readHex(d, off, len, max) : s;
    }
    case TAG_IPADDRESS:
      return len === 4 ? `${d[off]}.${d[off + 1]}.${d[off + 2]}.${d[off + 3]}` : readHex(d, off, len, max);
    case TAG_COUNTER32:
    case TAG_GAUGE32:
    case TAG_TIMETICKS:
    case TAG_UINTEGER32:
    case TAG_COUNTER64:
      return unsignedText(d, off, len);
    default:
      return readHex(d, off, len, max);
  }
}

/** Whether a value carries data (not NULL, not an exception). */
export function hasValue(tag: number): boolean {
  return tag !== TAG_NULL && tag !== TAG_NO_SUCH_OBJECT && tag !== TAG_NO_SUCH_INSTANCE && tag !== TAG_END_OF_MIB_VIEW;
}
