// VNC / RFB (RFC 6143; TCP 5900-5910 by convention, any port in practice: HMI panels, thin
// clients and vendors' remote support). Detected by content: a side's first 12 bytes are a
// ProtocolVersion "RFB xxx.yyy\n".
import { PROBE, type ProbeHint, type ProbeResult, type ProtocolDef } from '../../dissect/types.ts';
import { versionPrefix } from './parser.ts';
import { VNC_FIELDS } from './records.ts';
import { VncSession } from './session.ts';

export function probeVnc(d: Uint8Array, off: number, len: number, hint: ProbeHint): ProbeResult {
  if (hint.transport !== 'tcp') return PROBE.NO;
  if (len === 0) return PROBE.MAYBE;
  const v = versionPrefix(d, off, len);
  return v === 2 ? PROBE.YES : v === 1 ? PROBE.MAYBE : PROBE.NO;
}

export const vnc: ProtocolDef = {
  id: 'vnc',
  tcpPorts: [5900, 5901, 5902, 5903, 5904, 5905, 5906, 5907, 5908, 5909, 5910],
  probe: probeVnc,
  create: (ctx) => new VncSession(ctx),
  records: { vnc: VNC_FIELDS },
  events: {
    bad_version: 'a ProtocolVersion that is not "RFB xxx.yyy\\n": a flow that starts so is rejected; later, the handshake is not read further',
    unfollowed_security_type: 'a security type whose sub-protocol is not read (Tight, VeNCrypt, TLS, RealVNC, …): the record has the type, the rest of the handshake is not read',
    type_not_offered: 'the client chose a security type the server did not offer',
    bad_security_result: 'a SecurityResult other than 0 (OK), 1 (failed) or 2 (too many attempts)',
    string_too_long: 'a reason string or desktop name longer than 65535 bytes: the handshake is not read further',
    handshake_too_long: 'more than 256 KiB of handshake from one side: the handshake is not read further',
    gap_in_handshake: 'a TCP gap before the handshake finished (RFB has no lengths to resynchronise on): it is not read further',
  },
};
