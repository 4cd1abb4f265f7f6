// Kerberos V5 (RFC 4120) over UDP and TCP 88: logins (AS exchanges), service tickets (TGS
// exchanges) and their errors, as Zeek's kerberos.log.
//
// Detection by content: the first message must parse as a Kerberos message (application
// tag of a known type, a SEQUENCE, pvno 5, msg-type equal to the tag); on TCP behind a
// record mark whose length fits. Off port 88 the whole message must be there.
import { PROBE, type ProbeHint, type ProbeResult, type ProtocolDef } from '../../dissect/types.ts';
import { KRB_PORT } from './constants.ts';
import { KrbMessage, isKrbTag, parseKrb } from './parser.ts';
import { KERBEROS_RECORDS } from './records.ts';
import { KERBEROS_EVENTS, KerberosSession, MAX_TCP_MESSAGE } from './session.ts';

const probeMsg = new KrbMessage();

export function probeKerberos(d: Uint8Array, off: number, len: number, hint: ProbeHint): ProbeResult {
  if (hint.transport === 'udp') {
    if (len < 2 || !isKrbTag(d[off])) return PROBE.NO;
    return parseKrb(d, off, len, probeMsg) ? PROBE.YES : PROBE.NO;
  }
  if (len < 1) return PROBE.MAYBE;
  if (d[off] !== 0) return PROBE.NO; // lengths above 16 MiB: no Kerberos message is that long
  if (len < 4) return PROBE.MAYBE;
  const n = ((d[off] << 24) | (d[off + 1] << 16) | (d[off + 2] << 8) | d[off + 3]) >>> 0;
  if (n < 2 || n > MAX_TCP_MESSAGE) return PROBE.NO;
  if (len < 5) return PROBE.MAYBE;
  if (!isKrbTag(d[off + 4])) return PROBE.NO;
  if (len < 4 + n) return hint.portMatch ? PROBE.MAYBE : PROBE.MAYBE;
  return parseKrb(d, off + 4, n, probeMsg) ? PROBE.YES : PROBE.NO;
}

export const kerberos: ProtocolDef = {
  id: 'kerberos',
  tcpPorts: [KRB_PORT],
  udpPorts: [KRB_PORT],
  probe: probeKerberos,
  create: (ctx, transport) => new KerberosSession(ctx, transport),
  records: KERBEROS_RECORDS,
  events: KERBEROS_EVENTS,
};
