// SNMP v1/v2c/v3 over UDP (RFC 3417 transport): one `snmp_pdu` record per message and Zeek's
// `snmp` record per flow. docs/protocols/snmp.md.
//
// Detection: a BER SEQUENCE whose first element is the version INTEGER (0, 1 or 3), then for
// v1/v2c the community OCTET STRING and a PDU tag [0]..[8] followed by the request-id INTEGER
// (or, for a v1 trap, the enterprise OID); for v3 the msgGlobalData SEQUENCE starting with
// msgID. On ports 161/162 that is enough; elsewhere the whole message must parse.
import { PROBE, type ProbeHint, type ProbeResult, type ProtocolDef, type SessionContext } from '../../dissect/types.ts';
import { BER_OK, BER_TRUNCATED, Tlv, readTlv } from '../../dissect/ber.ts';
import { SNMP_PORT, SNMP_TRAP_PORT, TAG_INTEGER, TAG_OCTET_STRING, TAG_OID, TAG_SEQUENCE } from './constants.ts';
import { PROBLEM, SnmpMsg, SnmpParser } from './parser.ts';
import { RECORD_SNMP, RECORD_SNMP_PDU, SNMP_FIELDS, SNMP_PDU_FIELDS } from './records.ts';
import { SNMP_EVENTS, SnmpSession } from './session.ts';

const t = new Tlv();
const probeParser = new SnmpParser();
const probeMsg = new SnmpMsg();

/** Identifier octet of the TLV at `o` (read into t) when its header lies within [o, end), else -1. */
function idAt(d: Uint8Array, o: number, end: number): number {
  const r = readTlv(d, o, end, t);
  return r === BER_OK || (r === BER_TRUNCATED && t.len >= 0) ? t.id : -1;
}

/** Identifier octet of the TLV at `o` when header and value lie within [o, end), else -1. */
function wholeIdAt(d: Uint8Array, o: number, end: number): number {
  return readTlv(d, o, end, t) === BER_OK ? t.id : -1;
}

export function probeSnmp(d: Uint8Array, off: number, len: number, hint: ProbeHint): ProbeResult {
  if (hint.transport !== 'udp' || len < 8 || d[off] !== TAG_SEQUENCE) return PROBE.NO;
  const end = off + len;
  // The message fills the datagram (one cut by the snap length is accepted on the SNMP ports).
  if (idAt(d, off, end) !== TAG_SEQUENCE || t.end < end || (t.end > end && !hint.portMatch)) return PROBE.NO;
  if (wholeIdAt(d, t.off, end) !== TAG_INTEGER || t.len !== 1) return PROBE.NO;
  const version = d[t.off];
  if (version === 0 || version === 1) {
    if (wholeIdAt(d, t.end, end) !== TAG_OCTET_STRING) return PROBE.NO;
    const pdu = idAt(d, t.end, end);
    if (pdu < 0xa0 || pdu > 0xa8) return PROBE.NO;
    if (idAt(d, t.off, end) !== (pdu === 0xa4 ? TAG_OID : TAG_INTEGER)) return PROBE.NO;
  } else if (version === 3) {
    if (idAt(d, t.end, end) !== TAG_SEQUENCE) return PROBE.NO;
    if (idAt(d, t.off, end) !== TAG_INTEGER) return PROBE.NO;
  } else {
    return PROBE.NO;
  }
  if (hint.portMatch) return PROBE.YES;
  return probeParser.parse(d, off, len, probeMsg) === PROBLEM.NONE ? PROBE.YES : PROBE.NO;
}

export const snmp: ProtocolDef = {
  id: 'snmp',
  udpPorts: [SNMP_PORT, SNMP_TRAP_PORT],
  probe: probeSnmp,
  create(ctx: SessionContext) {
    return new SnmpSession(ctx);
  },
  records: { [RECORD_SNMP]: SNMP_FIELDS, [RECORD_SNMP_PDU]: SNMP_PDU_FIELDS },
  events: SNMP_EVENTS,
};
