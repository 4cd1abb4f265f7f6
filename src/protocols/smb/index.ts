// SMB 1, 2 and 3 over TCP 445 (direct) and 139 (NetBIOS session service). NTLM inside
// session setups is the child protocol `ntlm` (src/protocols/ntlm/), opened with
// ctx.openChild('smb', …) on the security blobs.
//
// Detection by content: a NetBIOS session message (type 0, 24-bit length) whose body starts
// with an SMB1, SMB2, transform or compression protocol id and is at least that header long
// (SMB2: with StructureSize 64); or, on the ports, a NetBIOS session request whose called
// name is first-level encoded (RFC 1001 14.1: 32 letters A–P). Anything else is NO at once.
import { PROBE, type ProbeHint, type ProbeResult, type ProtocolDef } from '../../dissect/types.ts';
import { NBSS_POSITIVE_RESPONSE, NBSS_SESSION_MESSAGE, NBSS_SESSION_REQUEST, SMB_PORTS } from './constants.ts';
import { isSmbMessageStart, nbssLength } from './parser.ts';
import { SMB_RECORDS } from './records.ts';
import { SMB_EVENTS, SmbSession } from './session.ts';

export function probeSmb(d: Uint8Array, off: number, len: number, hint: ProbeHint): ProbeResult {
  if (hint.transport !== 'tcp' || len < 1) return PROBE.NO;
  const t = d[off];
  if (hint.portMatch && t !== NBSS_SESSION_MESSAGE && t !== NBSS_SESSION_REQUEST && t !== NBSS_POSITIVE_RESPONSE) {
    // A capture that starts inside a message (file data): an SMB message further on, on the ports.
    for (let p = off + 1; p + 8 <= off + len; p++) if (d[p] === 0 && isSmbMessageStart(d, p, off + len - p)) return PROBE.YES;
    return PROBE.NO;
  }
  if (t === NBSS_SESSION_MESSAGE) {
    if (len < 4) return PROBE.MAYBE;
    if (len < 8) return nbssLength(d, off) >= 32 ? PROBE.MAYBE : PROBE.NO;
    if (len < 10 && d[off + 4] === 0xfe) return PROBE.MAYBE;
    return isSmbMessageStart(d, off, len) ? PROBE.YES : PROBE.NO;
  }
  if (t === NBSS_SESSION_REQUEST) {
    if (!hint.portMatch) return PROBE.NO;
    if (len < 4) return PROBE.MAYBE;
    if ((d[off + 1] & 0xfe) !== 0 || nbssLength(d, off) < 68) return PROBE.NO;
    if (len < 38) return PROBE.MAYBE;
    // Called name: length 32, then 32 letters 'A'..'P'.
    if (d[off + 4] !== 0x20) return PROBE.NO;
    for (let i = 0; i < 32; i++) {
      const c = d[off + 5 + i];
      if (c < 0x41 || c > 0x50) return PROBE.NO;
    }
    return PROBE.YES;
  }
  if (t === NBSS_POSITIVE_RESPONSE && hint.portMatch && !hint.isOrig) {
    if (len < 4) return PROBE.MAYBE;
    return d[off + 1] === 0 && d[off + 2] === 0 && d[off + 3] === 0 ? PROBE.YES : PROBE.NO;
  }
  return PROBE.NO;
}

export const smb: ProtocolDef = {
  id: 'smb',
  tcpPorts: SMB_PORTS,
  probe: probeSmb,
  create: (ctx) => new SmbSession(ctx),
  records: SMB_RECORDS,
  events: SMB_EVENTS,
};
