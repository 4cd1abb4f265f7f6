// IEEE C37.118.2 synchrophasor (PMU/PDC) protocol over TCP or UDP 4712/4713: one
// `synchrophasor` record per connection, ICSNPP's synchrophasor.log summary with additions.
// docs/protocols/synchrophasor.md.
import { PROBE, type ProtocolDef } from '../../dissect/types.ts';
import { SYNCHROPHASOR_PORTS } from './constants.ts';
import { crcCcitt, frameLength } from './parser.ts';
import { SYNCHROPHASOR_FIELDS } from './records.ts';
import { SynchrophasorSession } from './session.ts';

export const synchrophasor: ProtocolDef = {
  id: 'synchrophasor',
  tcpPorts: SYNCHROPHASOR_PORTS,
  udpPorts: SYNCHROPHASOR_PORTS,
  /** SYNC 0xAA with a defined frame type and version, a plausible FRAMESIZE, and a CHK that matches. */
  probe(d, off, len, hint) {
    const n = frameLength(d, off, len);
    if (n < 0) return PROBE.NO;
    if (n === 0) return PROBE.MAYBE;
    if ((d[off + 1] & 0x0f) > 3 || ((d[off + 1] >> 4) & 7) > 5) return PROBE.NO; // versions 1 (2005), 2 (2011), 3 (2024); frame types 0-5
    if (len < n) {
      if (hint.transport === 'udp') return PROBE.NO;
      // A frame longer than the probe sees (a large configuration): trusted on the port only.
      if (n > 4000) return hint.portMatch ? PROBE.YES : PROBE.NO;
      return PROBE.MAYBE;
    }
    return crcCcitt(d, off, n - 2) === ((d[off + n - 2] << 8) | d[off + n - 1]) ? PROBE.YES : PROBE.NO;
  },
  create: (ctx, transport) => new SynchrophasorSession(ctx, transport),
  records: { synchrophasor: SYNCHROPHASOR_FIELDS },
  events: {
    bad_frame_size: 'FRAMESIZE below the 16-byte minimum (18 for a command), or beyond the datagram',
    unknown_frame_type: 'a SYNC word with frame type 6 or 7',
    bad_checksum: 'the CHK word does not match the CRC-CCITT of the frame',
    bad_config: 'a configuration frame whose PMU blocks or DATA_RATE do not fit the frame',
    resync: 'bytes that do not start a frame (SYNC 0xAA) were skipped',
    too_many_values: 'more than 64 stream ids, station names, data rates or commands in one connection; the record lists the first 64',
  },
};
