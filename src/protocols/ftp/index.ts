// FTP control connection: the protocol definition.
//
// Detection: a server's first line must be a reply (`ddd ` or `ddd-`, a code 1yz–5yz, then
// printable text and a line end); a client's first line a command FTP clients start with
// (USER, AUTH, FEAT, …). On port 21 that is enough. On any other port the probe asks more,
// because SMTP greetings (`220 …`) and POP3 commands (USER, PASS) look alike: a greeting
// must be 220 (or 120) and name FTP, and a client's first command must be one only FTP has
// (PASV, TYPE, CWD, …).
import { SoftwareTracker } from '../../dissect/software.ts';
import { PROBE, type L2Context, type ProbeHint, type ProbeResult, type ProtocolDef, type SessionContext } from '../../dissect/types.ts';
import { FIRST_COMMANDS, FTP_ONLY_COMMANDS, FTP_PORTS } from './constants.ts';
import { MAX_COMMAND } from './parser.ts';
import { FTP_RECORDS } from './records.ts';
import { FTP_EVENTS, FtpSession } from './session.ts';

/** Longest first line the probe waits for. */
const PROBE_LINE = 2048;

/** The first line's end (index of LF), -2 when a byte rules out text, -1 when not there yet. */
function lineEnd(d: Uint8Array, from: number, end: number): number {
  for (let i = from; i < end; i++) {
    const b = d[i];
    if (b === 0x0a) return i;
    if ((b < 0x20 && b !== 0x0d && b !== 0x09) || b === 0x7f) return -2;
  }
  return -1;
}

function probeReply(d: Uint8Array, off: number, len: number, portMatch: boolean): ProbeResult {
  for (let i = 0; i < Math.min(len, 4); i++) {
    const c = d[off + i];
    const ok = i === 0 ? c >= 0x31 && c <= 0x35 : i < 3 ? c >= 0x30 && c <= 0x39 : c === 0x20 || c === 0x2d;
    if (!ok) return PROBE.NO;
  }
  if (len < 4) return PROBE.MAYBE;
  const end = off + Math.min(len, PROBE_LINE);
  const e = lineEnd(d, off + 4, end);
  if (e === -2) return PROBE.NO;
  if (e === -1) return len < PROBE_LINE ? PROBE.MAYBE : PROBE.NO;
  if (portMatch) return PROBE.YES;
  const code = (d[off] - 0x30) * 100 + (d[off + 1] - 0x30) * 10 + (d[off + 2] - 0x30);
  if (code !== 220 && code !== 120) return PROBE.NO;
  // The greeting names FTP.
  for (let i = off + 4; i + 2 < e; i++) {
    if ((d[i] | 0x20) === 0x66 && (d[i + 1] | 0x20) === 0x74 && (d[i + 2] | 0x20) === 0x70) return PROBE.YES;
  }
  return PROBE.NO;
}

function probeCommand(d: Uint8Array, off: number, len: number, portMatch: boolean): ProbeResult {
  const end = off + len;
  let i = off;
  while (i < end && i - off <= MAX_COMMAND) {
    const c = d[i] | 0x20;
    if (c < 0x61 || c > 0x7a) break;
    i++;
  }
  if (i === end) return i - off <= 4 ? PROBE.MAYBE : PROBE.NO;
  const n = i - off;
  const t = d[i];
  if (n < 3 || n > 4 || (t !== 0x20 && t !== 0x0d && t !== 0x0a)) return PROBE.NO;
  let word = '';
  for (let k = off; k < i; k++) word += String.fromCharCode(d[k] & ~0x20);
  if (!(portMatch ? FIRST_COMMANDS : FTP_ONLY_COMMANDS).has(word)) return PROBE.NO;
  const e = lineEnd(d, i, off + Math.min(len, PROBE_LINE));
  if (e === -2) return PROBE.NO;
  if (e === -1) return len < PROBE_LINE ? PROBE.MAYBE : PROBE.NO;
  return PROBE.YES;
}

export function probeFtp(d: Uint8Array, off: number, len: number, hint: ProbeHint): ProbeResult {
  if (hint.transport !== 'tcp') return PROBE.NO;
  if (len < 1) return PROBE.MAYBE;
  return hint.isOrig ? probeCommand(d, off, len, hint.portMatch) : probeReply(d, off, len, hint.portMatch);
}

export const ftp: ProtocolDef = {
  id: 'ftp',
  tcpPorts: FTP_PORTS,
  probe: probeFtp,
  create(ctx: SessionContext) {
    return new FtpSession(ctx);
  },
  shared(ctx: L2Context) {
    return new SoftwareTracker(ctx, 'software_limit');
  },
  records: FTP_RECORDS,
  events: { ...FTP_EVENTS, software_limit: 'the software tracker of this engine is full: it forgets what it reported, so software may be reported again' },
};
