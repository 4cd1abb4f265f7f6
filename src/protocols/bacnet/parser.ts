// BACnet/IP framing: the BVLC header (Annex J.2), the NPDU (clause 6.2) and the APDU header
// (clause 20.1), parsed into one reused Frame. Pure: bytes in, fields and a problem code
// out; nothing here keeps a reference to the bytes or throws on what the network sent.
import {
  BVLC_DELETE_FDT_ENTRY, BVLC_FORWARDED_NPDU, BVLC_READ_BDT_ACK, BVLC_READ_FDT_ACK, BVLC_REGISTER_FD, BVLC_RESULT,
  BVLC_TYPE_BIP, BVLC_WRITE_BDT, NPDU_VERSION, PDU_ABORT, PDU_COMPLEX_ACK, PDU_CONFIRMED_REQUEST, PDU_ERROR, PDU_REJECT,
  PDU_SEGMENT_ACK, PDU_SIMPLE_ACK, PDU_UNCONFIRMED_REQUEST, bvlcCarriesNpdu,
} from './constants.ts';

/** What went wrong with a message (0: nothing). */
export const OK = 0;
export const P_NOT_BVLC = 1;
export const P_BAD_BVLC_LENGTH = 2;
export const P_TRUNCATED = 3;
export const P_BAD_NPDU_VERSION = 4;
export const P_MALFORMED_NPDU = 5;
export const P_MALFORMED_APDU = 6;
export const P_UNKNOWN_PDU_TYPE = 7;

/** Entries of a BDT / FDT kept per message (Read-BDT-Ack, Read-FDT-Ack, Write-BDT). */
export const MAX_TABLE_ENTRIES = 64;

/** One BACnet/IP message, as parseFrame fills it. Reused: every field is reset for each message. */
export class Frame {
  /** End of the message: the end of the datagram (whatever the BVLC length says). */
  end = 0;
  bvlcFunction = -1;
  bvlcLength = 0;
  /** BVLC-Result code; -1 when none. */
  resultCode = -1;
  /** Forwarded-NPDU: the originating B/IP address (offset of its 6 octets), -1 when none. */
  fwdOff = -1;
  /** Register-Foreign-Device time-to-live, -1 when none. */
  ttl = -1;
  /** BDT / FDT entries (offsets of their first octet), and the entry size (10 octets). */
  entries: number[] = [];
  entriesTotal = 0;
  /** Delete-FDT-Entry: offset of the address, -1 when none. */
  deleteOff = -1;

  hasNpdu = false;
  npduOff = 0;
  control = 0;
  dnet = -1;
  dlen = -1;
  dadrOff = 0;
  snet = -1;
  slen = -1;
  sadrOff = 0;
  hopCount = -1;
  /** Network layer message type, -1 for an APDU. */
  netMsg = -1;
  netVendor = -1;
  /** Where the network message's data or the APDU starts. */
  bodyOff = 0;

  hasApdu = false;
  pduType = -1;
  /** First APDU octet (its low 4 bits are the PDU flags). */
  pduFlags = 0;
  invokeId = -1;
  /** Service choice (confirmed or unconfirmed), -1 when the PDU carries none. */
  service = -1;
  segmented = false;
  moreFollows = false;
  segmentedAccepted = false;
  sequence = -1;
  window = -1;
  maxSegments = -1;
  maxApdu = -1;
  /** Reject / Abort reason, -1 when none. */
  reason = -1;
  /** SegmentACK: negative ACK; SegmentACK / Abort: sent by the server. */
  nak = false;
  server = false;
  /** Service data (after the APDU header). */
  dataOff = 0;

  reset(): void {
    this.end = 0;
    this.bvlcFunction = -1;
    this.bvlcLength = 0;
    this.resultCode = -1;
    this.fwdOff = -1;
    this.ttl = -1;
    this.entries.length = 0;
    this.entriesTotal = 0;
    this.deleteOff = -1;
    this.hasNpdu = false;
    this.npduOff = 0;
    this.control = 0;
    this.dnet = -1;
    this.dlen = -1;
    this.dadrOff = 0;
    this.snet = -1;
    this.slen = -1;
    this.sadrOff = 0;
    this.hopCount = -1;
    this.netMsg = -1;
    this.netVendor = -1;
    this.bodyOff = 0;
    this.hasApdu = false;
    this.pduType = -1;
    this.pduFlags = 0;
    this.invokeId = -1;
    this.service = -1;
    this.segmented = false;
    this.moreFollows = false;
    this.segmentedAccepted = false;
    this.sequence = -1;
    this.window = -1;
    this.maxSegments = -1;
    this.maxApdu = -1;
    this.reason = -1;
    this.nak = false;
    this.server = false;
    this.dataOff = 0;
  }
}

/**
 * Parses one UDP datagram of BACnet/IP into `f`. Returns OK or the first problem; the
 * fields parsed before the problem stay set. A BVLC length that differs from the datagram
 * is reported (P_BAD_BVLC_LENGTH) after the whole datagram was parsed, as tshark and
 * ICSNPP read such messages.
 */
export function parseFrame(d: Uint8Array, off: number, len: number, f: Frame): number {
  f.reset();
  if (len < 4 || d[off] !== BVLC_TYPE_BIP) return P_NOT_BVLC;
  const fn = d[off + 1];
  const blen = (d[off + 2] << 8) | d[off + 3];
  f.bvlcFunction = fn;
  f.bvlcLength = blen;
  if (blen < 4) return P_BAD_BVLC_LENGTH;
  const end = off + len;
  f.end = end;
  const lengthProblem = blen !== len ? P_BAD_BVLC_LENGTH : OK;
  let p = off + 4;
  switch (fn) {
    case BVLC_RESULT:
      if (end - p < 2) return P_TRUNCATED;
      f.resultCode = (d[p] << 8) | d[p + 1];
      return lengthProblem;
    case BVLC_WRITE_BDT:
    case BVLC_READ_BDT_ACK:
    case BVLC_READ_FDT_ACK:
      for (; end - p >= 10; p += 10) {
        f.entriesTotal++;
        if (f.entries.length < MAX_TABLE_ENTRIES) f.entries.push(p);
      }
      return p !== end ? P_TRUNCATED : lengthProblem;
    case BVLC_REGISTER_FD:
      if (end - p < 2) return P_TRUNCATED;
      f.ttl = (d[p] << 8) | d[p + 1];
      return lengthProblem;
    case BVLC_DELETE_FDT_ENTRY:
      if (end - p < 6) return P_TRUNCATED;
      f.deleteOff = p;
      return lengthProblem;
    case BVLC_FORWARDED_NPDU:
      if (end - p < 6) return P_TRUNCATED;
      f.fwdOff = p;
      p += 6;
      break;
    default:
      if (!bvlcCarriesNpdu(fn)) return lengthProblem;
  }
  const r = parseNpdu(d, p, end, f);
  return r !== OK ? r : lengthProblem;
}

/** The NPDU at `p` (6.2): version, control, optional DNET/DADR, SNET/SADR, hop count, message type; then the APDU header. */
function parseNpdu(d: Uint8Array, p: number, end: number, f: Frame): number {
  f.npduOff = p;
  if (end - p < 2) return P_TRUNCATED;
  f.hasNpdu = true;
  if (d[p] !== NPDU_VERSION) return P_BAD_NPDU_VERSION;
  const c = d[p + 1];
  f.control = c;
  p += 2;
  if ((c & 0x50) !== 0) return P_MALFORMED_NPDU; // bits 6 and 4 are reserved (shall be zero)
  if ((c & 0x20) !== 0) {
    if (end - p < 3) return P_TRUNCATED;
    f.dnet = (d[p] << 8) | d[p + 1];
    f.dlen = d[p + 2];
    p += 3;
    if (end - p < f.dlen) return P_TRUNCATED;
    f.dadrOff = p;
    p += f.dlen;
  }
  if ((c & 0x08) !== 0) {
    if (end - p < 3) return P_TRUNCATED;
    f.snet = (d[p] << 8) | d[p + 1];
    f.slen = d[p + 2];
    p += 3;
    if (end - p < f.slen) return P_TRUNCATED;
    f.sadrOff = p;
    p += f.slen;
    // SLEN = 0 is invalid (6.2.2); SNET 0xFFFF cannot be a source.
    if (f.slen === 0 || f.snet === 0xffff) return P_MALFORMED_NPDU;
  }
  if ((c & 0x20) !== 0) {
    if (end - p < 1) return P_TRUNCATED;
    f.hopCount = d[p++];
  }
  if ((c & 0x80) !== 0) {
    if (end - p < 1) return P_TRUNCATED;
    f.netMsg = d[p++];
    if (f.netMsg >= 0x80) {
      if (end - p < 2) return P_TRUNCATED;
      f.netVendor = (d[p] << 8) | d[p + 1];
      p += 2;
    }
    f.bodyOff = p;
    return OK;
  }
  f.bodyOff = p;
  return parseApduHeader(d, p, end, f);
}

/** The fixed part of an APDU (20.1.2–20.1.9). */
function parseApduHeader(d: Uint8Array, p: number, end: number, f: Frame): number {
  if (end - p < 1) return P_TRUNCATED;
  f.hasApdu = true;
  const b0 = d[p];
  const type = b0 >> 4;
  f.pduType = type;
  f.pduFlags = b0 & 0x0f;
  const n = end - p;
  switch (type) {
    case PDU_CONFIRMED_REQUEST: {
      f.segmented = (b0 & 0x08) !== 0;
      f.moreFollows = (b0 & 0x04) !== 0;
      f.segmentedAccepted = (b0 & 0x02) !== 0;
      const need = f.segmented ? 6 : 4;
      if (n < 3) return P_TRUNCATED;
      f.maxSegments = (d[p + 1] >> 4) & 7;
      f.maxApdu = d[p + 1] & 0x0f;
      f.invokeId = d[p + 2];
      if (f.segmented) {
        if (n < 5) return P_TRUNCATED;
        f.sequence = d[p + 3];
        f.window = d[p + 4];
      }
      if (n < need) return P_TRUNCATED;
      f.service = d[p + need - 1];
      f.dataOff = p + need;
      return OK;
    }
    case PDU_UNCONFIRMED_REQUEST:
      if (n < 2) return P_TRUNCATED;
      f.service = d[p + 1];
      f.dataOff = p + 2;
      return OK;
    case PDU_SIMPLE_ACK:
      if (n < 2) return P_TRUNCATED;
      f.invokeId = d[p + 1];
      if (n < 3) return P_TRUNCATED;
      f.service = d[p + 2];
      f.dataOff = p + 3;
      return OK;
    case PDU_COMPLEX_ACK: {
      f.segmented = (b0 & 0x08) !== 0;
      f.moreFollows = (b0 & 0x04) !== 0;
      const need = f.segmented ? 5 : 3;
      if (n < 2) return P_TRUNCATED;
      f.invokeId = d[p + 1];
      if (f.segmented) {
        if (n < 4) return P_TRUNCATED;
        f.sequence = d[p + 2];
        f.window = d[p + 3];
      }
      if (n < need) return P_TRUNCATED;
      f.service = d[p + need - 1];
      f.dataOff = p + need;
      return OK;
    }
    case PDU_SEGMENT_ACK:
      f.nak = (b0 & 0x02) !== 0;
      f.server = (b0 & 0x01) !== 0;
      if (n < 2) return P_TRUNCATED;
      f.invokeId = d[p + 1];
      if (n < 4) return P_TRUNCATED;
      f.sequence = d[p + 2];
      f.window = d[p + 3];
      f.dataOff = p + 4;
      return OK;
    case PDU_ERROR:
      if (n < 2) return P_TRUNCATED;
      f.invokeId = d[p + 1];
      if (n < 3) return P_TRUNCATED;
      f.service = d[p + 2];
      f.dataOff = p + 3;
      return OK;
    case PDU_REJECT:
      if (n < 2) return P_TRUNCATED;
      f.invokeId = d[p + 1];
      if (n < 3) return P_TRUNCATED;
      f.reason = d[p + 2];
      f.dataOff = p + 3;
      return OK;
    case PDU_ABORT:
      f.server = (b0 & 0x01) !== 0;
      if (n < 2) return P_TRUNCATED;
      f.invokeId = d[p + 1];
      if (n < 3) return P_TRUNCATED;
      f.reason = d[p + 2];
      f.dataOff = p + 3;
      return OK;
    default:
      return P_UNKNOWN_PDU_TYPE;
  }
}

/**
 * Content detection for a flow's first datagram: the BVLC type, a known function, the BVLC
 * length equal to the datagram (or, on a BACnet port, any length) and, when an NPDU
 * follows, its version and reserved control bits. A BVLC message without an NPDU is too
 * small to recognise off the BACnet ports.
 */
export function probeBacnet(d: Uint8Array, off: number, len: number, portMatch: boolean): boolean {
  if (len < 4 || d[off] !== BVLC_TYPE_BIP) return false;
  const fn = d[off + 1];
  if (fn > 0x0c) return false;
  const blen = (d[off + 2] << 8) | d[off + 3];
  if (blen !== len && !portMatch) return false;
  if (!bvlcCarriesNpdu(fn)) return portMatch;
  // On a BACnet port a BVLC header whose length matches the datagram is enough: a bad NPDU
  // after it is then a malformed BACnet message (recorded, with an event), not another protocol.
  if (portMatch && blen === len) return true;
  const p = off + (fn === BVLC_FORWARDED_NPDU ? 10 : 4);
  if (len - (p - off) < 2) return false;
  if (d[p] !== NPDU_VERSION || (d[p + 1] & 0x50) !== 0) return false;
  return true;
}
