// DNP3 (IEEE 1815) over TCP and UDP, port 20000: link frames with CRCs, transport reassembly,
// application fragments. Detected by content: a link header (0x05 0x64, LEN ≥ 5) whose CRC is
// right, which no other protocol's first bytes match by chance (1 in 65536 after the start bytes).
import { PROBE, type ProbeHint, type ProbeResult, type ProtocolDef } from '../../dissect/types.ts';
import { LINK_MIN_LEN, START_0 } from './constants.ts';
import { LINK_BAD_CRC, LINK_MORE, LINK_OK, MAX_OBJECTS, MAX_POINTS, linkHeaderAt } from './parser.ts';
import { DNP3_CONTROL_FIELDS, DNP3_FIELDS, DNP3_OBJECTS_FIELDS } from './records.ts';
import { Dnp3Session, FLOOD_REQUESTS, MAX_SEGMENTS } from './session.ts';

export function probeDnp3(d: Uint8Array, off: number, len: number, hint: ProbeHint): ProbeResult {
  const h = linkHeaderAt(d, off, len);
  if (h === LINK_MORE) return PROBE.MAYBE;
  if (h === LINK_OK) return d[off + 2] >= LINK_MIN_LEN ? PROBE.YES : PROBE.NO;
  // On the DNP3 port, a first frame with a corrupt header (start bytes right, CRC wrong) is
  // DNP3 if a good header follows it: the session skips the bad one and reports it.
  if (h !== LINK_BAD_CRC || !hint.portMatch) return PROBE.NO;
  for (let p = off + 2, end = off + len; p < end; p++) {
    if (d[p] !== START_0) continue;
    const n = linkHeaderAt(d, p, end - p);
    if (n === LINK_OK && d[p + 2] >= LINK_MIN_LEN) return PROBE.YES;
    if (n === LINK_MORE) return PROBE.MAYBE;
  }
  return PROBE.MAYBE;
}

export const dnp3: ProtocolDef = {
  id: 'dnp3',
  tcpPorts: [20000],
  udpPorts: [20000],
  probe: probeDnp3,
  create: (ctx, transport) => new Dnp3Session(ctx, transport),
  records: { dnp3: DNP3_FIELDS, dnp3_control: DNP3_CONTROL_FIELDS, dnp3_objects: DNP3_OBJECTS_FIELDS },
  events: {
    bad_link_crc: 'a link header failed its CRC; bytes were skipped up to the next valid header',
    bad_transport_crc: 'a user data block of a link frame failed its CRC; the frame was dropped',
    len_too_small: 'a link header with a LEN below 5 (control and addresses)',
    unexpected_link_data: 'user data in a link frame whose function carries none (only primary CONFIRMED/UNCONFIRMED_USER_DATA do); ignored',
    bad_transport_sequence: 'a transport segment out of sequence, without a first segment, or a first segment cutting a fragment short; the fragment was dropped',
    too_long_reassembly: `a fragment longer than ${MAX_SEGMENTS} transport segments; it was dropped`,
    too_many_objects: `more than ${MAX_OBJECTS} object headers in one fragment; the rest was not parsed`,
    too_many_points: `an object header announcing more than ${MAX_POINTS} points`,
    unknown_function: 'an application function code the specification does not define (logged as unknown-<n>)',
    unknown_object: 'an object whose size is not known; the rest of the fragment was not parsed',
    malformed: 'an application fragment or link frame shorter than its headers say, or an impossible qualifier or range',
    flooded: `more than ${FLOOD_REQUESTS} requests without a response`,
    resync: 'bytes that do not start a link frame were skipped (garbage, or the rest of a message after a gap)',
  },
};
