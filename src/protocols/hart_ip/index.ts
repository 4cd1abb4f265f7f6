// HART-IP (HCF_SPEC-085) over TCP and UDP 5094: one `hart_ip` record per message, as ICSNPP's
// hart_ip_general.log. docs/protocols/hart_ip.md.
import { PROBE, type ProtocolDef } from '../../dissect/types.ts';
import { HART_IP_PORT, MESSAGE_IDS } from './constants.ts';
import { messageLength } from './parser.ts';
import { HART_IP_FIELDS } from './records.ts';
import { HartIpSession } from './session.ts';

export const hart_ip: ProtocolDef = {
  id: 'hart_ip',
  tcpPorts: [HART_IP_PORT],
  udpPorts: [HART_IP_PORT],
  /**
   * Version 1 or 2, reserved bits clear, a defined message type and id, a length of at least
   * 8; the whole message must be there, and for UDP fill the datagram exactly.
   */
  probe(d, off, len, hint) {
    const n = messageLength(d, off, len);
    if (n < 0) return PROBE.NO;
    if (n === 0) return hint.transport === 'udp' ? PROBE.NO : PROBE.MAYBE;
    if (d[off + 2] >= MESSAGE_IDS.length) return PROBE.NO;
    if (hint.transport === 'udp') return n === len ? PROBE.YES : PROBE.NO;
    if (len < n) return n > 4000 ? (hint.portMatch ? PROBE.YES : PROBE.NO) : PROBE.MAYBE;
    // TCP: what follows the first message must start another one (or nothing).
    if (len > n && messageLength(d, off + n, len - n) < 0) return PROBE.NO;
    return PROBE.YES;
  },
  create: (ctx, transport) => new HartIpSession(ctx, transport),
  records: { hart_ip: HART_IP_FIELDS },
  events: {
    truncated: 'a message shorter than its header\'s length field says (or than the 8-byte header), or a UDP datagram without a HART-IP header',
    bad_body: 'a body shorter than its message needs (a token-passing byte count or a Direct PDU command beyond the message)',
    bad_check_byte: 'a token-passing PDU whose check byte is not the XOR of its bytes',
    resync: 'bytes that do not start a HART-IP header were skipped (TCP)',
    too_many_pending: 'more than 256 requests waiting for their response; the oldest is forgotten',
  },
};
