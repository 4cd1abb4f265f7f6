// NetBIOS over TCP/IP: the name service (UDP 137) and the datagram service (UDP 138), with
// the Windows browser announcements carried in datagrams. One protocol, `netbios`, one record
// type whose `nb_service` says which service. See docs/protocols/netbios.md.
//
// Detection by content (probe.ts), on any UDP port: both services carry first-level encoded
// names, which random bytes almost never are. Zeek logs the name service in dns.log (its
// DNS analyzer runs on UDP 137); Palisade gives it its own record with decoded names.
import { PROBE, type ProtocolDef } from '../../dissect/types.ts';
import { NBDGM_PORT, NBNS_PORT } from './constants.ts';
import { looksLikeDgm, looksLikeNbns } from './probe.ts';
import { NETBIOS_FIELDS, RECORD_NETBIOS } from './records.ts';
import { NETBIOS_EVENTS, NetbiosSession } from './session.ts';

export const netbios: ProtocolDef = {
  id: 'netbios',
  udpPorts: [NBNS_PORT, NBDGM_PORT],
  probe(d, off, len, hint) {
    if (hint.transport !== 'udp') return PROBE.NO;
    const dgmPort = hint.srcPort === NBDGM_PORT || hint.dstPort === NBDGM_PORT;
    const nsPort = hint.srcPort === NBNS_PORT || hint.dstPort === NBNS_PORT;
    if (dgmPort) return looksLikeDgm(d, off, len, true) ? PROBE.YES : PROBE.NO;
    if (nsPort) return looksLikeNbns(d, off, len) ? PROBE.YES : PROBE.NO;
    return looksLikeNbns(d, off, len) || looksLikeDgm(d, off, len) ? PROBE.YES : PROBE.NO;
  },
  create(ctx) {
    return new NetbiosSession(ctx);
  },
  records: { [RECORD_NETBIOS]: NETBIOS_FIELDS },
  events: NETBIOS_EVENTS,
};
