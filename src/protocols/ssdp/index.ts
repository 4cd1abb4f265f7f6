// SSDP, the discovery protocol of UPnP (UDP 1900, HTTP/1.1 messages over UDP): M-SEARCH,
// NOTIFY and search responses, one `ssdp` record each. See docs/protocols/ssdp.md.
//
// Detection needs the port (the originator's or the responder's is 1900: search responses
// come from port 1900 to the searcher's port) and a start line of SSDP's shape: a request
// line `METHOD * HTTP/1.x` or a status line `HTTP/1.x NNN`.
import { PROBE, type ProtocolDef } from '../../dissect/types.ts';
import { isStartLine } from './parser.ts';
import { RECORD_SSDP, SSDP_FIELDS } from './records.ts';
import { SSDP_EVENTS, SsdpSession } from './session.ts';

export const SSDP_PORT = 1900;

export const ssdp: ProtocolDef = {
  id: 'ssdp',
  udpPorts: [SSDP_PORT],
  probe(d, off, len, hint) {
    if (hint.transport !== 'udp' || !hint.portMatch) return PROBE.NO;
    return isStartLine(d, off, len) ? PROBE.YES : PROBE.NO;
  },
  create(ctx) {
    return new SsdpSession(ctx);
  },
  records: { [RECORD_SSDP]: SSDP_FIELDS },
  events: SSDP_EVENTS,
};
