// Per-flow SSDP: each datagram is one message and one `ssdp` record. Searches go to the
// multicast group and their responses come back unicast in other flows, and NOTIFY is a
// multicast announcement, so a flow is one-way by nature: a well-formed message counts
// (ctx.confirm()). Nothing is kept between messages.
import type { Session, SessionContext } from '../../dissect/types.ts';
import { MAX_HEADERS, MAX_LINE, PROBLEM, SsdpMsg, parseSsdp } from './parser.ts';
import { RECORD_SSDP } from './records.ts';

const REJECT_AFTER_BAD = 16;

export const SSDP_EVENTS = {
  bad_start_line: 'a datagram whose first line is neither an SSDP request line nor a status line',
  bad_header: 'a header line without a name and a colon',
  too_many_headers: `more than ${MAX_HEADERS} header lines: the rest are not read`,
  long_line: `a line longer than ${MAX_LINE} bytes: the rest of it is not read`,
  unterminated: 'a message whose headers are not ended by an empty line',
  bad_number: 'an MX, max-age, BOOTID or CONFIGID that is not a number',
} as const;

/** A decimal number of at most 10 digits, or -1. */
function decimal(s: string | undefined): number {
  if (s === undefined || s.length === 0 || s.length > 10) return -1;
  let v = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i) - 0x30;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

/** max-age=N in a Cache-Control value, -1 without one, -2 when it is not a number. */
function maxAge(cc: string | undefined): number {
  if (cc === undefined) return -1;
  const i = cc.toLowerCase().indexOf('max-age');
  if (i < 0) return -1;
  let j = i + 7;
  while (j < cc.length && cc[j] === ' ') j++;
  if (cc[j] !== '=') return -2;
  j++;
  while (j < cc.length && cc[j] === ' ') j++;
  let k = j;
  while (k < cc.length && cc.charCodeAt(k) >= 0x30 && cc.charCodeAt(k) <= 0x39) k++;
  return k > j && k - j <= 10 ? Number(cc.slice(j, k)) : -2;
}

/** The `uuid:…` device id at the start of a USN (up to `::`). */
function uuidOf(usn: string | undefined): string | undefined {
  if (usn === undefined || usn.length < 5 || usn.slice(0, 5).toLowerCase() !== 'uuid:') return undefined;
  const e = usn.indexOf('::');
  return usn.slice(5, e < 0 ? usn.length : e);
}

export class SsdpSession implements Session {
  private readonly ctx: SessionContext;
  private readonly msg = new SsdpMsg();
  private good = 0;
  private bad = 0;
  private rejected = false;

  constructor(ctx: SessionContext) {
    this.ctx = ctx;
  }

  data(isOrig: boolean, d: Uint8Array, off: number, len: number): void {
    if (this.rejected) return;
    const m = this.msg;
    const ctx = this.ctx;
    if (!parseSsdp(d, off, len, m)) {
      ctx.event('bad_start_line', m.detail, isOrig);
      if (++this.bad > REJECT_AFTER_BAD && this.good === 0) {
        this.rejected = true;
        ctx.reject('no SSDP message');
      }
      return;
    }
    const p = m.problems;
    if ((p & PROBLEM.BAD_HEADER) !== 0) ctx.event('bad_header', m.detailOf(PROBLEM.BAD_HEADER), isOrig);
    if ((p & PROBLEM.TOO_MANY_HEADERS) !== 0) ctx.event('too_many_headers', m.detailOf(PROBLEM.TOO_MANY_HEADERS), isOrig);
    if ((p & PROBLEM.LONG_LINE) !== 0) ctx.event('long_line', m.detailOf(PROBLEM.LONG_LINE), isOrig);
    if ((p & PROBLEM.UNTERMINATED) !== 0) ctx.event('unterminated', m.detailOf(PROBLEM.UNTERMINATED), isOrig);
    this.good++;
    ctx.confirm();
    const mx = decimal(m.mx);
    const age = maxAge(m.cacheControl);
    const bootid = decimal(m.bootId);
    const configid = decimal(m.configId);
    if ((m.mx !== undefined && mx < 0) || age === -2 || (m.bootId !== undefined && bootid < 0) || (m.configId !== undefined && configid < 0)) {
      ctx.event('bad_number', `MX ${m.mx}, CACHE-CONTROL ${m.cacheControl}, BOOTID ${m.bootId}, CONFIGID ${m.configId}`, isOrig);
    }
    ctx.record(RECORD_SSDP, {
      is_orig: isOrig,
      method: m.method,
      status_code: m.status >= 0 ? m.status : undefined,
      status_msg: m.status >= 0 ? m.reason : undefined,
      version: m.version,
      host: m.host,
      man: m.man,
      mx: mx >= 0 ? mx : undefined,
      st: m.st,
      nt: m.nt,
      nts: m.nts,
      usn: m.usn,
      uuid: uuidOf(m.usn),
      location: m.location,
      server: m.server,
      user_agent: m.userAgent,
      cache_control: m.cacheControl,
      max_age: age >= 0 ? age : undefined,
      bootid: bootid >= 0 ? bootid : undefined,
      configid: configid >= 0 ? configid : undefined,
    });
  }

  gap(): void {
    // UDP only.
  }

  end(): void {
    // Nothing is pending.
  }
}
