// Pure parsing of one COTP TPDU (ISO 8073 / ITU-T X.224) inside a TPKT: bytes in, the header
// fields and where the user data lies out. No state, no allocation: the caller passes one
// reusable Tpdu and gets a status. Strings (TSAPs) are left as offsets for the record writer.
import {
  OPTION_EXTENDED_FORMAT, PARAM_CALLED_TSAP, PARAM_CALLING_TSAP, PARAM_PREFERRED_TPDU_SIZE, PARAM_TPDU_SIZE,
  TPDU_AK, TPDU_CC, TPDU_CR, TPDU_DC, TPDU_DR, TPDU_DT, TPDU_EA, TPDU_ED, TPDU_ER, TPDU_MIN_LI, TPDU_RJ,
} from './constants.ts';

/** The TPDU was parsed; its fields are set. */
export const TPDU_OK = 0;
/** Length indicator 0, or a header running past the TPKT. */
export const TPDU_BAD_LI = 1;
/** A TPDU code ISO 8073 does not define (`type` is set). */
export const TPDU_UNKNOWN = 2;
/** The header is shorter than its type requires (`type` is set). */
export const TPDU_SHORT = 3;
export type TpduStatus = typeof TPDU_OK | typeof TPDU_BAD_LI | typeof TPDU_UNKNOWN | typeof TPDU_SHORT;

/** One parsed TPDU. Fields that the TPDU type does not carry are -1. */
export class Tpdu {
  /** TPDU code (high nibble of the second byte). */
  type = -1;
  /** Length indicator: header octets after the LI byte. */
  li = 0;
  dstRef = -1;
  srcRef = -1;
  /** Protocol class of CR/CC (0..4). */
  cls = -1;
  /** CR/CC: extended formats (31-bit sequence numbers) asked for / agreed. */
  extended = false;
  /** DR reason or ER reject cause. */
  reason = -1;
  /** DT/ED: TPDU-NR; AK/EA/RJ: YR-TU-NR (next expected). */
  nr = -1;
  /** DT/ED: end of TSDU mark: 1 = last TPDU of the TSDU, 0 = more follow, -1 = not a DT/ED. */
  eot = -1;
  /** CR/CC: maximum TPDU size in octets (parameter 0xC0, else 0xF0 × 128), -1 when absent. */
  tpduSize = -1;
  /** CR/CC: calling / called TSAP as offsets into the buffer (-1 when absent). */
  callingOff = -1;
  callingLen = 0;
  calledOff = -1;
  calledLen = 0;
  /** A parameter of the variable part runs past the header (the fixed part is still valid). */
  badParameter = false;
  /** User data (CR/CC/DR/DT/ED): from the end of the header to the end of the TPKT. */
  userOff = 0;
  userLen = 0;
  /** Offset of a concatenated TPDU that follows this one in the same TPKT, -1 when none. */
  next = -1;

  reset(): void {
    this.type = -1;
    this.li = 0;
    this.dstRef = -1;
    this.srcRef = -1;
    this.cls = -1;
    this.extended = false;
    this.reason = -1;
    this.nr = -1;
    this.eot = -1;
    this.tpduSize = -1;
    this.callingOff = -1;
    this.callingLen = 0;
    this.calledOff = -1;
    this.calledLen = 0;
    this.badParameter = false;
    this.userOff = 0;
    this.userLen = 0;
    this.next = -1;
  }
}

const be16 = (d: Uint8Array, o: number) => (d[o] << 8) | d[o + 1];

/**
 * Parses the TPDU at d[off] (the end of its TPKT at `end`). `extended`: the connection
 * agreed on extended formats (4-byte sequence numbers), which changes the DT/ED/AK/EA/RJ
 * layouts; without a CR/CC seen the normal formats are assumed.
 */
export function parseTpdu(d: Uint8Array, off: number, end: number, extended: boolean, t: Tpdu): TpduStatus {
  t.reset();
  if (end - off < 2) return TPDU_BAD_LI;
  const li = d[off];
  t.li = li;
  const hEnd = off + 1 + li;
  if (li < 1 || hEnd > end) return TPDU_BAD_LI;
  const type = d[off + 1] >> 4;
  t.type = type;
  const min = TPDU_MIN_LI[type];
  if (min < 0) return TPDU_UNKNOWN;
  if (li < min) return TPDU_SHORT;
  let params = hEnd;
  let hasUserData = false;
  switch (type) {
    case TPDU_CR:
    case TPDU_CC: {
      t.dstRef = be16(d, off + 2);
      t.srcRef = be16(d, off + 4);
      const opt = d[off + 6];
      t.cls = opt >> 4;
      t.extended = (opt & OPTION_EXTENDED_FORMAT) !== 0;
      params = off + 7;
      hasUserData = true;
      break;
    }
    case TPDU_DR:
      t.dstRef = be16(d, off + 2);
      t.srcRef = be16(d, off + 4);
      t.reason = d[off + 6];
      params = off + 7;
      hasUserData = true;
      break;
    case TPDU_DC:
      t.dstRef = be16(d, off + 2);
      t.srcRef = be16(d, off + 4);
      params = off + 6;
      break;
    case TPDU_DT:
    case TPDU_ED:
      hasUserData = true;
      if (li === 2) {
        // Class 0 and 1, normal format: no DST-REF.
        t.nr = d[off + 2] & 0x7f;
        t.eot = d[off + 2] >> 7;
        params = hEnd;
      } else if (extended && li >= 7) {
        t.dstRef = be16(d, off + 2);
        t.nr = ((d[off + 4] & 0x7f) << 24 | (d[off + 5] << 16) | (d[off + 6] << 8) | d[off + 7]) >>> 0;
        t.eot = d[off + 4] >> 7;
        params = off + 8;
      } else if (li >= 4) {
        t.dstRef = be16(d, off + 2);
        t.nr = d[off + 4] & 0x7f;
        t.eot = d[off + 4] >> 7;
        params = off + 5;
      } else {
        return TPDU_SHORT;
      }
      break;
    case TPDU_AK:
    case TPDU_EA:
    case TPDU_RJ:
      t.dstRef = be16(d, off + 2);
      if (extended && li >= 7) {
        t.nr = ((d[off + 4] & 0x7f) << 24 | (d[off + 5] << 16) | (d[off + 6] << 8) | d[off + 7]) >>> 0;
        params = off + 8;
      } else {
        t.nr = d[off + 4] & 0x7f;
        params = off + 5;
      }
      break;
    case TPDU_ER:
      t.dstRef = be16(d, off + 2);
      t.reason = d[off + 4];
      params = off + 5;
      break;
  }
  if (params < hEnd) parseParameters(d, params, hEnd, type === TPDU_CR || type === TPDU_CC, t);
  if (hasUserData) {
    t.userOff = hEnd;
    t.userLen = end - hEnd;
  } else if (hEnd < end) {
    t.next = hEnd;
  }
  return TPDU_OK;
}

/** The variable part: code, length, value triples up to the end of the header. */
function parseParameters(d: Uint8Array, p: number, hEnd: number, connect: boolean, t: Tpdu): void {
  let preferred = -1;
  while (p < hEnd) {
    if (p + 2 > hEnd) {
      if (d[p] >= 0x80) t.badParameter = true;
      return;
    }
    const code = d[p];
    // ISO 8073 parameter codes all have the high bit set; anything else is data that an
    // application put in the header (RDP's negotiation request in CR/CC, for one).
    if (code < 0x80) return;
    const len = d[p + 1];
    const v = p + 2;
    if (v + len > hEnd) {
      t.badParameter = true;
      return;
    }
    if (connect) {
      if (code === PARAM_TPDU_SIZE && len >= 1) {
        const e = d[v];
        if (e <= 30) t.tpduSize = 2 ** e;
      } else if (code === PARAM_PREFERRED_TPDU_SIZE && len >= 1 && len <= 4) {
        let n = 0;
        for (let i = 0; i < len; i++) n = n * 256 + d[v + i];
        preferred = n * 128;
      } else if (code === PARAM_CALLING_TSAP) {
        t.callingOff = v;
        t.callingLen = len;
      } else if (code === PARAM_CALLED_TSAP) {
        t.calledOff = v;
        t.calledLen = len;
      }
    }
    p = v + len;
  }
  if (t.tpduSize < 0 && preferred >= 0) t.tpduSize = preferred;
}

/**
 * TPKT framing check at d[off] with `avail` bytes: the TPKT length (> 0), 0 when more bytes
 * are needed, -1 when no TPKT starts here. `strict` (used while resynchronising) also wants
 * a plausible COTP header inside: a known TPDU code and a length indicator that fits.
 */
export function tpktLength(d: Uint8Array, off: number, avail: number, strict: boolean): number {
  if (avail < 1) return 0;
  if (d[off] !== 3) return -1;
  if (avail < 2) return 0;
  if (d[off + 1] !== 0) return -1;
  if (avail < 4) return 0;
  const n = be16(d, off + 2);
  if (n < 4) return -1;
  if (!strict) return n;
  if (n < 7) return -1;
  if (avail < 6) return 0;
  const li = d[off + 4];
  const min = TPDU_MIN_LI[d[off + 5] >> 4];
  if (min < 0 || li < min || li + 1 > n - 4) return -1;
  return n;
}

