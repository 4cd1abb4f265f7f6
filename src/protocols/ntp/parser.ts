// NTP message parsing: the standard header of modes 0-5 (RFC 5905 section 7.3) with its
// extension fields and MAC (RFC 7822), mode 6 control headers (RFC 9327) and mode 7 private
// headers (ntpd's ntp_request.h). Pure: one datagram in, an NtpMsg (reused) out.
import { CONTROL_HEADER_LEN, MODE_CONTROL, MODE_PRIVATE, NTP_HEADER_LEN, NTP_UNIX_OFFSET, PRIVATE_HEADER_LEN } from './constants.ts';

export const PROBLEM = {
  NONE: 0,
  /** Shorter than the header of its mode. */
  TRUNCATED: 1,
  /** Extension fields whose lengths do not add up to the datagram (RFC 7822 section 7.5). */
  BAD_EXTENSION: 2,
  /** A control message whose Count runs past the datagram. */
  BAD_LENGTH: 3,
} as const;

const u16 = (d: Uint8Array, o: number) => (d[o] << 8) | d[o + 1];
const u32 = (d: Uint8Array, o: number) => ((d[o] << 24) | (d[o + 1] << 16) | (d[o + 2] << 8) | d[o + 3]) >>> 0;

/** One parsed message. Reused: parseNtp sets every field. */
export class NtpMsg {
  leap = 0;
  version = 0;
  mode = 0;
  /** The standard header was present (modes 0-5). */
  std = false;
  stratum = 0;
  /** Signed log2 seconds, as on the wire. */
  pollExp = 0;
  precisionExp = 0;
  rootDelay = 0;
  rootDisp = 0;
  /** Offset of the 4-byte reference id in the datagram. */
  refIdOff = 0;
  refTime = 0;
  orgTime = 0;
  recTime = 0;
  xmtTime = 0;
  numExts = 0;
  /** MAC key id, -1 when there is no MAC. */
  keyId = -1;
  macLen = 0;
  // mode 6
  response = false;
  error = false;
  more = false;
  opcode = 0;
  sequence = 0;
  status = 0;
  associationId = 0;
  offset = 0;
  count = 0;
  // mode 7
  auth = false;
  implementation = 0;
  requestCode = 0;
  errorCode = 0;
  items = 0;
  itemSize = 0;
}

/** An NTP 64-bit timestamp as Unix seconds; 0 for the all-zero "unknown" value (as Zeek logs it). */
export function ntpTime(d: Uint8Array, o: number): number {
  const s = u32(d, o);
  const f = u32(d, o + 4);
  if (s === 0 && f === 0) return 0;
  return s - NTP_UNIX_OFFSET + f / 4294967296;
}

/** A 16.16 "NTP short format" value in seconds. */
function ntpShort(d: Uint8Array, o: number): number {
  return u16(d, o) + u16(d, o + 2) / 65536;
}

const signed8 = (b: number) => (b & 0x80 ? b - 256 : b);

export function parseNtp(d: Uint8Array, off: number, len: number, m: NtpMsg): number {
  if (len < 1) return PROBLEM.TRUNCATED;
  const b0 = d[off];
  m.leap = b0 >> 6;
  m.version = (b0 >> 3) & 7;
  m.mode = b0 & 7;
  m.std = false;
  m.numExts = 0;
  m.keyId = -1;
  m.macLen = 0;
  if (m.mode === MODE_CONTROL) return parseControl(d, off, len, m);
  if (m.mode === MODE_PRIVATE) return parsePrivate(d, off, len, m);
  if (len < NTP_HEADER_LEN) return PROBLEM.TRUNCATED;
  m.std = true;
  m.stratum = d[off + 1];
  m.pollExp = signed8(d[off + 2]);
  m.precisionExp = signed8(d[off + 3]);
  m.rootDelay = ntpShort(d, off + 4);
  m.rootDisp = ntpShort(d, off + 8);
  m.refIdOff = off + 12;
  m.refTime = ntpTime(d, off + 16);
  m.orgTime = ntpTime(d, off + 24);
  m.recTime = ntpTime(d, off + 32);
  m.xmtTime = ntpTime(d, off + 40);
  // What follows: extension fields (type, length >= 16, a multiple of 4), then an optional
  // MAC (key id + 16-byte MD5 or 20-byte SHA-1 digest; 4 bytes alone is a crypto-NAK).
  let o = off + NTP_HEADER_LEN;
  const end = off + len;
  while (o < end) {
    const r = end - o;
    if (r === 4 || r === 20 || r === 24) {
      m.keyId = u32(d, o);
      m.macLen = r - 4;
      return PROBLEM.NONE;
    }
    if (r < 16) return PROBLEM.BAD_EXTENSION;
    const l = u16(d, o + 2);
    if (l < 16 || (l & 3) !== 0 || l > r) return PROBLEM.BAD_EXTENSION;
    m.numExts++;
    o += l;
  }
  return PROBLEM.NONE;
}

function parseControl(d: Uint8Array, off: number, len: number, m: NtpMsg): number {
  if (len < CONTROL_HEADER_LEN) return PROBLEM.TRUNCATED;
  const b1 = d[off + 1];
  m.response = (b1 & 0x80) !== 0;
  m.error = (b1 & 0x40) !== 0;
  m.more = (b1 & 0x20) !== 0;
  m.opcode = b1 & 0x1f;
  m.sequence = u16(d, off + 2);
  m.status = u16(d, off + 4);
  m.associationId = u16(d, off + 6);
  m.offset = u16(d, off + 8);
  m.count = u16(d, off + 10);
  return CONTROL_HEADER_LEN + m.count > len ? PROBLEM.BAD_LENGTH : PROBLEM.NONE;
}

function parsePrivate(d: Uint8Array, off: number, len: number, m: NtpMsg): number {
  if (len < PRIVATE_HEADER_LEN) return PROBLEM.TRUNCATED;
  const b0 = d[off];
  m.response = (b0 & 0x80) !== 0;
  m.more = (b0 & 0x40) !== 0;
  m.auth = (d[off + 1] & 0x80) !== 0;
  m.sequence = d[off + 1] & 0x7f;
  m.implementation = d[off + 2];
  m.requestCode = d[off + 3];
  m.errorCode = d[off + 4] >> 4;
  m.items = ((d[off + 4] & 0x0f) << 8) | d[off + 5];
  m.itemSize = ((d[off + 6] & 0x0f) << 8) | d[off + 7];
  return PROBLEM.NONE;
}

/**
 * The reference id as Zeek logs it: for stratum 0 (a kiss code) and 1 (a reference clock
 * name) four ASCII characters, trailing NULs removed; above, an IPv4 address (for an IPv6
 * reference, the first four bytes of its MD5 hash, RFC 5905 section 7.3). Undefined when
 * all four bytes are 0.
 */
export function refIdText(d: Uint8Array, o: number, stratum: number): string | undefined {
  if ((d[o] | d[o + 1] | d[o + 2] | d[o + 3]) === 0) return undefined;
  if (stratum <= 1) {
    let n = 4;
    while (n > 0 && d[o + n - 1] === 0) n--;
    let s = '';
    for (let i = 0; i < n; i++) s += String.fromCharCode(d[o + i]);
    return s;
  }
  return `${d[o]}.${d[o + 1]}.${d[o + 2]}.${d[o + 3]}`;
}
