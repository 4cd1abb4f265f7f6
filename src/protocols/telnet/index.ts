// Telnet: the protocol definition.
//
// Detection: on port 23, a first payload that starts with an IAC command (IAC and a byte
// 240–254) or with text (a printable character, CR or LF). On any other port, two IAC
// negotiations in a row (IAC WILL/WONT/DO/DONT and an option an RFC assigns, twice): one
// such triple alone is not enough, and a first byte other than IAC is a NO at once.
import { PROBE, type ProbeHint, type ProbeResult, type ProtocolDef, type SessionContext } from '../../dissect/types.ts';
import { DONT, IAC, SE, TELNET_PORTS, WILL, isKnownOption } from './constants.ts';
import { TELNET_RECORDS } from './records.ts';
import { TELNET_EVENTS, TelnetSession } from './session.ts';

function isText(c: number): boolean {
  return (c >= 0x20 && c < 0x7f) || c === 0x0d || c === 0x0a;
}

export function probeTelnet(d: Uint8Array, off: number, len: number, hint: ProbeHint): ProbeResult {
  if (hint.transport !== 'tcp') return PROBE.NO;
  if (len < 1) return PROBE.MAYBE;
  const c = d[off];
  if (hint.portMatch) {
    if (c !== IAC) return isText(c) ? PROBE.YES : PROBE.NO;
    if (len < 2) return PROBE.MAYBE;
    return d[off + 1] >= SE && d[off + 1] <= DONT ? PROBE.YES : PROBE.NO;
  }
  // Another port: IAC verb option, twice.
  for (let k = 0; k < 2; k++) {
    const o = off + 3 * k;
    for (let i = 0; i < 3; i++) {
      if (o + i >= off + len) return PROBE.MAYBE;
      const b = d[o + i];
      const ok = i === 0 ? b === IAC : i === 1 ? b >= WILL && b <= DONT : isKnownOption(b);
      if (!ok) return PROBE.NO;
    }
  }
  return PROBE.YES;
}

export const telnet: ProtocolDef = {
  id: 'telnet',
  tcpPorts: TELNET_PORTS,
  probe: probeTelnet,
  create(ctx: SessionContext) {
    return new TelnetSession(ctx);
  },
  records: TELNET_RECORDS,
  events: TELNET_EVENTS,
};
