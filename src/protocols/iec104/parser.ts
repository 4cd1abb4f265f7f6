// Pure parsing of IEC 60870-5-104 APDUs: the APCI (start, length, control field), the ASDU's
// data unit identifier and its information objects. No state: bytes in, values out, into
// objects the caller owns and reuses. Nothing here reads outside [off, off + len).
import {
  APCI_I, APCI_S, APCI_U, ASDU_HEADER_LENGTH, CONTROL_LENGTH, DCS_NAMES, DPI_NAMES, K, RCS_NAMES, SPI_NAMES, START, TYPES,
  U_FUNCTIONS, coiName, qoiName, quName, qrpName, rqtName, type TypeInfo,
} from './constants.ts';

/** The APCI of one APDU. */
export class Apci {
  /** The length octet (bytes after it). */
  length = 0;
  /** APCI_I, APCI_S or APCI_U. */
  format = 0;
  /** Send sequence number N(S) (I format), -1 otherwise. */
  tx = -1;
  /** Receive sequence number N(R) (I and S formats), -1 otherwise. */
  rx = -1;
  /** First control octet of a U frame (its function), -1 otherwise. */
  uFunc = -1;
  /** The control field is as the format requires (S/U: fixed bits, length 4; I: an ASDU follows). */
  wellFormed = false;
}

/**
 * Reads the APCI of the APDU at d[off] (`len` bytes: the whole APDU, start octet included).
 * Returns false when fewer than 6 bytes are there or the start octet is wrong.
 */
export function parseApci(d: Uint8Array, off: number, len: number, out: Apci): boolean {
  if (len < 2 + CONTROL_LENGTH || d[off] !== START) return false;
  const length = d[off + 1];
  const c1 = d[off + 2];
  const c2 = d[off + 3];
  const c3 = d[off + 4];
  const c4 = d[off + 5];
  out.length = length;
  out.tx = -1;
  out.rx = -1;
  out.uFunc = -1;
  if ((c1 & 1) === 0) {
    out.format = APCI_I;
    out.tx = (c1 | (c2 << 8)) >>> 1;
    out.rx = (c3 | (c4 << 8)) >>> 1;
    out.wellFormed = (c3 & 1) === 0 && length >= CONTROL_LENGTH + ASDU_HEADER_LENGTH;
  } else if ((c1 & 3) === 1) {
    out.format = APCI_S;
    out.rx = (c3 | (c4 << 8)) >>> 1;
    out.wellFormed = c1 === 0x01 && c2 === 0 && (c3 & 1) === 0 && length === CONTROL_LENGTH;
  } else {
    out.format = APCI_U;
    out.uFunc = c1;
    out.wellFormed = U_FUNCTIONS.has(c1) && c2 === 0 && c3 === 0 && c4 === 0 && length === CONTROL_LENGTH;
  }
  return true;
}

/** The data unit identifier of an ASDU. */
export class AsduHeader {
  typeId = 0;
  /** The type's layout, undefined for type ids the standard does not define. */
  info: TypeInfo | undefined = undefined;
  /** SQ: the objects are one sequence of elements after a single address. */
  sq = false;
  /** Number of objects (or elements, with SQ). */
  count = 0;
  cause = 0;
  negative = false;
  test = false;
  originator = 0;
  commonAddress = 0;
}

/** Reads the data unit identifier at d[off]; false when fewer than 6 bytes are there. */
export function parseAsduHeader(d: Uint8Array, off: number, len: number, out: AsduHeader): boolean {
  if (len < ASDU_HEADER_LENGTH) return false;
  out.typeId = d[off];
  out.info = TYPES.get(out.typeId);
  const vsq = d[off + 1];
  out.sq = (vsq & 0x80) !== 0;
  out.count = vsq & 0x7f;
  const cot = d[off + 2];
  out.cause = cot & 0x3f;
  out.negative = (cot & 0x40) !== 0;
  out.test = (cot & 0x80) !== 0;
  out.originator = d[off + 3];
  out.commonAddress = d[off + 4] | (d[off + 5] << 8);
  return true;
}

/** Which flags a quality octet carries (how its bits are named). */
export const Q_NONE = 0;
/** QDS: OV BL SB NT IV. */
export const Q_QDS = 1;
/** SIQ / DIQ: BL SB NT IV. */
export const Q_SIQ = 2;
/** Binary counter reading: CY CA IV. */
export const Q_BCR = 3;
/** QDP and SEP: EI BL SB NT IV. */
export const Q_QDP = 4;

/** One information object, decoded. Reused: every field is set by parseObject. */
export class InfoObject {
  ioa = 0;
  /** The main value (state, measured value, counter, command state, set-point, qualifier…); NaN when none. */
  value = NaN;
  /** Name of a coded state (SPI, DPI, SCS, DCS, RCS), '' when none. */
  valueName = '';
  /** The quality octet and how to name its bits. */
  quality = 0;
  qualityScheme = Q_NONE;
  /** CP56Time2a as seconds since the epoch (UTC), NaN when none or not a valid date. */
  time = NaN;
  /** CP24Time2a as "MM:SS.mmm", '' when none. */
  timeCp24 = '';
  /** The time tag's IV bit; false when there is no time tag. */
  timeIv = false;
  /** CP56Time2a SU bit (summer time). */
  timeSummer = false;
  hasTime = false;
  /** CP16Time2a elapsed time (protection events, C_CD_NA_1), -1 when none. */
  elapsedMs = -1;
  /** S/E of commands and set-points: 1 select, 0 execute, -1 none. */
  select = -1;
  /** QU, QL, QOI, RQT, QRP, COI, KPA, QPA, BCR sequence, file qualifiers; -1 when none. */
  qualifier = -1;
  qualifierName = '';
  /** FRZ of QCC, -1 when none. */
  freeze = -1;
  /** VTI transient bit, -1 when none. */
  transient = -1;

  reset(ioa: number): void {
    this.ioa = ioa;
    this.value = NaN;
    this.valueName = '';
    this.quality = 0;
    this.qualityScheme = Q_NONE;
    this.time = NaN;
    this.timeCp24 = '';
    this.timeIv = false;
    this.timeSummer = false;
    this.hasTime = false;
    this.elapsedMs = -1;
    this.select = -1;
    this.qualifier = -1;
    this.qualifierName = '';
    this.freeze = -1;
    this.transient = -1;
  }
}

export function readIoa(d: Uint8Array, off: number): number {
  return d[off] | (d[off + 1] << 8) | (d[off + 2] << 16);
}

function u16(d: Uint8Array, off: number): number {
  return d[off] | (d[off + 1] << 8);
}

function i16(d: Uint8Array, off: number): number {
  return ((d[off] | (d[off + 1] << 8)) << 16) >> 16;
}

function u32(d: Uint8Array, off: number): number {
  return (d[off] | (d[off + 1] << 8) | (d[off + 2] << 16) | (d[off + 3] << 24)) >>> 0;
}

function i32(d: Uint8Array, off: number): number {
  return d[off] | (d[off + 1] << 8) | (d[off + 2] << 16) | (d[off + 3] << 24);
}

const F32 = new DataView(new ArrayBuffer(4));
function f32(d: Uint8Array, off: number): number {
  F32.setUint8(0, d[off]);
  F32.setUint8(1, d[off + 1]);
  F32.setUint8(2, d[off + 2]);
  F32.setUint8(3, d[off + 3]);
  return F32.getFloat32(0, true);
}

/**
 * CP56Time2a (7 octets): milliseconds (0..59999), minutes + IV, hours + SU, day of month +
 * day of week, month, year. The clock reading as sent (a station's local time, usually),
 * expressed as if it were UTC; SU is reported, not applied. The standard's year is 0..99;
 * stations that send a count from 1900 (109 for 2009) are read as tshark reads them:
 * 70..127 are 1970..2027. NaN when a field is out of range.
 */
export function readCp56(d: Uint8Array, off: number, o: InfoObject): void {
  const ms = u16(d, off);
  const min = d[off + 2] & 0x3f;
  const hour = d[off + 3] & 0x1f;
  const day = d[off + 4] & 0x1f;
  const month = d[off + 5] & 0x0f;
  const year = d[off + 6] & 0x7f;
  o.hasTime = true;
  o.timeIv = (d[off + 2] & 0x80) !== 0;
  o.timeSummer = (d[off + 3] & 0x80) !== 0;
  if (ms > 59999 || min > 59 || hour > 23 || day < 1 || month < 1 || month > 12) {
    o.time = NaN;
    return;
  }
  o.time = Date.UTC(year < 70 ? 2000 + year : 1900 + year, month - 1, day, hour, min, 0, ms) / 1000;
}

function pad(n: number, w: number): string {
  let s = String(n);
  while (s.length < w) s = '0' + s;
  return s;
}

/** CP24Time2a (3 octets): milliseconds within the minute and the minute, as "MM:SS.mmm". */
export function readCp24(d: Uint8Array, off: number, o: InfoObject): void {
  const ms = u16(d, off);
  o.hasTime = true;
  o.timeIv = (d[off + 2] & 0x80) !== 0;
  o.timeCp24 = `${pad(d[off + 2] & 0x3f, 2)}:${pad(Math.floor(ms / 1000), 2)}.${pad(ms % 1000, 3)}`;
}

function siq(d: Uint8Array, off: number, o: InfoObject): void {
  const b = d[off];
  o.value = b & 1;
  o.valueName = SPI_NAMES[b & 1];
  o.quality = b & 0xf0;
  o.qualityScheme = Q_SIQ;
}

function diq(d: Uint8Array, off: number, o: InfoObject): void {
  const b = d[off];
  o.value = b & 3;
  o.valueName = DPI_NAMES[b & 3];
  o.quality = b & 0xf0;
  o.qualityScheme = Q_SIQ;
}

function qds(d: Uint8Array, off: number, o: InfoObject): void {
  o.quality = d[off] & 0xf1;
  o.qualityScheme = Q_QDS;
}

function vti(d: Uint8Array, off: number, o: InfoObject): void {
  const b = d[off];
  o.value = ((b & 0x7f) << 25) >> 25; // 7-bit two's complement, -64..63
  o.transient = b >> 7;
}

function bcr(d: Uint8Array, off: number, o: InfoObject): void {
  o.value = i32(d, off);
  const s = d[off + 4];
  o.qualifier = s & 0x1f;
  o.qualifierName = 'sequence';
  o.quality = s & 0xe0;
  o.qualityScheme = Q_BCR;
}

function qdp(d: Uint8Array, off: number, o: InfoObject): void {
  o.quality = d[off] & 0xf8;
  o.qualityScheme = Q_QDP;
}

/** SCO / DCO / RCO: state (1 or 2 bits), QU (5 bits), S/E. */
function command(d: Uint8Array, off: number, o: InfoObject, names: readonly string[] | null): void {
  const b = d[off];
  if (names === null) {
    o.value = b & 1;
    o.valueName = SPI_NAMES[b & 1];
  } else {
    o.value = b & 3;
    o.valueName = names[b & 3];
  }
  const qu = (b >> 2) & 0x1f;
  o.qualifier = qu;
  o.qualifierName = quName(qu);
  o.select = b >> 7;
}

function qos(d: Uint8Array, off: number, o: InfoObject): void {
  const b = d[off];
  o.qualifier = b & 0x7f;
  o.qualifierName = (b & 0x7f) === 0 ? 'default' : `unknown-${b & 0x7f}`;
  o.select = b >> 7;
}

const KPA = ['unused', 'threshold', 'smoothing_factor', 'low_limit', 'high_limit'];

function qpm(d: Uint8Array, off: number, o: InfoObject): void {
  const kpa = d[off] & 0x3f;
  o.qualifier = kpa;
  o.qualifierName = kpa < KPA.length ? KPA[kpa] : `unknown-${kpa}`;
}

/**
 * The bytes one information element of this type takes at d[off] (after its address), given
 * `avail` bytes there: the type's fixed size, or for F_SG_NA_1 the fixed part plus the
 * segment length. -1 when the element does not fit.
 */
export function elementSize(info: TypeInfo, d: Uint8Array, off: number, avail: number): number {
  if (info.kind === K.F_SG) {
    if (avail < 4) return -1;
    const n = 4 + d[off + 3];
    return n <= avail ? n : -1;
  }
  return info.size <= avail ? info.size : -1;
}

/**
 * Decodes one information element of `info`'s layout at d[off] into `o` (whose address the
 * caller set with o.reset). The caller checked with elementSize that the element fits.
 */
export function parseElement(info: TypeInfo, d: Uint8Array, off: number, o: InfoObject): void {
  switch (info.kind) {
    case K.SIQ: siq(d, off, o); break;
    case K.SIQ_T24: siq(d, off, o); readCp24(d, off + 1, o); break;
    case K.SIQ_T56: siq(d, off, o); readCp56(d, off + 1, o); break;
    case K.DIQ: diq(d, off, o); break;
    case K.DIQ_T24: diq(d, off, o); readCp24(d, off + 1, o); break;
    case K.DIQ_T56: diq(d, off, o); readCp56(d, off + 1, o); break;
    case K.VTI_QDS: vti(d, off, o); qds(d, off + 1, o); break;
    case K.VTI_QDS_T24: vti(d, off, o); qds(d, off + 1, o); readCp24(d, off + 2, o); break;
    case K.VTI_QDS_T56: vti(d, off, o); qds(d, off + 1, o); readCp56(d, off + 2, o); break;
    case K.BSI_QDS: o.value = u32(d, off); qds(d, off + 4, o); break;
    case K.BSI_QDS_T24: o.value = u32(d, off); qds(d, off + 4, o); readCp24(d, off + 5, o); break;
    case K.BSI_QDS_T56: o.value = u32(d, off); qds(d, off + 4, o); readCp56(d, off + 5, o); break;
    case K.NVA_QDS: o.value = i16(d, off) / 32768; qds(d, off + 2, o); break;
    case K.NVA_QDS_T24: o.value = i16(d, off) / 32768; qds(d, off + 2, o); readCp24(d, off + 3, o); break;
    case K.NVA_QDS_T56: o.value = i16(d, off) / 32768; qds(d, off + 2, o); readCp56(d, off + 3, o); break;
    case K.NVA: o.value = i16(d, off) / 32768; break;
    case K.SVA_QDS: o.value = i16(d, off); qds(d, off + 2, o); break;
    case K.SVA_QDS_T24: o.value = i16(d, off); qds(d, off + 2, o); readCp24(d, off + 3, o); break;
    case K.SVA_QDS_T56: o.value = i16(d, off); qds(d, off + 2, o); readCp56(d, off + 3, o); break;
    case K.FLT_QDS: o.value = f32(d, off); qds(d, off + 4, o); break;
    case K.FLT_QDS_T24: o.value = f32(d, off); qds(d, off + 4, o); readCp24(d, off + 5, o); break;
    case K.FLT_QDS_T56: o.value = f32(d, off); qds(d, off + 4, o); readCp56(d, off + 5, o); break;
    case K.BCR: bcr(d, off, o); break;
    case K.BCR_T24: bcr(d, off, o); readCp24(d, off + 5, o); break;
    case K.BCR_T56: bcr(d, off, o); readCp56(d, off + 5, o); break;
    case K.SEP_T24:
    case K.SEP_T56: {
      // SEP: ES (2 bits, as DPI), EI BL SB NT IV; then CP16 elapsed time and the time tag.
      const b = d[off];
      o.value = b & 3;
      o.valueName = DPI_NAMES[b & 3];
      qdp(d, off, o);
      o.elapsedMs = u16(d, off + 1);
      if (info.kind === K.SEP_T24) readCp24(d, off + 3, o);
      else readCp56(d, off + 3, o);
      break;
    }
    case K.SPE_T24:
    case K.SPE_T56:
    case K.OCI_T24:
    case K.OCI_T56:
      // SPE (start events) or OCI (output circuit information) bits, QDP, CP16, time tag.
      o.value = d[off];
      qdp(d, off + 1, o);
      o.elapsedMs = u16(d, off + 2);
      if (info.kind === K.SPE_T24 || info.kind === K.OCI_T24) readCp24(d, off + 4, o);
      else readCp56(d, off + 4, o);
      break;
    case K.SCD_QDS: o.value = u32(d, off); qds(d, off + 4, o); break;
    case K.SCO: command(d, off, o, null); break;
    case K.SCO_T56: command(d, off, o, null); readCp56(d, off + 1, o); break;
    case K.DCO: command(d, off, o, DCS_NAMES); break;
    case K.DCO_T56: command(d, off, o, DCS_NAMES); readCp56(d, off + 1, o); break;
    case K.RCO: command(d, off, o, RCS_NAMES); break;
    case K.RCO_T56: command(d, off, o, RCS_NAMES); readCp56(d, off + 1, o); break;
    case K.NVA_QOS: o.value = i16(d, off) / 32768; qos(d, off + 2, o); break;
    case K.NVA_QOS_T56: o.value = i16(d, off) / 32768; qos(d, off + 2, o); readCp56(d, off + 3, o); break;
    case K.SVA_QOS: o.value = i16(d, off); qos(d, off + 2, o); break;
    case K.SVA_QOS_T56: o.value = i16(d, off); qos(d, off + 2, o); readCp56(d, off + 3, o); break;
    case K.FLT_QOS: o.value = f32(d, off); qos(d, off + 4, o); break;
    case K.FLT_QOS_T56: o.value = f32(d, off); qos(d, off + 4, o); readCp56(d, off + 5, o); break;
    case K.BSI: o.value = u32(d, off); break;
    case K.BSI_T56: o.value = u32(d, off); readCp56(d, off + 4, o); break;
    case K.COI: {
      const c = d[off] & 0x7f;
      o.value = d[off];
      o.qualifier = c;
      o.qualifierName = coiName(c);
      break;
    }
    case K.QOI: {
      const q = d[off];
      o.value = q;
      o.qualifier = q;
      o.qualifierName = qoiName(q);
      break;
    }
    case K.QCC: {
      const b = d[off];
      o.value = b;
      o.qualifier = b & 0x3f;
      o.qualifierName = rqtName(b & 0x3f);
      o.freeze = b >> 6;
      break;
    }
    case K.NONE: break;
    case K.T56: readCp56(d, off, o); break;
    case K.FBP: o.value = u16(d, off); break;
    case K.QRP: {
      const q = d[off];
      o.value = q;
      o.qualifier = q;
      o.qualifierName = qrpName(q);
      break;
    }
    case K.T16: o.value = u16(d, off); o.elapsedMs = o.value; break;
    case K.TSC_T56: o.value = u16(d, off); readCp56(d, off + 2, o); break;
    case K.NVA_QPM: o.value = i16(d, off) / 32768; qpm(d, off + 2, o); break;
    case K.SVA_QPM: o.value = i16(d, off); qpm(d, off + 2, o); break;
    case K.FLT_QPM: o.value = f32(d, off); qpm(d, off + 4, o); break;
    case K.QPA: o.value = d[off]; o.qualifier = d[off]; break;
    // File transfer: the value is the name of file (NOF); the qualifier the call/select/ack qualifier.
    case K.F_FR: o.value = u16(d, off); o.qualifier = d[off + 5]; break;
    case K.F_SR: o.value = u16(d, off); o.qualifier = d[off + 6]; break;
    case K.F_SC: o.value = u16(d, off); o.qualifier = d[off + 3]; break;
    case K.F_LS: o.value = u16(d, off); o.qualifier = d[off + 3]; break;
    case K.F_AF: o.value = u16(d, off); o.qualifier = d[off + 3]; break;
    case K.F_SG: o.value = u16(d, off); break;
    case K.F_DR: o.value = u16(d, off); o.qualifier = d[off + 5]; readCp56(d, off + 6, o); break;
    case K.F_SC_NB: o.value = u16(d, off); readCp56(d, off + 2, o); break;
  }
}

/** Flag names of a quality octet, joined by "|" ('' when no flag is set). */
export function qualityText(q: number, scheme: number): string {
  if (q === 0 || scheme === Q_NONE) return '';
  const names = scheme === Q_BCR ? BCR_FLAGS : scheme === Q_QDS ? QDS_FLAGS : scheme === Q_QDP ? QDP_FLAGS : SIQ_FLAGS;
  let s = '';
  for (let i = 0; i < names.length; i += 2) {
    if ((q & (names[i] as number)) === 0) continue;
    s = s === '' ? (names[i + 1] as string) : s + '|' + (names[i + 1] as string);
  }
  return s;
}

// Bit, name pairs in the order the standard lists them.
const QDS_FLAGS: readonly (number | string)[] = [0x01, 'OV', 0x10, 'BL', 0x20, 'SB', 0x40, 'NT', 0x80, 'IV'];
const SIQ_FLAGS: readonly (number | string)[] = [0x10, 'BL', 0x20, 'SB', 0x40, 'NT', 0x80, 'IV'];
const QDP_FLAGS: readonly (number | string)[] = [0x08, 'EI', 0x10, 'BL', 0x20, 'SB', 0x40, 'NT', 0x80, 'IV'];
const BCR_FLAGS: readonly (number | string)[] = [0x20, 'CY', 0x40, 'CA', 0x80, 'IV'];

/** Flag names of a quality octet as a list (for the per-object record). */
export function qualityFlags(q: number, scheme: number): string[] {
  const t = qualityText(q, scheme);
  return t === '' ? [] : t.split('|');
}

