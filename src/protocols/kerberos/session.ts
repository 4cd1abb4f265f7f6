// Per-flow state of Kerberos: UDP (one message per datagram) or TCP (RFC 4120 7.2.2: a
// 4-byte big-endian length before each message, framed by StreamFramer), requests paired
// with replies first in, first out, one kerberos record per exchange. Exchanges whose error
// is KDC_ERR_PREAUTH_REQUIRED are left out, as Zeek's default ignored_errors does: every
// normal login starts with one, and they are no failed logins.
import { StreamFramer, type PduFramer } from '../../dissect/stream.ts';
import type { Session, SessionContext, Transport } from '../../dissect/types.ts';
import {
  KDC_ERR_PREAUTH_REQUIRED, KDC_OPT_FORWARDABLE, KDC_OPT_RENEWABLE, KRB_AS_REP, KRB_AS_REQ, KRB_ERROR, KRB_TGS_REP,
  KRB_TGS_REQ, cipherName, errorName, messageTypeName, padataName,
} from './constants.ts';
import { KrbMessage, parseKrb } from './parser.ts';
import type { KerberosRecord } from './records.ts';

/** Requests awaiting a reply; more raise `flooded` and write out the oldest unanswered. */
export const MAX_PENDING = 64;
/** Longest TCP message accepted (tickets with large PACs run to tens of kilobytes). */
export const MAX_TCP_MESSAGE = 256 * 1024;

export const KERBEROS_EVENTS = {
  malformed: 'a Kerberos message with a field cut short, or bytes that are no Kerberos message where one was expected',
  bad_record_mark: 'a TCP record mark with the reserved high bit set, or a length past the cap',
  unexpected_message: 'a request from the KDC or a reply from the client, or a reply with no request of its kind',
  flooded: `more than ${MAX_PENDING} requests waiting for a reply`,
  resync: 'bytes skipped on TCP to find the next record mark and message (after a gap or garbage)',
} as const;

function kdcOpt(opts: number, bit: number): boolean | undefined {
  return opts < 0 ? undefined : ((opts >>> (31 - bit)) & 1) === 1;
}

function orUndef(s: string): string | undefined {
  return s === '' ? undefined : s;
}

function num(x: number): number | undefined {
  return Number.isNaN(x) ? undefined : x;
}

/** A request waiting for its reply: what its record takes from it. */
class Pending {
  ts: number;
  rec: KerberosRecord;
  constructor(ts: number, rec: KerberosRecord) {
    this.ts = ts;
    this.rec = rec;
  }
}

function blank(): KerberosRecord {
  return {
    request_type: undefined, client: undefined, service: undefined, success: undefined, error_code: undefined,
    error_msg: undefined, from: undefined, till: undefined, cipher: undefined, forwardable: undefined, renewable: undefined,
    client_cert_subject: undefined, server_cert_subject: undefined, error_name: undefined, realm: undefined,
    request_etypes: undefined, reply_cipher: undefined, preauth: undefined, client_cert: false, request_msg: undefined,
    reply_msg: undefined,
  };
}

export class KerberosSession implements Session, PduFramer {
  private readonly ctx: SessionContext;
  private readonly framer: StreamFramer | null;
  private readonly m = new KrbMessage();
  private readonly pending: Pending[] = [];

  constructor(ctx: SessionContext, transport: Transport) {
    this.ctx = ctx;
    this.framer = transport === 'tcp' ? new StreamFramer(this, { maxPdu: MAX_TCP_MESSAGE + 4 }) : null;
  }

  data(isOrig: boolean, d: Uint8Array, off: number, len: number): void {
    if (this.framer !== null) this.framer.data(isOrig, d, off, len);
    else this.message(isOrig, d, off, len);
  }

  gap(isOrig: boolean, len: number): void {
    this.framer?.gap(isOrig, len);
  }

  end(): void {
    for (const p of this.pending) this.ctx.record('kerberos', p.rec as unknown as Record<string, unknown>, p.ts);
    this.pending.length = 0;
  }

  // ---- TCP record marking ----

  pduLength(d: Uint8Array, off: number, avail: number, isOrig: boolean): number {
    if (avail < 4) return 0;
    if ((d[off] & 0x80) !== 0) return this.badMark(isOrig);
    const n = ((d[off] << 24) | (d[off + 1] << 16) | (d[off + 2] << 8) | d[off + 3]) >>> 0;
    if (n === 0 || n > MAX_TCP_MESSAGE) return this.badMark(isOrig);
    if (avail >= 5 && (d[off + 4] & 0xe0) !== 0x60) return -1;
    return 4 + n;
  }

  private badMark(_isOrig: boolean): number {
    return -1;
  }

  pdu(isOrig: boolean, d: Uint8Array, off: number, len: number): void {
    this.message(isOrig, d, off + 4, len - 4);
  }

  skipped(isOrig: boolean, bytes: number, afterGap: boolean): void {
    this.ctx.event(afterGap ? 'resync' : 'bad_record_mark', `${bytes} bytes skipped ${afterGap ? 'after a gap ' : ''}to the next record mark`, isOrig);
  }

  // ---- messages ----

  private message(isOrig: boolean, d: Uint8Array, off: number, len: number): void {
    const m = this.m;
    const ctx = this.ctx;
    if (!parseKrb(d, off, len, m)) {
      ctx.event('malformed', `${len} bytes that are no Kerberos message (first byte 0x${len > 0 ? d[off].toString(16) : ''})`, isOrig);
      return;
    }
    if (m.problem !== '') ctx.event('malformed', `${messageTypeName(m.msgType)}: ${m.problem}`, isOrig);
    ctx.valid(isOrig);
    const t = m.msgType;
    if (t === KRB_AS_REQ || t === KRB_TGS_REQ) {
      if (!isOrig) ctx.event('unexpected_message', `${messageTypeName(t)} from the KDC`, isOrig);
      this.request(isOrig);
    } else if (t === KRB_AS_REP || t === KRB_TGS_REP || t === KRB_ERROR) {
      if (isOrig) ctx.event('unexpected_message', `${messageTypeName(t)} from the client`, isOrig);
      this.reply(isOrig);
    }
  }

  private request(isOrig: boolean): void {
    const m = this.m;
    const r = blank();
    const as = m.msgType === KRB_AS_REQ;
    r.request_type = as ? 'AS' : 'TGS';
    if (as) r.client = `${m.cname}/${m.realm}`;
    r.service = orUndef(m.sname);
    r.from = num(m.from);
    r.till = num(m.till);
    r.forwardable = kdcOpt(m.kdcOptions, KDC_OPT_FORWARDABLE);
    r.renewable = kdcOpt(m.kdcOptions, KDC_OPT_RENEWABLE);
    r.realm = orUndef(m.realm);
    r.request_etypes = m.etypes.map(cipherName);
    r.preauth = m.padata.map(padataName);
    r.client_cert = m.clientCert;
    r.client_cert_subject = orUndef(m.clientCertSubject);
    r.request_msg = messageTypeName(m.msgType);
    if (this.pending.length >= MAX_PENDING) {
      this.ctx.event('flooded', `more than ${MAX_PENDING} requests without a reply`, isOrig);
      const old = this.pending.shift()!;
      this.ctx.record('kerberos', old.rec as unknown as Record<string, unknown>, old.ts);
    }
    this.pending.push(new Pending(this.ctx.ts, r));
  }

  private reply(isOrig: boolean): void {
    const m = this.m;
    const t = m.msgType;
    // The oldest request this reply can answer (a KRB-ERROR answers either kind).
    let i = 0;
    for (; i < this.pending.length; i++) {
      const rt = this.pending[i].rec.request_msg;
      if (t === KRB_ERROR || (t === KRB_AS_REP && rt === 'AS-REQ') || (t === KRB_TGS_REP && rt === 'TGS-REQ')) break;
    }
    let p: Pending;
    if (i < this.pending.length) {
      p = this.pending[i];
      // Requests before it were never answered.
      for (let k = 0; k < i; k++) this.ctx.record('kerberos', this.pending[k].rec as unknown as Record<string, unknown>, this.pending[k].ts);
      this.pending.splice(0, i + 1);
    } else {
      if (this.pending.length > 0 || t !== KRB_ERROR) this.ctx.event('unexpected_message', `${messageTypeName(t)} without a request of its kind`, isOrig);
      p = new Pending(this.ctx.ts, blank());
      if (t === KRB_AS_REP) p.rec.request_type = 'AS';
      else if (t === KRB_TGS_REP) p.rec.request_type = 'TGS';
    }
    const r = p.rec;
    r.reply_msg = messageTypeName(t);
    if (t === KRB_ERROR) {
      if (m.errorCode === KDC_ERR_PREAUTH_REQUIRED) return;
      if (r.client === undefined && (m.cname !== '' || m.crealm !== '')) r.client = `${m.cname !== '' ? `${m.cname}/` : ''}${m.crealm}`;
      if (m.sname !== '') r.service = m.sname;
      r.success = false;
      r.error_code = m.errorCode < 0 ? undefined : m.errorCode;
      r.error_name = m.errorCode < 0 ? undefined : errorName(m.errorCode);
      r.error_msg = m.etext !== '' ? m.etext : r.error_name;
      r.realm ??= orUndef(m.realm);
    } else {
      if (r.client === undefined && (m.cname !== '' || m.crealm !== '')) r.client = `${m.cname}/${m.crealm}`;
      if (m.ticketSname !== '') r.service = m.ticketSname;
      r.cipher = m.ticketEtype < 0 ? undefined : cipherName(m.ticketEtype);
      r.reply_cipher = m.encPartEtype < 0 ? undefined : cipherName(m.encPartEtype);
      r.success = true;
      if (m.serverCert) r.server_cert_subject = orUndef(m.serverCertSubject);
    }
    this.ctx.record('kerberos', r as unknown as Record<string, unknown>, p.ts);
  }
}
