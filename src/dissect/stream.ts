// Framing of length-delimited PDUs on a TCP stream (MBAP, TPKT, ENIP encapsulation, IEC 104
// APCI, DNP3 link frames, …), shared by the protocols so each parser sees whole PDUs.
//
// Per side: while no PDU is pending, PDUs that lie wholly in a chunk are handed over as
// views of the chunk (no copy); only a PDU that spans chunks is copied into the side's
// buffer. After a gap, or where the bytes do not start a valid header, the side is out of
// sync: bytes are skipped until a position where the framer sees a valid header again
// (Suricata's rule: resume only at a recognisable header).

export interface PduFramer {
  /**
   * The length of the PDU at d[off], given `avail` bytes there: > 0 its whole length
   * (header included); 0 when more bytes are needed to tell; -1 when no valid PDU starts here.
   * Must not read outside [off, off + avail).
   */
  pduLength(d: Uint8Array, off: number, avail: number, isOrig: boolean): number;
  /** One whole PDU (a view, valid during the call). */
  pdu(isOrig: boolean, d: Uint8Array, off: number, len: number): void;
  /** Bytes skipped because no valid PDU started there (after a gap, or garbage). */
  skipped?(isOrig: boolean, bytes: number, afterGap: boolean): void;
}

class Side {
  buf: Uint8Array = new Uint8Array(0);
  /** Bytes held in buf (a PDU that spans chunks, or a header not yet complete). */
  held = 0;
  /** Out of sync: looking for the next valid header. */
  lost = false;
  /** The loss came from a gap (for the skipped() report). */
  afterGap = false;
  /** Bytes skipped since the loss. */
  skippedBytes = 0;
}

export interface StreamFramerOptions {
  /** Largest PDU accepted; a longer declared length counts as no valid PDU (default 65535 + 8). */
  maxPdu?: number;
}

export class StreamFramer {
  private readonly framer: PduFramer;
  private readonly maxPdu: number;
  private readonly sides: [Side, Side] = [new Side(), new Side()];
  /** PDUs delivered, and resynchronisations, for tests and stats. */
  pdus = 0;
  resyncs = 0;

  constructor(framer: PduFramer, opts: StreamFramerOptions = {}) {
    this.framer = framer;
    this.maxPdu = opts.maxPdu ?? 65535 + 8;
  }

  data(isOrig: boolean, d: Uint8Array, off: number, len: number): void {
    const s = this.sides[isOrig ? 0 : 1];
    const end = off + len;
    while (off < end) {
      if (s.held > 0) {
        off = this.fill(s, isOrig, d, off, end);
        continue;
      }
      const avail = end - off;
      const n = this.lengthAt(d, off, avail, isOrig);
      if (n > 0 && n <= avail) {
        this.endSkip(s, isOrig);
        this.pdus++;
        this.framer.pdu(isOrig, d, off, n);
        off += n;
      } else if (n > 0 || n === 0) {
        if (s.lost && n === 0 && avail < 2) {
          // keep looking in the next chunk from here
        }
        if (n > 0) this.endSkip(s, isOrig);
        // Keep the start of a PDU (or of a header) for the next chunk.
        this.hold(s, d, off, avail);
        off = end;
      } else {
        // Not a valid PDU here: skip a byte and look again.
        if (!s.lost) {
          s.lost = true;
          s.afterGap = false;
          s.skippedBytes = 0;
        }
        s.skippedBytes++;
        off++;
      }
    }
  }

  /** `len` bytes of this side are missing: drop what is held and resynchronise. */
  gap(isOrig: boolean, _len: number): void {
    const s = this.sides[isOrig ? 0 : 1];
    s.held = 0;
    s.lost = true;
    s.afterGap = true;
    s.skippedBytes = 0;
  }

  /** Bytes held for a side (a PDU not yet complete). */
  pending(isOrig: boolean): number {
    return this.sides[isOrig ? 0 : 1].held;
  }

  private lengthAt(d: Uint8Array, off: number, avail: number, isOrig: boolean): number {
    const n = this.framer.pduLength(d, off, avail, isOrig);
    if (n > this.maxPdu) return -1;
    return n;
  }

  private endSkip(s: Side, isOrig: boolean): void {
    if (!s.lost) return;
    s.lost = false;
    this.resyncs++;
    if (s.skippedBytes > 0 && this.framer.skipped !== undefined) this.framer.skipped(isOrig, s.skippedBytes, s.afterGap);
    s.skippedBytes = 0;
  }

  private hold(s: Side, d: Uint8Array, off: number, n: number): void {
    if (s.buf.length < n) s.buf = new Uint8Array(Math.max(n, 256));
    s.buf.set(d.subarray(off, off + n), 0);
    s.held = n;
  }

  /** Adds bytes to a held PDU; delivers it when complete. Returns the new offset in d. */
  private fill(s: Side, isOrig: boolean, d: Uint8Array, off: number, end: number): number {
    let need = this.lengthAt(s.buf, 0, s.held, isOrig);
    if (need === 0) {
      // Header incomplete: add bytes one header's worth at a time until the length is known.
      const take = Math.min(end - off, 64);
      this.append(s, d, off, take);
      need = this.lengthAt(s.buf, 0, s.held, isOrig);
      if (need === 0) return off + take;
      if (need < 0) return this.rescan(s, isOrig, off + take);
      // The length is known; bytes beyond it go back to the stream.
      if (s.held >= need) {
        const extra = s.held - need;
        this.deliverHeld(s, isOrig, need);
        return off + take - extra;
      }
      off += take;
    } else if (need < 0) {
      return this.rescan(s, isOrig, off);
    }
    const take = Math.min(need - s.held, end - off);
    this.append(s, d, off, take);
    off += take;
    if (s.held === need) this.deliverHeld(s, isOrig, need);
    return off;
  }

  private deliverHeld(s: Side, isOrig: boolean, n: number): void {
    s.held = 0;
    this.endSkip(s, isOrig);
    this.pdus++;
    this.framer.pdu(isOrig, s.buf, 0, n);
  }

  /** A held prefix turned out not to be a PDU: skip its first byte and look at the rest again. */
  private rescan(s: Side, isOrig: boolean, off: number): number {
    const rest = s.buf.slice(1, s.held);
    s.held = 0;
    if (!s.lost) {
      s.lost = true;
      s.afterGap = false;
      s.skippedBytes = 0;
    }
    s.skippedBytes++;
    if (rest.length > 0) this.data(isOrig, rest, 0, rest.length);
    return off;
  }

  private append(s: Side, d: Uint8Array, off: number, n: number): void {
    if (s.held + n > s.buf.length) {
      const bigger = new Uint8Array(Math.max(s.held + n, s.buf.length * 2));
      bigger.set(s.buf.subarray(0, s.held), 0);
      s.buf = bigger;
    }
    s.buf.set(d.subarray(off, off + n), s.held);
    s.held += n;
  }
}
