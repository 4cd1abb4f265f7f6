// SSH (RFC 4251-4254; TCP 22 by convention, any port in practice: vendors' remote-support
// tunnels, embedded devices). Detected by content: a side's first bytes are an identification
// line "SSH-<digits>.<digits>-" (RFC 4253 §4.2). On port 22 the server may send other lines
// before it (§4.2 allows them); they are skipped while probing, up to 1 KiB.
import { SOFTWARE_FIELDS, SOFTWARE_RECORD, SoftwareTracker } from '../../dissect/software.ts';
import { PROBE, type ProbeHint, type ProbeResult, type ProtocolDef } from '../../dissect/types.ts';
import { SSH_FIELDS } from './records.ts';
import { SshSession } from './session.ts';

const PREFIX = [0x53, 0x53, 0x48, 0x2d]; // "SSH-"
/** Bytes of pre-identification lines a server may send that the probe looks through (port 22 only). */
const PROBE_PRE_BANNER = 1024;

/** Whether d[off, off+len) begins an identification line: YES, NO, or MAYBE (a prefix of one). */
function probeLine(d: Uint8Array, off: number, len: number): ProbeResult {
  const n = len < 4 ? len : 4;
  for (let i = 0; i < n; i++) if (d[off + i] !== PREFIX[i]) return PROBE.NO;
  if (len < 5) return PROBE.MAYBE;
  // protoversion: digits "." digits, then "-"
  let p = off + 4;
  const end = off + len;
  let digits = 0;
  while (p < end && d[p] >= 0x30 && d[p] <= 0x39 && digits < 4) {
    p++;
    digits++;
  }
  if (p === end) return PROBE.MAYBE;
  if (digits === 0 || d[p] !== 0x2e) return PROBE.NO;
  p++;
  digits = 0;
  while (p < end && d[p] >= 0x30 && d[p] <= 0x39 && digits < 4) {
    p++;
    digits++;
  }
  if (p === end) return PROBE.MAYBE;
  if (digits === 0 || d[p] !== 0x2d) return PROBE.NO;
  return PROBE.YES;
}

export function probeSsh(d: Uint8Array, off: number, len: number, hint: ProbeHint): ProbeResult {
  if (hint.transport !== 'tcp') return PROBE.NO;
  if (len === 0) return PROBE.MAYBE;
  const r = probeLine(d, off, len);
  if (r !== PROBE.NO || hint.isOrig || !hint.portMatch) return r;
  // Port 22, server side: printable lines before the identification.
  const end = off + Math.min(len, PROBE_PRE_BANNER);
  for (let p = off; p < end; p++) {
    const c = d[p];
    if (c === 0x0a) {
      const next = probeLine(d, p + 1, off + len - p - 1);
      if (next !== PROBE.NO) return next;
      continue;
    }
    if ((c < 0x20 || c > 0x7e) && c !== 0x0d && c !== 0x09) return PROBE.NO;
  }
  return len < PROBE_PRE_BANNER ? PROBE.MAYBE : PROBE.NO;
}

export const ssh: ProtocolDef = {
  id: 'ssh',
  tcpPorts: [22],
  probe: probeSsh,
  create: (ctx) => new SshSession(ctx),
  shared: (ctx) => new SoftwareTracker(ctx, 'software_limit'),
  records: { ssh: SSH_FIELDS, [SOFTWARE_RECORD]: SOFTWARE_FIELDS },
  events: {
    bad_version_line: 'a client line that is not an SSH identification, or more than 4 KiB of server lines before it',
    version_too_long: 'an identification line longer than 255 bytes (RFC 4253 §4.2); the first 255 are kept',
    version_mismatch: "client and server major versions that cannot talk (SSH-1 against SSH-2), Zeek's SSH_version_mismatch",
    cannot_determine_version: "identification strings too short to hold a version, Zeek's SSH_cannot_determine_version",
    bad_packet_length: 'a binary packet length outside 5..35000 before NEWKEYS: the side is not read further',
    malformed_packet: 'a binary packet whose padding length leaves no payload, or an SSH-1 packet cut short',
    malformed_kexinit: 'an SSH_MSG_KEXINIT whose name-lists run past the packet',
    too_many_algorithms: 'a KEXINIT name-list with more than 256 algorithms (the first 256 are negotiated on)',
    malformed_kex_reply: 'a key exchange reply whose host key runs past the packet',
    software_limit: 'the software tracker of this engine is full: it forgets what it reported, so software may be reported again',
    kex_too_long: 'more than 256 KiB of clear-text key exchange on one side before NEWKEYS: the side is not read further',
  },
};
