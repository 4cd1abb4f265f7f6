// LLDPDU structure (IEEE 802.1AB-2016 clause 8.2): a sequence of TLVs, each a 7-bit type and
// a 9-bit length, starting with Chassis ID, Port ID and Time To Live and ending with End of
// LLDPDU (or the frame). walkLldp checks the structure, keeps where each TLV is (the first
// MAX_TLVS), and hashes the content for the change-only record rule; fields.ts turns the
// TLVs into record fields only when a record is written.
import {
  OUI_PROFINET, PN_DELAY, TLV_CHASSIS_ID, TLV_END, TLV_ORG_SPECIFIC, TLV_PORT_ID, TLV_TTL,
} from './constants.ts';

/** TLVs kept per LLDPDU (further ones are counted and ignored). */
export const MAX_TLVS = 64;

export const PROBLEM = {
  NONE: 0,
  /** A TLV header or value runs past the frame. */
  TRUNCATED: 1,
  /** The LLDPDU does not start with Chassis ID, Port ID and TTL (802.1AB 8.2: a receiver discards it). */
  MISSING_MANDATORY: 2,
  /** Chassis ID or Port ID with an empty id (its length must be 2..256), or a TTL that is not 2 bytes. */
  BAD_MANDATORY: 3,
} as const;

export class LldpFrame {
  tlvs = 0;
  /** More TLVs than MAX_TLVS. */
  tooMany = false;
  readonly type = new Uint8Array(MAX_TLVS);
  /** Offset and length of each TLV's value. */
  readonly off = new Int32Array(MAX_TLVS);
  readonly len = new Int32Array(MAX_TLVS);
  /** The neighbour key: the Chassis ID and Port ID TLV values (offsets into the frame). */
  chassisOff = 0;
  chassisLen = 0;
  portOff = 0;
  portLen = 0;
  ttl = 0;
  /** Two 32-bit hashes of the content (every TLV except the PROFINET measured delays). */
  h1 = 0;
  h2 = 0;
  /** TLV types 9..126 (reserved) seen. */
  reserved = 0;
  /** Chassis ID, Port ID or TTL TLVs after the first three (802.1AB: one of each per LLDPDU). */
  duplicates = 0;
  /** Offset just after the last TLV read (the End TLV included). */
  end = 0;
}

function mix(f: LldpFrame, d: Uint8Array, from: number, to: number): void {
  let h1 = f.h1;
  let h2 = f.h2;
  for (let i = from; i < to; i++) {
    h1 = Math.imul(h1 ^ d[i], 0x01000193);
    h2 = Math.imul(h2 + d[i] + 1, 0x9e3779b1) ^ (h2 >>> 15);
  }
  f.h1 = h1;
  f.h2 = h2;
}

/** Walks the LLDPDU at d[off, end). */
export function walkLldp(d: Uint8Array, off: number, end: number, f: LldpFrame): number {
  f.tlvs = 0;
  f.tooMany = false;
  f.h1 = 0x811c9dc5;
  f.h2 = 0x12345678;
  f.reserved = 0;
  f.duplicates = 0;
  f.ttl = -1;
  let o = off;
  let n = 0;
  let problem: number = PROBLEM.NONE;
  while (o < end) {
    if (end - o < 2) {
      problem = PROBLEM.TRUNCATED;
      break;
    }
    const type = d[o] >> 1;
    const len = ((d[o] & 1) << 8) | d[o + 1];
    if (end - o - 2 < len) {
      problem = PROBLEM.TRUNCATED;
      break;
    }
    const v = o + 2;
    if (n < 3) {
      // Chassis ID, Port ID, TTL, in this order (802.1AB 8.2.1).
      if (type !== n + 1) return PROBLEM.MISSING_MANDATORY;
      if (type === TLV_TTL ? len !== 2 : len < 2) return PROBLEM.BAD_MANDATORY;
      if (type === TLV_CHASSIS_ID) {
        f.chassisOff = v;
        f.chassisLen = len;
      } else if (type === TLV_PORT_ID) {
        f.portOff = v;
        f.portLen = len;
      } else {
        f.ttl = (d[v] << 8) | d[v + 1];
      }
    }
    if (type === TLV_END) {
      o = v + len;
      break;
    }
    if (type > 8 && type < TLV_ORG_SPECIFIC) f.reserved++;
    else if (n >= 3 && type <= TLV_TTL) f.duplicates++;
    // The measured delays of PROFINET vary from frame to frame: not part of the content.
    const delays = type === TLV_ORG_SPECIFIC && len >= 4 && ((d[v] << 16) | (d[v + 1] << 8) | d[v + 2]) === OUI_PROFINET && d[v + 3] === PN_DELAY;
    mix(f, d, o, delays ? v + 4 : v + len);
    if (n < MAX_TLVS) {
      f.type[n] = type;
      f.off[n] = v;
      f.len[n] = len;
      n++;
    } else {
      f.tooMany = true;
    }
    o = v + len;
  }
  f.tlvs = n;
  f.end = o;
  if (problem === PROBLEM.NONE && n < 3) return o >= end ? PROBLEM.TRUNCATED : PROBLEM.MISSING_MANDATORY;
  return problem;
}
