// Genisys: messages of every header as byte arrays, with the record each must give; the
// escape rules (station, data and CRC bytes from 0xF0 up); the CRC against the CRC
// catalogue's check values; pairing a station's answer with the master message to it; the
// events and the cap; truncation at every offset; the same records whatever the TCP
// segmentation and after a gap; the probe; fuzzing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { bytewise, concat, everySplit, hex, prefixes, runSession, withoutTs, type Chunk } from '../../dissect/testing.ts';
import { PROBE, type ProbeHint } from '../../dissect/types.ts';
import { crc16 } from './constants.ts';
import { genisys, probeGenisys } from './index.ts';
import { MAX_RAW } from './parser.ts';

const master = (bytes: Uint8Array, ts?: number): Chunk => ({ isOrig: true, bytes, ts });
const station = (bytes: Uint8Array, ts?: number): Chunk => ({ isOrig: false, bytes, ts });
const FLOW = { respP: 10001 };

/** CRC-16 computed bit by bit (reflected polynomial 0xA001, register 0xFFFF), apart from the table the dissector uses. */
function bitCrc(bytes: number[]): number {
  let c = 0xffff;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c & 1) !== 0 ? (c >>> 1) ^ 0xa001 : c >>> 1;
  }
  return c;
}

/** Escapes one byte as the protocol does between header and terminator. */
const esc = (b: number): number[] => (b >= 0xf0 ? [0xf0, b & 0x0f] : [b]);

/** A whole message: header, escaped station and data, escaped CRC (low byte first), terminator. */
function msg(header: number, body: number[], opts: { crc?: boolean; rawCrc?: boolean } = {}): Uint8Array {
  const out = [header];
  for (const b of body) out.push(...esc(b));
  if (opts.crc !== false) {
    const c = bitCrc([header, ...body]);
    if (opts.rawCrc) out.push(c & 0xff, c >> 8);
    else out.push(...esc(c & 0xff), ...esc(c >> 8));
  }
  out.push(0xf6);
  return new Uint8Array(out);
}

function one(chunks: Chunk[]) {
  return runSession(genisys, chunks, { flow: FLOW });
}

test('CRC: the CRC catalogue check values of "123456789" (CRC-16/MODBUS 0x4B37 from 0xFFFF, CRC-16/ARC 0xBB3D from 0)', () => {
  const s = new TextEncoder().encode('123456789');
  assert.equal(crc16(s, 0, s.length), 0x4b37);
  assert.equal(crc16(s, 0, s.length, 0), 0xbb3d);
  assert.equal(bitCrc([...s]), 0x4b37);
});

test('Poll with CRC and its Acknowledge Client: records field by field, paired by station', () => {
  const poll = hex`
    fb      // header: Poll
    01      // station 1
    83 40   // CRC-16 of fb 01 from 0xFFFF = 0x4083, low byte first
    f6      // terminator
  `;
  const ack = hex`
    f1      // header: Acknowledge Client (no CRC)
    01      // station 1
    f6      // terminator
  `;
  const r = one([master(poll, 100), station(ack, 100.25)]);
  assert.deepEqual(r.events, []);
  assert.equal(r.confirmed, true);
  const [[t1, p], [, a]] = r.records;
  assert.equal(t1, 'genisys');
  assert.deepEqual(
    { ...p, ts: undefined, uid: undefined },
    {
      ts: undefined, uid: undefined, 'id.orig_h': '192.0.2.1', 'id.orig_p': 49152, 'id.resp_h': '192.0.2.2', 'id.resp_p': 10001,
      proto: 'tcp', header: 'Poll', server: 1, direction: 'request', crc_transmitted: '0x4083', crc_calculated: '0x4083', payload: undefined,
      header_code: 0xfb, crc_ok: true, operation: 'read', request_header: undefined, rtt: undefined,
    },
  );
  assert.equal(p.ts, 100);
  assert.equal(a.header, 'Acknowledge Client');
  assert.equal(a.direction, 'response');
  assert.equal(a.server, 1);
  assert.equal(a.crc_transmitted, undefined);
  assert.equal(a.crc_ok, undefined);
  assert.equal(a.request_header, 'Poll');
  assert.equal(a.rtt, 0.25);
});

test('Recall Header and Indication Data with address/data pairs (the corpus trace: recall CRC 0xe080)', () => {
  const recall = hex`fd 01  80 e0  f6   // Recall Header, station 1, CRC 0xe080`;
  const ind = msg(0xf2, [0x01, 0x00, 0x05, 0x01, 0x04, 0x02, 0x00]); // station 1; 0=5, 1=4, 2=0
  const r = one([master(recall), station(ind)]);
  assert.deepEqual(r.events, []);
  const [[, q], [, s]] = r.records;
  assert.equal(q.header, 'Recall Header');
  assert.equal(q.crc_transmitted, '0xe080');
  assert.equal(q.operation, 'read');
  assert.equal(s.header, 'Indication Data');
  assert.deepEqual(s.payload, ['0=5', '1=4', '2=0']);
  assert.equal(s.crc_ok, true);
  assert.equal(s.request_header, 'Recall Header');
});

test('every header: name, direction and operation (ICSNPP names); common control is not paired', () => {
  const cases: [number, string, string, string | undefined][] = [
    [0xf9, 'Common Control Data', 'request', 'write'],
    [0xfa, 'Acknowledge Indication and Poll', 'request', 'read'],
    [0xfb, 'Poll', 'request', 'read'],
    [0xfc, 'Control Data', 'request', 'write'],
    [0xfd, 'Recall Header', 'request', 'read'],
    [0xfe, 'Execute Controls', 'request', 'execute'],
    [0xf2, 'Indication Data', 'response', undefined],
    [0xf3, 'Control Data Checkback', 'response', undefined],
  ];
  for (const [h, name, dir, op] of cases) {
    const r = one([{ isOrig: dir === 'request', bytes: msg(h, [7, 3, 0x81]) }]);
    assert.deepEqual(r.events, [], name);
    const rec = r.records[0][1];
    assert.equal(rec.header, name);
    assert.equal(rec.direction, dir);
    assert.equal(rec.operation, op);
    assert.equal(rec.server, 7);
    assert.deepEqual(rec.payload, ['3=129']);
  }
  const r = one([master(msg(0xf9, [5, 0, 1])), station(msg(0xf3, [5, 0, 1]))]);
  assert.equal(r.records[1][1].request_header, undefined);
  const r2 = one([master(msg(0xfc, [5, 0, 1])), station(msg(0xf3, [5, 0, 1]))]);
  assert.equal(r2.records[1][1].request_header, 'Control Data');
});

test('escapes: station, data and CRC bytes from 0xF0 up sent as 0xF0 + nibble; raw CRC bytes accepted too', () => {
  // Control data to station 0xF2: data 0xF0 and 0xFF, everything escaped.
  const m = msg(0xfc, [0xf2, 0x01, 0xf0, 0x02, 0xff]);
  assert.ok(m.length > 8);
  const r = one([master(m)]);
  assert.deepEqual(r.events, []);
  assert.equal(r.records[0][1].server, 0xf2);
  assert.deepEqual(r.records[0][1].payload, ['1=240', '2=255']);
  assert.equal(r.records[0][1].crc_ok, true);
  // A CRC with a byte from 0xF0 up, sent escaped and sent raw (as the corpus trace does: f2 01 01 06 1e 04 2d 04 0c fd f6).
  const trace = hex`f2 01 01 06 1e 04 2d 04  0c fd  f6`;
  const r2 = one([station(trace)]);
  assert.deepEqual(r2.events, []);
  assert.equal(r2.records[0][1].crc_transmitted, '0xfd0c');
  assert.equal(r2.records[0][1].crc_ok, true);
  const escaped = hex`f2 01 01 06 1e 04 2d 04  0c f0 0d  f6`;
  assert.equal(one([station(escaped)]).records[0][1].crc_transmitted, '0xfd0c');
  // The high CRC byte exactly 0xF0, raw, before the terminator (the trace's f2 01 08 06 0a 04 0c 04 0f 04 09 f0 f6).
  const f0 = hex`f2 01 08 06 0a 04 0c 04 0f 04  09 f0  f6`;
  const r3 = one([station(f0)]);
  assert.deepEqual(r3.events, []);
  assert.equal(r3.records[0][1].crc_transmitted, '0xf009');
  assert.deepEqual(r3.records[0][1].payload, ['8=6', '10=4', '12=4', '15=4']);
});

test('poll without CRC (station only) is valid; with two bytes after the header it is short', () => {
  const r = one([master(hex`fb 05 f6`), station(hex`f1 05 f6`)]);
  assert.deepEqual(r.events, []);
  assert.equal(r.records[0][1].crc_transmitted, undefined);
  assert.equal(r.records[1][1].request_header, 'Poll');
  const short = one([master(hex`fb 05 00 f6`)]);
  assert.deepEqual(short.events.map((e) => e.name), ['short_message']);
  const empty = one([master(hex`fc f6`)]);
  assert.deepEqual(empty.events.map((e) => e.name), ['short_message']);
  assert.equal(empty.records[0][1].server, undefined);
});

test('malformed messages raise their events and the flow goes on', () => {
  const badCrc = hex`fb 01 84 40 f6`; // CRC 0x4084, should be 0x4083
  const badEscape = concat(new Uint8Array([0xfc, 0x01, 0xf0, 0x23]), new Uint8Array([0x00, 0x00, 0xf6]));
  const unknown = msg(0xf4, [1, 2, 3]);
  const garbage = hex`00 11 22`;
  const good = msg(0xfb, [1]);
  const r = one([master(concat(badCrc, badEscape, unknown, garbage, good))]);
  // The bad escape's message also fails its CRC (00 00).
  assert.deepEqual(r.events.map((e) => e.name), ['bad_crc', 'bad_escape', 'bad_crc', 'unknown_header', 'skipped_bytes']);
  assert.match(r.events[0].addl!, /transmitted 0x4084, calculated 0x4083/);
  assert.equal(r.records.length, 4);
  assert.equal(r.records[0][1].crc_ok, false);
  assert.equal(r.records[2][1].header, 'unknown-244');
  assert.equal(r.records[2][1].direction, 'unknown');
  assert.equal(r.records[2][1].payload, undefined);
  assert.equal(r.records[3][1].crc_ok, true);
  assert.equal(r.validOrig, true);
});

test('cap: a message without terminator beyond MAX_RAW bytes is dropped up to its terminator', () => {
  const long = new Uint8Array(MAX_RAW + 10).fill(0x01);
  long[0] = 0xf2;
  const r = one([station(concat(long, hex`f6`, msg(0xf2, [1, 0, 4])))]);
  assert.deepEqual(r.events.map((e) => e.name), ['message_too_long']);
  assert.equal(r.records.length, 1);
  assert.deepEqual(r.records[0][1].payload, ['0=4']);
});

test('gap: a message cut by a gap is dropped; the side resumes at the next header byte', () => {
  const a = msg(0xf2, [1, 0, 5, 1, 4]);
  const b = msg(0xf2, [1, 0, 6]);
  const r = one([station(a.subarray(0, 4)), { isOrig: false, bytes: new Uint8Array(0), gap: 20 }, station(concat(a.subarray(6), b))]);
  assert.deepEqual(r.events, []);
  assert.equal(r.records.length, 1);
  assert.deepEqual(r.records[0][1].payload, ['0=6']);
  const cut = one([station(a.subarray(0, 5))]);
  assert.deepEqual(cut.events.map((e) => e.name), ['incomplete_message']);
});

const CONVERSATION: Chunk[] = [
  master(msg(0xfb, [1])),
  station(msg(0xf2, [1, 0, 5, 1, 0xf4, 2, 0])),
  master(msg(0xfa, [1])),
  station(hex`f1 01 f6`),
  master(msg(0xfc, [0xf1, 3, 0xfe])),
  station(msg(0xf3, [0xf1, 3, 0xfe])),
  master(msg(0xfe, [0xf1])),
  station(hex`f1 f0 01 f6`),
];

/** Records without the times (a cut moves chunk times, and with them ts and rtt). */
function untimed(chunks: Chunk[]): [string, Record<string, unknown>][] {
  return withoutTs(one(chunks)).map(([t, r]) => [t, { ...r, rtt: undefined }]);
}

test('segmentation: the same records whatever the cut, and byte by byte', () => {
  const whole = untimed(CONVERSATION);
  assert.equal(whole.length, 8);
  assert.equal(whole[7][1].server, 0xf1);
  assert.equal(whole[7][1].request_header, 'Execute Controls');
  for (const chunks of everySplit(CONVERSATION)) assert.deepEqual(untimed(chunks), whole);
  assert.deepEqual(untimed(bytewise(CONVERSATION)), whole);
});

test('truncation at every offset: no exception, records only for the whole messages', () => {
  const all = concat(...CONVERSATION.filter((c) => !c.isOrig).map((c) => c.bytes));
  const ends: number[] = [];
  let o = 0;
  for (const c of CONVERSATION.filter((c) => !c.isOrig)) ends.push((o += c.bytes.length));
  for (const p of prefixes(all)) {
    const r = one([station(p)]);
    assert.equal(r.records.length, ends.filter((e) => e <= p.length).length, `prefix ${p.length}`);
  }
});

test('probe: by content on any port when a CRC verifies; CRC-less messages only on port 10001', () => {
  const hint = (portMatch: boolean, transport: 'tcp' | 'udp' = 'tcp'): ProbeHint => ({ transport, portMatch, isOrig: true, srcPort: 53022, dstPort: 10001 });
  const poll = msg(0xfb, [1]);
  assert.equal(probeGenisys(poll, 0, poll.length, hint(false)), PROBE.YES);
  assert.equal(probeGenisys(poll, 0, 3, hint(false)), PROBE.MAYBE);
  const ack = hex`f1 01 f6`;
  assert.equal(probeGenisys(ack, 0, ack.length, hint(true)), PROBE.YES);
  assert.equal(probeGenisys(ack, 0, ack.length, hint(false)), PROBE.MAYBE);
  const ackThenData = concat(ack, msg(0xf2, [1, 0, 5]));
  assert.equal(probeGenisys(ackThenData, 0, ackThenData.length, hint(false)), PROBE.YES);
  const bad = hex`fb 01 84 40 f6`;
  assert.equal(probeGenisys(bad, 0, bad.length, hint(true)), PROBE.NO);
  assert.equal(probeGenisys(hex`47 45 54 20`, 0, 4, hint(true)), PROBE.NO);
  assert.equal(probeGenisys(hex`f4 01 f6`, 0, 3, hint(true)), PROBE.NO);
  assert.equal(probeGenisys(poll, 0, poll.length, hint(false, 'udp')), PROBE.NO);
});

test('fuzzing: random bytes and bit-flipped messages never throw', () => {
  fc.assert(
    fc.property(fc.array(fc.record({ isOrig: fc.boolean(), bytes: fc.uint8Array({ maxLength: 400 }) }), { maxLength: 10 }), (chunks) => {
      one(chunks);
    }),
    { numRuns: 300 },
  );
  const stream = concat(...CONVERSATION.map((c) => c.bytes));
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.nat(stream.length - 1), fc.nat(7)), { minLength: 1, maxLength: 6 }), fc.nat(stream.length), (flips, cut) => {
      const b = stream.slice();
      for (const [at, bit] of flips) b[at] ^= 1 << bit;
      one([station(b.subarray(0, cut)), station(b.subarray(cut))]);
      probeGenisys(b, 0, b.length, { transport: 'tcp', portMatch: true, isOrig: true, srcPort: 1, dstPort: 10001 });
    }),
    { numRuns: 500 },
  );
});

test('docs/protocols/genisys.md documents every field and every event', async () => {
  const { readFileSync } = await import('node:fs');
  const doc = readFileSync(new URL('../../../docs/protocols/genisys.md', import.meta.url), 'utf8');
  for (const [type, fields] of Object.entries(genisys.records)) {
    assert.ok(doc.includes(`### \`${type}\``), `section for ${type}`);
    for (const f of fields) assert.ok(doc.includes(`| \`${f.name}\` |`) || f.name.startsWith('id.') || f.name === 'ts' || f.name === 'uid', `${type}.${f.name} documented`);
  }
  for (const e of Object.keys(genisys.events)) assert.ok(doc.includes(`genisys.${e}`), `event genisys.${e} documented`);
});
