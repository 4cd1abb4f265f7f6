// NTP over UDP (RFC 5905; mode 6 control, RFC 9327; mode 7 private, ntpd): one `ntp` record
// per message, Zeek's ntp.log. docs/protocols/ntp.md.
//
// Detection needs port 123 on either side (an NTP header has no magic number) and a header
// that fits: version 1-4, and for modes 1-5 at least 48 bytes with a stratum of at most 16,
// for mode 6 a Count that fits the datagram, for mode 7 at least the 8-byte header. Mode 0
// (reserved) is not accepted as a first message.
import { PROBE, type ProbeHint, type ProbeResult, type ProtocolDef, type SessionContext } from '../../dissect/types.ts';
import { CONTROL_HEADER_LEN, MODE_CONTROL, MODE_PRIVATE, NTP_HEADER_LEN, NTP_PORT, PRIVATE_HEADER_LEN } from './constants.ts';
import { NTP_FIELDS, RECORD_NTP } from './records.ts';
import { NTP_EVENTS, NtpSession } from './session.ts';

export function probeNtp(d: Uint8Array, off: number, len: number, hint: ProbeHint): ProbeResult {
  if (hint.transport !== 'udp' || !hint.portMatch || len < 1) return PROBE.NO;
  const v = (d[off] >> 3) & 7;
  const mode = d[off] & 7;
  if (v < 1 || v > 4 || mode === 0) return PROBE.NO;
  if (mode === MODE_CONTROL) {
    if (len < CONTROL_HEADER_LEN) return PROBE.NO;
    return CONTROL_HEADER_LEN + ((d[off + 10] << 8) | d[off + 11]) <= len ? PROBE.YES : PROBE.NO;
  }
  if (mode === MODE_PRIVATE) return len >= PRIVATE_HEADER_LEN ? PROBE.YES : PROBE.NO;
  return len >= NTP_HEADER_LEN && d[off + 1] <= 16 ? PROBE.YES : PROBE.NO;
}

export const ntp: ProtocolDef = {
  id: 'ntp',
  udpPorts: [NTP_PORT],
  probe: probeNtp,
  create(ctx: SessionContext) {
    return new NtpSession(ctx);
  },
  records: { [RECORD_NTP]: NTP_FIELDS },
  events: NTP_EVENTS,
};
