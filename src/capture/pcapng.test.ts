import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { PalisadeError } from '../core/errors.ts';
import type { RawFrame } from './frame.ts';
import { PcapngParser } from './pcapng.ts';

// ---- byte builders: every field is written by one call, so fixtures read field by field ----

const LE = true;
const BE = false;

function u8(...v: number[]): Uint8Array {
  return Uint8Array.from(v);
}
function u16(le: boolean, v: number): Uint8Array {
  const b = new Uint8Array(2);
  new DataView(b.buffer).setUint16(0, v, le);
  return b;
}
function u32(le: boolean, v: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v >>> 0, le);
  return b;
}
function i64(le: boolean, v: bigint): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigInt64(0, v, le);
  return b;
}
/** A 64-bit timestamp as pcapng stores it: high 32 bits, then low 32 bits, each in the section's byte order. */
function ts64(le: boolean, ticks: bigint): Uint8Array {
  return cat(u32(le, Number(ticks >> 32n)), u32(le, Number(ticks & 0xffffffffn)));
}
function ascii(s: string): Uint8Array {
  return new TextEncoder().encode(s);
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
function pad4(b: Uint8Array): Uint8Array {
  return cat(b, new Uint8Array((4 - (b.length % 4)) % 4));
}
/** A block: type, total length, body padded to 4 bytes, total length again. */
function block(le: boolean, type: number, ...body: Uint8Array[]): Uint8Array {
  const b = pad4(cat(...body));
  return cat(u32(le, type), u32(le, b.length + 12), b, u32(le, b.length + 12));
}
/** An option: code, length, value padded to 4 bytes. */
function opt(le: boolean, code: number, value: Uint8Array): Uint8Array {
  return cat(u16(le, code), u16(le, value.length), pad4(value));
}
function endOfOpt(le: boolean): Uint8Array {
  return cat(u16(le, 0), u16(le, 0));
}

const SHB = 0x0a0d0d0a;

function shb(le: boolean): Uint8Array {
  return block(
    le,
    SHB, // block type
    u32(le, 0x1a2b3c4d), // byte-order magic
    u16(le, 1), // major version
    u16(le, 0), // minor version
    i64(le, -1n), // section length: not given
  );
}

// ---- the fixture: a little-endian section, then a big-endian one ----------------------------

const US = 1_000_000n;
const NS = 1_000_000_000n;

// Section 1, little-endian.
const A_SHB = shb(LE);
const A_IDB0 = block(
  LE,
  1, // IDB
  u16(LE, 1), // linktype 1 (Ethernet)
  u16(LE, 0), // reserved
  u32(LE, 0), // snaplen: no limit
  // no options: µs timestamps
);
const A_IDB1 = block(
  LE,
  1, // IDB
  u16(LE, 101), // linktype 101 (raw IP)
  u16(LE, 0), // reserved
  u32(LE, 4), // snaplen 4
  opt(LE, 2, ascii('eth1')), // if_name
  opt(LE, 9, u8(9)), // if_tsresol: 10^-9 s
  opt(LE, 14, i64(LE, 100n)), // if_tsoffset: +100 s
  endOfOpt(LE),
);
const A_NRB = block(
  LE,
  4, // Name Resolution Block: skipped
  u16(LE, 1), // record type ipv4
  u16(LE, 9), // record length
  u8(10, 0, 0, 1), // address
  ascii('plc1\0'), // name
  u8(0, 0, 0), // record padding
  u16(LE, 0), // end of records
  u16(LE, 0),
);
const A_EPB0 = block(
  LE,
  6, // EPB
  u32(LE, 0), // interface 0
  ts64(LE, 1_700_000_000n * US + 123_456n), // 1700000000.123456 s in µs ticks
  u32(LE, 5), // caplen
  u32(LE, 60), // wirelen
  pad4(u8(0xa0, 0xa1, 0xa2, 0xa3, 0xa4)), // data + padding
  opt(LE, 1, ascii('hello')), // opt_comment
  endOfOpt(LE),
);
const A_EPB1 = block(
  LE,
  6, // EPB
  u32(LE, 1), // interface 1
  ts64(LE, 1_700_000_000n * NS + 123_456_789n), // ns ticks; above 2^53
  u32(LE, 4), // caplen
  u32(LE, 1500), // wirelen
  u8(0x45, 0x00, 0x05, 0xdc), // data
);
const A_ISB = block(
  LE,
  5, // Interface Statistics Block: skipped
  u32(LE, 0), // interface
  ts64(LE, 0n), // timestamp
  opt(LE, 4, i64(LE, 7n)), // isb_ifrecv
  endOfOpt(LE),
);
const A_SPB = block(
  LE,
  3, // Simple Packet Block: interface 0, no timestamp
  u32(LE, 70), // original length: only 6 bytes (+2 padding) fit in the block
  u8(0xb0, 0xb1, 0xb2, 0xb3, 0xb4, 0xb5), // data (padded by block())
);
const A_PB = block(
  LE,
  2, // obsolete Packet Block
  u16(LE, 1), // interface 1
  u16(LE, 0), // drops count
  ts64(LE, 1_700_000_001n * NS), // 1700000001 s in ns ticks
  u32(LE, 3), // caplen
  u32(LE, 3), // wirelen
  u8(0xc0, 0xc1, 0xc2), // data
);
const A_CUSTOM = block(
  LE,
  0x00000bad, // custom block: skipped
  u32(LE, 32473), // private enterprise number
  ascii('anything at all'),
);
const A_DSB = block(
  LE,
  0x0a, // Decryption Secrets Block: skipped
  u32(LE, 0x544c534b), // secrets type: TLS key log
  u32(LE, 4), // secrets length
  ascii('abcd'),
);

// Section 2, big-endian: interfaces start afresh.
const B_SHB = shb(BE);
const B_IDB0 = block(
  BE,
  1, // IDB
  u16(BE, 113), // linktype 113 (Linux SLL)
  u16(BE, 0), // reserved
  u32(BE, 0), // snaplen
  opt(BE, 9, u8(0x94)), // if_tsresol: 2^-20 s
  endOfOpt(BE),
);
const B_EPB0 = block(
  BE,
  6, // EPB
  u32(BE, 0), // interface 0
  ts64(BE, (1_700_000_000n << 20n) + (1n << 19n)), // 1700000000.5 s in 2^-20 ticks
  u32(BE, 2), // caplen
  u32(BE, 2), // wirelen
  u8(0xd0, 0xd1),
);

const BLOCKS = [A_SHB, A_IDB0, A_IDB1, A_NRB, A_EPB0, A_EPB1, A_ISB, A_SPB, A_PB, A_CUSTOM, A_DSB, B_SHB, B_IDB0, B_EPB0];
const FILE = cat(...BLOCKS);
const STARTS = BLOCKS.map((_, i) => BLOCKS.slice(0, i).reduce((n, b) => n + b.length, 0));
const at = (b: Uint8Array) => STARTS[BLOCKS.indexOf(b)];

const EXPECTED: Snap[] = [
  { ts: 1700000000.123456, linktype: 1, ifIndex: 0, caplen: 5, wirelen: 60, fileOffset: at(A_EPB0), bytes: 'a0a1a2a3a4' },
  { ts: 1700000100 + 123456789 / 1e9, linktype: 101, ifIndex: 1, caplen: 4, wirelen: 1500, fileOffset: at(A_EPB1), bytes: '450005dc' },
  // SPB: the last timestamp seen, interface 0.
  { ts: 1700000100 + 123456789 / 1e9, linktype: 1, ifIndex: 0, caplen: 8, wirelen: 70, fileOffset: at(A_SPB), bytes: 'b0b1b2b3b4b50000' },
  { ts: 1700000101, linktype: 101, ifIndex: 1, caplen: 3, wirelen: 3, fileOffset: at(A_PB), bytes: 'c0c1c2' },
  { ts: 1700000000.5, linktype: 113, ifIndex: 0, caplen: 2, wirelen: 2, fileOffset: at(B_EPB0), bytes: 'd0d1' },
];
const PACKET_BLOCKS = [A_EPB0, A_EPB1, A_SPB, A_PB, B_EPB0];

// ---- running the parser ----------------------------------------------------------------------

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
  outOfBounds: number;
  views: number;
}

function run(chunks: Uint8Array[], parser = new PcapngParser({ name: 'test.pcapng' })): Run {
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

/** Section 1 up to its IDBs, for tests that append one block. */
const PREFIX = cat(A_SHB, A_IDB0, A_IDB1);

// ---- tests -----------------------------------------------------------------------------------

test('two sections, two byte orders, interfaces of different link types and resolutions, every packet block type', () => {
  const p = new PcapngParser();
  const r = run([FILE], p);
  assert.equal(r.error, undefined);
  assert.deepEqual(r.frames, EXPECTED);
  assert.equal(r.views, 5);
  assert.equal(p.frames, 5);
  assert.equal(p.offset, FILE.length);
  assert.equal(p.sections, 2);
  assert.deepEqual(p.linktypes, [1, 101, 113]);
  // The current (second) section has one interface.
  assert.equal(p.interfaces.length, 1);
  assert.equal(p.interfaces[0].linktype, 113);
  assert.equal(p.format, 'pcapng');
});

test('timestamps: µs exact, ns exact to the microsecond, 2^-n resolution, if_tsoffset', () => {
  const r = run([FILE]);
  assert.equal(Math.round((r.frames[0].ts - 1700000000) * 1e6), 123456);
  assert.equal(Math.round((r.frames[1].ts - 1700000100) * 1e6), 123457); // 123456.789 µs
  assert.equal(r.frames[4].ts, 1700000000.5);
});

test('ns timestamps above 2^53 ticks are the nearest double to the true time', () => {
  const idbNs = block(LE, 1, u16(LE, 1), u16(LE, 0), u32(LE, 0), opt(LE, 9, u8(9)), endOfOpt(LE));
  // Seconds in [2^30, 2^31), where a double's step is 2^-22 s, so d * 2^22 is an exact integer and
  // |d - t/1e9| <= half a step (+ a hair for one extra rounding) <=> |d*2^22*1e9 - t*2^22| <= 0.5e9 (+2).
  // A tick count first rounded to 53 bits (±128 ns) misses this bound for about a quarter of all values.
  const check = (ticks: bigint[]) => {
    const epbs = ticks.map((t) => block(LE, 6, u32(LE, 0), ts64(LE, t), u32(LE, 0), u32(LE, 0)));
    const r = run([cat(A_SHB, idbNs, ...epbs)]);
    assert.equal(r.error, undefined);
    ticks.forEach((t, i) => {
      const d = r.frames[i].ts;
      const err = BigInt(d * 2 ** 22) * NS - t * (1n << 22n);
      assert.ok((err < 0n ? -err : err) <= 500_000_002n, `ticks ${t}: ts ${d} off by ${err} (2^-22 ns units)`);
    });
  };
  const fixed: bigint[] = [];
  for (const sec of [1_700_000_000n, 2_000_000_000n, 1_234_567_890n]) {
    for (const frac of [0n, 1n, 499n, 500n, 501n, 999n, 123_456_499n, 123_456_500n, 123_456_501n, 999_999_999n]) fixed.push(sec * NS + frac);
  }
  check(fixed);
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.bigInt({ min: 1n << 30n, max: (1n << 31n) - 2n }), fc.bigInt({ min: 0n, max: NS - 1n })), { minLength: 1, maxLength: 30 }),
      (pairs) => check(pairs.map(([sec, frac]) => sec * NS + frac)),
    ),
    { numRuns: 100 },
  );
});

test('2^-n and coarse decimal resolutions', () => {
  for (const [resol, ticks, want] of [
    [0x80 | 10, (1_700_000_000n << 10n) + 256n, 1700000000.25], // 2^-10 s
    [0, 1_700_000_000n, 1_700_000_000], // 1 s
    [3, 1_700_000_000_250n, 1700000000.25], // ms
    [0x80 | 40, (10_000_000n << 40n) + (1n << 39n), 10000000.5], // 2^-40 s: beyond the exact integer path
    [12, 10_000_000n * 10n ** 12n + 5n * 10n ** 11n, 10000000.5], // ps (64 bits of ps last only 213 days)
  ] as const) {
    const idb = block(LE, 1, u16(LE, 1), u16(LE, 0), u32(LE, 0), opt(LE, 9, u8(resol)), endOfOpt(LE));
    const r = run([cat(A_SHB, idb, block(LE, 6, u32(LE, 0), ts64(LE, ticks), u32(LE, 0), u32(LE, 0)))]);
    assert.equal(r.error, undefined);
    assert.ok(Math.abs(r.frames[0].ts - want) < 1e-6, `resol ${resol}: ${r.frames[0].ts} != ${want}`);
  }
});

test('a big-endian file alone', () => {
  const r = run([cat(B_SHB, B_IDB0, B_EPB0)]);
  assert.equal(r.error, undefined);
  assert.deepEqual(r.frames, [{ ...EXPECTED[4], fileOffset: B_SHB.length + B_IDB0.length }]);
});

test('a new section forgets the interfaces of the previous one', () => {
  const stray = block(BE, 6, u32(BE, 1), ts64(BE, 0n), u32(BE, 0), u32(BE, 0)); // interface 1 of section 2: undefined
  const r = run([cat(FILE, stray)]);
  assertPalisade(r.error, 'E_CORRUPT_RECORD', FILE.length);
  assert.match(r.error.message, /interface 1/);
  assert.deepEqual(r.frames, EXPECTED);
});

test('first block not an SHB, or a bad byte-order magic: E_BAD_MAGIC', () => {
  const pcap = run([u8(0xd4, 0xc3, 0xb2, 0xa1)], new PcapngParser({ name: 'a.pcap' }));
  assertPalisade(pcap.error, 'E_BAD_MAGIC', 0);
  assert.match(pcap.error.message, /a\.pcap/);
  assert.match(pcap.error.message, /d4c3b2a1/);
  // An EPB first, in one chunk (the inline EPB path) and byte by byte.
  for (const chunks of [[A_EPB0], bytewise(A_EPB0)]) assertPalisade(run(chunks).error, 'E_BAD_MAGIC', 0);
  const badBom = A_SHB.slice();
  badBom[8] = 0x00;
  assertPalisade(run([badBom]).error, 'E_BAD_MAGIC', 0);
  // The same in a later section is a corrupt block.
  const later = cat(PREFIX, badBom);
  assertPalisade(run([later]).error, 'E_CORRUPT_RECORD', PREFIX.length);
});

test('SHB version other than 1.x: E_UNSUPPORTED_VERSION', () => {
  const v2 = A_SHB.slice();
  v2.set(u16(LE, 2), 12);
  const r = run([v2]);
  assertPalisade(r.error, 'E_UNSUPPORTED_VERSION', 0);
  assert.match(r.error.message, /2\.0/);
});

test('corrupt block lengths: E_CORRUPT_RECORD at the block, whatever the chunking', () => {
  const epb = (...body: Uint8Array[]) => cat(...body);
  const cases: [string, Uint8Array, RegExp][] = [
    ['length not a multiple of 4', epb(u32(LE, 6), u32(LE, 34), new Uint8Array(26)), /not a multiple of 4/],
    ['length below 12', epb(u32(LE, 0xbad), u32(LE, 8), new Uint8Array(8)), /less than 12/],
    ['EPB shorter than its fixed fields', block(LE, 6, u32(LE, 0), new Uint8Array(12)), /minimum 32/],
    ['trailing length differs (EPB)', cat(A_EPB0.subarray(0, -4), u32(LE, 999)), /999 at the end/],
    ['trailing length differs (skipped NRB)', cat(A_NRB.subarray(0, -4), u32(LE, 4)), /4 at the end/],
    ['caplen larger than the block', block(LE, 6, u32(LE, 0), ts64(LE, 0n), u32(LE, 9), u32(LE, 9), new Uint8Array(8)), /9 captured bytes/],
    ['undefined interface', block(LE, 6, u32(LE, 2), ts64(LE, 0n), u32(LE, 0), u32(LE, 0)), /interface 2/],
    ['obsolete PB undefined interface', block(LE, 2, u16(LE, 7), u16(LE, 0), ts64(LE, 0n), u32(LE, 0), u32(LE, 0)), /interface 7/],
    ['EPB too large to buffer', cat(u32(LE, 6), u32(LE, 2 ** 28 + 4)), /maximum/],
  ];
  for (const [what, bad, message] of cases) {
    const file = cat(PREFIX, bad, A_EPB0);
    for (const chunks of [[file], bytewise(file), splitAt(file, [PREFIX.length + 5])]) {
      const r = run(chunks, new PcapngParser({ name: 'bad.pcapng' }));
      assertPalisade(r.error, 'E_CORRUPT_RECORD', PREFIX.length);
      assert.match(r.error.message, message, what);
      assert.match(r.error.message, new RegExp(`bad\\.pcapng: corrupt block at byte ${PREFIX.length}\\b`), what);
      assert.equal(r.frames.length, 0, what);
    }
  }
});

test('SPB before any IDB is corrupt', () => {
  const r = run([cat(A_SHB, A_SPB)]);
  assertPalisade(r.error, 'E_CORRUPT_RECORD', A_SHB.length);
});

test('SPB captured length is cut by the interface snap length', () => {
  const idb = block(LE, 1, u16(LE, 1), u16(LE, 0), u32(LE, 3), endOfOpt(LE)); // snaplen 3
  const r = run([cat(A_SHB, idb, A_SPB)]);
  assert.equal(r.error, undefined);
  assert.deepEqual([r.frames[0].caplen, r.frames[0].wirelen, r.frames[0].bytes], [3, 70, 'b0b1b2']);
});

test('malformed IDB options are ignored, the interface stays defined', () => {
  const idb = block(
    LE,
    1,
    u16(LE, 1), // linktype
    u16(LE, 0),
    u32(LE, 0),
    u16(LE, 9), // if_tsresol ...
    u16(LE, 200), // ... claiming 200 bytes that are not there
  );
  const epb = block(LE, 6, u32(LE, 0), ts64(LE, 5n * US), u32(LE, 0), u32(LE, 0));
  const r = run([cat(A_SHB, idb, epb)]);
  assert.equal(r.error, undefined);
  assert.equal(r.frames[0].ts, 5); // default µs resolution
});

test('truncation at every offset: the complete packets, then E_TRUNCATED at the incomplete block', () => {
  const ends = STARTS.map((s, i) => s + BLOCKS[i].length);
  for (let cut = 0; cut <= FILE.length; cut++) {
    const prefix = FILE.subarray(0, cut);
    const complete = PACKET_BLOCKS.filter((b) => at(b) + b.length <= cut).length;
    const boundary = cut > 0 && ends.includes(cut);
    const blockStart = cut === 0 ? 0 : STARTS.filter((s) => s <= cut).at(-1)!;
    for (const chunks of [[prefix], bytewise(prefix)]) {
      const r = run(chunks, new PcapngParser({ name: 'cut.pcapng' }));
      assert.deepEqual(r.frames, EXPECTED.slice(0, complete), `cut ${cut}`);
      if (boundary) {
        assert.equal(r.error, undefined, `cut ${cut}`);
      } else {
        assertPalisade(r.error, 'E_TRUNCATED', blockStart);
        assert.match(r.error.message, new RegExp(`^cut\\.pcapng: truncated at byte ${blockStart} `));
        assert.match(r.error.message, new RegExp(`the ${complete} packets before it`));
      }
    }
  }
});

test('a huge skipped block is streamed past, not buffered', () => {
  // A custom block claiming 1 GB: only its first bytes arrive.
  const file = cat(PREFIX, u32(LE, 0x40000bad), u32(LE, 1 << 30), new Uint8Array(100_000));
  const before = process.memoryUsage().arrayBuffers;
  const r = run(splitAt(file, [PREFIX.length + 3, PREFIX.length + 5000]));
  assertPalisade(r.error, 'E_TRUNCATED', PREFIX.length);
  assert.match(r.error.message, /block header says 1073741824 bytes/);
  assert.ok(process.memoryUsage().arrayBuffers - before < 50e6);
  // A skipped block spanning many chunks is checked and passed.
  const big = block(LE, 0xbad, new Uint8Array(10_000).fill(7));
  const ok = run(splitAt(cat(PREFIX, big, A_EPB0), [100, 3000, 3001, 9000]));
  assert.equal(ok.error, undefined);
  assert.equal(ok.frames[0].fileOffset, PREFIX.length + big.length);
});

test('a block inside the chunk is a view; one across chunks is a copy', () => {
  const r = run(splitAt(FILE, [at(A_EPB1) + 10]));
  assert.equal(r.views, 4);
  assert.deepEqual(r.frames, EXPECTED);
});

test('splitting at every offset into two or three chunks gives identical frames', () => {
  for (let i = 0; i <= FILE.length; i++) {
    const r = run(splitAt(FILE, [i, i + 13]));
    assert.equal(r.error, undefined, `split ${i}`);
    assert.deepEqual(r.frames, EXPECTED, `split ${i}`);
  }
});

test('property: random chunking gives the same frames and the same error', () => {
  const damaged = cat(FILE, A_EPB0.subarray(0, 20));
  const want = run([damaged]);
  fc.assert(
    fc.property(fc.array(fc.nat(), { maxLength: 40 }), (points) => {
      const got = run(splitAt(damaged, points));
      assert.deepEqual(got.frames, want.frames);
      assert.equal((got.error as PalisadeError).code, 'E_TRUNCATED');
      assert.equal((got.error as PalisadeError).offset, FILE.length);
      assert.equal(got.outOfBounds, 0);
    }),
    { numRuns: 300 },
  );
});

test('property: random bytes and bit-flipped files raise only PalisadeError, frames stay in bounds, chunking does not matter', { timeout: 60_000 }, () => {
  const same = (a: Run, b: Run) => {
    for (const r of [a, b]) {
      if (r.error !== undefined) assert.ok(r.error instanceof PalisadeError, String(r.error));
      assert.equal(r.outOfBounds, 0);
    }
    assert.deepEqual(b.frames, a.frames);
    assert.equal((b.error as PalisadeError | undefined)?.code, (a.error as PalisadeError | undefined)?.code);
    assert.equal((b.error as PalisadeError | undefined)?.offset, (a.error as PalisadeError | undefined)?.offset);
  };
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 400 }), fc.array(fc.nat(), { maxLength: 8 }), fc.boolean(), (body, points, withPrefix) => {
      const file = withPrefix ? cat(PREFIX, body) : body;
      same(run([file]), run(splitAt(file, points)));
    }),
    { numRuns: 500 },
  );
  fc.assert(
    fc.property(fc.array(fc.nat(), { minLength: 1, maxLength: 6 }), fc.array(fc.nat(), { maxLength: 8 }), (flips, points) => {
      const file = FILE.slice();
      for (const bit of flips) file[(bit >> 3) % file.length] ^= 1 << (bit & 7);
      same(run([file]), run(splitAt(file, points)));
    }),
    { numRuns: 1500 },
  );
});
