// Per-flow DNS state: UDP datagrams (one message each) or TCP messages behind their 2-byte
// length (RFC 1035 §4.2.2, framed by StreamFramer), pairing of responses with queries, the
// cap on waiting queries, and the `dns` records.
//
// Pairing (as Zeek's base/protocols/dns/main.zeek): a query waits (oldest first) until a
// response with its message id arrives; the record then holds both. A response nobody asked
// for is written alone (`response_without_query`, normal at the start of a capture). On a
// flow to a multicast address (mDNS 224.0.0.251 / ff02::fb, LLMNR 224.0.0.252 / ff02::1:3)
// answers come from other hosts in other flows, so every message is written at once, alone
// (Zeek 8 does the same). Queries still waiting at the end of the flow, or pushed out by
// MAX_PENDING (`flooded`), are written unanswered.
import { NameReader } from '../../dissect/dns-name.ts';
import { StreamFramer, type PduFramer } from '../../dissect/stream.ts';
import type { Session, SessionContext, Transport } from '../../dissect/types.ts';
import {
  DNS_HEADER_LEN, FLAG_AA, FLAG_RA, FLAG_RD, FLAG_TC, MDNS_QU_BIT, className, isKnownOpcode, opcodeName, rcodeName, typeName,
  variantOf, type DnsVariant,
} from './constants.ts';
import { DnsMsg, MAX_KEPT_RECORDS, MAX_QUESTIONS, PROBLEM, parseDns, readU16 } from './parser.ts';
import { RECORD_DNS } from './records.ts';

/** Queries waiting for a response, per flow. */
export const MAX_PENDING = 100;
/** Messages that fail to parse, without a single good one on the flow, after which the flow is not DNS. */
const REJECT_AFTER_BAD = 16;

export const DNS_EVENTS = {
  truncated: 'a message shorter than its header counts say (what was read is kept)',
  bad_name: 'a name with a forward or out-of-range compression pointer, too many pointers, a reserved label type or more than 512 bytes',
  bad_rdata: 'record data whose length does not fit its type',
  trailing_bytes: 'bytes after the last record of a message',
  too_many_questions: `more than ${MAX_QUESTIONS} questions (Zeek's dns_max_queries): the message is not parsed`,
  too_many_records: `more than ${MAX_KEPT_RECORDS} records in a message: the rest are not recorded`,
  unknown_opcode: 'an opcode the registry does not assign (3, 7-15)',
  response_without_query: 'a response whose message id matches no waiting query',
  flooded: `more than ${MAX_PENDING} queries waiting for a response on one flow: the oldest is written unanswered`,
  short_message: 'a message (UDP datagram or TCP length) shorter than the 12-byte header',
  resync: 'TCP: bytes skipped to find the next message length (after a gap or a bad length)',
} as const;

/** Parse options: a response's records are formatted (answers, auth, addl); a query's are walked. */
const RESPONSE = { records: true, authAddl: true } as const;
const QUERY = { records: false, authAddl: false } as const;

/** A query waiting for its response: what its record needs. */
class Query {
  readonly ts: number;
  readonly id: number;
  readonly flags: number;
  readonly opcode: number;
  readonly qname: string | undefined;
  readonly qtype: number;
  readonly qclass: number;

  constructor(ts: number, m: DnsMsg) {
    this.ts = ts;
    this.id = m.id;
    this.flags = m.flags;
    this.opcode = m.opcode;
    this.qname = m.qname;
    this.qtype = m.qtype;
    this.qclass = m.qclass;
  }
}

function isMulticast(addr: string): boolean {
  if (addr.includes(':')) return addr.startsWith('ff');
  const dot = addr.indexOf('.');
  const a = Number(addr.slice(0, dot));
  return a >= 224 && a <= 239;
}

export class DnsSession implements Session, PduFramer {
  private readonly ctx: SessionContext;
  private readonly transport: Transport;
  private readonly framer: StreamFramer | null;
  private readonly variant: DnsVariant;
  /** Messages are written alone (the flow goes to a multicast group). */
  private readonly multicast: boolean;
  private readonly pending: Query[] = [];
  private readonly msg = new DnsMsg();
  private readonly names = new NameReader();
  private good = 0;
  private bad = 0;
  private rejected = false;
  /** TCP, per side: out of sync until the next plausible message. */
  private lostOrig = false;
  private lostResp = false;

  constructor(ctx: SessionContext, transport: Transport) {
    this.ctx = ctx;
    this.transport = transport;
    const f = ctx.flow;
    this.variant = variantOf(f.origP, f.respP);
    this.multicast = isMulticast(f.respH);
    this.framer = transport === 'tcp' ? new StreamFramer(this, { maxPdu: 2 + 65535 }) : null;
  }

  // ---- Session ----

  data(isOrig: boolean, d: Uint8Array, off: number, len: number): void {
    if (this.rejected) return;
    if (this.framer === null) this.message(isOrig, d, off, len);
    else this.framer.data(isOrig, d, off, len);
  }

  gap(isOrig: boolean, len: number): void {
    if (this.framer === null) return;
    if (isOrig) this.lostOrig = true;
    else this.lostResp = true;
    this.framer.gap(isOrig, len);
  }

  end(): void {
    for (const q of this.pending) this.write(q, null, 0);
    this.pending.length = 0;
  }

  // ---- PduFramer (TCP) ----

  pduLength(d: Uint8Array, off: number, avail: number, isOrig: boolean): number {
    if (this.rejected) return -1;
    if (avail < 2) return 0;
    const n = readU16(d, off);
    const lost = isOrig ? this.lostOrig : this.lostResp;
    if (n < DNS_HEADER_LEN) {
      if (!lost) {
        this.lose(isOrig);
        this.ctx.event('short_message', `TCP length ${n}`, isOrig);
      }
      return this.skip();
    }
    if (lost) {
      // Out of sync: only a length followed by a believable header ends the skipping.
      if (avail < 2 + DNS_HEADER_LEN) return 0;
      const flags = readU16(d, off + 4);
      if (!isKnownOpcode((flags >> 11) & 0x0f) || readU16(d, off + 6) > MAX_QUESTIONS) return this.skip();
    }
    return 2 + n;
  }

  pdu(isOrig: boolean, d: Uint8Array, off: number, len: number): void {
    if (isOrig) this.lostOrig = false;
    else this.lostResp = false;
    this.message(isOrig, d, off + 2, len - 2);
  }

  skipped(isOrig: boolean, bytes: number, afterGap: boolean): void {
    this.ctx.event('resync', `${bytes} bytes skipped${afterGap ? ' after a gap' : ''}`, isOrig);
  }

  private lose(isOrig: boolean): void {
    if (isOrig) this.lostOrig = true;
    else this.lostResp = true;
  }

  private skip(): number {
    if (++this.bad > REJECT_AFTER_BAD * 256 && this.good === 0) this.reject();
    return -1;
  }

  private reject(): void {
    this.rejected = true;
    this.ctx.reject('no valid DNS message');
  }

  // ---- messages ----

  private message(isOrig: boolean, d: Uint8Array, off: number, len: number): void {
    const m = this.msg;
    const isResponse = len >= 3 && (d[off + 2] & 0x80) !== 0;
    if (!parseDns(d, off, len, m, this.names, isResponse ? RESPONSE : QUERY)) {
      this.ctx.event('short_message', `${len} bytes`, isOrig);
      this.failed();
      return;
    }
    this.report(isOrig, m);
    if ((m.problems & PROBLEM.TOO_MANY_QUESTIONS) !== 0 || m.questions < m.qd) {
      this.failed();
      if ((m.problems & PROBLEM.TOO_MANY_QUESTIONS) !== 0) return;
    } else {
      this.good++;
      if (this.transport === 'udp') this.ctx.confirm();
      else this.ctx.valid(isOrig);
    }
    if (!isKnownOpcode(m.opcode)) this.ctx.event('unknown_opcode', `opcode ${m.opcode}`, isOrig);
    const ts = this.ctx.ts;
    if (!m.qr) {
      const q = new Query(ts, m);
      if (this.multicast) {
        this.write(q, null, 0);
        return;
      }
      this.pending.push(q);
      if (this.pending.length > MAX_PENDING) {
        this.ctx.event('flooded', `${this.pending.length} queries waiting`, isOrig);
        this.write(this.pending.shift()!, null, 0);
      }
      return;
    }
    let q: Query | null = null;
    if (!this.multicast) {
      const pending = this.pending;
      for (let i = 0; i < pending.length; i++) {
        if (pending[i].id !== m.id) continue;
        q = pending[i];
        pending.splice(i, 1);
        break;
      }
      // mDNS and LLMNR answers to a multicast query come back in a flow of their own, by design.
      if (q === null && this.variant === 'dns') this.ctx.event('response_without_query', `id ${m.id}`, isOrig);
    }
    this.write(q, m, ts);
  }

  private failed(): void {
    if (++this.bad > REJECT_AFTER_BAD && this.good === 0) this.reject();
  }

  /** Events for the problems of the message just parsed. */
  private report(isOrig: boolean, m: DnsMsg): void {
    const p = m.problems;
    if (p === 0) return;
    const ev = this.ctx;
    if ((p & PROBLEM.TOO_MANY_QUESTIONS) !== 0) ev.event('too_many_questions', m.detailOf(PROBLEM.TOO_MANY_QUESTIONS), isOrig);
    if ((p & PROBLEM.TRUNCATED) !== 0) ev.event('truncated', m.detailOf(PROBLEM.TRUNCATED), isOrig);
    if ((p & PROBLEM.BAD_NAME) !== 0) ev.event('bad_name', m.detailOf(PROBLEM.BAD_NAME), isOrig);
    if ((p & PROBLEM.BAD_RDATA) !== 0) ev.event('bad_rdata', m.detailOf(PROBLEM.BAD_RDATA), isOrig);
    if ((p & PROBLEM.TRAILING) !== 0) ev.event('trailing_bytes', m.detailOf(PROBLEM.TRAILING), isOrig);
    if ((p & PROBLEM.TOO_MANY_RECORDS) !== 0) ev.event('too_many_records', m.detailOf(PROBLEM.TOO_MANY_RECORDS), isOrig);
  }

  /** Writes the record of a query and/or a response (r: the message just parsed, at time rts). */
  private write(q: Query | null, r: DnsMsg | null, rts: number): void {
    const mdns = this.variant === 'mdns';
    // The question: the query's, else the response's.
    let qname: string | undefined;
    let qtype = -1;
    let qclass = -1;
    if (q !== null && q.qtype >= 0) {
      qname = q.qname;
      qtype = q.qtype;
      qclass = q.qclass;
    } else if (r !== null) {
      qname = r.qtype >= 0 ? r.qname : r.firstAnswerName;
      qtype = r.qtype;
      qclass = r.qclass;
    }
    const qu = mdns && qclass >= 0 ? (qclass & MDNS_QU_BIT) !== 0 : undefined;
    if (mdns && qclass >= 0) qclass &= ~MDNS_QU_BIT;
    const first = q !== null ? q.flags : r!.flags;
    const rflags = r !== null ? r.flags : 0;
    const ts = q !== null ? q.ts : rts;
    const rtt = q !== null && r !== null && rts - q.ts > 0 ? rts - q.ts : undefined;
    const hd = this.ctx.head(ts);
    this.ctx.rawRecord(RECORD_DNS, {
        ts: hd.ts, uid: hd.uid, 'id.orig_h': hd['id.orig_h'], 'id.orig_p': hd['id.orig_p'], 'id.resp_h': hd['id.resp_h'], 'id.resp_p': hd['id.resp_p'],
        proto: this.transport,
        trans_id: q !== null ? q.id : r!.id,
        rtt,
        query: qname,
        qclass: qclass >= 0 ? qclass : undefined,
        qclass_name: qclass >= 0 ? className(qclass) : undefined,
        qtype: qtype >= 0 ? qtype : undefined,
        qtype_name: qtype >= 0 ? typeName(qtype) : undefined,
        rcode: r !== null ? r.rcode : undefined,
        rcode_name: r !== null ? rcodeName(r.rcode) : undefined,
        AA: (rflags & FLAG_AA) !== 0,
        TC: ((first | rflags) & FLAG_TC) !== 0,
        RD: (first & FLAG_RD) !== 0,
        RA: (rflags & FLAG_RA) !== 0,
        Z: (first >> 4) & 7,
        answers: r?.answers ?? undefined,
        TTLs: r?.ttls ?? undefined,
        rejected: r !== null && ((r.rcode !== 0 && r.qd === 0) || (r.questions > 0 && r.an === 0 && r.ns === 0 && r.ar === 0)),
        opcode: q !== null ? q.opcode : r!.opcode,
        opcode_name: opcodeName(q !== null ? q.opcode : r!.opcode),
        auth: r?.auth ?? undefined,
        addl: r?.addl ?? undefined,
        variant: this.variant,
        qu,
        answer_names: r?.answerNames ?? undefined,
        total_answers: r !== null ? r.an : undefined,
        total_replies: r !== null ? r.an + r.ns + r.ar : undefined,
        request_seen: q !== null,
        response_seen: r !== null,
      });
  }
}
