// The OSI upper layers between COTP and MMS, unwrapped without state: the ISO 8327-1 session
// SPDU (its user data: after the parameters for DATA TRANSFER, in the User Data parameter
// group for CONNECT/ACCEPT/FINISH/DISCONNECT/ABORT…), the ISO 8823 presentation PPDU (CP/CPA
// SET, fully-encoded user data, the PDV list), and the ISO 8650-1 ACSE APDU (AARQ/AARE/RLRQ/
// RLRE/ABRT, whose user-information EXTERNAL carries the MMS PDU of initiate and conclude).
// Some MMS stacks put MMS PDUs straight into COTP without these layers; unwrap() accepts that
// too. The result is where the MMS PDU lies in the buffer (no copy).
import { BER_APPLICATION, BER_OK, Tlv, readInt, readTlv } from '../../dissect/ber.ts';
import {
  ACSE_AARE, PGI_EXTENDED_USER_DATA, PGI_USER_DATA, PRES_CPR_TYPE, PRES_CP_TYPE, PRES_FULLY_ENCODED, SPDU_ABORT,
  SPDU_ABORT_ACCEPT, SPDU_ACCEPT, SPDU_CONNECT, SPDU_DATA_TRANSFER, SPDU_DISCONNECT, SPDU_FINISH, SPDU_NOT_FINISHED,
  SPDU_PLEASE_TOKENS, SPDU_REFUSE, SPDU_TYPED_DATA,
} from './constants.ts';

export const OSI_OK = 0;
export const OSI_BAD_SESSION = 1;
export const OSI_BAD_PRESENTATION = 2;
export const OSI_BAD_ACSE = 3;

/** Where the layers put the MMS PDU. Reused for every payload (stable shape). */
export class Carried {
  /** Session SPDU identifier of the data-carrying SPDU; -1 when MMS came without a session layer. */
  spdu = -1;
  /** ACSE APDU identifier octet (0x60 AARQ … 0x64 ABRT); -1 when there was none. */
  acse = -1;
  /** AARE result (0 accepted, 1 rejected-permanent, 2 rejected-transient); -1 when absent. */
  acseResult = -1;
  /** The MMS PDU: d[mmsOff, mmsEnd). Empty when the payload carries none (a release, an abort). */
  mmsOff = 0;
  mmsEnd = 0;
  problem = OSI_OK;
  detail = '';
}

const t = new Tlv();
const u = new Tlv();

function bad(c: Carried, problem: number, detail: string): number {
  c.problem = problem;
  c.detail = detail;
  return problem;
}

/** Session SPDU identifiers whose user data sits in the User Data parameter group. */
function dataInParameters(si: number): boolean {
  return (
    si === SPDU_CONNECT || si === SPDU_ACCEPT || si === SPDU_REFUSE || si === SPDU_FINISH || si === SPDU_DISCONNECT ||
    si === SPDU_NOT_FINISHED || si === SPDU_ABORT
  );
}

/** Whether d[off] can start an ISO session SPDU this parser knows (for probes). */
export function isSessionStart(si: number): boolean {
  return dataInParameters(si) || si === SPDU_DATA_TRANSFER || si === SPDU_ABORT_ACCEPT || si === SPDU_TYPED_DATA || si === SPDU_PLEASE_TOKENS;
}

/**
 * Unwraps one COTP DT payload (a TSDU) d[off, end): `bare` says whether it starts with an MMS
 * PDU rather than a session SPDU (the caller decides from the first octet). Fills `c`;
 * returns c.problem.
 */
export function unwrap(d: Uint8Array, off: number, end: number, bare: boolean, c: Carried): number {
  c.spdu = -1;
  c.acse = -1;
  c.acseResult = -1;
  c.mmsOff = c.mmsEnd = off;
  c.problem = OSI_OK;
  c.detail = '';
  if (bare) {
    c.mmsEnd = end;
    return OSI_OK;
  }
  let p = off;
  for (let n = 0; ; n++) {
    if (end - p < 2) return bad(c, OSI_BAD_SESSION, 'SPDU header cut short');
    const si = d[p];
    let li = d[p + 1];
    let q = p + 2;
    if (li === 0xff) {
      if (end - p < 4) return bad(c, OSI_BAD_SESSION, 'SPDU header cut short');
      li = (d[p + 2] << 8) | d[p + 3];
      q = p + 4;
    }
    const paramsEnd = q + li;
    if (paramsEnd > end) return bad(c, OSI_BAD_SESSION, `SPDU ${si}: parameters (${li} bytes) run past the TSDU`);
    // Basic concatenation: a category 0 SPDU (GIVE TOKENS = 1, PLEASE TOKENS = 2) before a category 2 one.
    if (n === 0 && (si === SPDU_DATA_TRANSFER || si === SPDU_PLEASE_TOKENS) && paramsEnd < end && (d[paramsEnd] === SPDU_DATA_TRANSFER || d[paramsEnd] === SPDU_TYPED_DATA)) {
      p = paramsEnd;
      continue;
    }
    c.spdu = si;
    if (si === SPDU_DATA_TRANSFER || si === SPDU_TYPED_DATA) return presentation(d, paramsEnd, end, c);
    if (si === SPDU_ABORT_ACCEPT || si === SPDU_PLEASE_TOKENS) return OSI_OK;
    if (!dataInParameters(si)) return bad(c, OSI_BAD_SESSION, `SPDU type ${si}`);
    // Find the User Data (or Extended User Data) parameter group.
    let r = q;
    while (r < paramsEnd) {
      if (paramsEnd - r < 2) return bad(c, OSI_BAD_SESSION, 'parameter header cut short');
      const code = d[r];
      let len = d[r + 1];
      let v = r + 2;
      if (len === 0xff) {
        if (paramsEnd - r < 4) return bad(c, OSI_BAD_SESSION, 'parameter header cut short');
        len = (d[r + 2] << 8) | d[r + 3];
        v = r + 4;
      }
      if (v + len > paramsEnd) return bad(c, OSI_BAD_SESSION, `parameter ${code} runs past the SPDU`);
      if (code === PGI_USER_DATA || code === PGI_EXTENDED_USER_DATA) return presentation(d, v, v + len, c);
      r = v + len;
    }
    return OSI_OK; // no user data (a DISCONNECT or ABORT without it)
  }
}

/** A presentation PPDU in d[off, end). */
function presentation(d: Uint8Array, off: number, end: number, c: Carried): number {
  c.mmsOff = c.mmsEnd = off;
  if (off >= end) return OSI_OK; // DATA TRANSFER without user information
  if (readTlv(d, off, end, t) !== BER_OK) return bad(c, OSI_BAD_PRESENTATION, 'PPDU is not valid BER');
  const id = t.id;
  if (id === PRES_FULLY_ENCODED) return pdvList(d, t.off, t.end, c);
  let from = t.off;
  let to = t.end;
  if (id === PRES_CP_TYPE) {
    // CP-type / CPA-type: SET { mode-selector [0], …, normal-mode-parameters [2] SEQUENCE { …, user-data } }
    if (!child(d, from, to, 0xa2)) return OSI_OK; // x.410 mode: no user data we follow
    from = u.off;
    to = u.end;
  } else if (id !== PRES_CPR_TYPE && id !== 0xa0) {
    // CPR-type (0x30) and ARU-PPDU normal mode ([0], 0xa0) carry user data at their top level.
    return bad(c, OSI_BAD_PRESENTATION, `PPDU tag 0x${id.toString(16)}`);
  }
  if (!child(d, from, to, PRES_FULLY_ENCODED)) return OSI_OK;
  return pdvList(d, u.off, u.end, c);
}

/** Finds the first child TLV with identifier octet `id` in d[off, end) into `u`. */
function child(d: Uint8Array, off: number, end: number, id: number): boolean {
  while (off < end) {
    if (readTlv(d, off, end, u) !== BER_OK) return false;
    if (u.id === id) return true;
    off = u.end;
  }
  return false;
}

/** Fully-encoded-data: SEQUENCE OF PDV-list; the first PDV with a single-ASN1-type or octet-aligned value. */
function pdvList(d: Uint8Array, off: number, end: number, c: Carried): number {
  while (off < end) {
    if (readTlv(d, off, end, t) !== BER_OK || t.id !== 0x30) return bad(c, OSI_BAD_PRESENTATION, 'PDV-list');
    const next = t.end;
    let p = t.off;
    while (p < next) {
      if (readTlv(d, p, next, u) !== BER_OK) return bad(c, OSI_BAD_PRESENTATION, 'PDV-list element');
      if (u.id === 0xa0 || u.id === 0x81) return content(d, u.off, u.end, c);
      p = u.end;
    }
    off = next;
  }
  return OSI_OK;
}

/** The presentation data value: an ACSE APDU (APPLICATION class) or an MMS PDU (context class). */
function content(d: Uint8Array, off: number, end: number, c: Carried): number {
  c.mmsOff = off;
  c.mmsEnd = end;
  if (off >= end) return OSI_OK;
  if (d[off] >> 6 !== BER_APPLICATION) return OSI_OK; // MMS
  if (readTlv(d, off, end, t) !== BER_OK || t.tag > 4) return bad(c, OSI_BAD_ACSE, `ACSE APDU 0x${d[off].toString(16)}`);
  c.acse = t.id;
  c.mmsOff = c.mmsEnd = off;
  const from = t.off;
  const to = t.end;
  if (c.acse === ACSE_AARE && child(d, from, to, 0xa2)) {
    // result [2] Associate-result: an INTEGER inside
    if (readTlv(d, u.off, u.end, t) === BER_OK && t.id === 0x02) c.acseResult = readInt(d, t.off, t.len);
  }
  // user-information [30] IMPLICIT Association-information: SEQUENCE OF EXTERNAL
  if (!child(d, from, to, 0xbe)) return OSI_OK;
  if (!child(d, u.off, u.end, 0x28)) return bad(c, OSI_BAD_ACSE, 'user-information without EXTERNAL');
  let p = u.off;
  const ext = u.end;
  while (p < ext) {
    if (readTlv(d, p, ext, t) !== BER_OK) return bad(c, OSI_BAD_ACSE, 'EXTERNAL');
    if (t.id === 0xa0 || t.id === 0x81) {
      // encoding: single-ASN1-type [0] or octet-aligned [1]
      c.mmsOff = t.off;
      c.mmsEnd = t.end;
      return OSI_OK;
    }
    p = t.end;
  }
  return OSI_OK;
}
