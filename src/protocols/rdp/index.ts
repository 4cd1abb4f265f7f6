// RDP ([MS-RDPBCGR]; TCP 3389). Detected by content: a client's first bytes are one whole
// TPKT (version 3) holding an X.224 Connection Request of class 0 (destination reference 0)
// whose user data is RDP's — a "Cookie: mstshash=" line, a routing token, or an RDP_NEG_REQ.
// On port 3389 an empty Connection Request (older clients) is accepted too. TPKT on port 102
// is COTP's (S7comm, MMS) and never claimed.
import { PROBE, type ProbeHint, type ProbeResult, type ProtocolDef } from '../../dissect/types.ts';
import { TPKT_VERSION, X224_CR } from './constants.ts';
import { rdpUserData } from './parser.ts';
import { RDP_FIELDS } from './records.ts';
import { RdpSession } from './session.ts';

/** The TCP port of ISO transport over TCP (RFC 1006), COTP's. */
const ISO_TSAP_PORT = 102;
/** Largest Connection Request the probe waits for. */
const MAX_CR = 2048;

export function probeRdp(d: Uint8Array, off: number, len: number, hint: ProbeHint): ProbeResult {
  if (hint.transport !== 'tcp' || !hint.isOrig) return PROBE.NO;
  if (hint.srcPort === ISO_TSAP_PORT || hint.dstPort === ISO_TSAP_PORT) return PROBE.NO;
  if (len < 1) return PROBE.MAYBE;
  if (d[off] !== TPKT_VERSION) return PROBE.NO;
  if (len < 2) return PROBE.MAYBE;
  if (d[off + 1] !== 0) return PROBE.NO;
  if (len < 4) return PROBE.MAYBE;
  const n = (d[off + 2] << 8) | d[off + 3];
  if (n < 11 || n > MAX_CR) return PROBE.NO;
  if (len < 6) return PROBE.MAYBE;
  // X.224 CR: length indicator covering the rest of the TPKT, code 0xE0 (credit 0).
  if (d[off + 4] !== n - 5 || (d[off + 5] & 0xf0) !== X224_CR) return PROBE.NO;
  if (len < 11) return PROBE.MAYBE;
  if (d[off + 6] !== 0 || d[off + 7] !== 0 || (d[off + 10] & 0xf0) !== 0) return PROBE.NO;
  if (len < n) return PROBE.MAYBE;
  const ud = rdpUserData(d, off + 11, off + n);
  if (ud === 'cookie' || ud === 'token' || ud === 'neg') return PROBE.YES;
  return ud === 'none' && hint.portMatch ? PROBE.YES : PROBE.NO;
}

export const rdp: ProtocolDef = {
  id: 'rdp',
  tcpPorts: [3389],
  probe: probeRdp,
  create: (ctx) => new RdpSession(ctx),
  records: { rdp: RDP_FIELDS },
  events: {
    bad_tpkt: 'bytes that are not a TPKT (version 3, length 7..65535) during the connection sequence: it is not read further',
    bad_x224: 'an X.224 Connection Request or Confirm whose length indicator or fields are out of range',
    unterminated_cookie: 'a cookie or routing token without CR LF before the end of the Connection Request',
    bad_data_block: 'an MCS client or server data block whose length runs past the user data',
    too_many_channels: 'more than 31 static virtual channels requested (the first 31 are kept); Zeek\'s RDP_channels_requested_exceeds_max',
    no_tls: 'the server selected a TLS-based security protocol, but the next 4 KiB of a side are not TLS',
  },
};
