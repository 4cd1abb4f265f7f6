// Per-flow Genisys: each side's stream is read one byte at a time (a message is a header
// byte, escaped body bytes and the terminator 0xF6, with no length field to frame it by), so
// the records are the same whatever the TCP segmentation. Bytes that are not inside a
// message are skipped until the next header byte, which is also how a side resynchronises
// after a gap (header bytes never occur inside a body). One `genisys` record per message, as
// ICSNPP writes them; a station's answer is paired with the pending master message to the
// same station (one slot per station address, so the pairing state is bounded by design).
import type { Session, SessionContext } from '../../dissect/types.ts';
import {
  HEADER, TERMINATOR, crcText, directionName, headerName, isHeaderByte, isKnownHeader, isRequestHeader, isResponseHeader, operationOf,
} from './constants.ts';
import { FEED, GenisysMsg, MAX_RAW, PROBLEM } from './parser.ts';
import { RECORD_GENISYS } from './records.ts';

/** Messages with a problem, without a good one on the flow, after which the flow is not Genisys. */
const REJECT_AFTER_BAD = 16;

export const GENISYS_EVENTS = {
  bad_crc: 'the CRC a message carries differs from the CRC of its header, station and data',
  bad_escape: 'an escape byte (0xF0) not followed by a nibble, or a raw byte above 0xF0 inside a message',
  unknown_header: 'a message with an undefined header byte (0xF4, 0xF5, 0xF7, 0xF8)',
  short_message: 'a message without a station address, or too short for the CRC its header calls for',
  message_too_long: `no terminator within ${MAX_RAW} bytes of a header (cap): the message is dropped up to its terminator`,
  skipped_bytes: 'bytes outside any message (not after a gap) were skipped up to the next header byte',
  incomplete_message: 'the flow ended inside a message',
} as const;

const ST_IDLE = 0;
const ST_MESSAGE = 1;
/** A message over the cap: skip to its terminator. */
const ST_SKIP = 2;

class Side {
  state = ST_IDLE;
  readonly msg = new GenisysMsg();
  /** Bytes skipped outside messages since the last message. */
  skipped = 0;
  /** The skipping follows a gap (no event for it). */
  afterGap = false;
}

export class GenisysSession implements Session {
  private readonly ctx: SessionContext;
  private readonly sides: [Side, Side] = [new Side(), new Side()];
  /** Per station address: the header of the master message awaiting an answer (0: none), and its time. */
  private readonly pending = new Uint8Array(256);
  private readonly pendingTs = new Float64Array(256);
  private good = 0;
  private bad = 0;
  private rejected = false;

  constructor(ctx: SessionContext) {
    this.ctx = ctx;
  }

  data(isOrig: boolean, d: Uint8Array, off: number, len: number): void {
    const s = this.sides[isOrig ? 0 : 1];
    const end = off + len;
    for (let i = off; i < end && !this.rejected; i++) {
      const b = d[i];
      if (s.state === ST_MESSAGE) {
        const r = s.msg.feed(b);
        if (r === FEED.DONE) {
          s.state = ST_IDLE;
          this.message(isOrig, s.msg);
        } else if (r === FEED.TOO_LONG) {
          s.state = ST_SKIP;
          this.ctx.event('message_too_long', `${headerName(s.msg.header)}: no terminator within ${MAX_RAW} bytes`, isOrig);
          this.failed();
        }
      } else if (s.state === ST_SKIP) {
        if (b === TERMINATOR) s.state = ST_IDLE;
      } else if (isHeaderByte(b)) {
        if (s.skipped > 0 && !s.afterGap) this.ctx.event('skipped_bytes', `${s.skipped} bytes before a header byte`, isOrig);
        s.skipped = 0;
        s.afterGap = false;
        s.state = ST_MESSAGE;
        s.msg.start(b);
      } else {
        s.skipped++;
      }
    }
  }

  gap(isOrig: boolean, _len: number): void {
    const s = this.sides[isOrig ? 0 : 1];
    s.state = ST_IDLE;
    s.skipped = 0;
    s.afterGap = true;
  }

  end(): void {
    for (let k = 0; k < 2; k++) {
      const s = this.sides[k];
      if (s.state === ST_MESSAGE && !this.rejected) this.ctx.event('incomplete_message', `${headerName(s.msg.header)} without its terminator`, k === 0);
      s.state = ST_IDLE;
    }
  }

  private message(isOrig: boolean, m: GenisysMsg): void {
    const ctx = this.ctx;
    const h = m.header;
    const known = isKnownHeader(h);
    if (!known) ctx.event('unknown_header', `header 0x${h.toString(16)}`, isOrig);
    if ((m.problems & PROBLEM.BAD_ESCAPE) !== 0) ctx.event('bad_escape', m.escapeDetail, isOrig);
    if ((m.problems & PROBLEM.SHORT) !== 0) ctx.event('short_message', `${headerName(h)} with ${m.n} bytes after the header`, isOrig);
    if ((m.problems & PROBLEM.BAD_CRC) !== 0) {
      ctx.event('bad_crc', `${headerName(h)}: transmitted ${crcText(m.crcTransmitted)}, calculated ${crcText(m.crcCalculated)}`, isOrig);
    }
    if (known && m.problems === 0) {
      this.good++;
      ctx.valid(isOrig);
    } else {
      this.failed();
    }
    let requestHeader: string | undefined;
    let rtt: number | undefined;
    const station = m.station;
    if (station >= 0) {
      if (isResponseHeader(h)) {
        const p = this.pending[station];
        if (p !== 0) {
          requestHeader = headerName(p);
          rtt = ctx.ts - this.pendingTs[station];
          this.pending[station] = 0;
        }
      } else if (isRequestHeader(h) && h !== HEADER.COMMON_CONTROL_DATA) {
        // Common control data goes to every station and is not answered.
        this.pending[station] = h;
        this.pendingTs[station] = ctx.ts;
      }
    }
    // ICSNPP parses no payload for the undefined headers.
    const pairs = known && m.dataLen >= 2 ? m.pairs() : undefined;
    const hd = ctx.head();
    ctx.rawRecord(RECORD_GENISYS, {
      ts: hd.ts, uid: hd.uid, 'id.orig_h': hd['id.orig_h'], 'id.orig_p': hd['id.orig_p'], 'id.resp_h': hd['id.resp_h'], 'id.resp_p': hd['id.resp_p'],
      proto: 'tcp',
      header: headerName(h),
      server: station >= 0 ? station : undefined,
      direction: directionName(h),
      crc_transmitted: m.crc ? crcText(m.crcTransmitted) : undefined,
      crc_calculated: m.crc ? crcText(m.crcCalculated) : undefined,
      payload: pairs,
      header_code: h,
      crc_ok: m.crc ? m.crcTransmitted === m.crcCalculated : undefined,
      operation: operationOf(h),
      request_header: requestHeader,
      rtt,
    });
  }

  private failed(): void {
    if (++this.bad > REJECT_AFTER_BAD && this.good === 0) {
      this.rejected = true;
      this.ctx.reject('no valid Genisys message');
    }
  }
}
