// EtherNet/IP encapsulation (ODVA Vol. 2 ch. 2) over TCP and UDP 44818. CIP, carried in the
// Common Packet Format of Send RR Data / Send Unit Data and List Identity replies, is the
// child protocol `cip` (src/protocols/cip/), opened with ctx.openChild('enip', …).
import { PROBE, type ProbeHint, type ProbeResult, type ProtocolDef } from '../../dissect/types.ts';
import { CMD, ENIP_PORT, HEADER_LEN } from './constants.ts';
import { Cpf, lengthFits, plausibleHeader, u16, walkCpf } from './parser.ts';
import { ENIP_RECORDS } from './records.ts';
import { EnipSession } from './session.ts';

const probeCpf = new Cpf();

/**
 * A flow's first bytes are an encapsulation message when the header's fixed fields hold
 * (known command, options 0, a 16-bit status, a length that fits the command). Off the
 * port, the whole message must be there and its data must be well formed too: a Register
 * Session with protocol version 1, or a CPF whose items fill the data.
 */
export function probeEnip(d: Uint8Array, off: number, len: number, hint: ProbeHint): ProbeResult {
  if (len >= 2 && (u16(d, off) & 0xff00) !== 0) return PROBE.NO;
  if (len < HEADER_LEN) {
    if (hint.transport === 'udp') return PROBE.NO;
    if (len >= 4 && !lengthFits(u16(d, off), u16(d, off + 2))) return PROBE.NO;
    return PROBE.MAYBE;
  }
  if (!plausibleHeader(d, off, true)) return PROBE.NO;
  const cmd = u16(d, off);
  const dataLen = u16(d, off + 2);
  const whole = len >= HEADER_LEN + dataLen;
  if (hint.transport === 'udp' && !whole) return PROBE.NO;
  if (cmd === CMD.NOP && !hint.portMatch) return PROBE.NO;
  if (!whole) return hint.portMatch ? PROBE.YES : PROBE.MAYBE;
  const p = off + HEADER_LEN;
  switch (cmd) {
    case CMD.REGISTER_SESSION:
      return u16(d, p) === 1 ? PROBE.YES : PROBE.NO;
    case CMD.SEND_RR_DATA:
    case CMD.SEND_UNIT_DATA:
      return walkCpf(d, p + 6, dataLen - 6, probeCpf) && probeCpf.count > 0 ? PROBE.YES : PROBE.NO;
    case CMD.LIST_IDENTITY:
    case CMD.LIST_SERVICES:
    case CMD.LIST_INTERFACES:
      if (dataLen === 0) return hint.portMatch || hint.dstPort === ENIP_PORT ? PROBE.YES : PROBE.NO;
      return walkCpf(d, p, dataLen, probeCpf) && probeCpf.rest === 0 ? PROBE.YES : PROBE.NO;
    default:
      return hint.portMatch ? PROBE.YES : PROBE.NO;
  }
}

export const enip: ProtocolDef = {
  id: 'enip',
  tcpPorts: [ENIP_PORT],
  udpPorts: [ENIP_PORT],
  probe: probeEnip,
  create: (ctx, transport) => new EnipSession(ctx, transport),
  records: ENIP_RECORDS,
  events: {
    resync: 'bytes skipped to find the next encapsulation header (after a gap or bytes that are no header)',
    invalid_length: 'the length field does not fit the command or the bytes of the datagram',
    unknown_command: 'an encapsulation command the specification does not define',
    nonzero_options: 'the options field is not 0 (receivers are to discard such messages)',
    bad_cpf: 'Common Packet Format item count and item lengths do not fit the data',
    unsupported_version: 'Register Session asks for a protocol version other than 1',
    session_mismatch: 'a message carries a session handle other than the registered one',
    flooded: `more requests waiting for a reply than the per-flow cap`,
  },
};
