// Genisys over TCP (CISA ICSNPP icsnpp-genisys: port 10001 and any port by content). See
// docs/protocols/genisys.md.
//
// Detection: the first payload must be whole messages of the protocol's nine headers, with
// legal escapes and, where the header calls for one, a CRC that verifies; one such message
// with a CRC is enough on any port. Messages without a CRC (Acknowledge Client, a poll
// without CRC: three bytes) are enough only on port 10001; elsewhere the probe waits for a
// message with a CRC.
import { PROBE, type ProbeHint, type ProbeResult, type ProtocolDef, type SessionContext } from '../../dissect/types.ts';
import { GENISYS_PORT, isHeaderByte, isKnownHeader } from './constants.ts';
import { FEED, GenisysMsg } from './parser.ts';
import { GENISYS_FIELDS, RECORD_GENISYS } from './records.ts';
import { GENISYS_EVENTS, GenisysSession } from './session.ts';

/** Messages of a first payload the probe reads, at most. */
const PROBE_MAX_MESSAGES = 16;
const probeMsg = new GenisysMsg();

export function probeGenisys(d: Uint8Array, off: number, len: number, hint: ProbeHint): ProbeResult {
  if (hint.transport !== 'tcp') return PROBE.NO;
  if (len === 0) return PROBE.MAYBE;
  const end = off + len;
  let o = off;
  let complete = 0;
  const m = probeMsg;
  while (o < end && complete < PROBE_MAX_MESSAGES) {
    const h = d[o];
    if (!isHeaderByte(h) || !isKnownHeader(h)) return PROBE.NO;
    m.start(h);
    o++;
    let r: number = FEED.MORE;
    while (o < end && r === FEED.MORE) r = m.feed(d[o++]);
    if (r === FEED.TOO_LONG) return PROBE.NO;
    if (r === FEED.MORE) break; // incomplete: decide on what came before
    if (m.problems !== 0) return PROBE.NO;
    if (m.crc) return PROBE.YES;
    complete++;
  }
  // Only messages without a CRC (or none complete yet).
  if (complete > 0 && hint.portMatch) return PROBE.YES;
  return PROBE.MAYBE;
}

export const genisys: ProtocolDef = {
  id: 'genisys',
  tcpPorts: [GENISYS_PORT],
  probe: probeGenisys,
  create(ctx: SessionContext) {
    return new GenisysSession(ctx);
  },
  records: { [RECORD_GENISYS]: GENISYS_FIELDS },
  events: GENISYS_EVENTS,
};
