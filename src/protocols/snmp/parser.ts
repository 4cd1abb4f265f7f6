// SNMP message parsing (BER, ITU-T X.690): v1 and v2c messages (RFC 1157, RFC 1901) with
// their community and PDU, and v3 messages (RFC 3412) with the header, the USM security
// parameters (RFC 3414) and, when not encrypted, the scoped PDU. Pure: one datagram in, an
// SnmpMsg (reused) out, holding offsets into the datagram; strings are made by the session
// only for records.
//
// The message structure is fixed, so the walk never recurses: the deepest element read is
// a varbind value at depth 5 (message, PDU, varbind list, varbind, value; v3 adds the scoped
// PDU). Every length is checked against its container by readTlv; every loop step consumes
// at least one TLV header. Varbinds are all counted; the first MAX_VARBINDS are kept.
import { BER_OK, BER_TRUNCATED, Tlv, readInt, readTlv } from '../../dissect/ber.ts';
import {
  PDU_GET_BULK_REQUEST, PDU_REPORT, PDU_TRAP_V1, TAG_INTEGER, TAG_IPADDRESS, TAG_OCTET_STRING, TAG_OID, TAG_SEQUENCE,
  TAG_TIMETICKS, VERSION_V1, VERSION_V2C, VERSION_V3,
} from './constants.ts';

/** Varbinds kept per PDU (all are counted). */
export const MAX_VARBINDS = 64;

export const PROBLEM = {
  NONE: 0,
  /** Not an SNMP message: the outer SEQUENCE or the version INTEGER is missing. */
  NOT_SNMP: 1,
  /** A length runs past the datagram (cut by the snap length, or lying): fields read so far are kept. */
  TRUNCATED: 2,
  /** A TLV that is not where the message structure puts it, or not valid BER. */
  MALFORMED: 3,
  /** A version other than 0 (v1), 1 (v2c) and 3 (v3). */
  UNKNOWN_VERSION: 4,
  /** A PDU tag outside [0]..[8]. */
  UNKNOWN_PDU: 5,
} as const;

/** One parsed message: numbers and offsets into the datagram (-1: absent). Reused. */
export class SnmpMsg {
  version = -1;
  communityOff = -1;
  communityLen = 0;
  // v3 header
  msgId = -1;
  maxSize = -1;
  flags = -1;
  securityModel = -1;
  engineIdOff = -1;
  engineIdLen = 0;
  engineBoots = -1;
  engineTime = -1;
  userOff = -1;
  userLen = 0;
  contextEngineIdOff = -1;
  contextEngineIdLen = 0;
  contextNameOff = -1;
  contextNameLen = 0;
  encrypted = false;
  // PDU
  /** PDU tag number 0..8 ([0] get-request … [8] report), -1 when no PDU was read. */
  pdu = -1;
  requestId = Number.NaN;
  /** error-status / error-index; for GetBulk these positions are non-repeaters / max-repetitions. */
  errorStatus = Number.NaN;
  errorIndex = Number.NaN;
  // v1 trap
  enterpriseOff = -1;
  enterpriseLen = 0;
  agentAddrOff = -1;
  agentAddrLen = 0;
  genericTrap = Number.NaN;
  specificTrap = Number.NaN;
  timeStamp = Number.NaN;
  /** Varbinds in the PDU (all of them); the first MAX_VARBINDS are in the arrays below. */
  varbinds = 0;
  readonly oidOff = new Int32Array(MAX_VARBINDS);
  readonly oidLen = new Int32Array(MAX_VARBINDS);
  /** Identifier octet of the value (0x02 INTEGER, 0x04 OCTET STRING, 0x41 Counter32 …; -1 for a multi-octet tag). */
  readonly valTag = new Int32Array(MAX_VARBINDS);
  readonly valOff = new Int32Array(MAX_VARBINDS);
  readonly valLen = new Int32Array(MAX_VARBINDS);
  /** A problem inside the varbind list (the PDU header was whole). */
  varbindProblem = 0;

  reset(): void {
    this.version = -1;
    this.communityOff = -1;
    this.communityLen = 0;
    this.msgId = this.maxSize = this.flags = this.securityModel = -1;
    this.engineIdOff = this.userOff = this.contextEngineIdOff = this.contextNameOff = -1;
    this.engineIdLen = this.userLen = this.contextEngineIdLen = this.contextNameLen = 0;
    this.engineBoots = this.engineTime = -1;
    this.encrypted = false;
    this.pdu = -1;
    this.requestId = this.errorStatus = this.errorIndex = Number.NaN;
    this.enterpriseOff = this.agentAddrOff = -1;
    this.enterpriseLen = this.agentAddrLen = 0;
    this.genericTrap = this.specificTrap = this.timeStamp = Number.NaN;
    this.varbinds = 0;
    this.varbindProblem = 0;
  }
}

/** Problem code of a readTlv result that is not BER_OK. */
const berProblem = (r: number) => (r === BER_TRUNCATED ? PROBLEM.TRUNCATED : PROBLEM.MALFORMED);

/**
 * Reads the TLV at `o` and checks its identifier octet. Returns a PROBLEM code; `t` holds the TLV.
 * A TLV whose header is whole but whose value is cut is TRUNCATED (its fields up to `end` may still be read).
 */
function expect(d: Uint8Array, o: number, end: number, id: number, t: Tlv): number {
  const r = readTlv(d, o, end, t);
  if (r !== BER_OK && !(r === BER_TRUNCATED && t.len >= 0)) return berProblem(r);
  if (t.id !== id) return PROBLEM.MALFORMED;
  return r === BER_OK ? PROBLEM.NONE : PROBLEM.TRUNCATED;
}

/** Problem of the last intAt that gave NaN. */
let intProblem: number = PROBLEM.NONE;

/** An INTEGER TLV at `o` into t; NaN when it is missing, cut or too long (intProblem says which). */
function intAt(d: Uint8Array, o: number, end: number, t: Tlv): number {
  const p = expect(d, o, end, TAG_INTEGER, t);
  if (p !== PROBLEM.NONE) {
    intProblem = p;
    return Number.NaN;
  }
  const v = readInt(d, t.off, t.len);
  if (Number.isNaN(v)) intProblem = PROBLEM.MALFORMED;
  return v;
}

export class SnmpParser {
  private readonly t = new Tlv();
  private readonly u = new Tlv();

  /** Parses the datagram d[off, off+len) into m. */
  parse(d: Uint8Array, off: number, len: number, m: SnmpMsg): number {
    m.reset();
    const t = this.t;
    const end = off + len;
    let p = expect(d, off, end, TAG_SEQUENCE, t);
    if (p === PROBLEM.MALFORMED) return PROBLEM.NOT_SNMP;
    if (p === PROBLEM.TRUNCATED && t.len < 0) return PROBLEM.TRUNCATED;
    const msgEnd = t.end < end ? t.end : end;
    const truncated = p === PROBLEM.TRUNCATED;
    let o = t.off;
    p = expect(d, o, msgEnd, TAG_INTEGER, t);
    if (p !== PROBLEM.NONE) return p === PROBLEM.MALFORMED ? PROBLEM.NOT_SNMP : p;
    const version = readInt(d, t.off, t.len);
    m.version = Number.isNaN(version) ? -1 : version;
    o = t.end;
    let r: number;
    if (version === VERSION_V1 || version === VERSION_V2C) {
      p = expect(d, o, msgEnd, TAG_OCTET_STRING, t);
      if (p !== PROBLEM.NONE) return p;
      m.communityOff = t.off;
      m.communityLen = t.len;
      r = this.pdu(d, t.end, msgEnd, m);
    } else if (version === VERSION_V3) {
      r = this.v3(d, o, msgEnd, m);
    } else {
      return PROBLEM.UNKNOWN_VERSION;
    }
    return r === PROBLEM.NONE && truncated ? PROBLEM.TRUNCATED : r;
  }

  private v3(d: Uint8Array, o: number, end: number, m: SnmpMsg): number {
    const t = this.t;
    const u = this.u;
    // msgGlobalData: SEQUENCE { msgID, msgMaxSize, msgFlags OCTET STRING (SIZE(1)), msgSecurityModel }
    let p = expect(d, o, end, TAG_SEQUENCE, t);
    if (p !== PROBLEM.NONE) return p;
    const next = t.end;
    const hEnd = t.end;
    m.msgId = intAt(d, t.off, hEnd, u);
    if (Number.isNaN(m.msgId)) return intProblem;
    m.maxSize = intAt(d, u.end, hEnd, u);
    if (Number.isNaN(m.maxSize)) return intProblem;
    p = expect(d, u.end, hEnd, TAG_OCTET_STRING, u);
    if (p !== PROBLEM.NONE) return p;
    if (u.len < 1) return PROBLEM.MALFORMED;
    m.flags = d[u.off];
    m.securityModel = intAt(d, u.end, hEnd, u);
    if (Number.isNaN(m.securityModel)) return intProblem;
    // msgSecurityParameters: an OCTET STRING holding UsmSecurityParameters for USM (model 3).
    p = expect(d, next, end, TAG_OCTET_STRING, t);
    if (p !== PROBLEM.NONE) return p;
    const sEnd = t.end;
    if (m.securityModel === 3 && t.len > 0) this.usm(d, t.off, sEnd, m);
    // msgData: plaintext ScopedPDU (SEQUENCE) or encryptedPDU (OCTET STRING).
    const r = readTlv(d, sEnd, end, t);
    if (r !== BER_OK && !(r === BER_TRUNCATED && t.len >= 0)) return berProblem(r);
    if (t.id === TAG_OCTET_STRING) {
      m.encrypted = true;
      return r === BER_OK ? PROBLEM.NONE : PROBLEM.TRUNCATED;
    }
    if (t.id !== TAG_SEQUENCE) return PROBLEM.MALFORMED;
    const spEnd = t.end < end ? t.end : end;
    p = expect(d, t.off, spEnd, TAG_OCTET_STRING, u);
    if (p !== PROBLEM.NONE) return p;
    m.contextEngineIdOff = u.off;
    m.contextEngineIdLen = u.len;
    p = expect(d, u.end, spEnd, TAG_OCTET_STRING, u);
    if (p !== PROBLEM.NONE) return p;
    m.contextNameOff = u.off;
    m.contextNameLen = u.len;
    return this.pdu(d, u.end, spEnd, m);
  }

  /** UsmSecurityParameters (RFC 3414 section 2.4); a malformed one leaves the fields unset. */
  private usm(d: Uint8Array, o: number, end: number, m: SnmpMsg): void {
    const u = this.u;
    if (expect(d, o, end, TAG_SEQUENCE, u) !== PROBLEM.NONE) return;
    const e = u.end;
    if (expect(d, u.off, e, TAG_OCTET_STRING, u) !== PROBLEM.NONE) return;
    m.engineIdOff = u.off;
    m.engineIdLen = u.len;
    const boots = intAt(d, u.end, e, u);
    if (Number.isNaN(boots)) return;
    m.engineBoots = boots;
    const time = intAt(d, u.end, e, u);
    if (Number.isNaN(time)) return;
    m.engineTime = time;
    if (expect(d, u.end, e, TAG_OCTET_STRING, u) !== PROBLEM.NONE) return;
    m.userOff = u.off;
    m.userLen = u.len;
  }

  /** The PDU at `o` (its context tag [0]..[8]) and its varbinds. */
  private pdu(d: Uint8Array, o: number, end: number, m: SnmpMsg): number {
    const t = this.t;
    const r = readTlv(d, o, end, t);
    if (r !== BER_OK && !(r === BER_TRUNCATED && t.len >= 0)) return berProblem(r);
    // [n] IMPLICIT SEQUENCE: context class, constructed.
    if (t.id < 0xa0 || t.id > 0xbf) return PROBLEM.MALFORMED;
    if (t.tag > PDU_REPORT) {
      m.pdu = t.tag;
      return PROBLEM.UNKNOWN_PDU;
    }
    m.pdu = t.tag;
    const truncated = r === BER_TRUNCATED;
    const pEnd = t.end < end ? t.end : end;
    const u = this.u;
    let v: number;
    if (t.tag === PDU_TRAP_V1) {
      // enterprise OID, agent-addr NetworkAddress, generic-trap, specific-trap, time-stamp TimeTicks
      let p = expect(d, t.off, pEnd, TAG_OID, u);
      if (p !== PROBLEM.NONE) return p;
      m.enterpriseOff = u.off;
      m.enterpriseLen = u.len;
      p = expect(d, u.end, pEnd, TAG_IPADDRESS, u);
      if (p !== PROBLEM.NONE) return p;
      m.agentAddrOff = u.off;
      m.agentAddrLen = u.len;
      m.genericTrap = intAt(d, u.end, pEnd, u);
      if (Number.isNaN(m.genericTrap)) return intProblem;
      m.specificTrap = intAt(d, u.end, pEnd, u);
      if (Number.isNaN(m.specificTrap)) return intProblem;
      p = expect(d, u.end, pEnd, TAG_TIMETICKS, u);
      if (p !== PROBLEM.NONE) return p;
      m.timeStamp = u.len <= 5 ? readUnsigned(d, u.off, u.len) : Number.NaN;
      v = u.end;
    } else {
      // request-id, error-status (non-repeaters), error-index (max-repetitions)
      m.requestId = intAt(d, t.off, pEnd, u);
      if (Number.isNaN(m.requestId)) return intProblem;
      m.errorStatus = intAt(d, u.end, pEnd, u);
      if (Number.isNaN(m.errorStatus)) return intProblem;
      m.errorIndex = intAt(d, u.end, pEnd, u);
      if (Number.isNaN(m.errorIndex)) return intProblem;
      v = u.end;
    }
    const vp = this.varbindList(d, v, pEnd, m);
    if (vp !== PROBLEM.NONE) return vp;
    return truncated ? PROBLEM.TRUNCATED : PROBLEM.NONE;
  }

  private varbindList(d: Uint8Array, o: number, end: number, m: SnmpMsg): number {
    const t = this.t;
    const u = this.u;
    let p = expect(d, o, end, TAG_SEQUENCE, t);
    if (p === PROBLEM.MALFORMED || (p === PROBLEM.TRUNCATED && t.len < 0)) return (m.varbindProblem = p);
    const lEnd = t.end < end ? t.end : end;
    let v = t.off;
    while (v < lEnd) {
      // VarBind ::= SEQUENCE { name ObjectName, value }
      p = expect(d, v, lEnd, TAG_SEQUENCE, t);
      if (p === PROBLEM.MALFORMED || (p === PROBLEM.TRUNCATED && t.len < 0)) return (m.varbindProblem = p);
      const bEnd = t.end < lEnd ? t.end : lEnd;
      p = expect(d, t.off, bEnd, TAG_OID, u);
      if (p !== PROBLEM.NONE) return (m.varbindProblem = p);
      const i = m.varbinds;
      const oidOff = u.off;
      const oidLen = u.len;
      const r = readTlv(d, u.end, bEnd, u);
      if (r !== BER_OK) return (m.varbindProblem = berProblem(r));
      if (i < MAX_VARBINDS) {
        m.oidOff[i] = oidOff;
        m.oidLen[i] = oidLen;
        m.valTag[i] = u.id;
        m.valOff[i] = u.off;
        m.valLen[i] = u.len;
      }
      m.varbinds++;
      if (t.end > lEnd) return (m.varbindProblem = PROBLEM.TRUNCATED);
      v = t.end;
    }
    return PROBLEM.NONE;
  }
}

/** An unsigned big-endian value of up to 7 bytes (a leading 0x00 of BER's two's complement is allowed). */
export function readUnsigned(d: Uint8Array, off: number, len: number): number {
  let v = 0;
  for (let i = 0; i < len && i < 8; i++) v = v * 256 + d[off + i];
  return v;
}

/** Whether the message is a GetBulkRequest (its error fields are non-repeaters / max-repetitions). */
export const isBulk = (m: SnmpMsg) => m.pdu === PDU_GET_BULK_REQUEST;
