// StreamFramer: whole PDUs whatever the segmentation, views without copies for PDUs inside
// a chunk, resynchronisation after gaps and garbage, the PDU size cap.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { StreamFramer, type PduFramer } from './stream.ts';

/** PDUs: 0xA5, a 2-byte big-endian length of the body, the body. */
function collector(): { framer: PduFramer; pdus: number[][]; skipped: [number, boolean][] } {
  const pdus: number[][] = [];
  const skipped: [number, boolean][] = [];
  return {
    pdus,
    skipped,
    framer: {
      pduLength(d, off, avail) {
        if (avail < 1) return 0;
        if (d[off] !== 0xa5) return -1;
        if (avail < 3) return 0;
        return 3 + ((d[off + 1] << 8) | d[off + 2]);
      },
      pdu(_isOrig, d, off, len) {
        pdus.push([...d.subarray(off, off + len)]);
      },
      skipped(_isOrig, n, afterGap) {
        skipped.push([n, afterGap]);
      },
    },
  };
}

const pdu = (body: number[]) => [0xa5, body.length >> 8, body.length & 255, ...body];

test('PDUs inside one chunk are views of it; a PDU that spans chunks is put together', () => {
  const c = collector();
  let views = 0;
  const inner = c.framer.pdu;
  c.framer.pdu = (o, d, off, len) => {
    if (d === chunk) views++;
    inner(o, d, off, len);
  };
  const s = new StreamFramer(c.framer);
  const chunk = new Uint8Array([...pdu([1, 2]), ...pdu([3]), ...pdu([4, 5, 6]).slice(0, 4)]);
  s.data(true, chunk, 0, chunk.length);
  s.data(true, new Uint8Array([5, 6]), 0, 2);
  assert.deepEqual(c.pdus, [pdu([1, 2]), pdu([3]), pdu([4, 5, 6])]);
  assert.equal(views, 2);
});

test('any segmentation gives the same PDUs', () => {
  fc.assert(
    fc.property(
      fc.array(fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 40 }), { minLength: 1, maxLength: 8 }),
      fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 30 }),
      (bodies, cuts) => {
        const stream = bodies.flatMap(pdu);
        const c = collector();
        const s = new StreamFramer(c.framer);
        let off = 0;
        for (let i = 0; off < stream.length; i++) {
          const n = Math.min(cuts[i % cuts.length], stream.length - off);
          s.data(true, new Uint8Array(stream.slice(off, off + n)), 0, n);
          off += n;
        }
        assert.deepEqual(c.pdus, bodies.map(pdu));
        assert.equal(c.skipped.length, 0);
      },
    ),
  );
});

test('after a gap: what was held is dropped, bytes are skipped up to the next valid header', () => {
  const c = collector();
  const s = new StreamFramer(c.framer);
  const a = pdu([1, 2, 3, 4]);
  s.data(true, new Uint8Array(a.slice(0, 4)), 0, 4); // part of a PDU, then the rest is lost
  s.gap(true, 100);
  const rest = new Uint8Array([9, 9, 9, ...pdu([7])]);
  s.data(true, rest, 0, rest.length);
  assert.deepEqual(c.pdus, [pdu([7])]);
  assert.deepEqual(c.skipped, [[3, true]]);
  assert.equal(s.resyncs, 1);
});

test('a declared length beyond the cap is not a PDU', () => {
  const c = collector();
  const s = new StreamFramer(c.framer, { maxPdu: 10 });
  const b = new Uint8Array([0xa5, 0x00, 0x20, ...pdu([1])]);
  s.data(true, b, 0, b.length);
  assert.deepEqual(c.pdus, [pdu([1])]);
  assert.deepEqual(c.skipped, [[3, false]]);
});

test('the sides are independent', () => {
  const c = collector();
  const s = new StreamFramer(c.framer);
  const a = pdu([1, 2, 3]);
  const b = pdu([4]);
  s.data(true, new Uint8Array(a.slice(0, 2)), 0, 2);
  s.data(false, new Uint8Array(b), 0, b.length);
  s.data(true, new Uint8Array(a.slice(2)), 0, a.length - 2);
  assert.deepEqual(c.pdus, [b, a]);
});

test('random bytes never throw and never yield a PDU whose header is wrong', () => {
  fc.assert(
    fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 20 }), fc.array(fc.boolean()), (chunks, gaps) => {
      const c = collector();
      const s = new StreamFramer(c.framer, { maxPdu: 200 });
      chunks.forEach((ch, i) => {
        if (gaps[i]) s.gap(true, 1);
        s.data(true, ch, 0, ch.length);
      });
      for (const p of c.pdus) {
        assert.equal(p[0], 0xa5);
        assert.equal(p.length, 3 + ((p[1] << 8) | p[2]));
      }
    }),
  );
});
