// Per-flow COTP state: TPKT framing of each side's stream (StreamFramer), one `cotp` record
// per TPDU, reassembly of segmented DT TSDUs (EOT mark, capped), and the hand-over of every
// whole TSDU to the child protocol of 'cotp' whose probe claims it (S7comm, S7comm-plus, the
// ISO session layer of MMS…). COTP does not interpret the TSDUs itself.
import { StreamFramer, type PduFramer } from '../../dissect/stream.ts';
import type { Session, SessionContext } from '../../dissect/types.ts';
import {
  DISCONNECT_REASONS, REJECT_CAUSES, TPDU_CC, TPDU_CODES, TPDU_CR, TPDU_DR, TPDU_DT, TPDU_ED, TPDU_NAMES,
  TPKT_HEADER_LEN, TPKT_MIN_LEN, nameOf,
} from './constants.ts';
import { TPDU_BAD_LI, TPDU_OK, TPDU_SHORT, TPDU_UNKNOWN, Tpdu, parseTpdu, tpktLength } from './parser.ts';
import type { CotpRecord } from './records.ts';
import { hexBytes } from '../../core/hex.ts';

/** Largest TSDU reassembled from segmented DTs (EOT = 0); a longer one is dropped with an event. */
export const MAX_TSDU = 128 * 1024;
/** TPDUs concatenated in one TPKT that are looked at (X.224 allows a few; more is junk). */
const MAX_CONCATENATED = 8;
/** TSDUs offered to the child probes before the flow's payload is left uninterpreted. */
const MAX_CHILD_TRIES = 8;
/**
 * Bytes of one side without a TPKT, before any TSDU was seen, after which the connection is
 * taken to have left COTP (RDP switching to TLS after the X.224 handshake, for one).
 */
const MAX_BYTES_WITHOUT_TPKT = 4096;

/** One side's TSDU being reassembled from DTs without EOT. */
class Tsdu {
  buf: Uint8Array = new Uint8Array(0);
  len = 0;
  /** The TSDU outgrew MAX_TSDU: drop DTs up to and including the next EOT. */
  overflow = false;

  append(d: Uint8Array, off: number, n: number): void {
    if (this.len + n > this.buf.length) {
      const b = new Uint8Array(Math.min(MAX_TSDU, Math.max(this.len + n, this.buf.length * 2, 512)));
      b.set(this.buf.subarray(0, this.len), 0);
      this.buf = b;
    }
    this.buf.set(d.subarray(off, off + n), this.len);
    this.len += n;
  }

  reset(): void {
    this.len = 0;
    this.overflow = false;
  }
}

export class CotpSession implements Session, PduFramer {
  private readonly ctx: SessionContext;
  private readonly framer: StreamFramer;
  private readonly tpdu = new Tpdu();
  private readonly tsdu: [Tsdu, Tsdu] = [new Tsdu(), new Tsdu()];
  /** Per side: out of step with the TPKT boundaries (after a gap or garbage): resynchronise strictly. */
  private readonly lost = [false, false];
  /** Per side: bytes skipped since the last TPKT. */
  private readonly skippedBytes = [0, 0];
  private child: Session | null = null;
  private childTries = 0;
  /** Extended formats agreed in CC (4-byte sequence numbers in DT/AK). */
  private extended = false;
  /** A TSDU was delivered: the flow carried data over COTP. */
  private sawData = false;
  private done = false;

  constructor(ctx: SessionContext) {
    this.ctx = ctx;
    this.framer = new StreamFramer(this, { maxPdu: 65535 });
  }

  // ---- Session ----

  data(isOrig: boolean, d: Uint8Array, off: number, len: number): void {
    if (!this.done) this.framer.data(isOrig, d, off, len);
  }

  gap(isOrig: boolean, len: number): void {
    if (this.done) return;
    const s = isOrig ? 0 : 1;
    this.framer.gap(isOrig, len);
    this.lost[s] = true;
    this.tsdu[s].reset();
    this.child?.gap(isOrig, len);
  }

  end(): void {
    // A TSDU still missing its EOT is incomplete: nothing to write. Children end themselves.
  }

  // ---- PduFramer ----

  pduLength(d: Uint8Array, off: number, avail: number, isOrig: boolean): number {
    if (this.done) return -1;
    const s = isOrig ? 0 : 1;
    const n = tpktLength(d, off, avail, this.lost[s]);
    if (n < 0) {
      // The framer skips one byte for every -1.
      this.lost[s] = true;
      if (++this.skippedBytes[s] > MAX_BYTES_WITHOUT_TPKT && !this.sawData) {
        this.done = true;
        this.ctx.reject('the stream is not TPKT');
      }
    }
    return n;
  }

  skipped(isOrig: boolean, bytes: number, afterGap: boolean): void {
    if (!afterGap && !this.done) this.ctx.event('resync', `${bytes} bytes that are not TPKT skipped`, isOrig);
  }

  pdu(isOrig: boolean, d: Uint8Array, off: number, len: number): void {
    const s = isOrig ? 0 : 1;
    this.lost[s] = false;
    this.skippedBytes[s] = 0;
    if (len < TPKT_MIN_LEN) {
      this.ctx.event('bad_tpkt_length', `TPKT length ${len}`, isOrig);
      return;
    }
    const end = off + len;
    const t = this.tpdu;
    let p = off + TPKT_HEADER_LEN;
    for (let i = 0; i < MAX_CONCATENATED && p >= 0 && p < end && !this.done; i++) {
      const st = parseTpdu(d, p, end, this.extended, t);
      if (st === TPDU_OK) {
        this.ctx.valid(isOrig);
        this.onTpdu(isOrig, d, t);
        p = t.next;
        continue;
      }
      if (st === TPDU_BAD_LI) {
        this.ctx.event('bad_length_indicator', `length indicator ${t.li} in a TPKT of ${len} bytes`, isOrig);
      } else if (st === TPDU_UNKNOWN) {
        this.ctx.event('unknown_tpdu', `TPDU code 0x${t.type.toString(16)}`, isOrig);
        this.write(isOrig, d, t);
      } else if (st === TPDU_SHORT) {
        this.ctx.event('bad_length_indicator', `length indicator ${t.li} too short for ${TPDU_NAMES[t.type]}`, isOrig);
        this.write(isOrig, d, t);
      }
      return;
    }
  }

  // ---- TPDUs ----

  private onTpdu(isOrig: boolean, d: Uint8Array, t: Tpdu): void {
    const type = t.type;
    if (type === TPDU_CR || type === TPDU_CC) {
      if (t.cls > 4) this.ctx.event('bad_class', `protocol class ${t.cls}`, isOrig);
      // CC carries what was agreed; a CR only proposes.
      if (type === TPDU_CC) this.extended = t.extended;
    }
    if (t.badParameter) this.ctx.event('bad_parameter', `a parameter of ${TPDU_NAMES[type]} runs past its header`, isOrig);
    this.write(isOrig, d, t);
    if (type === TPDU_DT) this.dataTpdu(isOrig, d, t);
  }

  private write(isOrig: boolean, d: Uint8Array, t: Tpdu): void {
    const f = this.ctx.flow;
    const type = t.type;
    const carries = type === TPDU_DT || type === TPDU_ED || type === TPDU_CR || type === TPDU_CC || type === TPDU_DR;
    const hd = this.ctx.head();
    const rec: CotpRecord = {
      ts: hd.ts, uid: hd.uid, 'id.orig_h': hd['id.orig_h'], 'id.orig_p': hd['id.orig_p'], 'id.resp_h': hd['id.resp_h'], 'id.resp_p': hd['id.resp_p'],
      is_orig: isOrig,
      source_h: isOrig ? f.origH : f.respH,
      source_p: isOrig ? f.origP : f.respP,
      destination_h: isOrig ? f.respH : f.origH,
      destination_p: isOrig ? f.respP : f.origP,
      pdu_code: TPDU_CODES[type],
      pdu_name: TPDU_NAMES[type] ?? `unknown-${type}`,
      dst_ref: t.dstRef < 0 ? undefined : t.dstRef,
      src_ref: t.srcRef < 0 ? undefined : t.srcRef,
      class: t.cls < 0 ? undefined : t.cls,
      tpdu_size: t.tpduSize < 0 ? undefined : t.tpduSize,
      calling_tsap: t.callingOff < 0 ? undefined : hexBytes(d, t.callingOff, t.callingLen),
      called_tsap: t.calledOff < 0 ? undefined : hexBytes(d, t.calledOff, t.calledLen),
      reason_code: t.reason < 0 ? undefined : t.reason,
      reason: t.reason < 0 ? undefined : nameOf(type === TPDU_DR ? DISCONNECT_REASONS : REJECT_CAUSES, t.reason),
      tpdu_nr: t.nr < 0 ? undefined : t.nr,
      eot: t.eot < 0 ? undefined : t.eot === 1,
      user_data_length: carries && t.userOff > 0 ? t.userLen : undefined,
    };
    this.ctx.rawRecord('cotp', rec as unknown as Record<string, unknown>);
  }

  /** A DT: its user data ends a TSDU (EOT) or is one segment of it. */
  private dataTpdu(isOrig: boolean, d: Uint8Array, t: Tpdu): void {
    const r = this.tsdu[isOrig ? 0 : 1];
    if (t.eot === 0) {
      if (r.overflow) return;
      if (r.len + t.userLen > MAX_TSDU) {
        this.ctx.event('reassembly_too_large', `a segmented TSDU longer than ${MAX_TSDU} bytes was dropped`, isOrig);
        r.len = 0;
        r.overflow = true;
        return;
      }
      r.append(d, t.userOff, t.userLen);
      return;
    }
    if (r.overflow) {
      r.reset();
      return;
    }
    if (r.len > 0) {
      if (r.len + t.userLen > MAX_TSDU) {
        this.ctx.event('reassembly_too_large', `a segmented TSDU longer than ${MAX_TSDU} bytes was dropped`, isOrig);
        r.reset();
        return;
      }
      r.append(d, t.userOff, t.userLen);
      const n = r.len;
      r.len = 0;
      this.deliver(isOrig, r.buf, 0, n);
    } else {
      this.deliver(isOrig, d, t.userOff, t.userLen);
    }
  }

  /** A whole TSDU: to the child protocol, found by the children's probes on the first one. */
  private deliver(isOrig: boolean, d: Uint8Array, off: number, len: number): void {
    if (len === 0) return;
    this.sawData = true;
    if (this.child === null) {
      if (this.childTries >= MAX_CHILD_TRIES) return;
      this.childTries++;
      this.child = this.ctx.openChild('cotp', isOrig, d, off, len);
      if (this.child === null) return;
    }
    this.child.data(isOrig, d, off, len);
  }
}
