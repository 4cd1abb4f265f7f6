// HTTP/1.x: the protocol definition.
//
// Detection by content, on any TCP port: a client's first line must be a request line with
// a standard method, a target and `HTTP/d.d` (the whole line present, under 4 KiB); a
// server's first bytes must be `HTTP/d.d ddd`. The probe answers NO at the first byte that
// cannot start either, so flows of other protocols cost one or two comparisons.
import { SoftwareTracker } from '../../dissect/software.ts';
import { PROBE, type L2Context, type ProbeHint, type ProbeResult, type ProtocolDef, type SessionContext } from '../../dissect/types.ts';
import { HTTP_PORTS, KNOWN_METHODS } from './constants.ts';
import { RequestLine, parseRequestLine } from './parser.ts';
import { HTTP_RECORDS } from './records.ts';
import { HTTP_EVENTS, HttpSession } from './session.ts';

const METHOD_BYTES = KNOWN_METHODS.map((m) => new TextEncoder().encode(m));
/** Longest first line the probe waits for. */
const PROBE_LINE = 4096;
const probeLine = new RequestLine();

/** 0: d[off, off+len) is a whole known method; 1: a prefix of one; -1: neither. */
function methodMatch(d: Uint8Array, off: number, len: number): number {
  let prefix = false;
  for (const m of METHOD_BYTES) {
    if (len > m.length) continue;
    let i = 0;
    while (i < len && d[off + i] === m[i]) i++;
    if (i < len) continue;
    if (len === m.length) return 0;
    prefix = true;
  }
  return prefix ? 1 : -1;
}

const HTTP_SLASH = [0x48, 0x54, 0x54, 0x50, 0x2f];

/** `HTTP/d.d ddd` then a space or line end. */
function probeStatus(d: Uint8Array, off: number, len: number): ProbeResult {
  const want = 13;
  for (let i = 0; i < Math.min(len, want); i++) {
    const c = d[off + i];
    let ok: boolean;
    if (i < 5) ok = c === HTTP_SLASH[i];
    else if (i === 5 || i === 7) ok = c >= 0x30 && c <= 0x39;
    else if (i === 6) ok = c === 0x2e;
    else if (i === 8) ok = c === 0x20;
    else if (i === 9) ok = c >= 0x31 && c <= 0x35;
    else if (i < 12) ok = c >= 0x30 && c <= 0x39;
    else ok = c === 0x20 || c === 0x0d || c === 0x0a;
    if (!ok) return PROBE.NO;
  }
  return len >= want ? PROBE.YES : PROBE.MAYBE;
}

export function probeHttp(d: Uint8Array, off: number, len: number, hint: ProbeHint): ProbeResult {
  if (hint.transport !== 'tcp') return PROBE.NO;
  if (len < 1) return PROBE.MAYBE;
  const c = d[off];
  if (c < 0x41 || c > 0x5a) return PROBE.NO;
  if (c === 0x48 && (len < 2 || d[off + 1] === 0x54)) {
    const r = probeStatus(d, off, len);
    if (r !== PROBE.NO) return r;
  }
  const end = off + len;
  let i = off;
  while (i < end && i - off <= 12 && d[i] >= 0x41 && d[i] <= 0x5a) i++;
  const m = methodMatch(d, off, i - off);
  if (i === end) return m >= 0 ? PROBE.MAYBE : PROBE.NO;
  if (m !== 0 || d[i] !== 0x20) return PROBE.NO;
  // The whole request line, printable, ending in HTTP/d.d.
  let p = i;
  const limit = Math.min(end, off + PROBE_LINE);
  while (p < limit) {
    const b = d[p];
    if (b === 0x0a) break;
    if ((b < 0x20 && b !== 0x0d && b !== 0x09) || b === 0x7f) return PROBE.NO;
    p++;
  }
  if (p === limit) return p === end && len < PROBE_LINE ? PROBE.MAYBE : PROBE.NO;
  let e = p;
  if (e > off && d[e - 1] === 0x0d) e--;
  return parseRequestLine(d, off, e - off, probeLine) && probeLine.major >= 0 ? PROBE.YES : PROBE.NO;
}

export const http: ProtocolDef = {
  id: 'http',
  tcpPorts: HTTP_PORTS,
  probe: probeHttp,
  create(ctx: SessionContext) {
    return new HttpSession(ctx);
  },
  shared(ctx: L2Context) {
    return new SoftwareTracker(ctx, 'software_limit');
  },
  records: HTTP_RECORDS,
  events: { ...HTTP_EVENTS, software_limit: 'the software tracker of this engine is full: it forgets what it reported, so software may be reported again' },
};
