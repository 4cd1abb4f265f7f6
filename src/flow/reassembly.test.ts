import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { REASM, TcpReassembler } from './reassembly.ts';
import type { ReassemblyLimits, StreamSink } from './reassembly.ts';

// TCP header flag bits.
const FIN = 0x01;
const SYN = 0x02;
const RST = 0x04;
const ACK = 0x10;

const enc = new TextEncoder();
const dec = new TextDecoder('latin1');
const b = (s: string): Uint8Array => enc.encode(s);

type Ev =
  | { kind: 'data'; dir: 0 | 1; bytes: Uint8Array; view: Uint8Array; off: number }
  | { kind: 'gap'; dir: 0 | 1; len: number };

/** What a sink saw, in order. Data is copied because the sink is handed views. */
class Rec {
  events: Ev[] = [];
  /** Data as text and gaps as `[gap N]`. */
  text(): string {
    return this.events.map((e) => (e.kind === 'data' ? dec.decode(e.bytes) : `[gap ${e.len}]`)).join('');
  }
  delivered(): number {
    let n = 0;
    for (const e of this.events) if (e.kind === 'data') n += e.bytes.length;
    return n;
  }
  gapped(): number {
    let n = 0;
    for (const e of this.events) if (e.kind === 'gap') n += e.len;
    return n;
  }
}

/** Records, and checks every argument the reassembler passes. */
const sink: StreamSink<Rec> = {
  data(ctx, dir, data, off, len) {
    assert.ok(Number.isInteger(off) && Number.isInteger(len), 'integer off/len');
    assert.ok(off >= 0 && len > 0 && off + len <= data.length, `view in bounds: off ${off} len ${len} of ${data.length}`);
    ctx.events.push({ kind: 'data', dir, bytes: data.slice(off, off + len), view: data, off });
  },
  gap(ctx, dir, len) {
    assert.ok(Number.isInteger(len) && len > 0, `gap length ${len}`);
    ctx.events.push({ kind: 'gap', dir, len });
  },
};

function setup(limits?: Partial<ReassemblyLimits>): { r: TcpReassembler<Rec>; rec: Rec } {
  return { r: new TcpReassembler<Rec>(0, limits), rec: new Rec() };
}

/** Sends one segment carrying the text s. */
function seg(r: TcpReassembler<Rec>, rec: Rec, seq: number, flags: number, s = ''): number {
  const d = b(s);
  return r.segment(seq, flags, d, 0, d.length, rec, sink);
}

describe('TcpReassembler', () => {
  it('delivers in-order segments at once, as views of the caller’s buffer', () => {
    const { r, rec } = setup();
    // SYN at ISN 1000: no payload, the stream starts at 1001.
    assert.equal(seg(r, rec, 1000, SYN), 0);
    assert.equal(r.nextSeq, 1001);
    // A frame whose payload "GET " sits at bytes 2..5 (two header bytes before, two after).
    const frame = b('hhGET tt');
    assert.equal(r.segment(1001, ACK, frame, 2, 4, rec, sink), REASM.DELIVERED);
    const first = rec.events[0];
    assert.ok(first.kind === 'data' && first.view === frame && first.off === 2, 'no copy: the frame itself');
    assert.equal(seg(r, rec, 1005, ACK, '/ HTTP'), REASM.DELIVERED);
    assert.equal(rec.text(), 'GET / HTTP');
    assert.equal(r.bytesDelivered, 10);
    assert.equal(r.position, 10);
    assert.equal(r.nextSeq, 1011);
    assert.equal(r.segmentsBuffered, 0);
    assert.ok(rec.events.every((e) => e.dir === 0));
  });

  it('buffers out-of-order segments and delivers them when the hole fills', () => {
    const { r, rec } = setup();
    seg(r, rec, 0, SYN);
    // Stream offsets: "hello" [0,5) seq 1, "world" [5,10) seq 6, "!!" [10,12) seq 11.
    assert.equal(seg(r, rec, 11, ACK, '!!'), REASM.BUFFERED);
    assert.equal(seg(r, rec, 6, ACK, 'world'), REASM.BUFFERED);
    assert.equal(rec.events.length, 0);
    assert.equal(r.bufferedSegments, 2);
    assert.equal(r.bufferedBytes, 7);
    assert.equal(seg(r, rec, 1, ACK, 'hello'), REASM.DELIVERED);
    assert.equal(rec.text(), 'helloworld!!');
    assert.equal(r.bufferedSegments, 0);
    assert.equal(r.bufferedBytes, 0);
    assert.equal(r.segmentsBuffered, 2);
    assert.equal(r.nextSeq, 13);
  });

  it('drops retransmissions of delivered or buffered bytes and flags them', () => {
    const { r, rec } = setup();
    seg(r, rec, 0, SYN);
    seg(r, rec, 1, ACK, 'abc'); // [0,3) delivered
    assert.equal(seg(r, rec, 1, ACK, 'abc'), REASM.RETRANSMIT); // same bytes again
    assert.equal(seg(r, rec, 2, ACK, 'b'), REASM.RETRANSMIT); // a re-cut of them
    // Buffered [9,12), then the same segment again: nothing new, so a retransmission too.
    assert.equal(seg(r, rec, 10, ACK, 'xyz'), REASM.BUFFERED);
    assert.equal(seg(r, rec, 10, ACK, 'xyz'), REASM.RETRANSMIT);
    assert.equal(r.retransmits, 3);
    assert.equal(r.bufferedSegments, 1);
    assert.equal(rec.text(), 'abc');
  });

  describe('partial overlaps: the first copy wins', () => {
    it('delivers only the new tail of a segment that starts in delivered bytes', () => {
      const { r, rec } = setup();
      seg(r, rec, 0, SYN);
      seg(r, rec, 1, ACK, 'abcdefghij'); // [0,10)
      // [5,15): "FGHIJ" overlaps (and differs: not detectable, delivered bytes are not kept), "klmno" is new.
      assert.equal(seg(r, rec, 6, ACK, 'FGHIJklmno'), REASM.DELIVERED | REASM.OVERLAP);
      assert.equal(rec.text(), 'abcdefghijklmno');
      assert.equal(r.overlaps, 1);
      assert.equal(r.overlapConflicts, 0);
    });

    it('keeps the first buffered copy and flags differing bytes', () => {
      const { r, rec } = setup();
      seg(r, rec, 0, SYN);
      assert.equal(seg(r, rec, 11, ACK, 'AAAAAAAAAA'), REASM.BUFFERED); // [10,20)
      // [15,25): [15,20) overlaps with other bytes → conflict; [20,25) is new and kept.
      assert.equal(seg(r, rec, 16, ACK, 'BBBBBBBBBB'), REASM.BUFFERED | REASM.OVERLAP | REASM.OVERLAP_CONFLICT);
      // [12,14) inside the buffered copy with equal bytes: a retransmission, no conflict.
      assert.equal(seg(r, rec, 13, ACK, 'AA'), REASM.RETRANSMIT);
      seg(r, rec, 1, ACK, '0123456789'); // fills [0,10)
      assert.equal(rec.text(), '0123456789AAAAAAAAAABBBBB');
      assert.equal(r.overlapConflicts, 1);
    });

    it('an in-order segment running into buffered bytes yields to them', () => {
      const { r, rec } = setup();
      seg(r, rec, 0, SYN);
      seg(r, rec, 1, ACK, '0123456789'); // [0,10) delivered
      seg(r, rec, 21, ACK, 'XXXXXXXXXX'); // [20,30) buffered
      // [8,25): [8,10) delivered already, [10,20) new, [20,25) overlaps the buffered X's with other bytes.
      assert.equal(
        seg(r, rec, 9, ACK, '89yyyyyyyyyyyyyyy'),
        REASM.DELIVERED | REASM.OVERLAP | REASM.OVERLAP_CONFLICT,
      );
      assert.equal(rec.text(), '0123456789yyyyyyyyyyXXXXXXXXXX');
      assert.equal(r.bufferedSegments, 0);
      assert.equal(r.overlaps, 1); // one segment, counted once
      assert.equal(r.overlapConflicts, 1);
    });

    it('a segment spanning several buffered pieces fills only the holes between them', () => {
      const { r, rec } = setup();
      seg(r, rec, 0, SYN);
      seg(r, rec, 6, ACK, 'bb'); // [5,7)
      seg(r, rec, 11, ACK, 'cc'); // [10,12)
      // [3,14): stored pieces [3,5), [7,10), [12,14); overlaps with "bb" and "cc" differ.
      assert.equal(seg(r, rec, 4, ACK, 'zzzzzzzzzzz'), REASM.BUFFERED | REASM.OVERLAP | REASM.OVERLAP_CONFLICT);
      assert.equal(r.bufferedSegments, 5);
      assert.equal(r.bufferedBytes, 11);
      seg(r, rec, 1, ACK, 'aaa'); // [0,3)
      assert.equal(rec.text(), 'aaazzbbzzzcczz');
    });
  });

  describe('sequence wraparound at 2^32', () => {
    it('reassembles across the wrap, out of order', () => {
      const { r, rec } = setup();
      // ISN 2^32-6: stream offset 0 is seq 0xFFFFFFFB, offset 5 is seq 0.
      seg(r, rec, 0xfffffffa, SYN);
      assert.equal(seg(r, rec, 3, ACK, 'ijkl'), REASM.BUFFERED); // [8,12)
      assert.equal(seg(r, rec, 0xffffffff, ACK, 'efgh'), REASM.BUFFERED); // [4,8), crosses the wrap
      assert.equal(seg(r, rec, 0xfffffffb, ACK, 'abcd'), REASM.DELIVERED); // [0,4)
      assert.equal(rec.text(), 'abcdefghijkl');
      assert.equal(r.nextSeq, 7);
      assert.equal(seg(r, rec, 0xfffffffb, ACK, 'abcd'), REASM.RETRANSMIT); // before the wrap, old
      assert.equal(seg(r, rec, 0xfffffffd, ACK, 'cdefghijklMN'), REASM.DELIVERED | REASM.OVERLAP);
      assert.equal(rec.text(), 'abcdefghijklMN');
    });

    it('keeps counting stream offsets past 4 GiB while sequence numbers wrap', () => {
      const { r, rec } = setup();
      seg(r, rec, 0x7fffffff, SYN);
      // Five ACKs of 2^30 unseen bytes each: 5 GiB lost in the capture, the seq wraps once.
      for (let i = 1; i <= 5; i++) r.ackSeen((0x80000000 + i * 0x40000000) >>> 0, rec, sink);
      assert.equal(r.position, 5 * 2 ** 30);
      assert.equal(r.gapBytes, 5 * 2 ** 30);
      assert.equal(r.nextSeq, (0x80000000 + 5 * 0x40000000) >>> 0);
      assert.equal(seg(r, rec, r.nextSeq, ACK, 'tail'), REASM.DELIVERED);
      assert.equal(r.position, 5 * 2 ** 30 + 4);
    });
  });

  describe('mid-stream pickup', () => {
    it('starts the stream at the first segment seen', () => {
      const { r, rec } = setup();
      assert.equal(seg(r, rec, 5000, ACK, 'data'), REASM.DELIVERED);
      assert.equal(r.synSeen, false);
      assert.equal(r.isn, 4999);
      // Bytes before the pickup point are old.
      assert.equal(seg(r, rec, 4990, ACK, 'xxxxxxxxxx'), REASM.RETRANSMIT);
      assert.equal(seg(r, rec, 5004, ACK, 'more'), REASM.DELIVERED);
      assert.equal(rec.text(), 'datamore');
    });

    it('a pure ACK fixes the start too', () => {
      const { r, rec } = setup();
      assert.equal(seg(r, rec, 7000, ACK), 0);
      assert.equal(r.started, true);
      assert.equal(seg(r, rec, 7005, ACK, 'later'), REASM.BUFFERED);
      assert.equal(seg(r, rec, 7000, ACK, 'early'), REASM.DELIVERED);
      assert.equal(rec.text(), 'earlylater');
    });

    it('a RST does not fix the start (its seq is often arbitrary)', () => {
      const { r, rec } = setup();
      assert.equal(seg(r, rec, 0, RST | ACK), 0);
      assert.equal(r.started, false);
      assert.equal(r.ackSeen(1234, rec, sink), 0); // nothing to measure an ACK against yet
      seg(r, rec, 900, ACK, 'x');
      assert.equal(rec.text(), 'x');
    });

    it('a SYN matching the picked-up start confirms it', () => {
      const { r, rec } = setup();
      seg(r, rec, 301, ACK); // pure ACK, start at 301
      assert.equal(seg(r, rec, 300, SYN), 0);
      assert.equal(r.synSeen, true);
      assert.equal(r.isn, 300);
      seg(r, rec, 301, ACK, 'ok');
      assert.equal(rec.text(), 'ok');
    });
  });

  describe('SYN and FIN accounting', () => {
    it('the SYN and the FIN each take one sequence number; data after the FIN is dropped', () => {
      const { r, rec } = setup();
      // SYN with 2 payload bytes (TCP Fast Open): seq 100 is the SYN, "hi" is 101..102.
      assert.equal(seg(r, rec, 100, SYN, 'hi'), REASM.DELIVERED);
      // "bye" 103..105, FIN at 106: the stream is 5 bytes long.
      assert.equal(seg(r, rec, 103, ACK | FIN, 'bye'), REASM.DELIVERED | REASM.STREAM_END);
      assert.equal(r.finOffset, 5);
      assert.equal(r.ended, true);
      assert.equal(seg(r, rec, 103, ACK | FIN, 'bye'), REASM.RETRANSMIT); // FIN retransmitted
      assert.equal(seg(r, rec, 106, ACK | FIN), 0); // bare FIN retransmitted
      assert.equal(seg(r, rec, 107, ACK), 0); // the final ACK, seq FIN+1
      assert.equal(seg(r, rec, 106, ACK, 'more'), REASM.AFTER_FIN);
      assert.equal(r.afterFinBytes, 4);
      assert.equal(rec.text(), 'hibye');
    });

    it('a FIN seen before the data ends the stream when the data arrives', () => {
      const { r, rec } = setup();
      seg(r, rec, 0, SYN);
      assert.equal(seg(r, rec, 11, ACK | FIN), 0); // FIN at offset 10: data [0,10) still missing
      assert.equal(r.ended, false);
      assert.equal(seg(r, rec, 6, ACK, 'fghijXYZ'), REASM.BUFFERED | REASM.AFTER_FIN); // [5,13) cut at 10
      assert.equal(seg(r, rec, 1, ACK, 'abcde'), REASM.DELIVERED | REASM.STREAM_END);
      assert.equal(rec.text(), 'abcdefghij');
      assert.equal(r.afterFinBytes, 3);
    });

    it('a FIN that arrives after data beyond it was buffered trims that data', () => {
      const { r, rec } = setup();
      seg(r, rec, 0, SYN);
      seg(r, rec, 6, ACK, 'fghij'); // [5,10)
      seg(r, rec, 13, ACK, 'mn'); // [12,14)
      assert.equal(seg(r, rec, 4, ACK | FIN, 'de'), REASM.BUFFERED | REASM.AFTER_FIN); // [3,5), FIN at 5
      assert.equal(r.bufferedSegments, 1);
      assert.equal(seg(r, rec, 1, ACK, 'abc'), REASM.DELIVERED | REASM.STREAM_END);
      assert.equal(rec.text(), 'abcde');
      assert.equal(r.afterFinBytes, 7);
    });

    it('a SYN with another seq before anything was delivered resets the ISN', () => {
      const { r, rec } = setup();
      seg(r, rec, 100, SYN);
      seg(r, rec, 111, ACK, 'zz'); // buffered for the first attempt
      assert.equal(seg(r, rec, 500, SYN), REASM.ISN_RESET);
      assert.equal(r.isn, 500);
      assert.equal(r.bufferedSegments, 0);
      assert.equal(seg(r, rec, 501, ACK, 'ok'), REASM.DELIVERED);
      // Once bytes were delivered, a SYN no longer moves the stream.
      assert.equal(seg(r, rec, 9000, SYN), 0);
      assert.equal(r.isn, 500);
      assert.equal(seg(r, rec, 503, ACK, '!'), REASM.DELIVERED);
      assert.equal(rec.text(), 'ok!');
    });
  });

  describe('caps', () => {
    it('too many buffered segments: a gap up to the first one, then the rest arrives', () => {
      const { r, rec } = setup({ maxBufferedSegments: 2 });
      seg(r, rec, 0, SYN);
      seg(r, rec, 1, ACK, '0123'); // [0,4); [4,8) is lost
      seg(r, rec, 9, ACK, 'bb'); // [8,10)
      seg(r, rec, 11, ACK, 'cc'); // [10,12)
      // A third buffered segment [14,16) exceeds the cap: gap [4,8), deliver [8,12); [14,16) stays.
      assert.equal(seg(r, rec, 15, ACK, 'dd'), REASM.BUFFERED | REASM.CAP_HIT | REASM.GAP | REASM.DELIVERED);
      assert.equal(rec.text(), '0123[gap 4]bbcc');
      assert.equal(r.capHits, 1);
      assert.equal(r.bufferedSegments, 1);
      // The lost bytes show up late: stale.
      assert.equal(seg(r, rec, 5, ACK, '4567'), REASM.RETRANSMIT);
      // The flow stays alive: [12,14) arrives and [14,16) follows it.
      assert.equal(seg(r, rec, 13, ACK, '--'), REASM.DELIVERED);
      assert.equal(rec.text(), '0123[gap 4]bbcc--dd');
      assert.equal(r.gapBytes, 4);
    });

    it('too many buffered bytes', () => {
      const { r, rec } = setup({ maxBufferedBytes: 8 });
      seg(r, rec, 0, SYN);
      seg(r, rec, 3, ACK, 'cdef'); // [2,6): 4 bytes held
      assert.equal(r.bufferedBytes, 4);
      // [8,13) would make 9 bytes: gap [0,2), deliver [2,6); the 5 bytes left fit, so they stay.
      assert.equal(seg(r, rec, 9, ACK, 'ijklm'), REASM.BUFFERED | REASM.CAP_HIT | REASM.GAP | REASM.DELIVERED);
      assert.equal(rec.text(), '[gap 2]cdef');
      assert.equal(r.capHits, 1);
      assert.equal(r.bufferedBytes, 5);
      // A single segment bigger than the cap: everything in front of it is given up.
      assert.equal(seg(r, rec, 21, ACK, '0123456789'), REASM.BUFFERED | REASM.CAP_HIT | REASM.GAP | REASM.DELIVERED);
      assert.equal(rec.text(), '[gap 2]cdef[gap 2]ijklm[gap 7]0123456789');
      assert.equal(r.capHits, 2);
      assert.equal(r.bufferedBytes, 0);
      assert.equal(seg(r, rec, 31, ACK, '!'), REASM.DELIVERED);
    });
  });

  describe('ACK-based gap detection', () => {
    it('reports acknowledged bytes that were never seen as a gap', () => {
      const { r, rec } = setup();
      seg(r, rec, 0, SYN);
      seg(r, rec, 1, ACK, 'abcdefghij'); // [0,10); [10,20) lost in the capture
      assert.equal(r.ackSeen(11, rec, sink), 0); // acknowledges what was seen: nothing to do
      assert.equal(r.ackSeen(21, rec, sink), REASM.GAP);
      assert.equal(rec.text(), 'abcdefghij[gap 10]');
      assert.equal(r.gapBytes, 10);
      // The lost segment shows up after all: stale, dropped.
      assert.equal(seg(r, rec, 11, ACK, 'KLMNOPQRST'), REASM.RETRANSMIT);
      assert.equal(seg(r, rec, 21, ACK, 'uv'), REASM.DELIVERED);
      assert.equal(rec.text(), 'abcdefghij[gap 10]uv');
    });

    it('an ACK above a hole delivers the buffered data beyond it', () => {
      const { r, rec } = setup();
      seg(r, rec, 0, SYN);
      seg(r, rec, 11, ACK, 'klmno'); // [10,15)
      seg(r, rec, 21, ACK, 'uv'); // [20,22)
      // ACK of offset 30: holes [0,10), [15,20), [22,30).
      assert.equal(r.ackSeen(31, rec, sink), REASM.GAP | REASM.DELIVERED);
      assert.equal(rec.text(), '[gap 10]klmno[gap 5]uv[gap 8]');
      assert.equal(r.position, 30);
    });

    it('an ACK one past the data with nothing buffered may be for a lost FIN: no gap', () => {
      const { r, rec } = setup();
      seg(r, rec, 0, SYN);
      seg(r, rec, 1, ACK, 'abc');
      assert.equal(r.ackSeen(5, rec, sink), 0);
      assert.equal(r.gapBytes, 0);
      // A later ACK further on does report the byte.
      assert.equal(r.ackSeen(7, rec, sink), REASM.GAP);
      assert.equal(rec.text(), 'abc[gap 3]');
    });

    it('the FIN’s sequence number is not a byte; old and absurd ACKs are ignored', () => {
      const { r, rec } = setup();
      seg(r, rec, 0, SYN);
      seg(r, rec, 1, ACK, 'ab');
      assert.equal(seg(r, rec, 9, ACK | FIN), 0); // FIN at offset 8: [2,8) missing
      assert.equal(r.ackSeen(1, rec, sink), 0); // old
      assert.equal(r.ackSeen(3 + 0x40000001, rec, sink), 0); // more than 2^30 (any window) ahead
      assert.equal(r.ackSeen(10, rec, sink), REASM.GAP | REASM.STREAM_END); // acks the FIN
      assert.equal(rec.text(), 'ab[gap 6]');
      assert.equal(r.position, 8);
    });
  });

  describe('finish()', () => {
    it('delivers what is buffered, reporting the holes as gaps', () => {
      const { r, rec } = setup();
      seg(r, rec, 0, SYN);
      seg(r, rec, 1, ACK, 'ab'); // [0,2)
      seg(r, rec, 5, ACK, 'ef'); // [4,6)
      seg(r, rec, 9, ACK, 'ij'); // [8,10)
      seg(r, rec, 13, ACK | FIN); // FIN at 12
      assert.equal(r.finish(rec, sink), REASM.GAP | REASM.DELIVERED | REASM.STREAM_END);
      assert.equal(rec.text(), 'ab[gap 2]ef[gap 2]ij[gap 2]');
      assert.equal(r.gapBytes, 6);
      assert.equal(r.bytesDelivered, 6);
      assert.equal(r.finish(rec, sink), 0); // nothing more
    });

    it('without a FIN the stream ends after the last buffered byte', () => {
      const { r, rec } = setup();
      seg(r, rec, 0, SYN);
      seg(r, rec, 4, ACK, 'def');
      assert.equal(r.finish(rec, sink), REASM.GAP | REASM.DELIVERED);
      assert.equal(rec.text(), '[gap 3]def');
      assert.equal(r.ended, false);
    });

    it('does nothing before the stream started', () => {
      const { r, rec } = setup();
      assert.equal(r.finish(rec, sink), 0);
      assert.equal(rec.events.length, 0);
    });
  });

  describe('segmentTruncated(): payload cut by the snap length', () => {
    it('in order: the captured bytes are delivered, the rest is a gap at once', () => {
      const { r, rec } = setup();
      seg(r, rec, 0, SYN);
      // 10 bytes on the wire [0,10), only "abc" captured.
      assert.equal(r.segmentTruncated(1, ACK, b('abc'), 0, 3, 10, rec, sink), REASM.DELIVERED | REASM.GAP);
      assert.equal(seg(r, rec, 11, ACK, 'k'), REASM.DELIVERED);
      assert.equal(rec.text(), 'abc[gap 7]k');
      // The full copy retransmitted later is stale, and counted once.
      assert.equal(r.segmentTruncated(1, ACK, b('ab'), 0, 2, 10, rec, sink), REASM.RETRANSMIT);
      assert.equal(r.retransmits, 1);
    });

    it('the FIN counts after all the bytes on the wire', () => {
      const { r, rec } = setup();
      seg(r, rec, 0, SYN);
      // "ab" captured of 5 bytes [0,5), FIN at offset 5.
      assert.equal(r.segmentTruncated(1, ACK | FIN, b('ab'), 0, 2, 5, rec, sink), REASM.DELIVERED | REASM.GAP | REASM.STREAM_END);
      assert.equal(r.finOffset, 5);
      assert.equal(rec.text(), 'ab[gap 3]');
    });

    it('buffered bytes win over uncaptured ones; uncaptured bytes ahead are reported by finish()', () => {
      const { r, rec } = setup();
      seg(r, rec, 0, SYN);
      seg(r, rec, 6, ACK, 'xyz'); // [5,8) buffered
      // [0,10) with only "ab" captured: gap [2,5), the buffered [5,8), gap [8,10).
      r.segmentTruncated(1, ACK, b('ab'), 0, 2, 10, rec, sink);
      assert.equal(rec.text(), 'ab[gap 3]xyz[gap 2]');
      // [20,30) with nothing captured, ahead of the stream: nothing to hold.
      assert.equal(r.segmentTruncated(21, ACK, new Uint8Array(0), 0, 0, 10, rec, sink), 0);
      assert.equal(seg(r, rec, 11, ACK, '0123456789'), REASM.DELIVERED); // [10,20)
      assert.equal(r.finish(rec, sink), REASM.GAP);
      assert.equal(rec.text(), 'ab[gap 3]xyz[gap 2]0123456789[gap 10]');
      assert.equal(r.position, 30);
    });
  });

  it('never throws on nonsense lengths, offsets and sequence numbers', () => {
    const { r, rec } = setup();
    const d = b('abcdef');
    assert.equal(r.segment(10, ACK, d, 0, 0, rec, sink), 0); // empty payload: just fixes the start
    r.segment(10, ACK, d, 4, 100, rec, sink); // len past the end: clamped to "ef"
    r.segment(12, ACK, d, -3, 2, rec, sink); // negative offset: from 0, "ab"
    r.segment(14, ACK, d, Number.NaN, Number.NaN, rec, sink);
    r.segment(14, ACK, d, 1.5, 2.7, rec, sink); // fractions: floored, "bc"
    r.segment(16, ACK, d, 99, 1, rec, sink); // offset past the end: nothing
    r.segment(Number.NaN, Number.NaN, d, 0, 1, rec, sink);
    r.segment(-1, -1, d, 0, 1, rec, sink);
    r.segment(2 ** 40, 0xff, d, 0, 6, rec, sink);
    r.ackSeen(Number.POSITIVE_INFINITY, rec, sink);
    r.ackSeen(-5, rec, sink);
    r.finish(rec, sink);
    assert.equal(rec.text().slice(0, 6), 'efabbc');
    assert.equal(r.position, r.bytesDelivered + r.gapBytes);
  });

  it('reset() makes the object reusable', () => {
    const { r, rec } = setup();
    seg(r, rec, 0, SYN);
    seg(r, rec, 5, ACK, 'late');
    seg(r, rec, 1, ACK, 'x');
    r.reset();
    assert.equal(r.started, false);
    assert.equal(r.bufferedSegments, 0);
    assert.equal(r.bytesDelivered, 0);
    assert.equal(r.segmentsBuffered, 0);
    const rec2 = new Rec();
    seg(r, rec2, 77, SYN);
    seg(r, rec2, 78, ACK, 'new');
    assert.equal(rec2.text(), 'new');
  });

  it('uses the limits given and falls back to the defaults for nonsense', () => {
    assert.equal(new TcpReassembler(1).maxBufferedBytes, 1 << 20);
    assert.equal(new TcpReassembler(1).maxBufferedSegments, 256);
    const r = new TcpReassembler(1, { maxBufferedBytes: Number.NaN, maxBufferedSegments: 3 });
    assert.equal(r.maxBufferedBytes, 1 << 20);
    assert.equal(r.maxBufferedSegments, 3);
    assert.equal(r.dir, 1);
  });
});

// ---------------------------------------------------------------------------------------
// Properties.

/** Small deterministic PRNG (mulberry32), so a shuffle is reproducible from its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle<T>(xs: T[], seed: number): T[] {
  const rnd = prng(seed);
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    const t = xs[i];
    xs[i] = xs[j];
    xs[j] = t;
  }
  return xs;
}

/** A piece of the original stream, [start, end), possibly with the FIN flag. */
interface Piece {
  start: number;
  end: number;
  fin: boolean;
}

const isnArb = fc.oneof(
  fc.integer({ min: 0, max: 0xffffffff }),
  fc.integer({ min: 0xffffffff - 4000, max: 0xffffffff }), // the stream crosses 2^32
);

const streamArb = fc.record({
  payload: fc.uint8Array({ maxLength: 3000 }),
  cuts: fc.array(fc.nat(), { maxLength: 60 }),
  // Retransmissions: the original pieces again, and re-cuts [a, a+l) that overlap them.
  dupPieces: fc.array(fc.nat(), { maxLength: 10 }),
  recuts: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 400 })), { maxLength: 10 }),
  isn: isnArb,
  withSyn: fc.boolean(), // false: mid-stream pickup anchored by a pure ACK
  seed: fc.integer(),
});

function cutPieces(n: number, cuts: number[]): Piece[] {
  const points = [...new Set(cuts.map((c) => (n === 0 ? 0 : c % n)).filter((c) => c > 0))].sort((x, y) => x - y);
  const pieces: Piece[] = [];
  let at = 0;
  for (const p of [...points, n]) {
    if (p > at) pieces.push({ start: at, end: p, fin: false });
    at = p;
  }
  return pieces;
}

function sendPiece(r: TcpReassembler<Rec>, rec: Rec, isn: number, payload: Uint8Array, p: Piece): number {
  // Data offset k is seq isn+1+k.
  return r.segment((isn + 1 + p.start) >>> 0, ACK | (p.fin ? FIN : 0), payload, p.start, p.end - p.start, rec, sink);
}

function anchor(r: TcpReassembler<Rec>, rec: Rec, isn: number, withSyn: boolean): void {
  if (withSyn) r.segment(isn, SYN, new Uint8Array(0), 0, 0, rec, sink);
  else r.segment((isn + 1) >>> 0, ACK, new Uint8Array(0), 0, 0, rec, sink);
}

/** Checks that every delivered byte sits at its place in the original; returns delivered + gap bytes. */
function checkPositions(rec: Rec, payload: Uint8Array): number {
  let pos = 0;
  for (const e of rec.events) {
    if (e.kind === 'gap') {
      pos += e.len;
      continue;
    }
    assert.deepEqual(e.bytes, payload.subarray(pos, pos + e.bytes.length), `bytes at offset ${pos}`);
    pos += e.bytes.length;
  }
  return pos;
}

describe('TcpReassembler properties', () => {
  it('shuffled, duplicated and re-cut segments reassemble to the original exactly', () => {
    fc.assert(
      fc.property(streamArb, ({ payload, cuts, dupPieces, recuts, isn, withSyn, seed }) => {
        const n = payload.length;
        const pieces = cutPieces(n, cuts);
        const sends: Piece[] = [...pieces];
        if (pieces.length > 0) for (const d of dupPieces) sends.push(pieces[d % pieces.length]);
        if (n > 0) {
          for (const [a, l] of recuts) sends.push({ start: a % n, end: Math.min(n, (a % n) + l), fin: false });
        }
        sends.push({ start: n, end: n, fin: true }); // a bare FIN, anywhere in the order
        shuffle(sends, seed);

        const { r, rec } = setup();
        anchor(r, rec, isn, withSyn);
        for (const p of sends) sendPiece(r, rec, isn, payload, p);
        if (withSyn) r.segment(isn, SYN, new Uint8Array(0), 0, 0, rec, sink); // a retransmitted SYN: no effect

        assert.equal(rec.gapped(), 0);
        assert.deepEqual(Buffer.concat(rec.events.map((e) => (e.kind === 'data' ? e.bytes : new Uint8Array(0)))), Buffer.from(payload));
        assert.equal(r.bytesDelivered, n);
        assert.equal(r.bufferedBytes, 0);
        assert.equal(r.ended, true);
        assert.equal(r.nextSeq, (isn + 1 + n) >>> 0);
        assert.equal(r.finish(rec, sink), 0);
      }),
      { numRuns: 500 },
    );
  });

  it('conflicting copies: each byte is the first copy sent of it, and the buffer holds each byte once', () => {
    fc.assert(
      fc.property(streamArb, fc.uint8Array({ minLength: 1, maxLength: 64 }), ({ payload, cuts, recuts, isn, withSyn, seed }, noise) => {
        const n = payload.length;
        // Re-cuts carry other bytes than the original: a retransmission that does not match.
        const sends: Array<Piece & { variant: boolean }> = cutPieces(n, cuts).map((p) => ({ ...p, variant: false }));
        if (n > 0) {
          for (const [a, l] of recuts) sends.push({ start: a % n, end: Math.min(n, (a % n) + l), fin: false, variant: true });
        }
        shuffle(sends, seed);
        const variant = payload.map((x, i) => x ^ noise[i % noise.length] ^ 0x5a);

        // Model: the value of a byte is the one of the first segment sent that covers it.
        const expected = new Uint8Array(n);
        const seen = new Uint8Array(n);
        const { r, rec } = setup();
        anchor(r, rec, isn, withSyn);
        for (const p of sends) {
          const src = p.variant ? variant : payload;
          for (let i = p.start; i < p.end; i++) {
            if (seen[i] === 0) expected[i] = src[i];
            seen[i] = 1;
          }
          sendPiece(r, rec, isn, src, p);
          let held = 0;
          for (let i = r.position; i < n; i++) held += seen[i];
          assert.equal(r.bufferedBytes, held, 'each sent byte ahead of the stream is buffered exactly once');
        }
        assert.equal(rec.gapped(), 0);
        assert.equal(checkPositions(rec, expected), n);
      }),
      { numRuns: 300 },
    );
  });

  it('with lost and truncated segments, ACKs, small caps and finish(), every byte is delivered in place or counted as a gap', () => {
    fc.assert(
      fc.property(
        streamArb,
        fc.array(fc.boolean(), { maxLength: 80 }),
        fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 8 }),
        fc.option(fc.record({ maxBufferedBytes: fc.nat(400), maxBufferedSegments: fc.nat(6) })),
        fc.boolean(),
        fc.array(fc.option(fc.nat()), { maxLength: 80 }),
        ({ payload, cuts, dupPieces, recuts, isn, withSyn, seed }, drop, acks, limits, finalAck, trunc) => {
          const n = payload.length;
          const pieces = cutPieces(n, cuts).filter((_, i) => drop[i] !== true);
          const sends: Array<Piece | number> = [...pieces];
          if (pieces.length > 0) for (const d of dupPieces) sends.push(pieces[d % pieces.length]);
          if (n > 0) {
            for (const [a, l] of recuts) sends.push({ start: a % n, end: Math.min(n, (a % n) + l), fin: false });
          }
          // The peer acknowledges data offsets it received (the capture may have lost them).
          for (const [k] of acks) sends.push(k % (n + 1));
          sends.push({ start: n, end: n, fin: true });
          shuffle(sends, seed);

          const { r, rec } = setup(limits ?? undefined);
          anchor(r, rec, isn, withSyn);
          for (const [i, s] of sends.entries()) {
            const t = trunc[i];
            if (typeof s === 'number') {
              r.ackSeen((isn + 1 + s) >>> 0, rec, sink);
            } else if (t !== undefined && t !== null) {
              // Cut by the snap length: only the first capLen bytes captured.
              const capLen = t % (s.end - s.start + 1);
              const seq = (isn + 1 + s.start) >>> 0;
              r.segmentTruncated(seq, ACK | (s.fin ? FIN : 0), payload, s.start, capLen, s.end - s.start, rec, sink);
            } else {
              sendPiece(r, rec, isn, payload, s);
            }
            assert.ok(r.bufferedBytes <= r.maxBufferedBytes && r.bufferedSegments <= r.maxBufferedSegments, 'within caps');
          }
          if (finalAck) r.ackSeen((isn + 2 + n) >>> 0, rec, sink); // the FIN's ACK
          r.finish(rec, sink);

          assert.equal(checkPositions(rec, payload), n);
          assert.equal(rec.delivered(), r.bytesDelivered);
          assert.equal(rec.gapped(), r.gapBytes);
          assert.equal(r.position, n);
          assert.equal(r.bufferedSegments, 0);
          assert.equal(r.ended, true);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('garbage input never throws and keeps the invariants', () => {
    const num = fc.oneof(
      fc.integer({ min: -20, max: 200 }),
      fc.integer({ min: -(2 ** 33), max: 2 ** 33 }),
      fc.double(), // includes NaN, ±Infinity, -0
    );
    const seqArb = fc.oneof(fc.integer({ min: 0xfffffff0, max: 0xffffffff }), fc.integer({ min: 0, max: 300 }), num);
    const op = fc.oneof(
      fc.record({ kind: fc.constant('seg' as const), seq: seqArb, flags: fc.oneof(fc.nat(0xff), num), data: fc.uint8Array({ maxLength: 64 }), off: num, len: num }),
      fc.record({ kind: fc.constant('trunc' as const), seq: seqArb, flags: fc.oneof(fc.nat(0xff), num), data: fc.uint8Array({ maxLength: 64 }), off: num, len: num, wire: num }),
      fc.record({ kind: fc.constant('ack' as const), ack: seqArb }),
      fc.record({ kind: fc.constant('finish' as const) }),
    );
    const limitsArb = fc.record({ maxBufferedBytes: num, maxBufferedSegments: num }, { requiredKeys: [] });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), limitsArb, fc.constantFrom<0 | 1>(0, 1), (ops, limits, dir) => {
        const r = new TcpReassembler<Rec>(dir, limits);
        const rec = new Rec();
        for (const o of ops) {
          if (o.kind === 'seg') r.segment(o.seq, o.flags, o.data, o.off, o.len, rec, sink);
          else if (o.kind === 'trunc') r.segmentTruncated(o.seq, o.flags, o.data, o.off, o.len, o.wire, rec, sink);
          else if (o.kind === 'ack') r.ackSeen(o.ack, rec, sink);
          else r.finish(rec, sink);
          assert.equal(r.position, r.bytesDelivered + r.gapBytes);
          assert.ok(r.bufferedBytes >= 0 && r.bufferedBytes <= r.maxBufferedBytes);
          assert.ok(r.bufferedSegments <= r.maxBufferedSegments);
          assert.ok(r.nextSeq >= 0 && r.nextSeq <= 0xffffffff && Number.isInteger(r.nextSeq));
        }
        assert.equal(rec.delivered(), r.bytesDelivered);
        assert.equal(rec.gapped(), r.gapBytes);
        assert.ok(rec.events.every((e) => e.dir === dir));
      }),
      { numRuns: 1000 },
    );
  });
});
