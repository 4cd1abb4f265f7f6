// TFTP packet parsing (RFC 1350, options RFC 2347): one datagram is one packet. Pure: bytes
// in, a TftpPacket (reused) with offsets into the datagram out.
import { MODES, OP_ACK, OP_DATA, OP_ERROR, OP_OACK, OP_RRQ, OP_WRQ } from './constants.ts';

/** Options read per request or OACK. */
export const MAX_OPTIONS = 16;

export const PROBLEM = {
  NONE: 0,
  /** Shorter than the fixed part of its opcode. */
  TRUNCATED: 1,
  /** A string that is not NUL-terminated, an unknown mode, or a length that does not fit the opcode. */
  MALFORMED: 2,
  /** An opcode other than 1-6. */
  UNKNOWN_OPCODE: 3,
} as const;

export class TftpPacket {
  opcode = 0;
  /** RRQ/WRQ: file name and mode; ERROR: message. Offsets into the datagram, -1 when absent. */
  nameOff = -1;
  nameLen = 0;
  modeOff = -1;
  modeLen = 0;
  /** DATA/ACK block number; ERROR code. */
  block = 0;
  errorCode = 0;
  msgOff = -1;
  msgLen = 0;
  /** DATA payload. */
  dataOff = 0;
  dataLen = 0;
  /** RRQ/WRQ/OACK options: name and value offsets and lengths (first MAX_OPTIONS). */
  options = 0;
  readonly optOff = new Int32Array(MAX_OPTIONS * 2);
  readonly optLen = new Int32Array(MAX_OPTIONS * 2);
  /** More options than MAX_OPTIONS were sent. */
  moreOptions = false;
}

/** Length of the NUL-terminated string at d[o] within `end` (its bytes printable ASCII), or -1. */
export function cstring(d: Uint8Array, o: number, end: number): number {
  for (let i = o; i < end; i++) {
    const c = d[i];
    if (c === 0) return i - o;
    if (c < 0x20 || c > 0x7e) return -1;
  }
  return -1;
}

/** Whether d[o, o+n) is one of the transfer modes, ignoring case. */
export function isMode(d: Uint8Array, o: number, n: number): boolean {
  for (const m of MODES) {
    if (m.length !== n) continue;
    let eq = true;
    for (let i = 0; i < n; i++) {
      if ((d[o + i] | 0x20) !== m.charCodeAt(i)) {
        eq = false;
        break;
      }
    }
    if (eq) return true;
  }
  return false;
}

/** Options as NUL-terminated name/value pairs from `o` to `end`. False when they are not well formed. */
function readOptions(d: Uint8Array, o: number, end: number, p: TftpPacket): boolean {
  p.options = 0;
  p.moreOptions = false;
  while (o < end) {
    const n = cstring(d, o, end);
    if (n <= 0) return false;
    const v = cstring(d, o + n + 1, end);
    if (v < 0) return false;
    if (p.options < MAX_OPTIONS) {
      const k = p.options * 2;
      p.optOff[k] = o;
      p.optLen[k] = n;
      p.optOff[k + 1] = o + n + 1;
      p.optLen[k + 1] = v;
      p.options++;
    } else {
      p.moreOptions = true;
    }
    o += n + v + 2;
  }
  return true;
}

export function parseTftp(d: Uint8Array, off: number, len: number, p: TftpPacket): number {
  p.nameOff = p.modeOff = p.msgOff = -1;
  p.options = 0;
  p.moreOptions = false;
  p.dataLen = 0;
  if (len < 2) return PROBLEM.TRUNCATED;
  const op = (d[off] << 8) | d[off + 1];
  p.opcode = op;
  const end = off + len;
  switch (op) {
    case OP_RRQ:
    case OP_WRQ: {
      const n = cstring(d, off + 2, end);
      if (n < 0) return end - off <= 2 ? PROBLEM.TRUNCATED : PROBLEM.MALFORMED;
      p.nameOff = off + 2;
      p.nameLen = n;
      const mo = off + 3 + n;
      const m = cstring(d, mo, end);
      if (m < 0) return PROBLEM.MALFORMED;
      p.modeOff = mo;
      p.modeLen = m;
      if (n === 0 || !isMode(d, mo, m)) return PROBLEM.MALFORMED;
      return readOptions(d, mo + m + 1, end, p) ? PROBLEM.NONE : PROBLEM.MALFORMED;
    }
    case OP_DATA:
      if (len < 4) return PROBLEM.TRUNCATED;
      p.block = (d[off + 2] << 8) | d[off + 3];
      p.dataOff = off + 4;
      p.dataLen = len - 4;
      return PROBLEM.NONE;
    case OP_ACK:
      if (len < 4) return PROBLEM.TRUNCATED;
      p.block = (d[off + 2] << 8) | d[off + 3];
      return PROBLEM.NONE;
    case OP_ERROR: {
      if (len < 4) return PROBLEM.TRUNCATED;
      p.errorCode = (d[off + 2] << 8) | d[off + 3];
      // The message: NUL-terminated; some stacks omit the NUL or send non-ASCII, kept as far as it goes.
      let e = off + 4;
      while (e < end && d[e] !== 0) e++;
      p.msgOff = off + 4;
      p.msgLen = e - p.msgOff;
      return e < end ? PROBLEM.NONE : PROBLEM.MALFORMED;
    }
    case OP_OACK:
      return readOptions(d, off + 2, end, p) ? PROBLEM.NONE : PROBLEM.MALFORMED;
    default:
      return PROBLEM.UNKNOWN_OPCODE;
  }
}

/** ASCII text of d[o, o+n), lower-cased when `lower`. */
export function ascii(d: Uint8Array, o: number, n: number, lower = false): string {
  let s = '';
  for (let i = o; i < o + n; i++) s += String.fromCharCode(lower ? d[i] | (d[i] >= 0x41 && d[i] <= 0x5a ? 0x20 : 0) : d[i]);
  return s;
}

/** A decimal option value, -1 when it is not one. */
export function decimal(d: Uint8Array, o: number, n: number): number {
  if (n === 0 || n > 15) return -1;
  let v = 0;
  for (let i = o; i < o + n; i++) {
    const c = d[i] - 0x30;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

