// DHCP and BOOTP (UDP 67/68), with Zeek's dhcp.log records: one per transaction (xid),
// joined across the flows its broadcasts and replies travel in (join.ts). See
// docs/protocols/dhcp.md.
//
// Detection: a BOOTP header (op 1 or 2, hlen at most 16, hops at most 16) whose options start
// with the DHCP magic cookie, on any port; on ports 67/68 a plain BOOTP message (no cookie)
// too.
import { PROBE, type ProtocolDef } from '../../dissect/types.ts';
import { BOOTP_LEN, DHCP_CLIENT_PORT, DHCP_SERVER_PORT, MAGIC_COOKIE } from './constants.ts';
import { DhcpJoin } from './join.ts';
import { DHCP_FIELDS, RECORD_DHCP } from './records.ts';
import { DHCP_EVENTS, DhcpSession } from './session.ts';

export const dhcp: ProtocolDef = {
  id: 'dhcp',
  udpPorts: [DHCP_SERVER_PORT, DHCP_CLIENT_PORT],
  probe(d, off, len, hint) {
    if (hint.transport !== 'udp' || len < BOOTP_LEN) return PROBE.NO;
    const op = d[off];
    if ((op !== 1 && op !== 2) || d[off + 2] > 16 || d[off + 3] > 16) return PROBE.NO;
    const cookie = len >= BOOTP_LEN + 4 && ((d[off + 236] << 24) | (d[off + 237] << 16) | (d[off + 238] << 8) | d[off + 239]) >>> 0 === MAGIC_COOKIE;
    if (cookie) return PROBE.YES;
    const ports = (hint.srcPort === DHCP_SERVER_PORT || hint.srcPort === DHCP_CLIENT_PORT) && (hint.dstPort === DHCP_SERVER_PORT || hint.dstPort === DHCP_CLIENT_PORT);
    return ports ? PROBE.YES : PROBE.NO;
  },
  create(ctx) {
    return new DhcpSession(ctx);
  },
  shared(ctx) {
    return new DhcpJoin(ctx);
  },
  records: { [RECORD_DHCP]: DHCP_FIELDS },
  events: DHCP_EVENTS,
};
