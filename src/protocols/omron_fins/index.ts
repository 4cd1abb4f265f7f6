// OMRON FINS over UDP 9600 and FINS/TCP 9600: one `omron_fins` record per message.
// docs/protocols/omron_fins.md.
import { PROBE, type ProtocolDef } from '../../dissect/types.ts';
import { COMMANDS, FINS_PORT } from './constants.ts';
import { tcpMessageLength } from './parser.ts';
import { OMRON_FINS_FIELDS } from './records.ts';
import { OmronFinsSession } from './session.ts';

export const omron_fins: ProtocolDef = {
  id: 'omron_fins',
  tcpPorts: [FINS_PORT],
  udpPorts: [FINS_PORT],
  /**
   * TCP: the FINS/TCP magic "FINS" and a plausible length. UDP: a FINS header with the
   * reserved ICF bits and RSV clear, a gateway count of at most 7 and, off port 9600, a
   * command code the manual defines.
   */
  probe(d, off, len, hint) {
    if (hint.transport === 'tcp') {
      const n = tcpMessageLength(d, off, len);
      return n < 0 ? PROBE.NO : n === 0 ? PROBE.MAYBE : PROBE.YES;
    }
    if (len < 12) return PROBE.NO;
    if ((d[off] & 0x3e) !== 0 || d[off + 1] !== 0 || d[off + 2] > 7) return PROBE.NO;
    if (hint.portMatch) return PROBE.YES;
    return COMMANDS[(d[off + 10] << 8) | d[off + 11]] !== undefined && (d[off] & 0x80) !== 0 ? PROBE.YES : PROBE.NO;
  },
  create: (ctx, transport) => new OmronFinsSession(ctx, transport),
  records: { omron_fins: OMRON_FINS_FIELDS },
  events: {
    truncated: 'a FINS frame shorter than its 10-byte header and command code, a response without its end code, or a FINS/TCP message shorter than its header',
    bad_header: 'reserved ICF bits or the RSV byte are set',
    bad_parameters: 'a memory area command whose parameters are cut short',
    tcp_error: 'a FINS/TCP message with a non-zero error code (the server refused the node or the frame)',
    resync: 'bytes that do not start a FINS/TCP header were skipped',
  },
};
