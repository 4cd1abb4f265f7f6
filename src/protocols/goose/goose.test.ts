// GOOSE: a frame built byte by byte from IEC 61850-8-1 A.3 with the record it must give; the
// one-record-per-state-change rule (first, retransmissions folded, state change, restart,
// configuration change, summary); anomaly events; truncation at every offset; VLAN tags;
// fuzzing through the engine.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { LINKTYPE, RawFrame } from '../../capture/frame.ts';
import { Registry } from '../../dissect/registry.ts';
import { concat, hex, prefixes } from '../../dissect/testing.ts';
import { Engine } from '../../pipeline/engine.ts';
import { goose } from './index.ts';
import { GooseFrame, PROBLEM, parseGoose } from './parser.ts';
import { MAX_PUBLISHERS } from './session.ts';

const ETH = hex`
  01 0c cd 01 00 01   // destination: a GOOSE multicast address
  00 11 22 33 44 55   // source: the publisher
`;
const VLAN = hex`81 00  a0 05  // 802.1Q: priority 5, VLAN 5`;
const TYPE = hex`88 b8  // EtherType GOOSE`;

/** The reference frame: every goosePdu field, three data set members. */
const PAYLOAD = hex`
  00 01        // APPID 0x0001
  00 67        // Length 103 = 8 header bytes + 95 bytes of APDU
  00 00        // Reserved 1 (simulated bit clear)
  00 00        // Reserved 2
  61 5d        // goosePdu [APPLICATION 1], 93 bytes
  80 14  49 45 44 31 4c 44 30 2f 4c 4c 4e 30 24 47 4f 24 67 63 62 31   // [0] gocbRef "IED1LD0/LLN0$GO$gcb1"
  81 02  07 d0                                                          // [1] timeAllowedtoLive 2000 ms
  82 10  49 45 44 31 4c 44 30 2f 4c 4c 4e 30 24 44 53 31               // [2] datSet "IED1LD0/LLN0$DS1"
  83 02  47 31                                                          // [3] goID "G1"
  84 08  65 53 f1 00  80 00 00  0a      // [4] t: 1700000000 s + 0x800000/2^24 = .5 s; quality 0x0a
  85 01  05                             // [5] stNum 5
  86 02  01 02                          // [6] sqNum 258
  87 01  00                             // [7] simulation FALSE
  88 01  01                             // [8] confRev 1
  89 01  00                             // [9] ndsCom FALSE
  8a 01  03                             // [10] numDatSetEntries 3
  ab 0e                                 // [11] allData, 14 bytes
     83 01 01                           //   boolean TRUE
     84 02 06 40                        //   bit-string: 6 unused bits, 0b01 (a Dbpos "off")
     87 05 08 3f c0 00 00               //   floating-point: exponent width 8, IEEE single 1.5
`;

function rawFrame(bytes: Uint8Array, ts: number): RawFrame {
  const f = new RawFrame();
  f.data = bytes;
  f.offset = 0;
  f.caplen = f.wirelen = bytes.length;
  f.linktype = LINKTYPE.ETHERNET;
  f.ts = ts;
  return f;
}

interface Out {
  records: Record<string, unknown>[];
  weirds: Record<string, unknown>[];
  events: Record<string, number>;
  internal: number;
}

function runFrames(frames: { bytes: Uint8Array; ts: number }[]): Out {
  const out: [string, Record<string, unknown>][] = [];
  const e = new Engine({ write: (t, r) => out.push([t, r as Record<string, unknown>]) }, { registry: new Registry([], [goose]) });
  for (const f of frames) e.frame(rawFrame(f.bytes, f.ts));
  e.finish();
  const c = e.counters().dissectors.goose;
  return {
    records: out.filter(([t]) => t === 'goose').map(([, r]) => r),
    weirds: out.filter(([t]) => t === 'weird').map(([, r]) => r),
    events: c?.events ?? {},
    internal: c?.internal_errors ?? 0,
  };
}

// ---- a small BER encoder for frames that vary (independent of the parser) ----

function tlv(tag: number, body: Uint8Array | number[]): Uint8Array {
  const b = body instanceof Uint8Array ? body : new Uint8Array(body);
  const len = b.length < 128 ? [b.length] : b.length < 256 ? [0x81, b.length] : [0x82, b.length >> 8, b.length & 255];
  return concat(new Uint8Array([tag, ...len]), b);
}
const text = (s: string) => new TextEncoder().encode(s);
function int(n: number): number[] {
  const out: number[] = [];
  let v = n;
  do {
    out.unshift(v & 0xff);
    v = Math.floor(v / 256);
  } while (v > 0);
  if (out[0] & 0x80) out.unshift(0);
  return out;
}

interface Spec {
  gocbRef?: string;
  stNum: number;
  sqNum: number;
  confRev?: number;
  tal?: number;
  data?: number[][]; // allData elements, each as its TLV bytes
  entries?: number;
  appid?: number;
  src?: number;
  simulatedBit?: boolean;
}

function frameOf(s: Spec): Uint8Array {
  const data = s.data ?? [[0x83, 1, 0]];
  const pdu = tlv(
    0x61,
    concat(
      tlv(0x80, text(s.gocbRef ?? 'IED1LD0/LLN0$GO$gcb1')),
      tlv(0x81, int(s.tal ?? 2000)),
      tlv(0x82, text('IED1LD0/LLN0$DS1')),
      tlv(0x84, [0x65, 0x53, 0xf1, 0x00, 0, 0, 0, 0x0a]),
      tlv(0x85, int(s.stNum)),
      tlv(0x86, int(s.sqNum)),
      tlv(0x87, [0]),
      tlv(0x88, int(s.confRev ?? 1)),
      tlv(0x89, [0]),
      tlv(0x8a, int(s.entries ?? data.length)),
      tlv(0xab, concat(...data.map((x) => new Uint8Array(x)))),
    ),
  );
  const appid = s.appid ?? 1;
  const len = 8 + pdu.length;
  const hdr = new Uint8Array([appid >> 8, appid & 255, len >> 8, len & 255, s.simulatedBit ? 0x80 : 0, 0, 0, 0]);
  const eth = ETH.slice();
  if (s.src !== undefined) eth[11] = s.src;
  return concat(eth, TYPE, hdr, pdu);
}

// ---- the reference frame ----

test('the reference frame gives every field as the specification encodes it', () => {
  assert.equal(PAYLOAD.length, 103, 'the Length field counts the whole payload');
  const r = runFrames([{ bytes: concat(ETH, TYPE, PAYLOAD), ts: 1700000100.25 }]);
  assert.equal(r.internal, 0);
  assert.deepEqual(r.events, {});
  assert.equal(r.records.length, 2, 'the first frame, then the summary at the end');
  const [first, summary] = r.records;
  assert.deepEqual(first, {
    ts: 1700000100.25,
    src_mac: '00:11:22:33:44:55',
    dst_mac: '01:0c:cd:01:00:01',
    eth_type: '0x88b8',
    appid: '0x0001',
    length: 103,
    simulated: false,
    gocb_ref: 'IED1LD0/LLN0$GO$gcb1',
    time_allowed_to_live: 2000,
    dataset: 'IED1LD0/LLN0$DS1',
    go_id: 'G1',
    timestamp: 1700000000.5,
    timestamp_quality: 0x0a,
    st_num: 5,
    sq_num: 258,
    simulation: false,
    conf_rev: 1,
    nds_com: false,
    num_dat_set_entries: 3,
    all_data_count: 3,
    all_data_types: ['boolean', 'bit-string', 'floating-point'],
    all_data_values: ['true', '01', '1.5'],
    record_kind: 'first',
    frame_count: 1,
    state_change_count: 0,
    first_ts: 1700000100.25,
    vlan: undefined,
  });
  assert.equal(summary.record_kind, 'summary');
  assert.equal(summary.frame_count, 1);
  assert.equal(summary.gocb_ref, 'IED1LD0/LLN0$GO$gcb1');
});

test('a VLAN tag gives the same record plus the VLAN id', () => {
  const plain = runFrames([{ bytes: concat(ETH, TYPE, PAYLOAD), ts: 5 }]).records[0];
  const tagged = runFrames([{ bytes: concat(ETH, VLAN, TYPE, PAYLOAD), ts: 5 }]).records[0];
  assert.equal(tagged.vlan, 5);
  assert.deepEqual({ ...tagged, vlan: undefined }, plain);
});

test('Ethernet padding after the APDU is ignored; the Ed. 2 simulated bit is read from Reserved 1', () => {
  const padded = concat(ETH, TYPE, PAYLOAD, new Uint8Array(20));
  const r = runFrames([{ bytes: padded, ts: 1 }]);
  assert.deepEqual(r.events, {});
  assert.equal(r.records[0].length, 103);
  const sim = runFrames([{ bytes: frameOf({ stNum: 1, sqNum: 0, simulatedBit: true }), ts: 1 }]);
  assert.equal(sim.records[0].simulated, true);
});

// ---- the record rule ----

test('retransmissions are folded; stNum changes, restarts and configuration changes are written; a summary ends each publisher', () => {
  const on = [[0x83, 1, 1]];
  const off = [[0x83, 1, 0]];
  const frames = [
    { bytes: frameOf({ stNum: 1, sqNum: 0, data: off }), ts: 10 }, // first
    { bytes: frameOf({ stNum: 1, sqNum: 1, data: off }), ts: 11 }, // retransmission
    { bytes: frameOf({ stNum: 1, sqNum: 2, data: off }), ts: 12 }, // retransmission
    { bytes: frameOf({ stNum: 2, sqNum: 0, data: on }), ts: 12.5 }, // state change
    { bytes: frameOf({ stNum: 2, sqNum: 1, data: on }), ts: 12.502 }, // retransmission
    { bytes: frameOf({ stNum: 2, sqNum: 2, data: on, confRev: 2 }), ts: 12.51 }, // new configuration revision
    { bytes: frameOf({ stNum: 1, sqNum: 1, data: on, confRev: 2 }), ts: 13 }, // back to stNum 1: a restart
    { bytes: frameOf({ stNum: 1, sqNum: 2, data: on, confRev: 2 }), ts: 14 }, // retransmission
  ];
  const r = runFrames(frames);
  assert.equal(r.internal, 0);
  assert.deepEqual(
    r.records.map((x) => [x.record_kind, x.st_num, x.sq_num, x.frame_count, x.state_change_count, x.ts]),
    [
      ['first', 1, 0, 1, 0, 10],
      ['state_change', 2, 0, 4, 1, 12.5],
      ['config_change', 2, 2, 6, 1, 12.51],
      ['state_change', 1, 1, 7, 2, 13],
      ['summary', 1, 2, 8, 2, 14],
    ],
  );
  assert.deepEqual(r.records[1].all_data_values, ['true']);
  assert.deepEqual(r.events, {});
});

test('a sqNum back to 0 or 1 within one stNum is a restart; further back is an event', () => {
  const r = runFrames([
    { bytes: frameOf({ stNum: 1, sqNum: 7 }), ts: 1 },
    { bytes: frameOf({ stNum: 1, sqNum: 1 }), ts: 1.1 }, // restart
    { bytes: frameOf({ stNum: 1, sqNum: 2 }), ts: 1.2 },
    { bytes: frameOf({ stNum: 1, sqNum: 3 }), ts: 1.3 },
    { bytes: frameOf({ stNum: 1, sqNum: 2 }), ts: 1.4 }, // replayed
  ]);
  assert.deepEqual(r.records.map((x) => x.record_kind), ['first', 'restart', 'summary']);
  assert.deepEqual(r.events, { sq_num_decreased: 1 });
});

test('publishers are told apart by source MAC, APPID and gocbRef', () => {
  const r = runFrames([
    { bytes: frameOf({ stNum: 1, sqNum: 0 }), ts: 1 },
    { bytes: frameOf({ stNum: 1, sqNum: 0, src: 0x66 }), ts: 1 },
    { bytes: frameOf({ stNum: 1, sqNum: 0, appid: 2 }), ts: 1 },
    { bytes: frameOf({ stNum: 1, sqNum: 0, gocbRef: 'IED1LD0/LLN0$GO$gcb2' }), ts: 1 },
    { bytes: frameOf({ stNum: 1, sqNum: 1 }), ts: 1.5 },
  ]);
  assert.equal(r.records.filter((x) => x.record_kind === 'first').length, 4);
  const sums = r.records.filter((x) => x.record_kind === 'summary');
  assert.deepEqual(sums.map((x) => x.frame_count), [2, 1, 1, 1]);
  assert.equal(sums[1].src_mac, '00:11:22:33:44:66');
});

test('anomalies between frames: data changed without a new stNum, stNum going back, a late frame', () => {
  const r = runFrames([
    { bytes: frameOf({ stNum: 5, sqNum: 0, data: [[0x83, 1, 0]], tal: 1000 }), ts: 1 },
    { bytes: frameOf({ stNum: 5, sqNum: 1, data: [[0x83, 1, 1]], tal: 1000 }), ts: 1.5 }, // data changed, stNum did not
    { bytes: frameOf({ stNum: 3, sqNum: 0, data: [[0x83, 1, 1]], tal: 1000 }), ts: 2 }, // stNum went back
    { bytes: frameOf({ stNum: 3, sqNum: 1, data: [[0x83, 1, 1]], tal: 1000 }), ts: 4 }, // 2000 ms after a 1000 ms TAL
  ]);
  assert.deepEqual(r.events, { data_changed_without_st_num: 1, st_num_decreased: 1, ttl_exceeded: 1 });
  assert.ok(r.weirds.every((w) => typeof w.name === 'string' && (w.name as string).startsWith('goose.')));
});

// ---- malformed frames ----

test('malformed frames raise the declared events and later frames still parse', () => {
  const good = concat(ETH, TYPE, PAYLOAD);
  const badLength = good.slice();
  badLength[14 + 3] = 0xff; // Length 255, beyond the frame
  const shortLength = good.slice();
  shortLength[14 + 2] = 0;
  shortLength[14 + 3] = 4; // Length 4 < 8
  const badBer = good.slice();
  badBer[14 + 9] = 0x84; // goosePdu length: 4 length octets (0x5d80 14 49 45...) - runs past the frame
  const gse = good.slice();
  gse[14 + 8] = 0x60; // gseMngtPdu
  const noGocb = frameOf({ stNum: 1, sqNum: 0 });
  const truncated = concat(ETH, TYPE, hex`00 01 00`);
  const mismatch = frameOf({ stNum: 1, sqNum: 0, entries: 2 });
  const badT = (() => {
    const b = good.slice();
    const i = b.indexOf(0x84, 14 + 10);
    b[i + 1] = 0x07; // t with 7 bytes: the rest shifts, the sequence no longer lines up
    return b;
  })();
  assert.equal(noGocb[14 + 10], 0x80);
  noGocb[14 + 10] = 0x8c; // gocbRef's tag becomes [12], an extension the parser skips: gocbRef is missing
  const r = runFrames([
    { bytes: badLength, ts: 1 },
    { bytes: shortLength, ts: 2 },
    { bytes: badBer, ts: 3 },
    { bytes: gse, ts: 4 },
    { bytes: truncated, ts: 5 },
    { bytes: mismatch, ts: 6 },
    { bytes: badT, ts: 7 },
    { bytes: noGocb, ts: 8 },
    { bytes: good, ts: 9 },
  ]);
  assert.equal(r.internal, 0);
  for (const ev of ['bad_length', 'bad_ber', 'unsupported_pdu', 'truncated', 'entries_mismatch', 'bad_field', 'missing_field']) {
    assert.ok((r.events[ev] ?? 0) >= 1, `event ${ev}: ${JSON.stringify(r.events)}`);
  }
  assert.ok(r.records.some((x) => x.gocb_ref === 'IED1LD0/LLN0$GO$gcb1' && x.sq_num === 258), 'the good frame after them is recorded');
  assert.ok(r.weirds.length > 0 && r.weirds.every((w) => w.uid === undefined || w.uid === '' || typeof w.uid === 'string'));
});

test('truncation at every offset: no exception, and a cut frame never reports fields beyond its bytes', () => {
  const f = new GooseFrame();
  for (const p of prefixes(PAYLOAD)) {
    const problem = parseGoose(p, 0, p.length, f);
    if (p.length < PAYLOAD.length) assert.notEqual(problem, PROBLEM.NONE, `prefix ${p.length}`);
    if (f.gocbRefLen > 0) assert.ok(f.gocbRefOff + f.gocbRefLen <= p.length);
    if (f.allDataLen > 0) assert.ok(f.allDataOff + f.allDataLen <= p.length);
  }
  const r = runFrames([...prefixes(concat(ETH, TYPE, PAYLOAD))].map((bytes, i) => ({ bytes, ts: i })));
  assert.equal(r.internal, 0);
  assert.equal(r.records.length, 0, 'no prefix of the frame has all mandatory fields');
});

test('the publisher cap raises too_many_publishers once and keeps the engine going', () => {
  const frames = [];
  for (let i = 0; i <= MAX_PUBLISHERS; i++) frames.push({ bytes: frameOf({ stNum: 1, sqNum: 0, gocbRef: `IED/LLN0$GO$g${i}` }), ts: 1 });
  const r = runFrames(frames);
  assert.equal(r.events.too_many_publishers, 1);
  assert.equal(r.records.filter((x) => x.record_kind === 'first').length, MAX_PUBLISHERS);
});

// ---- fuzzing ----

test('fuzz: random payloads and bit flips of valid frames never throw', () => {
  const good = concat(ETH, TYPE, PAYLOAD);
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 0, maxLength: 300 }), (body) => {
      const r = runFrames([{ bytes: concat(ETH, TYPE, body), ts: 1 }]);
      return r.internal === 0;
    }),
    { numRuns: 300 },
  );
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.nat(good.length - 15), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 6 }), (flips) => {
      const b = good.slice();
      for (const [i, x] of flips) b[14 + i] ^= x;
      const r = runFrames([{ bytes: good, ts: 1 }, { bytes: b, ts: 2 }, { bytes: good, ts: 3 }]);
      return r.internal === 0;
    }),
    { numRuns: 500 },
  );
});
