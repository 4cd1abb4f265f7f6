// Pure parsing of one GOOSE frame (IEC 61850-8-1 clause A.3): the 8-byte header and the
// BER-encoded goosePdu. No state. Text fields are kept as offsets into the frame; strings are
// made only when a record is written (describeFrame).
import { BER_BAD, BER_CONTEXT, BER_OK, BER_TRUNCATED, Tlv, readInt, readTlv } from '../../dissect/ber.ts';
import { MAX_DATA_DEPTH, describeData, utcTime, type DataList } from '../../dissect/mms-data.ts';
import {
  F_ALL_DATA, F_CONF_REV, F_DAT_SET, F_GOCB_REF, F_GO_ID, F_NDS_COM,
  F_NUM_DAT_SET_ENTRIES, F_SIMULATION, F_SQ_NUM, F_ST_NUM, F_T, F_TIME_ALLOWED_TO_LIVE, FIELD_NAMES, GOOSE_HEADER_LEN,
  REQUIRED_FIELDS, RESERVED1_SIMULATED, TAG_GOOSE_PDU,
} from './constants.ts';

/** What went wrong with a frame (the first problem found; parsing keeps what it could read). */
export const PROBLEM = {
  NONE: 0,
  /** Fewer than 8 bytes after the EtherType. */
  TRUNCATED: 1,
  /** The Length field is below 8 or beyond the frame. */
  BAD_LENGTH: 2,
  /** The APDU is not valid BER, or a TLV runs past the PDU. */
  BAD_BER: 3,
  /** The APDU is not a goosePdu (a GSE management PDU, or an unknown tag). */
  UNSUPPORTED_PDU: 4,
  /** A mandatory goosePdu field is missing. */
  MISSING_FIELD: 5,
  /** A field has an impossible length or encoding. */
  BAD_FIELD: 6,
} as const;

/** One parsed frame. Reused for every frame (stable shape); offsets point into `d`. */
export class GooseFrame {
  d: Uint8Array = new Uint8Array(0);
  appid = 0;
  /** The Length field (header included). */
  length = 0;
  reserved1 = 0;
  reserved2 = 0;
  /** Tag of the APDU (0x61 goosePdu). */
  pduTag = -1;
  /** Bit i set: field with context tag i was present. */
  present = 0;
  gocbRefOff = 0;
  gocbRefLen = 0;
  datSetOff = 0;
  datSetLen = 0;
  goIdOff = 0;
  goIdLen = 0;
  timeAllowedToLive = 0;
  /** Seconds since the epoch (with the fraction), NaN when absent. */
  t = Number.NaN;
  /** The time-quality octet of t. */
  tQuality = 0;
  stNum = 0;
  sqNum = 0;
  simulation = false;
  confRev = 0;
  ndsCom = false;
  numDatSetEntries = 0;
  allDataOff = 0;
  allDataLen = 0;
  /** Top-level Data elements in allData (-1 when allData could not be walked). */
  allDataCount = -1;
  problem: number = PROBLEM.NONE;
  /** A short detail of the problem. */
  detail = '';
}

const tlv = new Tlv();
/** One TLV per nesting level, for walking allData without allocating. */
const levels: Tlv[] = Array.from({ length: MAX_DATA_DEPTH + 1 }, () => new Tlv());

function fail(f: GooseFrame, problem: number, detail: string): number {
  if (f.problem === PROBLEM.NONE) {
    f.problem = problem;
    f.detail = detail;
  }
  return f.problem;
}

/**
 * Parses the GOOSE frame payload d[off, end) (after the EtherType and any VLAN tags) into `f`.
 * Returns f.problem (PROBLEM.NONE when the frame is whole and well-formed).
 */
export function parseGoose(d: Uint8Array, off: number, end: number, f: GooseFrame): number {
  f.d = d;
  f.problem = PROBLEM.NONE;
  f.detail = '';
  f.present = 0;
  f.pduTag = -1;
  f.gocbRefLen = f.datSetLen = f.goIdLen = f.allDataLen = 0;
  f.timeAllowedToLive = f.stNum = f.sqNum = f.confRev = f.numDatSetEntries = 0;
  f.t = Number.NaN;
  f.tQuality = 0;
  f.simulation = f.ndsCom = false;
  f.allDataCount = -1;
  f.appid = f.length = f.reserved1 = f.reserved2 = 0;
  if (end - off < GOOSE_HEADER_LEN) return fail(f, PROBLEM.TRUNCATED, `${end - off} bytes`);
  f.appid = (d[off] << 8) | d[off + 1];
  f.length = (d[off + 2] << 8) | d[off + 3];
  f.reserved1 = (d[off + 4] << 8) | d[off + 5];
  f.reserved2 = (d[off + 6] << 8) | d[off + 7];
  let pduEnd = off + f.length;
  if (f.length < GOOSE_HEADER_LEN || pduEnd > end) {
    fail(f, PROBLEM.BAD_LENGTH, `length ${f.length}, ${end - off} bytes in the frame`);
    if (f.length < GOOSE_HEADER_LEN) return f.problem;
    pduEnd = end; // parse what the frame holds
  }
  let r = readTlv(d, off + GOOSE_HEADER_LEN, pduEnd, tlv);
  if (r === BER_BAD || tlv.len < 0) return fail(f, PROBLEM.BAD_BER, 'APDU header');
  f.pduTag = tlv.id;
  if (tlv.id !== TAG_GOOSE_PDU) return fail(f, PROBLEM.UNSUPPORTED_PDU, `APDU tag 0x${(tlv.id & 0xff).toString(16)}`);
  if (r === BER_TRUNCATED) fail(f, PROBLEM.BAD_BER, 'goosePdu runs past the frame');
  const seqEnd = tlv.end < pduEnd ? tlv.end : pduEnd;
  let p = tlv.off;
  while (p < seqEnd) {
    r = readTlv(d, p, seqEnd, tlv);
    if (r !== BER_OK) {
      fail(f, PROBLEM.BAD_BER, `field at offset ${p - off}`);
      break;
    }
    p = tlv.end;
    if (tlv.cls !== BER_CONTEXT || tlv.tag > F_ALL_DATA) continue; // an extension: skipped
    const tag = tlv.tag;
    const v = tlv.off;
    const n = tlv.len;
    f.present |= 1 << tag;
    switch (tag) {
      case F_GOCB_REF:
        f.gocbRefOff = v;
        f.gocbRefLen = n;
        break;
      case F_DAT_SET:
        f.datSetOff = v;
        f.datSetLen = n;
        break;
      case F_GO_ID:
        f.goIdOff = v;
        f.goIdLen = n;
        break;
      case F_T:
        if (n !== 8) {
          fail(f, PROBLEM.BAD_FIELD, `t has ${n} bytes`);
          break;
        }
        f.t = utcTime(d, v);
        f.tQuality = d[v + 7];
        break;
      case F_SIMULATION:
      case F_NDS_COM:
        if (n !== 1) fail(f, PROBLEM.BAD_FIELD, `${FIELD_NAMES[tag]} has ${n} bytes`);
        else if (tag === F_SIMULATION) f.simulation = d[v] !== 0;
        else f.ndsCom = d[v] !== 0;
        break;
      case F_ALL_DATA:
        f.allDataOff = v;
        f.allDataLen = n;
        f.allDataCount = countElements(d, v, v + n);
        if (f.allDataCount < 0) fail(f, PROBLEM.BAD_BER, 'allData');
        break;
      default: {
        // The INTEGER fields.
        const x = readInt(d, v, n);
        if (Number.isNaN(x)) {
          fail(f, PROBLEM.BAD_FIELD, `${FIELD_NAMES[tag]} has ${n} bytes`);
          break;
        }
        if (tag === F_TIME_ALLOWED_TO_LIVE) f.timeAllowedToLive = x;
        else if (tag === F_ST_NUM) f.stNum = x;
        else if (tag === F_SQ_NUM) f.sqNum = x;
        else if (tag === F_CONF_REV) f.confRev = x;
        else if (tag === F_NUM_DAT_SET_ENTRIES) f.numDatSetEntries = x;
      }
    }
  }
  const missing = REQUIRED_FIELDS & ~f.present;
  if (missing !== 0) {
    let i = 0;
    while ((missing & (1 << i)) === 0) i++;
    fail(f, PROBLEM.MISSING_FIELD, `no ${FIELD_NAMES[i]}`);
  }
  return f.problem;
}

/** The Ed. 2 "simulated" bit of Reserved 1. */
export function isSimulated(f: GooseFrame): boolean {
  return (f.reserved1 & RESERVED1_SIMULATED) !== 0;
}

/** Top-level TLVs in d[off, end), checking each nested level parses; -1 when the BER is broken. */
function countElements(d: Uint8Array, off: number, end: number): number {
  const t = levels[0];
  let n = 0;
  while (off < end) {
    if (readTlv(d, off, end, t) !== BER_OK) return -1;
    if (t.constructed && !wellFormed(d, t.off, t.end, 1)) return -1;
    off = t.end;
    n++;
  }
  return n;
}

function wellFormed(d: Uint8Array, off: number, end: number, depth: number): boolean {
  const t = levels[depth];
  while (off < end) {
    if (readTlv(d, off, end, t) !== BER_OK) return false;
    if (t.constructed && depth < MAX_DATA_DEPTH && !wellFormed(d, t.off, t.end, depth + 1)) return false;
    off = t.end;
  }
  return true;
}

/** 32-bit FNV-1a hash of the allData bytes: tells a data change between frames without keeping them. */
export function allDataHash(f: GooseFrame): number {
  const d = f.d;
  let h = 0x811c9dc5;
  const end = f.allDataOff + f.allDataLen;
  for (let i = f.allDataOff; i < end; i++) h = Math.imul(h ^ d[i], 0x01000193);
  return h >>> 0;
}

// ---- values for records (strings made only when a record is written) ----

/**
 * The types and values of allData's top-level elements, at most `maxValues` of them, each
 * value at most `maxChars` characters.
 */
export function describeAllData(f: GooseFrame, maxValues: number, maxChars: number): DataList {
  return describeData(f.d, f.allDataOff, f.allDataOff + f.allDataLen, maxValues, maxChars);
}
