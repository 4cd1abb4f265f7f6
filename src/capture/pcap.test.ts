import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { PalisadeError } from '../core/errors.ts';
import type { RawFrame } from './frame.ts';
import { PcapParser } from './pcap.ts';

// ---- helpers -------------------------------------------------------------------------------

/** Bytes from hex text; spaces and newlines are ignored. */
function hex(s: string): Uint8Array {
  const t = s.replace(/\s+/g, '');
  const out = new Uint8Array(t.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(t.slice(i * 2, i * 2 + 2), 16);
  return out;
}

function cat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

interface Snap {
  ts: number;
  linktype: number;
  ifIndex: number;
  caplen: number;
  wirelen: number;
  fileOffset: number;
  bytes: string;
}

interface Run {
  frames: Snap[];
  error: unknown;
  /** Frames whose [offset, offset + caplen) was not inside frame.data. */
  outOfBounds: number;
  /** Frames delivered as a view of the chunk being pushed (no copy). */
  views: number;
}

/** Pushes the chunks and finishes, collecting frames and the error. */
function run(chunks: Uint8Array[], parser = new PcapParser({ name: 'test.pcap' })): Run {
  const r: Run = { frames: [], error: undefined, outOfBounds: 0, views: 0 };
  let current: Uint8Array | undefined;
  const sink = {
    frame(f: RawFrame) {
      if (!(f.offset >= 0 && f.caplen >= 0 && f.offset + f.caplen <= f.data.length)) {
        r.outOfBounds++;
        return;
      }
      if (f.data === current) r.views++;
      r.frames.push({
        ts: f.ts,
        linktype: f.linktype,
        ifIndex: f.ifIndex,
        caplen: f.caplen,
        wirelen: f.wirelen,
        fileOffset: f.fileOffset,
        bytes: Buffer.from(f.data.subarray(f.offset, f.offset + f.caplen)).toString('hex'),
      });
    },
  };
  try {
    for (const c of chunks) {
      current = c;
      parser.push(c, sink);
    }
    parser.finish();
  } catch (e) {
    r.error = e;
  }
  return r;
}

function splitAt(b: Uint8Array, points: number[]): Uint8Array[] {
  const cuts = [...new Set(points.map((p) => p % (b.length + 1)))].sort((x, y) => x - y);
  const out: Uint8Array[] = [];
  let last = 0;
  for (const c of cuts) {
    out.push(b.subarray(last, c));
    last = c;
  }
  out.push(b.subarray(last));
  return out;
}

function bytewise(b: Uint8Array): Uint8Array[] {
  return Array.from(b, (_, i) => b.subarray(i, i + 1));
}

function assertPalisade(e: unknown, code: string, offset?: number): asserts e is PalisadeError {
  assert.ok(e instanceof PalisadeError, `expected PalisadeError ${code}, got ${String(e)}`);
  assert.equal(e.code, code, e.message);
  if (offset !== undefined) assert.equal(e.offset, offset, e.message);
}

// ---- fixtures ------------------------------------------------------------------------------

// Little-endian, microseconds, Ethernet; three records, the second one empty.
const LE_US = hex(`
  d4 c3 b2 a1   # magic a1b2c3d4 written little-endian: µs timestamps
  02 00 04 00   # version 2.4
  00 00 00 00   # thiszone
  00 00 00 00   # sigfigs
  ff ff 00 00   # snaplen 65535
  01 00 00 00   # linktype 1 (Ethernet), no FCS bits
  00 f1 53 65   # record @24: ts_sec 1700000000
  40 e2 01 00   #   ts_usec 123456
  04 00 00 00   #   caplen 4
  3c 00 00 00   #   wirelen 60
  de ad be ef   #   data
  01 f1 53 65   # record @44: ts_sec 1700000001
  3f 42 0f 00   #   ts_usec 999999
  00 00 00 00   #   caplen 0
  00 00 00 00   #   wirelen 0
  02 f1 53 65   # record @60: ts_sec 1700000002
  00 00 00 00   #   ts_usec 0
  06 00 00 00   #   caplen 6
  06 00 00 00   #   wirelen 6
  01 02 03 04 05 06
`.replace(/#[^\n]*/g, ''));
const LE_US_RECORDS = [24, 44, 60];
const LE_US_END = 82;

const EXPECTED_US: Omit<Snap, 'linktype'>[] = [
  { ts: 1700000000 + 123456 / 1e6, ifIndex: 0, caplen: 4, wirelen: 60, fileOffset: 24, bytes: 'deadbeef' },
  { ts: 1700000001 + 999999 / 1e6, ifIndex: 0, caplen: 0, wirelen: 0, fileOffset: 44, bytes: '' },
  { ts: 1700000002, ifIndex: 0, caplen: 6, wirelen: 6, fileOffset: 60, bytes: '010203040506' },
];

// The same capture written big-endian.
const BE_US = hex(`
  a1 b2 c3 d4   # magic, big-endian: µs
  00 02 00 04   # version 2.4
  00 00 00 00   # thiszone
  00 00 00 00   # sigfigs
  00 00 ff ff   # snaplen 65535
  00 00 00 01   # linktype 1
  65 53 f1 00   # record @24: ts_sec 1700000000
  00 01 e2 40   #   ts_usec 123456
  00 00 00 04   #   caplen 4
  00 00 00 3c   #   wirelen 60
  de ad be ef
  65 53 f1 01   # record @44: ts_sec 1700000001
  00 0f 42 3f   #   ts_usec 999999
  00 00 00 00   #   caplen 0
  00 00 00 00   #   wirelen 0
  65 53 f1 02   # record @60: ts_sec 1700000002
  00 00 00 00   #   ts_usec 0
  00 00 00 06   #   caplen 6
  00 00 00 06   #   wirelen 6
  01 02 03 04 05 06
`.replace(/#[^\n]*/g, ''));

// Nanosecond variants, one record each, linktype 101 (raw IP).
const LE_NS = hex(`
  4d 3c b2 a1   # magic a1b23c4d little-endian: ns timestamps
  02 00 04 00   # version 2.4
  00 00 00 00 00 00 00 00
  00 00 04 00   # snaplen 262144
  65 00 00 00   # linktype 101
  00 f1 53 65   # record @24: ts_sec 1700000000
  15 cd 5b 07   #   ts_nsec 123456789
  02 00 00 00   #   caplen 2
  02 00 00 00   #   wirelen 2
  45 00
`.replace(/#[^\n]*/g, ''));
const BE_NS = hex(`
  a1 b2 3c 4d   # magic, big-endian: ns
  00 02 00 04
  00 00 00 00 00 00 00 00
  00 04 00 00   # snaplen 262144
  00 00 00 65   # linktype 101
  65 53 f1 00   # ts_sec 1700000000
  07 5b cd 15   # ts_nsec 123456789
  00 00 00 02   # caplen 2
  00 00 00 02   # wirelen 2
  45 00
`.replace(/#[^\n]*/g, ''));

// Kuznetzov's "modified" pcap: 24-byte record headers.
const MODIFIED = hex(`
  34 cd b2 a1   # magic a1b2cd34 little-endian
  02 00 04 00
  00 00 00 00 00 00 00 00
  ff ff 00 00   # snaplen 65535
  01 00 00 00   # linktype 1
  00 f1 53 65   # record @24: ts_sec 1700000000
  01 00 00 00   #   ts_usec 1
  03 00 00 00   #   caplen 3
  40 00 00 00   #   wirelen 64
  02 00 00 00   #   ifindex 2
  00 08         #   protocol 0x0800
  00            #   pkt_type
  00            #   pad
  aa bb cc
  00 f1 53 65   # record @51
  02 00 00 00   #   ts_usec 2
  01 00 00 00   #   caplen 1
  01 00 00 00   #   wirelen 1
  00 00 00 00 00 00 00 00
  dd
`.replace(/#[^\n]*/g, ''));

function header(magic: string, version: string, snaplen: string, linktype: string): Uint8Array {
  return hex(magic + version + '00000000 00000000' + snaplen + linktype);
}

// ---- tests ---------------------------------------------------------------------------------

test('little-endian µs capture: header fields and frames', () => {
  const p = new PcapParser({ name: 'x.pcap' });
  const r = run([LE_US], p);
  assert.equal(r.error, undefined);
  assert.deepEqual(r.frames, EXPECTED_US.map((f) => ({ ...f, linktype: 1 })));
  assert.equal(p.littleEndian, true);
  assert.equal(p.nanosecond, false);
  assert.equal(p.versionMajor, 2);
  assert.equal(p.versionMinor, 4);
  assert.equal(p.snaplen, 65535);
  assert.equal(p.linktype, 1);
  assert.equal(p.fcsLength, null);
  assert.deepEqual(p.linktypes, [1]);
  assert.equal(p.frames, 3);
  assert.equal(p.offset, LE_US_END);
  assert.equal(p.format, 'pcap');
  // Timestamps exact to the microsecond.
  assert.equal(Math.round((r.frames[0].ts - 1700000000) * 1e6), 123456);
});

test('big-endian µs capture gives the same frames', () => {
  const le = run([LE_US]);
  const be = run([BE_US]);
  assert.equal(be.error, undefined);
  assert.deepEqual(be.frames, le.frames);
});

test('nanosecond captures, both byte orders', () => {
  for (const file of [LE_NS, BE_NS]) {
    const p = new PcapParser();
    const r = run([file], p);
    assert.equal(r.error, undefined);
    assert.equal(p.nanosecond, true);
    assert.equal(r.frames.length, 1);
    const f = r.frames[0];
    assert.equal(f.linktype, 101);
    assert.equal(f.bytes, '4500');
    assert.equal(f.ts, 1700000000 + 123456789 / 1e9);
    // Exact to the microsecond: 123456.789 µs rounds to 123457.
    assert.equal(Math.round((f.ts - 1700000000) * 1e6), 123457);
  }
});

test('modified (Kuznetzov) pcap with 24-byte record headers', () => {
  const p = new PcapParser();
  const r = run([MODIFIED], p);
  assert.equal(r.error, undefined);
  assert.equal(p.modified, true);
  assert.deepEqual(
    r.frames.map((f) => [f.fileOffset, f.caplen, f.wirelen, f.bytes]),
    [
      [24, 3, 64, 'aabbcc'],
      [51, 1, 1, 'dd'],
    ],
  );
});

test('link type field: upper bits carry the FCS length and are masked', () => {
  // 0x14000001: FCS length 1 (16-bit words) in bits 28-31, "F" bit 26 set, linktype 1.
  const p = new PcapParser();
  const r = run([header('d4c3b2a1', '02000400', 'ffff0000', '01000014')], p);
  assert.equal(r.error, undefined);
  assert.equal(p.linktype, 1);
  assert.equal(p.fcsLength, 2);
  // 0x20000001 without the F bit: upper bits are not an FCS length.
  const q = new PcapParser();
  run([header('d4c3b2a1', '02000400', 'ffff0000', '01000020')], q);
  assert.equal(q.linktype, 1);
  assert.equal(q.fcsLength, null);
});

test('pcap 2.2: swapped caplen and wirelen are put right', () => {
  const file = cat(
    header('d4c3b2a1', '02000200', 'ffff0000', '01000000'), // version 2.2
    hex('00f15365 00000000 3c000000 02000000 abcd'), // caplen 60, wirelen 2: swapped by an old libpcap
  );
  const r = run([file]);
  assert.equal(r.error, undefined);
  assert.deepEqual(
    r.frames.map((f) => [f.caplen, f.wirelen, f.bytes]),
    [[2, 60, 'abcd']],
  );
});

test('bad magic is E_BAD_MAGIC as soon as 4 bytes have arrived', () => {
  const p = new PcapParser({ name: 'notes.txt' });
  const r = run([hex('48656c6c')], p); // "Hell"
  assertPalisade(r.error, 'E_BAD_MAGIC', 0);
  assert.match(r.error.message, /notes\.txt/);
  assert.match(r.error.message, /48656c6c/);
  assert.match(r.error.message, /editcap/);
  // pcapng is not pcap
  assertPalisade(run([hex('0a0d0d0a 1c000000 4d3c2b1a')]).error, 'E_BAD_MAGIC', 0);
});

test('unsupported version is E_UNSUPPORTED_VERSION', () => {
  const r = run([header('d4c3b2a1', '03000000', 'ffff0000', '01000000')]);
  assertPalisade(r.error, 'E_UNSUPPORTED_VERSION', 4);
  assert.match(r.error.message, /3\.0/);
  assertPalisade(run([header('a1b2c3d4', '00010004', '0000ffff', '00000001')]).error, 'E_UNSUPPORTED_VERSION', 4);
});

test('caplen above max(snaplen, 262144) is E_CORRUPT_RECORD at the record', () => {
  const bad = cat(LE_US.subarray(0, 44), hex('01f15365 00000000 01000400 01000400')); // caplen 262145
  for (const chunks of [[bad], bytewise(bad)]) {
    const r = run(chunks, new PcapParser({ name: 'big.pcap' }));
    assertPalisade(r.error, 'E_CORRUPT_RECORD', 44);
    assert.match(r.error.message, /big\.pcap/);
    assert.match(r.error.message, /byte 44/);
    assert.match(r.error.message, /262145/);
    // The record before it was delivered.
    assert.equal(r.frames.length, 1);
  }
  // A snaplen above 262144 (here 1 MiB) allows such a record.
  const ok = cat(header('d4c3b2a1', '02000400', '00001000', '01000000'), hex('00f15365 00000000 01000400 01000400'), new Uint8Array(262145));
  const r = run([ok]);
  assert.equal(r.error, undefined);
  assert.equal(r.frames[0].caplen, 262145);
});

test('a record inside the chunk is a view; a record across chunks is copied', () => {
  const whole = run([LE_US]);
  assert.equal(whole.views, 3);
  // Cut inside record 1's data: it is copied, the others are views.
  const split = run(splitAt(LE_US, [30]));
  assert.equal(split.views, 2);
  assert.deepEqual(split.frames, whole.frames);
});

test('truncation at every offset: the complete records, then E_TRUNCATED at the incomplete one', () => {
  for (let cut = 0; cut <= LE_US.length; cut++) {
    const prefix = LE_US.subarray(0, cut);
    const complete = LE_US_RECORDS.filter((_, i) => (LE_US_RECORDS[i + 1] ?? LE_US_END) <= cut).length;
    const recStart = cut < 24 ? 0 : [...LE_US_RECORDS, LE_US_END].filter((o) => o <= cut).at(-1)!;
    for (const chunks of [[prefix], bytewise(prefix)]) {
      const r = run(chunks, new PcapParser({ name: 'cut.pcap' }));
      assert.equal(r.frames.length, complete, `cut ${cut}`);
      assert.deepEqual(r.frames, EXPECTED_US.slice(0, complete).map((f) => ({ ...f, linktype: 1 })));
      if (cut === recStart && cut >= 24) {
        assert.equal(r.error, undefined, `cut ${cut} is at a record boundary`);
      } else {
        assertPalisade(r.error, 'E_TRUNCATED', recStart);
        assert.match(r.error.message, /cut\.pcap/);
        assert.match(r.error.message, new RegExp(`byte ${recStart}\\b`));
        assert.match(r.error.message, new RegExp(`the ${complete} packets`));
      }
    }
  }
});

test('the truncation message says what the record header claims', () => {
  const r = run([LE_US.subarray(0, 42)]);
  assertPalisade(r.error, 'E_TRUNCATED', 24);
  assert.match(r.error.message, /record header says 4 bytes, 2 left/);
  assert.match(r.error.message, /editcap/);
});

test('after an error, push and finish throw the same error', () => {
  const p = new PcapParser();
  const r = run([hex('00000000')], p);
  assertPalisade(r.error, 'E_BAD_MAGIC');
  assert.throws(() => p.push(LE_US, { frame() {} }), (e) => e === r.error);
  assert.throws(() => p.finish(), (e) => e === r.error);
});

test('splitting at every offset into two chunks gives identical frames', () => {
  for (const file of [LE_US, BE_US, LE_NS, MODIFIED]) {
    const want = run([file]);
    assert.equal(want.error, undefined);
    for (let i = 0; i <= file.length; i++) {
      const got = run(splitAt(file, [i]));
      assert.deepEqual(got.frames, want.frames, `split at ${i}`);
      assert.equal(got.error, undefined);
    }
  }
});

test('property: any chunking gives the same frames and the same error', () => {
  // A longer capture: 40 records of varying size, cut short in the last one.
  const parts = [header('d4c3b2a1', '02000400', 'ffff0000', '01000000')];
  for (let i = 0; i < 40; i++) {
    const rec = new Uint8Array(16 + i * 7);
    const v = new DataView(rec.buffer);
    v.setUint32(0, 1700000000 + i, true);
    v.setUint32(4, i * 1000, true);
    v.setUint32(8, i * 7, true);
    v.setUint32(12, i * 7 + 4, true);
    for (let j = 16; j < rec.length; j++) rec[j] = (i * 31 + j) & 0xff;
    parts.push(rec);
  }
  const file = cat(...parts).subarray(0, -3);
  const want = run([file]);
  assert.equal(want.frames.length, 39);
  assertPalisade(want.error, 'E_TRUNCATED');
  fc.assert(
    fc.property(fc.array(fc.nat(), { maxLength: 30 }), (points) => {
      const got = run(splitAt(file, points));
      assert.deepEqual(got.frames, want.frames);
      assert.equal((got.error as PalisadeError).code, 'E_TRUNCATED');
      assert.equal((got.error as PalisadeError).offset, (want.error as PalisadeError).offset);
      assert.equal(got.outOfBounds, 0);
    }),
    { numRuns: 300 },
  );
});

test('property: random bytes and bit-flipped captures only ever raise PalisadeError, frames stay in bounds', { timeout: 60_000 }, () => {
  const check = (chunks: Uint8Array[]) => {
    const r = run(chunks);
    if (r.error !== undefined) assert.ok(r.error instanceof PalisadeError, String(r.error));
    assert.equal(r.outOfBounds, 0);
    return r;
  };
  // Random bytes behind a valid header (so that the record parser is exercised), and on their own.
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 600 }), fc.array(fc.nat(), { maxLength: 8 }), fc.boolean(), (body, points, withHeader) => {
      const file = withHeader ? cat(LE_US.subarray(0, 24), body) : body;
      const a = check([file]);
      const b = check(splitAt(file, points));
      assert.deepEqual(b.frames, a.frames);
      assert.equal((b.error as PalisadeError | undefined)?.code, (a.error as PalisadeError | undefined)?.code);
    }),
    { numRuns: 500 },
  );
  // Bit flips in valid captures.
  fc.assert(
    fc.property(
      fc.constantFrom(LE_US, BE_US, LE_NS, BE_NS, MODIFIED),
      fc.array(fc.nat(), { minLength: 1, maxLength: 6 }),
      fc.array(fc.nat(), { maxLength: 8 }),
      (orig, flips, points) => {
        const file = orig.slice();
        for (const bit of flips) file[(bit >> 3) % file.length] ^= 1 << (bit & 7);
        const a = check([file]);
        const b = check(splitAt(file, points));
        assert.deepEqual(b.frames, a.frames);
        assert.equal((b.error as PalisadeError | undefined)?.offset, (a.error as PalisadeError | undefined)?.offset);
      },
    ),
    { numRuns: 1000 },
  );
});

test('a record claiming a huge caplen under a huge snaplen only buffers the bytes that arrive', () => {
  // snaplen 0xffffffff, one record claiming 200 MB, followed by only 10 bytes: truncated, not an allocation of 200 MB.
  const file = cat(header('d4c3b2a1', '02000400', 'ffffffff', '01000000'), hex('00f15365 00000000 00c2eb0b 00c2eb0b'), new Uint8Array(10));
  const p = new PcapParser();
  const before = process.memoryUsage().arrayBuffers;
  const r = run(bytewise(file), p);
  assertPalisade(r.error, 'E_TRUNCATED', 24);
  assert.match(r.error.message, /record header says 200000000 bytes, 10 left/);
  assert.ok(process.memoryUsage().arrayBuffers - before < 50e6);
});
