// IEC 60870-5-104 on byte arrays written from the standards (IEC 60870-5-104 §5 for the
// APCI, IEC 60870-5-101 §7 for the ASDU and its information elements): every frame format,
// the common monitor and control types, time tags, the events, truncation at every offset,
// any TCP segmentation, and fuzzing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { bytewise, concat, everySplit, hex, prefixes, runSession, withoutTs, type Chunk } from '../../dissect/testing.ts';
import { PROBE, type ProbeHint } from '../../dissect/types.ts';
import { iec104, probeIec104 } from './index.ts';
import { MAX_OBJECTS } from './session.ts';

const HINT: ProbeHint = { transport: 'tcp', portMatch: true, isOrig: true, srcPort: 49152, dstPort: 2404 };

const STARTDT_ACT = hex`68 04  // start, length 4
  07 00 00 00                  // U format: STARTDT act`;
const STARTDT_CON = hex`68 04 0b 00 00 00 // U: STARTDT con`;
const TESTFR_ACT = hex`68 04 43 00 00 00 // U: TESTFR act`;
const S_FRAME = hex`68 04
  01 00                        // S format
  0a 00                        // N(R) = 5 (5 << 1)`;

/** C_IC_NA_1 station interrogation, activation. */
const INTERROGATION = hex`68 0e  // start, length 14
  00 00 02 00                    // I: N(S) = 0, N(R) = 1
  64                             // type 100 C_IC_NA_1
  01                             // SQ = 0, 1 object
  06 00                          // cause 6 act, originator 0
  01 00                          // common address 1
  00 00 00                       // IOA 0
  14                             // QOI 20: station interrogation`;

/** M_ME_NC_1, two short floats with quality, SQ = 0, cause 20 inrogen. */
const FLOATS = hex`68 1a  // length 26
  02 00 02 00                    // N(S) = 1, N(R) = 1
  0d 02                          // type 13 M_ME_NC_1, 2 objects
  14 00 01 00                    // cause 20 inrogen, OA 0, CA 1
  e9 03 00                       // IOA 1001
  00 00 48 41                    // 12.5
  00                             // QDS: good
  ea 03 00                       // IOA 1002
  00 00 c0 bf                    // -1.5
  c1                             // QDS: IV NT OV`;

/** M_SP_NA_1, SQ = 1: three single points from IOA 100. */
const SINGLE_SQ = hex`68 10  // length 16
  04 00 02 00                    // N(S) = 2, N(R) = 1
  01 83                          // type 1 M_SP_NA_1, SQ = 1, 3 elements
  03 00 05 00                    // cause 3 spont, OA 0, CA 5
  64 00 00                       // IOA 100 (first)
  01                             // SPI on
  00                             // SPI off
  91                             // SPI on, BL, IV`;

/** M_DP_TB_1 with CP56Time2a: 2023-05-17 14:30:45.123 (a Wednesday). */
const DOUBLE_TIME = hex`68 15  // length 21
  06 00 02 00                    // N(S) = 3
  1f 01                          // type 31 M_DP_TB_1, 1 object
  03 00 01 00                    // spont, CA 1
  10 27 00                       // IOA 10000
  02                             // DPI 2 = ON
  43 b0                          // 45123 ms
  1e                             // minute 30
  0e                             // hour 14
  71                             // day 17, day of week 3
  05                             // May
  17                             // 2023`;

/** C_SC_NA_1 select, then execute (single command ON, QU 0). */
const SC_SELECT = hex`68 0e  04 00 08 00  // N(S) = 2, N(R) = 4
  2d 01 06 00 01 00              // type 45 C_SC_NA_1, 1, act, CA 1
  0a 00 00                       // IOA 10
  81                             // S/E = 1 select, SCS = 1 ON`;
const SC_EXECUTE = hex`68 0e 06 00 08 00
  2d 01 06 00 01 00
  0a 00 00
  01                             // S/E = 0 execute, SCS = ON`;

/** C_DC_NA_1 execute OFF with long pulse; C_RC_NA_1 select HIGHER. */
const DC = hex`68 0e 08 00 08 00  2e 01 06 00 01 00  0b 00 00
  09                             // DCS = 1 OFF, QU = 2 long pulse, execute`;
const RC = hex`68 0e 0a 00 08 00  2f 01 06 00 01 00  0c 00 00
  86                             // RCS = 2 HIGHER, QU = 1 short pulse, select`;

/** C_SE_NC_1 set-point 42.0, execute; the negative confirmation of it. */
const SETPOINT = hex`68 12 0c 00 08 00  // length 18, N(S) = 6
  32 01 06 00 01 00              // type 50 C_SE_NC_1, act
  14 00 00                       // IOA 20
  00 00 28 42                    // 42.0
  00                             // QOS: QL 0, execute`;
const SETPOINT_NEG = hex`68 12 08 00 0e 00
  32 01 47 00 01 00              // cause 7 actcon, P/N = 1 (negative)
  14 00 00 00 00 28 42 00`;

/** M_ME_NA_1 normalized 0.5 and M_ME_NB_1 scaled -200, M_IT_NA_1 counter 70000, M_BO_NA_1, M_ST_NA_1. */
const NORMALIZED = hex`68 10 0e 00 08 00  09 01 01 00 01 00
  c8 00 00                       // IOA 200
  00 40                          // NVA 0x4000 = 0.5
  00`;
const SCALED = hex`68 10 10 00 08 00  0b 01 01 00 01 00
  c9 00 00                       // IOA 201
  38 ff                          // SVA -200
  10                             // QDS: BL`;
const COUNTER = hex`68 12 12 00 08 00  0f 01 25 00 01 00  // type 15 M_IT_NA_1, cause 37 reqcogen
  2c 01 00                       // IOA 300
  70 11 01 00                    // counter 70000
  23                             // sequence 3, CY`;
const BITSTRING = hex`68 12 14 00 08 00  07 01 03 00 01 00  // type 7 M_BO_NA_1
  2d 01 00                       // IOA 301
  78 56 34 12                    // BSI 0x12345678
  00`;
const STEP = hex`68 0f 16 00 08 00  05 01 03 00 01 00  // type 5 M_ST_NA_1, length 15
  2e 01 00                       // IOA 302
  fd                             // VTI: T = 1, value -3
  00`;

/** C_CS_NA_1 clock synchronisation; C_RP_NA_1 reset; C_CI_NA_1 counter interrogation; M_EI_NA_1. */
const CLOCK = hex`68 14 18 00 08 00  67 01 06 00 01 00  00 00 00
  43 b0 1e 0e 71 05 17           // CP56Time2a as in DOUBLE_TIME`;
const RESET = hex`68 0e 1a 00 08 00  69 01 06 00 01 00  00 00 00
  01                             // QRP 1: general reset`;
const COUNTER_IC = hex`68 0e 1c 00 08 00  65 01 06 00 01 00  00 00 00
  45                             // QCC: RQT 5 general, FRZ 1`;
const END_INIT = hex`68 0e 0a 00 20 00  46 01 04 00 01 00  00 00 00
  02                             // COI 2: remote reset`;

const C = (isOrig: boolean, bytes: Uint8Array): Chunk => ({ isOrig, bytes });

const records = (run: ReturnType<typeof runSession>, type: string) => run.records.filter(([t]) => t === type).map(([, r]) => r);

test('U and S frames: format, function, receive sequence number', () => {
  const r = runSession(iec104, [C(true, STARTDT_ACT), C(false, STARTDT_CON), C(true, TESTFR_ACT), C(false, S_FRAME)]);
  const a = records(r, 'iec104');
  assert.equal(a.length, 4);
  assert.deepEqual(
    a.map((x) => [x.is_orig, x.apdu, x.apdu_len, x.apci_type, x.u_func, x.u_func_code, x.apci_rx]),
    [
      [true, 1, 4, 'U', 'STARTDT_ACT', 0x07, undefined],
      [false, 2, 4, 'U', 'STARTDT_CON', 0x0b, undefined],
      [true, 3, 4, 'U', 'TESTFR_ACT', 0x43, undefined],
      [false, 4, 4, 'S', undefined, undefined, 5],
    ],
  );
  assert.equal(a[0].uid, 'CTestFlow0000000001');
  assert.ok(r.confirmed);
  assert.deepEqual(r.events, []);
});

test('I frame C_IC_NA_1: data unit identifier and the QOI', () => {
  const r = runSession(iec104, [C(true, INTERROGATION)]);
  const [a] = records(r, 'iec104');
  assert.deepEqual(
    { ...a, ts: 0 },
    {
      ts: 0, uid: 'CTestFlow0000000001', 'id.orig_h': '192.0.2.1', 'id.orig_p': 49152, 'id.resp_h': '192.0.2.2', 'id.resp_p': 502,
      is_orig: true, apdu: 1, apdu_len: 14, apci_type: 'I', apci_tx: 0, apci_rx: 1, u_func: undefined, u_func_code: undefined,
      type_id: 'C_IC_NA_1', type_id_code: 100, sq: false, num_ix: 1, cause_tx: 'act', cause_tx_code: 6, negative: false, test: false,
      originator_address: 0, common_address: 1, ioa: [0], value: [20], quality: [''],
    },
  );
  const [o] = records(r, 'iec104_object');
  assert.equal(o.type_id, 'C_IC_NA_1');
  assert.equal(o.ioa, 0);
  assert.equal(o.qualifier, 20);
  assert.equal(o.qualifier_name, 'station');
  assert.equal(o.quality, undefined);
});

test('M_ME_NC_1: short floats and their quality descriptors', () => {
  const r = runSession(iec104, [C(false, FLOATS)]);
  const [a] = records(r, 'iec104');
  assert.deepEqual([a.type_id, a.type_id_code, a.num_ix, a.cause_tx, a.cause_tx_code], ['M_ME_NC_1', 13, 2, 'inrogen', 20]);
  assert.deepEqual(a.ioa, [1001, 1002]);
  assert.deepEqual(a.value, [12.5, -1.5]);
  assert.deepEqual(a.quality, ['', 'OV|NT|IV']);
  const objs = records(r, 'iec104_object');
  assert.deepEqual(objs.map((o) => [o.ioa, o.value, o.quality]), [[1001, 12.5, []], [1002, -1.5, ['OV', 'NT', 'IV']]]);
  assert.ok(objs.every((o) => o.apdu === 1 && o.common_address === 1 && o.is_orig === false));
});

test('M_SP_NA_1 with SQ = 1: consecutive addresses from the first', () => {
  const r = runSession(iec104, [C(false, SINGLE_SQ)]);
  const [a] = records(r, 'iec104');
  assert.equal(a.sq, true);
  assert.equal(a.num_ix, 3);
  assert.equal(a.cause_tx, 'spont');
  assert.equal(a.common_address, 5);
  assert.deepEqual(a.ioa, [100, 101, 102]);
  assert.deepEqual(a.value, [1, 0, 1]);
  assert.deepEqual(a.quality, ['', '', 'BL|IV']);
  assert.deepEqual(records(r, 'iec104_object').map((o) => o.value_name), ['ON', 'OFF', 'ON']);
});

test('M_DP_TB_1: double point with a CP56Time2a time tag', () => {
  const r = runSession(iec104, [C(false, DOUBLE_TIME)]);
  const [o] = records(r, 'iec104_object');
  assert.equal(o.type_id, 'M_DP_TB_1');
  assert.equal(o.ioa, 10000);
  assert.equal(o.value, 2);
  assert.equal(o.value_name, 'ON');
  assert.equal(o.time, 1684333845.123); // 2023-05-17T14:30:45.123Z
  assert.equal(o.time_invalid, false);
  assert.deepEqual(o.quality, []);
});

test('CP56Time2a: the SU bit is reported, not applied; a year counted from 1900 (109) is 2009', () => {
  const su = DOUBLE_TIME.slice();
  su[19] |= 0x80; // hour octet: SU = 1
  const y = DOUBLE_TIME.slice();
  y[22] = 109; // year octet
  const r = runSession(iec104, [C(false, su), C(false, y)]);
  const [a, b] = records(r, 'iec104_object');
  assert.deepEqual([a.time, a.time_summer], [1684333845.123, true]);
  assert.deepEqual([b.time, b.time_summer], [1242570645.123, false]); // 2009-05-17T14:30:45.123Z
});

test('a keep-alive byte before the first APDU (capture started mid-connection): skipped quietly; more junk is an event', () => {
  const r = runSession(iec104, [C(true, concat(hex`00`, TESTFR_ACT)), C(false, TESTFR_ACT)]);
  assert.deepEqual(records(r, 'iec104').map((a) => a.u_func), ['TESTFR_ACT', 'TESTFR_ACT']);
  assert.deepEqual(r.events, []);
  const j = runSession(iec104, [C(true, concat(new Uint8Array(9), TESTFR_ACT))]);
  assert.deepEqual(j.events.map((e) => e.name), ['bad_start']);
});

test('commands: select/execute, qualifier of command, states', () => {
  const r = runSession(iec104, [C(true, SC_SELECT), C(true, SC_EXECUTE), C(true, DC), C(true, RC)]);
  const o = records(r, 'iec104_object');
  assert.deepEqual(
    o.map((x) => [x.type_id, x.ioa, x.value, x.value_name, x.select, x.qualifier, x.qualifier_name]),
    [
      ['C_SC_NA_1', 10, 1, 'ON', true, 0, 'no_additional_definition'],
      ['C_SC_NA_1', 10, 1, 'ON', false, 0, 'no_additional_definition'],
      ['C_DC_NA_1', 11, 1, 'OFF', false, 2, 'long_pulse'],
      ['C_RC_NA_1', 12, 2, 'HIGHER', true, 1, 'short_pulse'],
    ],
  );
});

test('set-point command and its negative confirmation', () => {
  const r = runSession(iec104, [C(true, SETPOINT), C(false, SETPOINT_NEG)]);
  const a = records(r, 'iec104');
  assert.deepEqual(a.map((x) => [x.type_id, x.cause_tx, x.negative, x.value]), [['C_SE_NC_1', 'act', false, [42]], ['C_SE_NC_1', 'actcon', true, [42]]]);
  const o = records(r, 'iec104_object');
  assert.equal(o[0].select, false);
  assert.equal(o[0].qualifier, 0);
});

test('normalized, scaled, counter, bitstring and step position values', () => {
  const r = runSession(iec104, [C(false, NORMALIZED), C(false, SCALED), C(false, COUNTER), C(false, BITSTRING), C(false, STEP)]);
  const o = records(r, 'iec104_object');
  assert.deepEqual(
    o.map((x) => [x.type_id, x.ioa, x.value, x.quality]),
    [
      ['M_ME_NA_1', 200, 0.5, []],
      ['M_ME_NB_1', 201, -200, ['BL']],
      ['M_IT_NA_1', 300, 70000, ['CY']],
      ['M_BO_NA_1', 301, 0x12345678, []],
      ['M_ST_NA_1', 302, -3, []],
    ],
  );
  assert.equal(o[2].qualifier, 3); // counter sequence number
  assert.equal(records(r, 'iec104')[2].cause_tx, 'reqcogen');
  assert.equal(o[4].transient, true);
});

test('system commands: clock synchronisation, reset process, counter interrogation, end of initialisation', () => {
  const r = runSession(iec104, [C(true, CLOCK), C(true, RESET), C(true, COUNTER_IC), C(false, END_INIT)]);
  const o = records(r, 'iec104_object');
  assert.equal(o[0].type_id, 'C_CS_NA_1');
  assert.equal(o[0].time, 1684333845.123);
  assert.equal(o[0].value, undefined);
  assert.deepEqual([o[1].type_id, o[1].qualifier, o[1].qualifier_name], ['C_RP_NA_1', 1, 'general_reset']);
  assert.deepEqual([o[2].type_id, o[2].qualifier, o[2].qualifier_name, o[2].freeze], ['C_CI_NA_1', 5, 'general', 1]);
  assert.deepEqual([o[3].type_id, o[3].qualifier_name, records(r, 'iec104')[3].cause_tx], ['M_EI_NA_1', 'remote_reset', 'init']);
  assert.deepEqual(records(r, 'iec104')[0].value, [null]);
});

test('several APDUs in one segment, in both directions', () => {
  const r = runSession(iec104, [C(true, concat(STARTDT_ACT, INTERROGATION)), C(false, concat(STARTDT_CON, FLOATS, SINGLE_SQ))]);
  assert.deepEqual(records(r, 'iec104').map((a) => a.apdu), [1, 2, 3, 4, 5]);
  assert.ok(r.confirmed);
});

test('unknown type identification: kept as data, event, objects not decoded', () => {
  const apdu = hex`68 0e 00 00 00 00  c8 01 03 00 01 00  01 00 00 ff // type 200 (private range)`;
  const r = runSession(iec104, [C(false, apdu)]);
  const [a] = records(r, 'iec104');
  assert.deepEqual([a.type_id, a.type_id_code, a.cause_tx, a.ioa], ['unknown-200', 200, 'spont', undefined]);
  assert.deepEqual(r.events.map((e) => e.name), ['unknown_type_id']);
  assert.equal(records(r, 'iec104_object').length, 0);
  // An unknown cause of transmission is data too.
  const c = runSession(iec104, [C(false, hex`68 0e 00 00 00 00  64 01 3f 00 01 00  00 00 00 14 // cause 63`)]);
  assert.equal(records(c, 'iec104')[0].cause_tx, 'unknown-63');
});

test('malformed: bad start, length mismatch, sequence gap, unknown U function; the flow goes on', () => {
  const garbage = hex`00 11 22`;
  const short = hex`68 12 02 00 00 00  0d 02 14 00 01 00  e9 03 00 00 00 48 41 00 // N(S) = 1; 2 floats declared, 1 present`;
  const gap = hex`68 0e 0a 00 00 00  64 01 06 00 01 00  00 00 00 14  // N(S) = 5 after N(S) = 0: gap`;
  const badU = hex`68 04 03 00 00 00 // U frame with no function bit`;
  const r = runSession(iec104, [
    C(true, concat(INTERROGATION, garbage, short)),
    C(true, gap),
    C(false, badU),
    C(true, TESTFR_ACT),
  ]);
  assert.deepEqual(r.events.map((e) => e.name), ['bad_start', 'length_mismatch', 'seq_gap', 'unknown_u_func']);
  const a = records(r, 'iec104');
  assert.equal(a.length, 5);
  assert.deepEqual(a[1].ioa, [1001]); // the object that fits is kept
  assert.equal(a[4].u_func, 'TESTFR_ACT');
  assert.equal(a[3].u_func, 'unknown-3');
});

test('bad length: S frame longer than 4, I frame without a data unit identifier', () => {
  const r = runSession(iec104, [
    C(true, hex`68 06 01 00 02 00 00 00 // S frame with length 6`),
    C(true, hex`68 05 00 00 00 00 64    // I frame with 1 ASDU byte`),
  ]);
  assert.deepEqual(r.events.map((e) => e.name), ['bad_length', 'bad_length']);
  assert.deepEqual(records(r, 'iec104').map((a) => [a.apci_type, a.apdu_len, a.type_id]), [['S', 6, undefined], ['I', 5, undefined]]);
});

test(`object cap: at most ${MAX_OBJECTS} objects of one ASDU are written, with an event`, () => {
  // M_SP_NA_1, SQ = 1, 127 elements: 6 + 3 + 127 = 136 ASDU bytes.
  const body = new Uint8Array(4 + 6 + 3 + 127);
  body.set([0, 0, 0, 0, 0x01, 0x80 | 127, 0x14, 0, 1, 0, 1, 0, 0]);
  const apdu = concat(new Uint8Array([0x68, body.length]), body);
  const r = runSession(iec104, [C(false, apdu)]);
  const [a] = records(r, 'iec104');
  assert.equal(a.num_ix, 127);
  assert.equal((a.ioa as number[]).length, MAX_OBJECTS);
  assert.equal(records(r, 'iec104_object').length, MAX_OBJECTS);
  assert.deepEqual(r.events.map((e) => e.name), ['too_many_objects']);
});

test('after a TCP gap: resynchronised at the next valid header, no sequence gap reported', () => {
  const r = runSession(iec104, [
    C(true, INTERROGATION),
    { isOrig: true, bytes: new Uint8Array(0), gap: 100 },
    C(true, concat(hex`00 00 68 01 99`, SC_EXECUTE)),
  ]);
  assert.deepEqual(records(r, 'iec104').map((a) => a.type_id), ['C_IC_NA_1', 'C_SC_NA_1']);
  assert.deepEqual(r.events, []);
});

test('not IEC 104: rejected after a run of bytes with no APDU', () => {
  const r = runSession(iec104, [C(true, new Uint8Array(4096).fill(0x41))]);
  assert.equal(r.rejected, 'no IEC 104 APDU');
});

const ALL = [
  STARTDT_ACT, STARTDT_CON, TESTFR_ACT, S_FRAME, INTERROGATION, FLOATS, SINGLE_SQ, DOUBLE_TIME, SC_SELECT, SC_EXECUTE, DC, RC,
  SETPOINT, SETPOINT_NEG, NORMALIZED, SCALED, COUNTER, BITSTRING, STEP, CLOCK, RESET, COUNTER_IC, END_INIT,
];

test('every message is as long as its length octet says', () => {
  for (const m of ALL) assert.equal(m.length, 2 + m[1], Buffer.from(m).toString('hex'));
});

test('truncation at every offset: no exception, no record of an incomplete APDU', () => {
  for (const m of ALL) {
    for (const p of prefixes(m)) {
      const r = runSession(iec104, [C(true, p)]);
      assert.equal(r.records.length, 0, `prefix of ${p.length} bytes`);
    }
  }
});

test('segmentation: the same records whatever the TCP cut', () => {
  const conv = ALL.map((m, i) => C(i % 2 === 0, m));
  const whole = withoutTs(runSession(iec104, conv));
  assert.ok(whole.length > ALL.length);
  let n = 0;
  for (const split of everySplit(conv)) {
    if (n++ % 7 !== 0) continue; // every seventh cut keeps this test quick; bytewise covers every offset
    assert.deepEqual(withoutTs(runSession(iec104, split)), whole);
  }
  assert.deepEqual(withoutTs(runSession(iec104, bytewise(conv))), whole);
});

test('probe: strict on the first APDU', () => {
  assert.equal(probeIec104(STARTDT_ACT, 0, 6, HINT), PROBE.YES);
  assert.equal(probeIec104(INTERROGATION, 0, INTERROGATION.length, HINT), PROBE.YES);
  assert.equal(probeIec104(INTERROGATION, 0, 8, HINT), PROBE.MAYBE);
  assert.equal(probeIec104(STARTDT_ACT, 0, 1, HINT), PROBE.MAYBE);
  assert.equal(probeIec104(hex`68 04 03 00 00 00`, 0, 6, HINT), PROBE.NO);
  assert.equal(probeIec104(hex`68 05 07 00 00 00 00`, 0, 7, HINT), PROBE.NO);
  const off: ProbeHint = { ...HINT, portMatch: false };
  assert.equal(probeIec104(hex`16 03 01 00 05`, 0, 5, off), PROBE.NO);
  // On port 2404 a capture that starts mid-stream may begin with a keep-alive byte.
  assert.equal(probeIec104(hex`16 03 01 00 05`, 0, 5, HINT), PROBE.MAYBE);
  assert.equal(probeIec104(hex`16 03 01 00 05 00 00 00 00 00`, 0, 10, HINT), PROBE.NO);
  const ka = concat(hex`00`, TESTFR_ACT);
  assert.equal(probeIec104(ka, 0, ka.length, HINT), PROBE.YES);
  assert.equal(probeIec104(ka, 0, ka.length, off), PROBE.NO);
  const bad = INTERROGATION.slice();
  bad[7] = 0x02; // 2 objects declared, 1 present
  assert.equal(probeIec104(bad, 0, bad.length, HINT), PROBE.NO);
  const t = concat(STARTDT_ACT, hex`00`);
  assert.equal(probeIec104(t, 0, t.length, HINT), PROBE.NO);
});

test('fuzzing: random bytes and bit-flipped messages never throw', () => {
  const stream = concat(...ALL);
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 600 }), fc.array(fc.nat(stream.length * 8 - 1), { maxLength: 20 }), fc.nat(600), (rand, flips, cut) => {
      const m = stream.slice();
      for (const f of flips) m[f >> 3] ^= 1 << (f & 7);
      const at = Math.min(cut, m.length);
      runSession(iec104, [C(true, m.subarray(0, at)), C(false, rand), C(true, m.subarray(at))]);
      runSession(iec104, [C(true, concat(STARTDT_ACT, rand))]);
      probeIec104(rand, 0, rand.length, HINT);
    }),
    { numRuns: 400 },
  );
});

test('docs/protocols/iec104.md documents every field of every record type and every event', async () => {
  const { readFileSync } = await import('node:fs');
  const doc = readFileSync(new URL('../../../docs/protocols/iec104.md', import.meta.url), 'utf8');
  const rows = doc.split('\n').filter((l) => l.startsWith('| `'));
  for (const [type, fields] of Object.entries(iec104.records)) {
    assert.ok(doc.includes(`### \`${type}\``), `section for ${type}`);
    assert.deepEqual(fields.slice(0, 6).map((f) => f.name), ['ts', 'uid', 'id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p']);
    // The rows of the section of this record type.
    const section = doc.slice(doc.indexOf(`### \`${type}\``)).split('\n### ')[0];
    for (const f of fields.slice(6)) assert.ok(section.includes(`| \`${f.name}\` |`), `${type}.${f.name} documented`);
  }
  for (const e of Object.keys(iec104.events)) assert.ok(rows.some((l) => l.startsWith(`| \`iec104.${e}\``)), `event iec104.${e} documented`);
});
