// ISO 8073 / X.224 connection-oriented transport (COTP) over TPKT (RFC 1006), TCP port 102:
// the carrier of S7comm, S7comm-plus and IEC 61850 MMS. One `cotp` record per TPDU; every
// whole TSDU goes to the child of 'cotp' whose probe claims it. docs/protocols/cotp.md.
import { PROBE, type ProbeHint, type ProbeResult, type ProtocolDef } from '../../dissect/types.ts';
import { TPDU_CC, TPDU_CR, TPDU_DT, TPDU_MIN_LI, TPKT_MIN_LEN } from './constants.ts';
import { TPDU_OK, Tpdu, parseTpdu } from './parser.ts';
import { COTP_FIELDS } from './records.ts';
import { CotpSession } from './session.ts';

export const ISO_TSAP_PORT = 102;

const probeTpdu = new Tpdu();

/**
 * A TPKT (version 3, reserved 0, length ≥ 7) holding a COTP header of a defined TPDU type
 * whose length indicator fits. Off port 102 the first TPKT must be whole and be a CR, CC or
 * DT that parses completely (parameters included).
 */
export function probeCotp(d: Uint8Array, off: number, len: number, hint: ProbeHint): ProbeResult {
  if (hint.transport !== 'tcp') return PROBE.NO;
  if (len < 1) return PROBE.MAYBE;
  if (d[off] !== 3) return PROBE.NO;
  if (len < 2) return PROBE.MAYBE;
  if (d[off + 1] !== 0) return PROBE.NO;
  if (len < 4) return PROBE.MAYBE;
  const n = (d[off + 2] << 8) | d[off + 3];
  if (n < TPKT_MIN_LEN) return PROBE.NO;
  if (len < 6) return PROBE.MAYBE;
  const li = d[off + 4];
  const type = d[off + 5] >> 4;
  const min = TPDU_MIN_LI[type];
  if (min < 0 || li < min || li + 1 > n - 4) return PROBE.NO;
  if (hint.portMatch) return PROBE.YES;
  if (type !== TPDU_CR && type !== TPDU_CC && type !== TPDU_DT) return PROBE.NO;
  if (len < n) return n > 4000 ? PROBE.NO : PROBE.MAYBE;
  const t = probeTpdu;
  if (parseTpdu(d, off + 4, off + n, false, t) !== TPDU_OK || t.badParameter) return PROBE.NO;
  if ((type === TPDU_CR || type === TPDU_CC) && t.cls > 4) return PROBE.NO;
  return PROBE.YES;
}

export const cotp: ProtocolDef = {
  id: 'cotp',
  tcpPorts: [ISO_TSAP_PORT],
  probe: probeCotp,
  create: (ctx) => new CotpSession(ctx),
  records: { cotp: COTP_FIELDS },
  events: {
    bad_tpkt_length: 'a TPKT whose length field is below 7, too short to hold a TPDU',
    resync: 'bytes that do not start a TPKT were skipped until the next valid TPKT header',
    bad_length_indicator: 'a COTP length indicator of 0, past the end of its TPKT, or too short for its TPDU type',
    unknown_tpdu: 'a TPDU code that ISO 8073 does not define',
    bad_parameter: 'a parameter of the variable part runs past the end of the TPDU header',
    bad_class: 'a CR or CC with a protocol class above 4',
    reassembly_too_large: `a TSDU segmented over DTs grew beyond the reassembly cap and was dropped`,
  },
};
