// Syslog over UDP (RFC 5426 transport; RFC 5424 and RFC 3164 message formats): one `syslog`
// record per message, Zeek's syslog.log plus the parsed header. docs/protocols/syslog.md.
//
// Detection: a datagram that starts with a PRI ("<" 1*3DIGIT ">", at most 191) followed by
// text. On port 514 (either side) that is enough; on any other port an RFC 5424 header
// (VERSION SP TIMESTAMP) or an RFC 3164 TIMESTAMP must follow the PRI.
import { PROBE, type ProbeHint, type ProbeResult, type ProtocolDef, type SessionContext } from '../../dissect/types.ts';
import { SYSLOG_UDP_PORT } from './constants.ts';
import { isRfc3164Timestamp, isRfc5424Start, readPri } from './parser.ts';
import { RECORD_SYSLOG, SYSLOG_FIELDS } from './records.ts';
import { SYSLOG_EVENTS, SyslogSession } from './session.ts';

export function probeSyslog(d: Uint8Array, off: number, len: number, hint: ProbeHint): ProbeResult {
  if (hint.transport !== 'udp' || len < 3 || d[off] !== 0x3c) return PROBE.NO;
  const end = off + len;
  if (readPri(d, off, end) < 0) return PROBE.NO;
  let body = off + 2;
  while (d[body] !== 0x3e) body++;
  body++;
  if (body < end) {
    // Text follows: a printable character, a tab, or a UTF-8 lead byte.
    const c = d[body];
    if (c < 0x20 && c !== 0x09) return PROBE.NO;
  }
  if (hint.portMatch) return PROBE.YES;
  return isRfc5424Start(d, body, end) || isRfc3164Timestamp(d, body, end) ? PROBE.YES : PROBE.NO;
}

export const syslog: ProtocolDef = {
  id: 'syslog',
  udpPorts: [SYSLOG_UDP_PORT],
  probe: probeSyslog,
  create(ctx: SessionContext) {
    return new SyslogSession(ctx);
  },
  records: { [RECORD_SYSLOG]: SYSLOG_FIELDS },
  events: SYSLOG_EVENTS,
};
