// S7 Communication (S7comm, protocol id 0x32): Siemens S7-300/400 (and S7-1200/1500 with
// PUT/GET) over COTP. A child of 'cotp': COTP hands it each whole TSDU. Records as ICSNPP's
// icsnpp-s7comm writes them, plus s7comm_read_write. docs/protocols/s7comm.md.
import { PROBE, type ProbeResult, type ProtocolDef } from '../../dissect/types.ts';
import { ROSCTR_ACK, ROSCTR_ACK_DATA, ROSCTR_JOB, ROSCTR_USERDATA, S7COMM_PROTOCOL_ID, S7_HEADER_LEN, S7_HEADER_LEN_ACK } from './constants.ts';
import {
  S7COMM_FIELDS, S7COMM_KNOWN_DEVICES_FIELDS, S7COMM_READ_SZL_FIELDS, S7COMM_READ_WRITE_FIELDS, S7COMM_UPLOAD_DOWNLOAD_FIELDS,
} from './records.ts';
import { MAX_ITEMS, MAX_PENDING, MAX_SZL, S7commSession } from './session.ts';

/** A COTP TSDU that is one S7comm PDU: protocol id 0x32, a known ROSCTR, lengths that fit. */
export function probeS7comm(d: Uint8Array, off: number, len: number): ProbeResult {
  if (len < S7_HEADER_LEN || d[off] !== S7COMM_PROTOCOL_ID) return PROBE.NO;
  const r = d[off + 1];
  if (r !== ROSCTR_JOB && r !== ROSCTR_ACK && r !== ROSCTR_ACK_DATA && r !== ROSCTR_USERDATA) return PROBE.NO;
  const hl = r === ROSCTR_ACK || r === ROSCTR_ACK_DATA ? S7_HEADER_LEN_ACK : S7_HEADER_LEN;
  if (len < hl) return PROBE.NO;
  const lengths = ((d[off + 6] << 8) | d[off + 7]) + ((d[off + 8] << 8) | d[off + 9]);
  return hl + lengths <= len ? PROBE.YES : PROBE.NO;
}

export const s7comm: ProtocolDef = {
  id: 's7comm',
  parents: ['cotp'],
  probe: probeS7comm,
  create: (ctx) => new S7commSession(ctx),
  records: {
    s7comm: S7COMM_FIELDS,
    s7comm_read_szl: S7COMM_READ_SZL_FIELDS,
    s7comm_upload_download: S7COMM_UPLOAD_DOWNLOAD_FIELDS,
    s7comm_known_devices: S7COMM_KNOWN_DEVICES_FIELDS,
    s7comm_read_write: S7COMM_READ_WRITE_FIELDS,
  },
  events: {
    bad_protocol_id: 'a TSDU on an S7comm connection that does not start with protocol id 0x32',
    bad_length: 'the header announces more parameter and data bytes than the PDU holds, or the PDU is shorter than its header',
    unknown_rosctr: 'a ROSCTR other than Job, Ack, Ack-Data and User-Data',
    bad_parameter: 'a parameter too short for its function, or a malformed variable specification',
    bad_data: 'a data item or userdata data that runs past the data part',
    too_many_items: `a Read/Write Var job with more than ${MAX_ITEMS} items (the rest are not recorded)`,
    too_many_pending: `more than ${MAX_PENDING} Read/Write Var jobs waiting for an answer (the oldest is written unanswered)`,
    szl_too_large: `an SZL answer split over several PDUs grew beyond ${MAX_SZL} bytes and was dropped`,
  },
};
