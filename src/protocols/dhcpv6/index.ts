// DHCPv6 (UDP 546/547): one `dhcpv6` record per transaction, joined across the flows its
// multicast solicitations and unicast replies travel in (join.ts). See docs/protocols/dhcpv6.md.
//
// Detection needs the ports (the header is one type byte and a 3-byte id): a defined message
// type whose options (or, for a relay, whose 34-byte header and options) walk exactly to the
// end of the datagram.
import { PROBE, type ProtocolDef } from '../../dissect/types.ts';
import { DHCPV6_CLIENT_PORT, DHCPV6_SERVER_PORT, RELAY_FORW, RELAY_REPL, isKnownMessageType } from './constants.ts';
import { Dhcpv6Join } from './join.ts';
import { DHCPV6_FIELDS, RECORD_DHCPV6 } from './records.ts';
import { DHCPV6_EVENTS, Dhcpv6Session } from './session.ts';

/** Whether the options at d[p, end) are whole: each header and value inside. */
function optionsWalk(d: Uint8Array, p: number, end: number): boolean {
  for (let i = 0; p < end && i < 256; i++) {
    if (p + 4 > end) return false;
    p += 4 + ((d[p + 2] << 8) | d[p + 3]);
  }
  return p === end;
}

export const dhcpv6: ProtocolDef = {
  id: 'dhcpv6',
  udpPorts: [DHCPV6_CLIENT_PORT, DHCPV6_SERVER_PORT],
  probe(d, off, len, hint) {
    if (hint.transport !== 'udp' || !hint.portMatch || len < 4) return PROBE.NO;
    const t = d[off];
    if (!isKnownMessageType(t)) return PROBE.NO;
    if (t === RELAY_FORW || t === RELAY_REPL) return len >= 34 && optionsWalk(d, off + 34, off + len) ? PROBE.YES : PROBE.NO;
    return optionsWalk(d, off + 4, off + len) ? PROBE.YES : PROBE.NO;
  },
  create(ctx) {
    return new Dhcpv6Session(ctx);
  },
  shared(ctx) {
    return new Dhcpv6Join(ctx);
  },
  records: { [RECORD_DHCPV6]: DHCPV6_FIELDS },
  events: DHCPV6_EVENTS,
};
