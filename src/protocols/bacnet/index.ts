// BACnet/IP (ASHRAE 135 Annex J): BVLC, NPDU and APDU over UDP 47808–47823, with ICSNPP's
// records (bacnet, bacnet_discovery, bacnet_property, bacnet_device_control) and bacnet_file.
// See docs/protocols/bacnet.md.
import { PROBE, type ProtocolDef } from '../../dissect/types.ts';
import { BACNET_UDP_PORTS } from './constants.ts';
import { probeBacnet } from './parser.ts';
import { BACNET_RECORDS } from './records.ts';
import { BACNET_EVENTS, BacnetSession } from './session.ts';

export const bacnet: ProtocolDef = {
  id: 'bacnet',
  udpPorts: BACNET_UDP_PORTS,
  probe(d, off, len, hint) {
    if (hint.transport !== 'udp') return PROBE.NO;
    return probeBacnet(d, off, len, hint.portMatch) ? PROBE.YES : PROBE.NO;
  },
  create(ctx) {
    return new BacnetSession(ctx);
  },
  records: BACNET_RECORDS,
  events: BACNET_EVENTS,
};
