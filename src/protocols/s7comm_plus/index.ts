// S7comm-plus (protocol id 0x72): S7-1200/1500 with TIA Portal, HMIs and OPC servers, over
// COTP. A child of 'cotp'. One `s7comm_plus` record per message, as ICSNPP's s7comm_plus.log
// plus sequence number and session id. docs/protocols/s7comm_plus.md.
import { PROBE, type ProbeResult, type ProtocolDef } from '../../dissect/types.ts';
import { S7COMMP_HEADER_LEN, S7COMMP_PROTOCOL_ID, VERSION_KEEP_ALIVE } from './constants.ts';
import { S7COMM_PLUS_FIELDS } from './records.ts';
import { S7commPlusSession } from './session.ts';

/** A COTP TSDU starting 0x72 whose header fits: a keep-alive, or a data length within the TSDU. */
export function probeS7commPlus(d: Uint8Array, off: number, len: number): ProbeResult {
  if (len < S7COMMP_HEADER_LEN || d[off] !== S7COMMP_PROTOCOL_ID) return PROBE.NO;
  if (d[off + 1] === VERSION_KEEP_ALIVE) return len === S7COMMP_HEADER_LEN ? PROBE.YES : PROBE.NO;
  if (d[off + 1] === 0) return PROBE.NO;
  const dataLen = (d[off + 2] << 8) | d[off + 3];
  return dataLen > 0 && S7COMMP_HEADER_LEN + dataLen <= len ? PROBE.YES : PROBE.NO;
}

export const s7comm_plus: ProtocolDef = {
  id: 's7comm_plus',
  parents: ['cotp'],
  probe: probeS7commPlus,
  create: (ctx) => new S7commPlusSession(ctx),
  records: { s7comm_plus: S7COMM_PLUS_FIELDS },
  events: {
    bad_protocol_id: 'a TSDU on an S7comm-plus connection that does not start with protocol id 0x72',
    bad_length: 'a PDU shorter than its header, or a data length that runs past the PDU',
    bad_integrity: 'a V3 PDU whose integrity part does not announce a 32-byte digest',
    unknown_version: 'a version byte other than 1, 2, 3 and 0xff (keep-alive)',
    unknown_opcode: 'an opcode other than Request, Response, Response2 and Notification',
  },
};
