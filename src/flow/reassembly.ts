// TCP stream reassembly for one direction of one connection. The flow table owns two
// TcpReassemblers per TCP connection and calls them for every segment; they hand the
// ordered byte stream (and the holes in it) to the dissectors through a StreamSink.
//
// Positions are kept twice: `#nextSeq` is the 32-bit sequence number of the next expected
// byte (all sequence arithmetic is modulo 2^32, `(a - b) | 0`), `#nextOff` is the same
// position as a plain JS number counted from the stream start, which never wraps. A
// segment's place in the stream is `#nextOff + ((seq - #nextSeq) | 0)`, so everything held
// in the out-of-order buffer is addressed by stream offset and wraparound never reaches it.
//
// Invariants between calls: the buffer is sorted, its segments do not overlap, and the
// first one starts after `#nextOff` (anything contiguous has been delivered). State is
// updated before the sink is called, so a sink that throws never causes a redelivery.
import { allocBlock, num } from './num-store.ts';

// Where a reassembler's numbers sit in its numeric-store block: the SYN's sequence number,
// the next expected sequence number, the next expected stream offset.
const R_ISN = 0;
const R_SEQ = 1;
const R_OFF = 2;

/** Receives one direction's reassembled stream. `ctx` is passed through untouched. */
export interface StreamSink<C> {
  /** In-order bytes of direction dir (0 = originator→responder, 1 = responder→originator): data[off, off+len). A view: valid only during the call. */
  data(ctx: C, dir: 0 | 1, data: Uint8Array, off: number, len: number): void;
  /** len bytes of the stream will never be seen (lost in capture); the stream continues after them. */
  gap(ctx: C, dir: 0 | 1, len: number): void;
}

export interface ReassemblyLimits {
  /** Bytes held out of order, per direction. Default 1 MiB. */
  maxBufferedBytes: number;
  /** Segments held out of order, per direction. Default 256. */
  maxBufferedSegments: number;
}

export const DEFAULT_REASSEMBLY_LIMITS: Readonly<ReassemblyLimits> = Object.freeze({
  maxBufferedBytes: 1 << 20,
  maxBufferedSegments: 256,
});

/** Bits of the value returned by segment(), ackSeen() and finish(): what the call did. */
export const REASM = {
  /** Bytes were handed to sink.data() during the call (from this segment or from the buffer). */
  DELIVERED: 0x001,
  /** (Part of) the segment was copied into the out-of-order buffer. */
  BUFFERED: 0x002,
  /** The segment brought no new byte: all of it was delivered, given up as a gap, or already buffered. */
  RETRANSMIT: 0x004,
  /** The segment partly overlapped bytes already delivered or buffered; only its new bytes were used. */
  OVERLAP: 0x008,
  /** Overlapping bytes differ from the buffered copy (the first copy was kept). */
  OVERLAP_CONFLICT: 0x010,
  /** The buffer went over a limit: a gap was declared up to the first buffered segment. */
  CAP_HIT: 0x020,
  /** sink.gap() was called during the call. */
  GAP: 0x040,
  /** Bytes beyond the FIN were dropped. */
  AFTER_FIN: 0x080,
  /** The segment starts more than 2^30 bytes ahead of the stream (more than any TCP window): dropped. */
  OUT_OF_WINDOW: 0x100,
  /** A SYN with another sequence number arrived before any byte was delivered: the stream restarted. */
  ISN_RESET: 0x200,
  /** The stream reached its FIN: every byte of this direction has been delivered or reported as a gap. */
  STREAM_END: 0x400,
} as const;

/** The counters of one direction, as the flow table reports them. */
export interface ReassemblyCounters {
  /** Bytes handed to sink.data(). */
  bytesDelivered: number;
  /** Bytes reported through sink.gap() (Zeek's missed_bytes). */
  gapBytes: number;
  /** Calls of sink.gap(). */
  gaps: number;
  /** Segments that brought no new byte. */
  retransmits: number;
  /** Segments that partly overlapped delivered or buffered bytes. */
  overlaps: number;
  /** Segments whose bytes differed from the buffered copy they overlapped. */
  overlapConflicts: number;
  /** Times the buffer went over a limit. */
  capHits: number;
  /** Segments (partly) copied into the out-of-order buffer. */
  segmentsBuffered: number;
  /** Segments dropped for starting more than 2^30 bytes ahead. */
  outOfWindow: number;
  /** Bytes dropped for lying beyond the FIN. */
  afterFinBytes: number;
}

// TCP header flag bits (RFC 9293), named as BSD's tcp.h spells them. Only these are read.
const TH_FIN = 0x01;
const TH_SYN = 0x02;
const TH_RST = 0x04;

/** Largest distance ahead of the stream a segment or ACK may point (the largest scaled TCP window). */
const MAX_AHEAD = 0x40000000;

const DELIVERED = REASM.DELIVERED;

class BufferedSegment {
  /** Stream offset of data[0]. */
  start: number;
  /** Stream offset just past the last byte. */
  end: number;
  /** A private copy. */
  data: Uint8Array;

  constructor(start: number, data: Uint8Array) {
    this.start = start;
    this.end = start + data.length;
    this.data = data;
  }
}

function limitOr(value: number | undefined, fallback: number): number {
  return typeof value === 'number' && value >= 0 ? Math.floor(value) : fallback;
}

/** True when a[ao, ao+n) and b[bo, bo+n) differ. */
function differs(a: Uint8Array, ao: number, b: Uint8Array, bo: number, n: number): boolean {
  for (let i = 0; i < n; i++) if (a[ao + i] !== b[bo + i]) return true;
  return false;
}

/**
 * One direction of a TCP connection. Not thread-safe, not reentrant: a sink must not call
 * back into the reassembler that is calling it.
 */
export class TcpReassembler<C> implements ReassemblyCounters {
  readonly dir: 0 | 1;
  readonly maxBufferedBytes: number;
  readonly maxBufferedSegments: number;

  bytesDelivered = 0;
  gapBytes = 0;
  gaps = 0;
  retransmits = 0;
  overlaps = 0;
  overlapConflicts = 0;
  capHits = 0;
  segmentsBuffered = 0;
  outOfWindow = 0;
  afterFinBytes = 0;

  #started = false;
  #synSeen = false;
  // Sequence numbers and stream offsets live in the numeric store (see num-store.ts), read
  // as num[this.#nb + R_…] in place (not through accessors: plain element reads cost the
  // same in optimised code and less before V8 has optimised it).
  readonly #nb: number;
  /** Stream offset of the FIN (the stream's length), or -1 while no FIN has been seen. */
  #finOff = -1;
  /** End of the furthest bytes known to exist only from a truncated segment (their payload was not captured). */
  #knownEnd = 0;
  #ended = false;
  #buf: BufferedSegment[] = [];
  #bufBytes = 0;

  /**
   * `nb`: where in the numeric store this reassembler keeps its 3 numbers (the flow table
   * passes a part of the endpoint's block); a new block when not given.
   */
  constructor(dir: 0 | 1, limits?: Partial<ReassemblyLimits>, nb?: number) {
    this.dir = dir;
    this.#nb = nb ?? allocBlock();
    num[this.#nb + R_ISN] = 0;
    num[this.#nb + R_SEQ] = 0;
    num[this.#nb + R_OFF] = 0;
    this.maxBufferedBytes = limitOr(limits?.maxBufferedBytes, DEFAULT_REASSEMBLY_LIMITS.maxBufferedBytes);
    this.maxBufferedSegments = limitOr(limits?.maxBufferedSegments, DEFAULT_REASSEMBLY_LIMITS.maxBufferedSegments);
  }

  /** True once a segment has fixed where the stream starts. */
  get started(): boolean {
    return this.#started;
  }
  /** True when the stream start came from a SYN (false: picked up mid-stream). */
  get synSeen(): boolean {
    return this.#synSeen;
  }
  /** The SYN's sequence number; for a mid-stream pickup, one less than the first stream byte's. */
  get isn(): number {
    return this.#started && !this.#synSeen ? (num[this.#nb + R_ISN] - 1) >>> 0 : num[this.#nb + R_ISN];
  }
  /** Sequence number of the next expected byte. */
  get nextSeq(): number {
    return num[this.#nb + R_SEQ];
  }
  /** Stream offset of the next expected byte: bytesDelivered + gapBytes. Never wraps. */
  get position(): number {
    return num[this.#nb + R_OFF];
  }
  /** Stream length from the FIN, or -1 while no FIN has been seen. */
  get finOffset(): number {
    return this.#finOff;
  }
  /** True once the stream reached its FIN. */
  get ended(): boolean {
    return this.#ended;
  }
  get bufferedBytes(): number {
    return this.#bufBytes;
  }
  get bufferedSegments(): number {
    return this.#buf.length;
  }

  /** Forget the stream and zero the counters, so that a pool can reuse the object. */
  reset(): void {
    this.bytesDelivered = 0;
    this.gapBytes = 0;
    this.gaps = 0;
    this.retransmits = 0;
    this.overlaps = 0;
    this.overlapConflicts = 0;
    this.capHits = 0;
    this.segmentsBuffered = 0;
    this.outOfWindow = 0;
    this.afterFinBytes = 0;
    this.#started = false;
    this.#synSeen = false;
    num[this.#nb + R_ISN] = 0;
    num[this.#nb + R_SEQ] = 0;
    num[this.#nb + R_OFF] = 0;
    this.#finOff = -1;
    this.#knownEnd = 0;
    this.#ended = false;
    this.#buf.length = 0;
    this.#bufBytes = 0;
  }

  /**
   * One TCP segment of this direction: sequence number, the header's flags byte (FIN 0x01,
   * SYN 0x02 and RST 0x04 are read) and its payload data[off, off+len). The payload is only
   * read during the call. Returns REASM bits.
   */
  segment(seq: number, flags: number, data: Uint8Array, off: number, len: number, ctx: C, sink: StreamSink<C>): number {
    if (!(off >= 0 && len >= 0 && off + len <= data.length && Number.isInteger(off) && Number.isInteger(len))) {
      off = off > 0 ? Math.min(Math.floor(off), data.length) : 0; // NaN → 0
      len = len > 0 ? Math.min(Math.floor(len), data.length - off) : 0;
    }
    seq >>>= 0;
    let result = 0;
    if (!this.#started) {
      // A reset's sequence number is often arbitrary (0 in reply to a SYN): it does not anchor the stream.
      if ((flags & (TH_SYN | TH_RST)) === TH_RST) return 0;
      this.#anchor(seq, (flags & TH_SYN) !== 0);
    } else if ((flags & TH_SYN) !== 0 && num[this.#nb + R_OFF] === 0) {
      // Nothing delivered or skipped yet: a SYN with another sequence number is a new attempt
      // (what was buffered belonged to the old one); one that matches confirms a pickup.
      if (((seq + 1) >>> 0) !== num[this.#nb + R_SEQ]) {
        this.#buf.length = 0;
        this.#bufBytes = 0;
        this.#finOff = -1;
        this.#knownEnd = 0;
        this.#ended = false;
        result = REASM.ISN_RESET;
      }
      this.#anchor(seq, true);
    }
    // The SYN occupies one sequence number; its payload (TCP Fast Open) follows it.
    const delta = ((flags & TH_SYN) !== 0 ? seq + 1 - num[this.#nb + R_SEQ] : seq - num[this.#nb + R_SEQ]) | 0;
    if (delta === 0 && len > 0 && (flags & TH_FIN) === 0 && this.#buf.length === 0 && this.#finOff < 0) {
      // Hot path: the next bytes, nothing buffered. Delivered as a view.
      num[this.#nb + R_OFF] += len;
      num[this.#nb + R_SEQ] = (num[this.#nb + R_SEQ] + len) >>> 0;
      this.bytesDelivered += len;
      sink.data(ctx, this.dir, data, off, len);
      return result | DELIVERED;
    }
    return this.#segmentSlow(delta, flags, data, off, len, ctx, sink, result);
  }

  /**
   * A segment whose payload the capture cut (snap length): wireLen bytes were sent, only the
   * first capLen are in data[off, off+capLen). The captured bytes are handled as by segment();
   * the rest is known to exist but will never be seen: in order, it is reported as a gap at
   * once; ahead of the stream, it is reported when an ACK, a cap or finish() reaches it. A FIN
   * counts after all wireLen bytes. Returns REASM bits.
   */
  segmentTruncated(
    seq: number, flags: number, data: Uint8Array, off: number, capLen: number, wireLen: number, ctx: C, sink: StreamSink<C>,
  ): number {
    off = off > 0 ? Math.min(Math.floor(off), data.length) : 0;
    capLen = capLen > 0 ? Math.min(Math.floor(capLen), data.length - off) : 0;
    const missing = wireLen > capLen ? Math.min(Math.floor(wireLen) - capLen, MAX_AHEAD) : 0;
    if (missing === 0) return this.segment(seq, flags, data, off, capLen, ctx, sink);
    seq >>>= 0;
    const retransmits = this.retransmits;
    const overlaps = this.overlaps;
    const head = this.segment(seq, flags & ~TH_FIN, data, off, capLen, ctx, sink);
    if (!this.#started) return head; // a RST: not anchored
    const restSeq = (seq + ((flags & TH_SYN) !== 0 ? 1 : 0) + capLen) >>> 0;
    const rest = this.#segmentSlow((restSeq - num[this.#nb + R_SEQ]) | 0, flags & TH_FIN, null, 0, missing, ctx, sink, 0);
    // Count the two parts as the one segment they are: a retransmission when neither brought
    // a new byte, an overlap when only one of them (or part of one) was old.
    const RX = REASM.RETRANSMIT;
    const old = (head & RX) !== 0 || capLen === 0;
    const isRetransmit = old && (rest & RX) !== 0;
    const isOverlap = !isRetransmit && ((head | rest) & (RX | REASM.OVERLAP)) !== 0;
    this.retransmits = retransmits + (isRetransmit ? 1 : 0);
    this.overlaps = overlaps + (isOverlap ? 1 : 0);
    const result = (head | rest) & ~(RX | REASM.OVERLAP);
    return result | (isRetransmit ? RX : 0) | (isOverlap ? REASM.OVERLAP : 0);
  }

  /**
   * The peer's acknowledgement number (call it for segments of the other direction that
   * carry ACK). Bytes acknowledged but never seen were lost in the capture: they are
   * reported as a gap and the stream moves past them, delivering what was buffered beyond.
   * Returns REASM bits.
   */
  ackSeen(ack: number, ctx: C, sink: StreamSink<C>): number {
    if (!this.#started) return 0;
    const delta = ((ack >>> 0) - num[this.#nb + R_SEQ]) | 0;
    if (delta <= 0 || delta > MAX_AHEAD) return 0;
    // An ACK one past the data with nothing buffered is what a FIN the capture lost looks
    // like: not a gap (a lost one-byte segment is still reported by the next ACK or finish()).
    if (delta === 1 && this.#finOff < 0 && this.#buf.length === 0) return 0;
    let target = num[this.#nb + R_OFF] + delta;
    if (this.#finOff >= 0 && target > this.#finOff) target = this.#finOff; // the FIN's number is no byte
    let result = 0;
    const buf = this.#buf;
    while (num[this.#nb + R_OFF] < target) {
      if (buf.length === 0) {
        result |= this.#gap(target - num[this.#nb + R_OFF], ctx, sink);
      } else {
        const head = buf[0];
        if (head.start > num[this.#nb + R_OFF]) result |= this.#gap(Math.min(head.start, target) - num[this.#nb + R_OFF], ctx, sink);
        if (head.start <= num[this.#nb + R_OFF]) result |= this.#drain(ctx, sink);
      }
    }
    return this.#checkEnd(result);
  }

  /**
   * End of the connection (or of the flow's life): delivers everything buffered, reporting
   * the holes before and between buffered segments — and up to the FIN, when one was seen,
   * or the end of a truncated segment — as gaps. Returns REASM bits.
   */
  finish(ctx: C, sink: StreamSink<C>): number {
    if (!this.#started) return 0;
    let result = 0;
    const buf = this.#buf;
    while (buf.length > 0) {
      const head = buf[0];
      if (head.start > num[this.#nb + R_OFF]) result |= this.#gap(head.start - num[this.#nb + R_OFF], ctx, sink);
      result |= this.#drain(ctx, sink);
    }
    const last = Math.max(this.#finOff, this.#knownEnd);
    if (last > num[this.#nb + R_OFF]) result |= this.#gap(last - num[this.#nb + R_OFF], ctx, sink);
    return this.#checkEnd(result);
  }

  #anchor(seq: number, syn: boolean): void {
    this.#started = true;
    this.#synSeen = syn;
    num[this.#nb + R_ISN] = seq;
    num[this.#nb + R_SEQ] = syn ? (seq + 1) >>> 0 : seq;
    num[this.#nb + R_OFF] = 0;
  }

  #segmentSlow(
    delta: number, flags: number, data: Uint8Array | null, off: number, len: number, ctx: C, sink: StreamSink<C>, result: number,
  ): number {
    if (delta > MAX_AHEAD) {
      this.outOfWindow++;
      return result | REASM.OUT_OF_WINDOW;
    }
    const start = num[this.#nb + R_OFF] + delta;
    let end = start + len;
    // The first FIN counts; one that lies in bytes already delivered is bogus and ignored.
    if ((flags & TH_FIN) !== 0 && this.#finOff < 0 && end >= num[this.#nb + R_OFF]) {
      this.#finOff = end;
      if (this.#buf.length > 0) result |= this.#trimAfterFin();
    }
    if (this.#finOff >= 0 && end > this.#finOff) {
      if (len > 0) {
        this.afterFinBytes += end - Math.max(start, this.#finOff);
        result |= REASM.AFTER_FIN;
      }
      end = this.#finOff;
    }
    if (end <= start) return this.#checkEnd(result); // no payload left (pure ACK, FIN, after-FIN bytes)
    if (end <= num[this.#nb + R_OFF]) {
      this.retransmits++;
      return this.#checkEnd(result | REASM.RETRANSMIT);
    }
    let s = start;
    if (s < num[this.#nb + R_OFF]) {
      // Starts in bytes already delivered: only the new bytes count (first copy wins).
      off += num[this.#nb + R_OFF] - s;
      s = num[this.#nb + R_OFF];
      result |= REASM.OVERLAP;
    }
    if (s === num[this.#nb + R_OFF]) {
      result |= this.#deliverInOrder(s, end, data, off, ctx, sink);
    } else if (data === null) {
      // Uncaptured bytes ahead: nothing to hold, but finish() must account for them.
      if (end > this.#knownEnd) this.#knownEnd = end;
    } else {
      result |= this.#insert(s, end, data, off);
      if (this.#bufBytes > this.maxBufferedBytes || this.#buf.length > this.maxBufferedSegments) {
        result |= this.#capFlush(ctx, sink);
      }
    }
    // Counted once per segment, however many places it overlapped.
    if ((result & REASM.OVERLAP) !== 0) this.overlaps++;
    if ((result & REASM.OVERLAP_CONFLICT) !== 0) this.overlapConflicts++;
    return this.#checkEnd(result);
  }

  /**
   * Delivers data for stream [s, e), s === #nextOff, interleaving buffered segments it runs
   * into. data === null: the bytes were not captured, so they become a gap (buffered bytes still win).
   */
  #deliverInOrder(s: number, e: number, data: Uint8Array | null, off: number, ctx: C, sink: StreamSink<C>): number {
    const buf = this.#buf;
    let result = 0;
    let overlapped = false;
    let conflict = false;
    let cur = s;
    while (cur < e) {
      const head = buf.length > 0 ? buf[0] : undefined;
      const stop = head !== undefined && head.start < e ? head.start : e;
      if (stop > cur) {
        const n = stop - cur;
        if (data === null) {
          result |= this.#gap(n, ctx, sink);
        } else {
          num[this.#nb + R_OFF] += n;
          num[this.#nb + R_SEQ] = (num[this.#nb + R_SEQ] + n) >>> 0;
          this.bytesDelivered += n;
          result |= DELIVERED;
          sink.data(ctx, this.dir, data, off + (cur - s), n);
        }
        cur = stop;
      }
      if (cur >= e || head === undefined) break;
      // The rest runs into a buffered segment: that copy came first and wins.
      if (data !== null) {
        overlapped = true;
        const n = Math.min(e, head.end) - cur;
        if (!conflict && differs(head.data, 0, data, off + (cur - s), n)) conflict = true;
      }
      result |= DELIVERED;
      this.#deliverHead(ctx, sink);
      cur = head.end;
    }
    result |= this.#drain(ctx, sink);
    return result | (overlapped ? REASM.OVERLAP : 0) | (conflict ? REASM.OVERLAP_CONFLICT : 0);
  }

  /** Copies the bytes of stream [s, e) that no buffered segment holds yet into the buffer. */
  #insert(s: number, e: number, data: Uint8Array, off: number): number {
    const buf = this.#buf;
    // First segment ending after s; out-of-order data mostly arrives in order, so search from the end.
    let i = buf.length;
    while (i > 0 && buf[i - 1].end > s) i--;
    let stored = 0;
    let overlapped = false;
    let conflict = false;
    let cur = s;
    while (cur < e) {
      if (i < buf.length && buf[i].start <= cur) {
        const seg = buf[i];
        const ovEnd = Math.min(e, seg.end);
        overlapped = true;
        if (!conflict && differs(seg.data, cur - seg.start, data, off + (cur - s), ovEnd - cur)) conflict = true;
        cur = ovEnd;
        i++;
      } else {
        const next = i < buf.length && buf[i].start < e ? buf[i].start : e;
        buf.splice(i, 0, new BufferedSegment(cur, data.slice(off + (cur - s), off + (next - s))));
        i++;
        stored += next - cur;
        cur = next;
      }
    }
    let result = conflict ? REASM.OVERLAP_CONFLICT : 0;
    if (stored === 0) {
      this.retransmits++;
      return result | REASM.RETRANSMIT;
    }
    this.#bufBytes += stored;
    this.segmentsBuffered++;
    result |= REASM.BUFFERED;
    if (overlapped) result |= REASM.OVERLAP;
    return result;
  }

  /** Over a limit: give up the holes in front of buffered data until the buffer fits again. */
  #capFlush(ctx: C, sink: StreamSink<C>): number {
    this.capHits++;
    const buf = this.#buf;
    let result = REASM.CAP_HIT;
    while (buf.length > 0 && (this.#bufBytes > this.maxBufferedBytes || buf.length > this.maxBufferedSegments)) {
      result |= this.#gap(buf[0].start - num[this.#nb + R_OFF], ctx, sink);
      result |= this.#drain(ctx, sink);
    }
    return result;
  }

  /** Delivers the buffered segments that are contiguous with the stream. */
  #drain(ctx: C, sink: StreamSink<C>): number {
    const buf = this.#buf;
    let result = 0;
    while (buf.length > 0 && buf[0].start <= num[this.#nb + R_OFF]) {
      if (this.#deliverHead(ctx, sink)) result = DELIVERED;
    }
    return result;
  }

  /** Removes the first buffered segment and delivers its bytes from #nextOff on. */
  #deliverHead(ctx: C, sink: StreamSink<C>): boolean {
    const seg = this.#buf.shift();
    if (seg === undefined) return false;
    this.#bufBytes -= seg.data.length;
    const skip = num[this.#nb + R_OFF] - seg.start;
    const n = seg.data.length - skip;
    if (skip < 0 || n <= 0) return false; // cannot happen while the invariants hold
    num[this.#nb + R_OFF] += n;
    num[this.#nb + R_SEQ] = (num[this.#nb + R_SEQ] + n) >>> 0;
    this.bytesDelivered += n;
    sink.data(ctx, this.dir, seg.data, skip, n);
    return true;
  }

  #gap(n: number, ctx: C, sink: StreamSink<C>): number {
    if (n <= 0) return 0;
    num[this.#nb + R_OFF] += n;
    num[this.#nb + R_SEQ] = (num[this.#nb + R_SEQ] + n) >>> 0;
    this.gapBytes += n;
    this.gaps++;
    sink.gap(ctx, this.dir, n);
    return REASM.GAP;
  }

  /** A FIN arrived after data beyond it was buffered: drop that data. */
  #trimAfterFin(): number {
    const buf = this.#buf;
    const fin = this.#finOff;
    let result = 0;
    while (buf.length > 0) {
      const last = buf[buf.length - 1];
      if (last.start >= fin) {
        buf.pop();
        this.#bufBytes -= last.data.length;
        this.afterFinBytes += last.data.length;
        result = REASM.AFTER_FIN;
        continue;
      }
      if (last.end > fin) {
        const cut = last.end - fin;
        this.#bufBytes -= cut;
        this.afterFinBytes += cut;
        last.data = last.data.subarray(0, fin - last.start);
        last.end = fin;
        result = REASM.AFTER_FIN;
      }
      break;
    }
    return result;
  }

  #checkEnd(result: number): number {
    if (!this.#ended && this.#finOff >= 0 && num[this.#nb + R_OFF] >= this.#finOff) {
      this.#ended = true;
      result |= REASM.STREAM_END;
    }
    return result;
  }
}
