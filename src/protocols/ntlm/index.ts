// NTLM (MS-NLMP) authentication, as a child protocol of the protocols that carry it: SMB
// session setups hand their security blobs (bare NTLMSSP or SPNEGO) to it with
// ctx.openChild('smb', …). The pure parser (parser.ts: parseNtlmssp, parseGssToken) can be
// called by other dissectors directly, e.g. on the decoded Authorization header of HTTP.
import { PROBE, type ProbeHint, type ProbeResult, type ProtocolDef } from '../../dissect/types.ts';
import { GssToken, blobHasNtlm } from './parser.ts';
import { NTLM_RECORDS } from './records.ts';
import { NtlmSession } from './session.ts';

export type { NtlmCarrier } from './session.ts';
export { GssToken, NtlmMessage, parseGssToken, parseNtlmssp, blobHasNtlm } from './parser.ts';

const probeGss = new GssToken();

/** A parent's blob is NTLM when it holds an NTLM message, bare or as SPNEGO's mechanism token. */
export function probeNtlm(d: Uint8Array, off: number, len: number, _hint: ProbeHint): ProbeResult {
  return blobHasNtlm(d, off, len, probeGss) ? PROBE.YES : PROBE.NO;
}

export const ntlm: ProtocolDef = {
  id: 'ntlm',
  parents: ['smb'],
  probe: probeNtlm,
  create: (ctx) => new NtlmSession(ctx),
  records: NTLM_RECORDS,
  events: {
    malformed: 'an NTLM message whose fixed part is cut short, or whose fields point outside it',
    too_many_av_pairs: 'the CHALLENGE target info holds more AV pairs than are read (32)',
    wrong_direction: 'a CHALLENGE from the client, or a NEGOTIATE / AUTHENTICATE from the server',
    not_gss: 'a security blob the carrier handed over is neither an NTLM message nor an SPNEGO token',
  },
};
