// Per-flow state of EtherNet/IP encapsulation: framing (TCP) or one message per datagram
// (UDP), one enip record per message, the registered session, request/reply pairing with a
// cap, and the hand-off of Common Packet Format payloads (List Identity replies, Send RR
// Data, Send Unit Data) to the CIP child session.
import type { Session, SessionContext, Transport } from '../../dissect/types.ts';
import { StreamFramer, type PduFramer } from '../../dissect/stream.ts';
import { CMD, ENIP_PORT, HEADER_LEN, ITEM_LIST_SERVICES, MAX_DATA, commandName, isKnownCommand, statusName } from './constants.ts';
import { Cpf, EnipHeader, lengthFits, parseServiceItem, plausibleHeader, readHeader, u16, u32, walkCpf } from './parser.ts';
import { hexBytes, hexNum, type EnipRecord } from './records.ts';

/** Requests awaiting a reply (TCP). More than this raises `flooded` and forgets the oldest. */
export const MAX_PENDING = 64;
/** Messages read from one UDP datagram. */
const MAX_MESSAGES_PER_DATAGRAM = 16;
/** Times a CPF is offered to the CIP child protocols before the flow stops trying. */
const MAX_CHILD_PROBES = 32;

function expectsReply(cmd: number): boolean {
  return cmd === CMD.SEND_RR_DATA || cmd === CMD.REGISTER_SESSION || cmd === CMD.LIST_IDENTITY
    || cmd === CMD.LIST_SERVICES || cmd === CMD.LIST_INTERFACES;
}

export class EnipSession implements Session, PduFramer {
  private readonly ctx: SessionContext;
  private readonly udp: boolean;
  private readonly framer: StreamFramer | null;
  /** Per side: the last bytes framed were a valid message (lenient headers); false after a gap or garbage. */
  private readonly inSync = [false, false];
  private readonly h = new EnipHeader();
  private readonly cpf = new Cpf();
  private child: Session | null = null;
  private childProbes = 0;
  /** The CPF of the current message to hand to the child (length -1: none). */
  private childOff = 0;
  private childLen = -1;
  /** Session handle of the last successful Register Session reply, -1 when none. */
  private registered = -1;
  private mismatchReported = false;
  /** Pending requests: command and sender context (two words), oldest first. */
  private readonly pendCmd = new Uint16Array(MAX_PENDING);
  private readonly pendCtxLo = new Uint32Array(MAX_PENDING);
  private readonly pendCtxHi = new Uint32Array(MAX_PENDING);
  private pendHead = 0;
  private pendCount = 0;

  constructor(ctx: SessionContext, transport: Transport) {
    this.ctx = ctx;
    this.udp = transport === 'udp';
    this.framer = this.udp ? null : new StreamFramer(this, { maxPdu: HEADER_LEN + MAX_DATA });
  }

  data(isOrig: boolean, d: Uint8Array, off: number, len: number): void {
    if (this.framer !== null) this.framer.data(isOrig, d, off, len);
    else this.datagram(isOrig, d, off, len);
  }

  gap(isOrig: boolean, len: number): void {
    this.inSync[isOrig ? 0 : 1] = false;
    this.framer?.gap(isOrig, len);
  }

  end(): void {
    // enip writes one record per message as it comes; nothing is held back.
  }

  // ---- framing (PduFramer) ----

  pduLength(d: Uint8Array, off: number, avail: number, isOrig: boolean): number {
    const strict = !this.inSync[isOrig ? 0 : 1];
    if (strict) {
      if (avail >= 2 && !isKnownCommand(u16(d, off))) return this.lost(isOrig);
      if (avail >= 4 && !lengthFits(u16(d, off), u16(d, off + 2))) return this.lost(isOrig);
    }
    if (avail < HEADER_LEN) return 0;
    if (!plausibleHeader(d, off, strict)) return this.lost(isOrig);
    return HEADER_LEN + u16(d, off + 2);
  }

  private lost(isOrig: boolean): number {
    this.inSync[isOrig ? 0 : 1] = false;
    return -1;
  }

  pdu(isOrig: boolean, d: Uint8Array, off: number, len: number): void {
    this.inSync[isOrig ? 0 : 1] = true;
    this.message(isOrig, d, off, len);
  }

  skipped(isOrig: boolean, bytes: number, afterGap: boolean): void {
    this.ctx.event('resync', `${bytes} bytes skipped ${afterGap ? 'after a gap ' : ''}to the next encapsulation header`, isOrig);
  }

  // ---- UDP ----

  private datagram(isOrig: boolean, d: Uint8Array, off: number, len: number): void {
    const end = off + len;
    let p = off;
    for (let n = 0; n < MAX_MESSAGES_PER_DATAGRAM && end - p >= HEADER_LEN; n++) {
      const mlen = HEADER_LEN + u16(d, p + 2);
      if (mlen > end - p) {
        this.ctx.event('invalid_length', `${commandName(u16(d, p))}: length says ${mlen - HEADER_LEN} data bytes, the datagram holds ${end - p - HEADER_LEN}`, isOrig);
        return;
      }
      this.message(isOrig, d, p, mlen);
      p += mlen;
    }
    if (p < end) this.ctx.event('invalid_length', `${end - p} bytes after the last encapsulation message`, isOrig);
  }

  // ---- one message ----

  private message(isOrig: boolean, d: Uint8Array, off: number, n: number): void {
    const h = this.h;
    const ctx = this.ctx;
    readHeader(d, off, h);
    const cmd = h.command;
    const dataOff = off + HEADER_LEN;
    const dataLen = n - HEADER_LEN;
    this.writeRecord(isOrig, d);
    let ok = true;
    if (!isKnownCommand(cmd)) {
      ok = false;
      ctx.event('unknown_command', `command 0x${cmd.toString(16)}`, isOrig);
    } else if (!lengthFits(cmd, dataLen)) {
      ok = false;
      ctx.event('invalid_length', `${commandName(cmd)} with ${dataLen} data bytes`, isOrig);
    }
    if (h.options !== 0) {
      ok = false;
      ctx.event('nonzero_options', `options 0x${h.options.toString(16)}`, isOrig);
    }
    this.childLen = -1;
    if (ok) ok = this.command(isOrig, d, dataOff, dataLen);
    if (!this.udp) this.pair(isOrig, d);
    if (!ok) return;
    ctx.valid(isOrig);
    if (this.udp && (ctx.flow.respP === ENIP_PORT || ctx.flow.origP === ENIP_PORT)) ctx.confirm();
    // CIP after the enip record and validity, so the flow counts as enip first
    if (this.childLen >= 0) this.toChild(isOrig, d, this.childOff, this.childLen);
  }

  private writeRecord(isOrig: boolean, d: Uint8Array): void {
    const h = this.h;
    const f = this.ctx.flow;
    const hd = this.ctx.head();
    const r: EnipRecord = {
      ts: hd.ts, uid: hd.uid, 'id.orig_h': hd['id.orig_h'], 'id.orig_p': hd['id.orig_p'], 'id.resp_h': hd['id.resp_h'], 'id.resp_p': hd['id.resp_p'],
      is_orig: isOrig,
      source_h: isOrig ? f.origH : f.respH,
      source_p: isOrig ? f.origP : f.respP,
      destination_h: isOrig ? f.respH : f.origH,
      destination_p: isOrig ? f.respP : f.origP,
      enip_command_code: hexNum(h.command, 2),
      enip_command: commandName(h.command),
      length: h.length,
      session_handle: hexNum(h.session, 8),
      enip_status: statusName(h.status),
      sender_context: hexBytes(d, h.contextOff, 8),
      options: hexNum(h.options, 8),
      enip_status_code: h.status,
    };
    this.ctx.rawRecord('enip', r as unknown as Record<string, unknown>);
  }

  /** Command-specific data; false when it is malformed (events raised). */
  private command(isOrig: boolean, d: Uint8Array, off: number, len: number): boolean {
    const h = this.h;
    const ctx = this.ctx;
    switch (h.command) {
      case CMD.REGISTER_SESSION:
        if (u16(d, off) !== 1) ctx.event('unsupported_version', `Register Session protocol version ${u16(d, off)}`, isOrig);
        if (!isOrig && h.status === 0) {
          this.registered = h.session;
          this.mismatchReported = false;
        }
        return true;
      case CMD.UNREGISTER_SESSION:
        this.checkSession(isOrig);
        this.registered = -1;
        return true;
      case CMD.SEND_RR_DATA:
      case CMD.SEND_UNIT_DATA:
        this.checkSession(isOrig);
        // interface handle (4), timeout (2), then the CPF
        return this.cpfData(isOrig, d, off + 6, len - 6, true);
      case CMD.LIST_IDENTITY:
        return len === 0 || this.cpfData(isOrig, d, off, len, true);
      case CMD.LIST_SERVICES:
        if (len === 0) return true;
        if (!this.cpfData(isOrig, d, off, len, false)) return false;
        for (let i = 0; i < this.cpf.count; i++) {
          if (this.cpf.type[i] === ITEM_LIST_SERVICES && parseServiceItem(d, this.cpf.off[i], this.cpf.len[i]) === null) {
            ctx.event('bad_cpf', 'List Services item shorter than its fixed fields', isOrig);
            return false;
          }
        }
        return true;
      case CMD.LIST_INTERFACES:
        return len === 0 || this.cpfData(isOrig, d, off, len, false);
      default:
        return true;
    }
  }

  private cpfData(isOrig: boolean, d: Uint8Array, off: number, len: number, toChild: boolean): boolean {
    if (!walkCpf(d, off, len, this.cpf)) {
      this.ctx.event('bad_cpf', `${commandName(this.h.command)}: item count and item lengths do not fit ${len} bytes`, isOrig);
      return false;
    }
    if (toChild) {
      this.childOff = off;
      this.childLen = len;
    }
    return true;
  }

  private toChild(isOrig: boolean, d: Uint8Array, off: number, len: number): void {
    if (this.child === null) {
      if (this.childProbes >= MAX_CHILD_PROBES) return;
      this.childProbes++;
      this.child = this.ctx.openChild('enip', isOrig, d, off, len);
      if (this.child === null) return;
    }
    this.child.data(isOrig, d, off, len);
  }

  private checkSession(isOrig: boolean): void {
    if (this.registered < 0 || this.h.session === this.registered || this.mismatchReported) return;
    this.mismatchReported = true;
    this.ctx.event('session_mismatch', `session handle ${hexNum(this.h.session, 8)}, registered ${hexNum(this.registered, 8)}`, isOrig);
  }

  // ---- request/reply pairing (TCP) ----

  private pair(isOrig: boolean, d: Uint8Array): void {
    const cmd = this.h.command;
    if (!expectsReply(cmd)) return;
    const lo = u32(d, this.h.contextOff);
    const hi = u32(d, this.h.contextOff + 4);
    if (isOrig) {
      if (this.pendCount === MAX_PENDING) {
        this.ctx.event('flooded', `more than ${MAX_PENDING} requests without a reply`, isOrig);
        this.pendHead = (this.pendHead + 1) % MAX_PENDING;
        this.pendCount--;
      }
      const i = (this.pendHead + this.pendCount) % MAX_PENDING;
      this.pendCmd[i] = cmd;
      this.pendCtxLo[i] = lo;
      this.pendCtxHi[i] = hi;
      this.pendCount++;
      return;
    }
    // A reply answers the oldest pending request of its command and sender context;
    // requests before it that were never answered are dropped.
    for (let k = 0; k < this.pendCount; k++) {
      const i = (this.pendHead + k) % MAX_PENDING;
      if (this.pendCmd[i] === cmd && this.pendCtxLo[i] === lo && this.pendCtxHi[i] === hi) {
        this.pendHead = (i + 1) % MAX_PENDING;
        this.pendCount -= k + 1;
        return;
      }
    }
  }

  /** Requests still waiting for a reply (for tests). */
  get pending(): number {
    return this.pendCount;
  }
}

