// Per-flow syslog state: one message per datagram (RFC 5426), one `syslog` record per message.
// Syslog is one-way by nature, so the flow counts as syslog at its first valid message
// (ctx.confirm()). A flow whose datagrams stop carrying a PRI raises events; one that never
// carried a valid message after its first few datagrams is given up.
import type { Session, SessionContext } from '../../dissect/types.ts';
import { FACILITIES, SEVERITIES } from './constants.ts';
import { PROBLEM, SyslogMsg, parseSyslog, readUtf8 } from './parser.ts';
import { RECORD_SYSLOG, type SyslogRecord } from './records.ts';

/** Bytes of a message kept in a record (`message`, `msg`); longer datagrams are cut and flagged. */
export const MAX_MESSAGE_BYTES = 4096;
/** Datagrams without a valid PRI, with no valid message before them, after which the flow is not syslog. */
const REJECT_AFTER_BAD = 3;

export const SYSLOG_EVENTS = {
  missing_pri: 'a datagram on a syslog flow that does not start with a PRI ("<" 1*3DIGIT ">"); no record',
  bad_pri: 'a PRI above 191 (no facility beyond 23); no record',
  message_capped: `a message longer than ${MAX_MESSAGE_BYTES} bytes: the record keeps the first ${MAX_MESSAGE_BYTES} (truncated = true)`,
} as const;

function trimmedEnd(d: Uint8Array, from: number, to: number): number {
  while (to > from && (d[to - 1] === 0x0a || d[to - 1] === 0x0d || d[to - 1] === 0)) to--;
  return to;
}

/** A header field as text; undefined when absent or beyond the cap. */
function field(d: Uint8Array, o: number, n: number, stop: number): string | undefined {
  if (o < 0 || o >= stop) return undefined;
  return readUtf8(d, o, o + n <= stop ? n : stop - o, MAX_MESSAGE_BYTES);
}

export class SyslogSession implements Session {
  private readonly ctx: SessionContext;
  private readonly m = new SyslogMsg();
  private good = 0;
  private bad = 0;

  constructor(ctx: SessionContext) {
    this.ctx = ctx;
  }

  data(isOrig: boolean, d: Uint8Array, off: number, len: number): void {
    const m = this.m;
    const problem = parseSyslog(d, off, len, m);
    if (problem !== PROBLEM.NONE) {
      this.ctx.event(problem === PROBLEM.NO_PRI ? 'missing_pri' : 'bad_pri', undefined, isOrig);
      if (this.good === 0 && ++this.bad >= REJECT_AFTER_BAD) this.ctx.reject('no syslog message');
      return;
    }
    this.good++;
    this.ctx.valid(isOrig);
    this.ctx.confirm();
    const end = off + len;
    const cut = m.bodyOff + MAX_MESSAGE_BYTES;
    const truncated = end > cut;
    if (truncated) this.ctx.event('message_capped', `${m.bodyLen} bytes after the PRI`, isOrig);
    const stop = truncated ? cut : end;
    const msgEnd = m.msgOff < stop ? trimmedEnd(d, m.msgOff, stop) : m.msgOff;
    const fac = m.pri >> 3;
    const sev = m.pri & 7;
    const r: SyslogRecord = {
      proto: this.ctx.flow.transport,
      facility: FACILITIES[fac],
      severity: SEVERITIES[sev],
      message: readUtf8(d, m.bodyOff, stop - m.bodyOff, MAX_MESSAGE_BYTES),
      facility_code: fac,
      severity_code: sev,
      format: m.format,
      version: m.version >= 0 ? m.version : undefined,
      timestamp: field(d, m.tsOff, m.tsLen, stop),
      hostname: field(d, m.hostOff, m.hostLen, stop),
      app_name: field(d, m.appOff, m.appLen, stop),
      procid: field(d, m.procOff, m.procLen, stop),
      msgid: field(d, m.msgidOff, m.msgidLen, stop),
      structured_data: field(d, m.sdOff, m.sdLen, stop),
      msg: m.msgOff < msgEnd ? readUtf8(d, m.msgOff, msgEnd - m.msgOff, MAX_MESSAGE_BYTES) : '',
      truncated,
    };
    this.ctx.record(RECORD_SYSLOG, r as unknown as Record<string, unknown>);
  }

  gap(): void {}

  end(): void {}
}
