// Per-flow TFTP state. A flow is one of two kinds, decided by its first packet:
//  - a request flow (client → port 69): RRQ/WRQ packets open transfers (transfers.ts);
//    retransmissions of the same request are counted, a different request ends the previous
//    transfer. Servers that answer from port 69 itself (or send an ERROR from it) are
//    followed on this flow too.
//  - a data flow (server's new port ↔ client port): the probe said YES because its first
//    packet is a first DATA/ACK/OACK/ERROR towards an expected client port; the session
//    claims the waiting transfer whose addresses match, or rejects the flow.
// DATA blocks are counted once each (block numbers unwrapped past 65535); the transfer ends
// with the acknowledgment of its short final block, with an ERROR, or when both flows ended.
// The `tftp` record then carries the request flow's uid and addresses, and uid_data.
import type { Session, SessionContext } from '../../dissect/types.ts';
import { MAX_BLKSIZE, MIN_BLKSIZE, OP_ACK, OP_DATA, OP_ERROR, OP_OACK, OP_RRQ, OP_WRQ, errorName } from './constants.ts';
import { PROBLEM, TftpPacket, ascii, decimal, parseTftp } from './parser.ts';
import { RECORD_TFTP, type TftpRecord } from './records.ts';
import { MAX_EXPECTED, Transfer, claim, expect, withdraw } from './transfers.ts';

/** Characters kept of a file name, an error message, an option. */
export const MAX_NAME_BYTES = 512;
const MAX_OPTION_BYTES = 128;
const REJECT_AFTER_BAD = 3;

export const TFTP_EVENTS = {
  truncated: 'a packet shorter than the fixed part of its opcode; ignored',
  malformed: 'a request or OACK whose strings are not NUL-terminated printable text, or whose mode is not netascii/octet/mail; an ERROR without its NUL (kept)',
  unknown_opcode: 'an opcode other than 1-6; ignored',
  unexpected_request: 'an RRQ/WRQ on a data flow; ignored',
  no_request: 'DATA/ACK/ERROR on a port-69 flow before any request (the capture started mid-transfer); ignored',
  missing_blocks: 'a DATA or ACK block number that skips ahead: packets were not captured (or not sent)',
  size_mismatch: 'a complete transfer whose size differs from the tsize option the client or server declared',
  too_many_pending: `more than ${MAX_EXPECTED} requests waiting for their data flow: the oldest is no longer followed`,
} as const;

const ROLE_UNKNOWN = 0;
const ROLE_REQUEST = 1;
const ROLE_DATA = 2;

export class TftpSession implements Session {
  private readonly ctx: SessionContext;
  private readonly p = new TftpPacket();
  private role = ROLE_UNKNOWN;
  private t: Transfer | null = null;
  private good = 0;
  private bad = 0;

  constructor(ctx: SessionContext) {
    this.ctx = ctx;
  }

  data(isOrig: boolean, d: Uint8Array, off: number, len: number): void {
    const p = this.p;
    const ctx = this.ctx;
    const prob = parseTftp(d, off, len, p);
    const op = p.opcode;
    const isRequest = op === OP_RRQ || op === OP_WRQ;
    if (prob !== PROBLEM.NONE) {
      if (prob === PROBLEM.UNKNOWN_OPCODE) ctx.event('unknown_opcode', `opcode ${op}`, isOrig);
      else ctx.event(prob === PROBLEM.TRUNCATED ? 'truncated' : 'malformed', `opcode ${op}, ${len} bytes`, isOrig);
      // An ERROR whose message lacks the NUL is still an ERROR.
      if (!(prob === PROBLEM.MALFORMED && op === OP_ERROR)) {
        if (this.good === 0 && ++this.bad >= REJECT_AFTER_BAD) ctx.reject('no TFTP packet');
        return;
      }
    }
    if (this.role === ROLE_UNKNOWN) {
      if (isRequest) this.role = ROLE_REQUEST;
      else if (!this.claimTransfer()) return;
    }
    if (isRequest) {
      if (this.role === ROLE_DATA) ctx.event('unexpected_request', `opcode ${op}`, isOrig);
      else this.request(isOrig, d, p);
      return;
    }
    const t = this.t;
    if (t === null) {
      ctx.event('no_request', `opcode ${op}`, isOrig);
      return;
    }
    this.good++;
    ctx.valid(isOrig);
    if (!t.done) this.transferPacket(t, isOrig, d, p);
  }

  gap(): void {}

  end(): void {
    const t = this.t;
    if (t === null) return;
    if (this.role === ROLE_REQUEST) t.requestCtx = null;
    t.refs--;
    if (t.refs <= 0) this.finish(t);
  }

  /** A data flow's first packet: the waiting transfer whose addresses it has, or reject. */
  private claimTransfer(): boolean {
    const f = this.ctx.flow;
    const t = claim(f.origH, f.origP, f.respH, f.respP, this.ctx.ts);
    if (t === null) {
      this.ctx.reject('no TFTP request for this flow');
      return false;
    }
    this.role = ROLE_DATA;
    this.t = t;
    t.uidData = f.uid;
    t.refs++;
    // The request flow is TFTP too (its request was answered).
    if (t.requestCtx !== null) t.requestCtx.confirm();
    return true;
  }

  private request(isOrig: boolean, d: Uint8Array, p: TftpPacket): void {
    const ctx = this.ctx;
    const wrq = p.opcode === OP_WRQ;
    const fname = ascii(d, p.nameOff, p.nameLen < MAX_NAME_BYTES ? p.nameLen : MAX_NAME_BYTES);
    const mode = ascii(d, p.modeOff, p.modeLen, true);
    this.good++;
    ctx.valid(isOrig);
    const prev = this.t;
    if (prev !== null && !prev.done) {
      if (prev.wrq === wrq && prev.fname === fname && prev.mode === mode && prev.uidData === undefined) {
        // The client sent its request again (no answer yet).
        prev.requests++;
        prev.lastTs = ctx.ts;
        return;
      }
      prev.requestCtx = null;
      prev.refs--;
      this.finish(prev);
    }
    const options: string[] = [];
    let blksize = -1;
    let tsize = -1;
    for (let i = 0; i < p.options; i++) {
      const no = p.optOff[2 * i];
      const nl = p.optLen[2 * i];
      const vo = p.optOff[2 * i + 1];
      const vl = p.optLen[2 * i + 1];
      const name = ascii(d, no, nl < MAX_OPTION_BYTES ? nl : MAX_OPTION_BYTES, true);
      options.push(`${name}=${ascii(d, vo, vl < MAX_OPTION_BYTES ? vl : MAX_OPTION_BYTES)}`);
      if (name === 'blksize') blksize = decimal(d, vo, vl);
      else if (name === 'tsize') tsize = decimal(d, vo, vl);
    }
    const t = new Transfer(ctx, wrq, fname, mode, options, blksize, wrq || tsize > 0 ? tsize : -1);
    this.t = t;
    if (expect(t)) ctx.event('too_many_pending', `more than ${MAX_EXPECTED} requests waiting`, isOrig);
  }

  private transferPacket(t: Transfer, isOrig: boolean, d: Uint8Array, p: TftpPacket): void {
    const ctx = this.ctx;
    t.lastTs = ctx.ts;
    switch (p.opcode) {
      case OP_DATA: {
        const delta = (p.block - (t.blockSent & 0xffff)) & 0xffff;
        // 0: a retransmission of the last block; beyond half the space: an old block.
        if (delta === 0 || delta >= 0x8000) return;
        if (delta > 1) ctx.event('missing_blocks', `DATA block ${p.block} after ${t.blockSent}`, isOrig);
        t.blockSent += delta;
        t.size += p.dataLen;
        if (p.dataLen < t.blksize) t.finalBlock = t.blockSent;
        return;
      }
      case OP_ACK: {
        const delta = (p.block - (t.blockAcked & 0xffff)) & 0xffff;
        if (delta === 0 || delta >= 0x8000) return;
        if (delta > 1 && t.blockAcked + delta > t.blockSent + 1) ctx.event('missing_blocks', `ACK ${p.block} after ${t.blockAcked}`, isOrig);
        t.blockAcked += delta;
        if (t.finalBlock >= 0 && t.blockAcked >= t.finalBlock) this.finish(t);
        return;
      }
      case OP_ERROR:
        t.errorCode = p.errorCode;
        t.errorMsg = ascii(d, p.msgOff, p.msgLen < MAX_NAME_BYTES ? p.msgLen : MAX_NAME_BYTES);
        this.finish(t);
        return;
      case OP_OACK: {
        const oack: string[] = [];
        for (let i = 0; i < p.options; i++) {
          const no = p.optOff[2 * i];
          const nl = p.optLen[2 * i];
          const vo = p.optOff[2 * i + 1];
          const vl = p.optLen[2 * i + 1];
          const name = ascii(d, no, nl < MAX_OPTION_BYTES ? nl : MAX_OPTION_BYTES, true);
          oack.push(`${name}=${ascii(d, vo, vl < MAX_OPTION_BYTES ? vl : MAX_OPTION_BYTES)}`);
          const v = decimal(d, vo, vl);
          if (name === 'blksize' && v >= MIN_BLKSIZE && v <= MAX_BLKSIZE) t.blksize = v;
          else if (name === 'tsize' && v >= 0) t.tsize = v;
        }
        t.oack = oack;
        return;
      }
    }
  }

  /** Writes the transfer's record (once), with the request flow's header. */
  private finish(t: Transfer): void {
    if (t.done) return;
    t.done = true;
    withdraw(t);
    const complete = t.finalBlock >= 0 && t.blockAcked >= t.finalBlock;
    if (complete && t.tsize >= 0 && t.tsize !== t.size) this.ctx.event('size_mismatch', `${t.fname}: ${t.size} bytes, tsize ${t.tsize}`);
    const r: TftpRecord = {
      ts: t.ts,
      uid: t.uid,
      'id.orig_h': t.origH,
      'id.orig_p': t.origP,
      'id.resp_h': t.respH,
      'id.resp_p': t.respP,
      wrq: t.wrq,
      fname: t.fname,
      mode: t.mode,
      uid_data: t.uidData,
      size: t.size,
      block_sent: t.blockSent,
      block_acked: t.blockAcked,
      error_code: t.errorCode >= 0 ? t.errorCode : undefined,
      error_msg: t.errorMsg,
      error_name: t.errorCode >= 0 ? errorName(t.errorCode) : undefined,
      options: t.options,
      oack: t.oack,
      blksize: t.blksize,
      tsize: t.tsize >= 0 ? t.tsize : undefined,
      requests: t.requests,
      complete,
      last_ts: t.lastTs,
    };
    this.ctx.rawRecord(RECORD_TFTP, r as unknown as Record<string, unknown>);
  }
}
