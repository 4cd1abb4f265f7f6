// CDP frame structure: the LLC/SNAP header, then version, TTL, checksum and TLVs (type and
// length of 2 bytes each, the length counting the 4-byte TLV header). walkCdp checks it,
// verifies the checksum, keeps the TLV positions and hashes the content for the change-only
// record rule; fields.ts reads the TLVs only when a record is written.
import { CDP_HEADER_LEN, TLV_DEVICE_ID, TLV_PORT_ID } from './constants.ts';

export const MAX_TLVS = 64;

export const PROBLEM = {
  NONE: 0,
  /** Shorter than the CDP header, or a TLV runs past the frame. */
  TRUNCATED: 1,
  /** A TLV length below 4 (it counts its own header). */
  BAD_TLV_LENGTH: 2,
  /** A version other than 1 and 2. */
  UNKNOWN_VERSION: 3,
} as const;

export class CdpFrame {
  version = 0;
  ttl = 0;
  checksum = 0;
  /** The checksum verified (the IP checksum, or Cisco's variant for odd lengths). */
  checksumOk = false;
  tlvs = 0;
  tooMany = false;
  readonly type = new Uint16Array(MAX_TLVS);
  readonly off = new Int32Array(MAX_TLVS);
  readonly len = new Int32Array(MAX_TLVS);
  /** Device ID and Port ID values (offsets; -1 when absent). */
  deviceOff = -1;
  deviceLen = 0;
  portOff = -1;
  portLen = 0;
  h1 = 0;
  h2 = 0;
  end = 0;
}

function fold(s: number): number {
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return ~s & 0xffff;
}

/**
 * The checksum over d[off, end) with the checksum field (at off + 2) taken as 0: the IP
 * checksum (RFC 1071, an odd last byte padded with 0), and, for odd lengths, the value Cisco
 * devices compute (the last byte as a sign-extended low byte, minus one when negative).
 */
export function cdpChecksums(d: Uint8Array, off: number, end: number): [number, number] {
  let sum = 0;
  let i = off;
  for (; i + 1 < end; i += 2) if (i !== off + 2) sum += (d[i] << 8) | d[i + 1];
  let cisco = sum;
  if (i < end) {
    sum += d[i] << 8;
    cisco += d[i] & 0x80 ? ((d[i] - 1) & 0xff) | 0xff00 : d[i];
  }
  return [fold(sum), fold(cisco)];
}

/** Walks the CDP packet at d[off, end) (after the SNAP header). */
export function walkCdp(d: Uint8Array, off: number, end: number, f: CdpFrame): number {
  f.tlvs = 0;
  f.tooMany = false;
  f.deviceOff = f.portOff = -1;
  f.deviceLen = f.portLen = 0;
  f.h1 = 0x811c9dc5;
  f.h2 = 0x12345678;
  f.end = off;
  if (end - off < CDP_HEADER_LEN) return PROBLEM.TRUNCATED;
  f.version = d[off];
  f.ttl = d[off + 1];
  f.checksum = (d[off + 2] << 8) | d[off + 3];
  let h1 = Math.imul(f.h1 ^ f.version, 0x01000193);
  h1 = Math.imul(h1 ^ f.ttl, 0x01000193);
  let h2 = f.h2;
  let o = off + CDP_HEADER_LEN;
  let n = 0;
  let problem: number = PROBLEM.NONE;
  while (o < end) {
    if (end - o < 4) {
      problem = PROBLEM.TRUNCATED;
      break;
    }
    const type = (d[o] << 8) | d[o + 1];
    const len = (d[o + 2] << 8) | d[o + 3];
    if (len < 4) {
      problem = PROBLEM.BAD_TLV_LENGTH;
      break;
    }
    if (end - o < len) {
      problem = PROBLEM.TRUNCATED;
      break;
    }
    for (let i = o; i < o + len; i++) {
      h1 = Math.imul(h1 ^ d[i], 0x01000193);
      h2 = Math.imul(h2 + d[i] + 1, 0x9e3779b1) ^ (h2 >>> 15);
    }
    if (type === TLV_DEVICE_ID && f.deviceOff < 0) {
      f.deviceOff = o + 4;
      f.deviceLen = len - 4;
    } else if (type === TLV_PORT_ID && f.portOff < 0) {
      f.portOff = o + 4;
      f.portLen = len - 4;
    }
    if (n < MAX_TLVS) {
      f.type[n] = type;
      f.off[n] = o + 4;
      f.len[n] = len - 4;
      n++;
    } else {
      f.tooMany = true;
    }
    o += len;
  }
  f.tlvs = n;
  f.end = o;
  f.h1 = h1 >>> 0;
  f.h2 = h2 >>> 0;
  if (problem === PROBLEM.NONE) {
    const [ip, cisco] = cdpChecksums(d, off, end);
    f.checksumOk = f.checksum === ip || f.checksum === cisco;
  } else {
    f.checksumOk = false;
  }
  if (problem === PROBLEM.NONE && f.version !== 1 && f.version !== 2) return PROBLEM.UNKNOWN_VERSION;
  return problem;
}
