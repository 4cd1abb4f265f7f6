// MMS (ISO 9506, the application protocol of IEC 61850 client/server and ICCP/TASE.2), a child
// of `cotp`: the parent hands over each reassembled COTP DT payload. The probe accepts an ISO
// session SPDU that carries presentation + ACSE/MMS, or an MMS PDU straight in COTP (some
// stacks leave out the session and presentation layers), and refuses S7comm (0x32) and
// S7comm-plus (0x72). docs/protocols/mms.md.
import { BER_CONTEXT, BER_OK, BER_UNIVERSAL, Tlv, readTlv } from '../../dissect/ber.ts';
import { PROBE, type ProtocolDef } from '../../dissect/types.ts';
import { PDU_CONFIRMED_ERROR, PDU_CONFIRMED_REQUEST, PDU_CONFIRMED_RESPONSE } from './constants.ts';
import { Carried, OSI_OK, isSessionStart, unwrap } from './osi.ts';
import { pduTypeOf } from './parser.ts';
import { MMS_FIELDS } from './records.ts';
import { MmsSession } from './session.ts';

const S7COMM = 0x32;
const S7COMM_PLUS = 0x72;

const pt = new Tlv();
const inner = new Tlv();
const carried = new Carried();

/** Whether d[off, end) is exactly one well-formed MMS PDU (its first element checked). */
function isMmsPdu(d: Uint8Array, off: number, end: number): boolean {
  const type = pduTypeOf(d[off]);
  if (type < 0 || readTlv(d, off, end, pt) !== BER_OK || pt.end !== end) return false;
  if (!pt.constructed) return pt.len <= 5; // cancel-Request/Response (an Unsigned32), conclude (NULL)
  let p = pt.off;
  let n = 0;
  while (p < pt.end) {
    if (readTlv(d, p, pt.end, inner) !== BER_OK) return false;
    if (n === 0 && (type === PDU_CONFIRMED_REQUEST || type === PDU_CONFIRMED_RESPONSE)) {
      // invokeID: an INTEGER of 1 to 5 bytes
      if (inner.cls !== BER_UNIVERSAL || inner.tag !== 2 || inner.len < 1 || inner.len > 5) return false;
    } else if (n === 0 && type === PDU_CONFIRMED_ERROR) {
      if (inner.id !== 0x80) return false;
    } else if (n > 0 || type !== PDU_CONFIRMED_REQUEST) {
      // everything else in an MMS PDU is context-tagged (a confirmed request may carry a listOfModifier SEQUENCE)
      if (inner.cls !== BER_CONTEXT && !(inner.id === 0x30 && type === PDU_CONFIRMED_REQUEST)) return false;
    }
    p = inner.end;
    n++;
  }
  return type === PDU_CONFIRMED_REQUEST || type === PDU_CONFIRMED_RESPONSE ? n >= 2 : true;
}

export const mms: ProtocolDef = {
  id: 'mms',
  parents: ['cotp'],
  probe(d, off, len) {
    if (len < 2) return PROBE.NO;
    const b = d[off];
    if (b === S7COMM || b === S7COMM_PLUS) return PROBE.NO;
    const end = off + len;
    if (pduTypeOf(b) >= 0) return isMmsPdu(d, off, end) ? PROBE.YES : PROBE.NO;
    if (!isSessionStart(b)) return PROBE.NO;
    if (unwrap(d, off, end, false, carried) !== OSI_OK || carried.spdu < 0) return PROBE.NO;
    // The session and presentation layers parsed: demand an ACSE APDU or an MMS PDU inside.
    if (carried.mmsEnd > carried.mmsOff) return isMmsPdu(d, carried.mmsOff, carried.mmsEnd) ? PROBE.YES : PROBE.NO;
    return carried.acse >= 0 ? PROBE.YES : PROBE.NO;
  },
  create: (ctx) => new MmsSession(ctx),
  records: { mms: MMS_FIELDS },
  events: {
    bad_session: 'an ISO session SPDU that cannot be parsed (a length beyond the TSDU, an unknown SPDU type)',
    bad_presentation: 'an ISO presentation PPDU that cannot be parsed (not BER, no PDV list)',
    bad_acse: 'an ACSE APDU that cannot be parsed, or user-information without an EXTERNAL',
    bad_ber: 'an MMS PDU that is not valid BER or runs past its container (what was read is kept)',
    bad_pdu: 'an MMS PDU without a mandatory element (invokeID, service, errorClass)',
    unknown_pdu: 'a presentation data value that is not an MMSpdu alternative',
    unmatched_response: 'a response, error or reject for which no request was seen',
    duplicate_invoke_id: 'a request reused the invokeID of a request still waiting for its answer',
    too_many_pending: 'more than 256 requests waiting for an answer; the oldest is written unanswered',
  },
};
