// MELSEC communication protocol (MC protocol) / SLMP, binary 3E and 4E frames, over TCP and
// UDP (5006, 5007, 5562 and content detection). One `melsec` record per transaction.
// docs/protocols/melsec.md.
import { PROBE, type ProtocolDef } from '../../dissect/types.ts';
import { COMMANDS, MELSEC_PORTS } from './constants.ts';
import { frameLength } from './parser.ts';
import { MELSEC_FIELDS } from './records.ts';
import { MelsecSession } from './session.ts';

/** Largest frame accepted (SLMP requests and responses stay well below). */
const MAX_FRAME = 8192;

export const melsec: ProtocolDef = {
  id: 'melsec',
  tcpPorts: MELSEC_PORTS,
  udpPorts: MELSEC_PORTS,
  /**
   * A 3E or 4E subheader (50 00, D0 00, 54 00, D4 00; 4E's fixed 00 00), a data length that
   * holds a request's timer, command and subcommand or a response's end code, and the whole
   * frame (exactly the datagram on UDP). Off the ports, only a request of a known command.
   */
  probe(d, off, len, hint) {
    const n = frameLength(d, off, len);
    if (n < 0 || n > MAX_FRAME) return PROBE.NO;
    if (n === 0) return hint.transport === 'udp' ? PROBE.NO : PROBE.MAYBE;
    if (hint.transport === 'udp' ? n !== len : len < n) return hint.transport === 'udp' ? PROBE.NO : PROBE.MAYBE;
    const hdr = d[off] === 0x54 || d[off] === 0xd4 ? 13 : 9;
    if (!(d[off] & 0x80) && n < hdr + 6) return PROBE.NO; // a request without its timer, command and subcommand
    if (hint.portMatch) return PROBE.YES;
    if (d[off] & 0x80) return PROBE.NO;
    const c = off + hdr + 2;
    return COMMANDS[d[c] | (d[c + 1] << 8)] !== undefined ? PROBE.YES : PROBE.NO;
  },
  create: (ctx, transport) => new MelsecSession(ctx, transport),
  records: { melsec: MELSEC_FIELDS },
  events: {
    truncated: 'a frame shorter than its header or its data length, or a UDP datagram without a whole frame',
    bad_length: 'a request whose data length cannot hold the monitoring timer, command and subcommand, or a response without its end code',
    resync: 'bytes that do not start a 3E/4E frame were skipped (TCP)',
    unmatched_response: 'a response for which no request was waiting',
    too_many_pending: 'more than 64 requests without a response; the oldest is written unanswered',
  },
};
