// Synchrophasor: frames built byte by byte from IEEE C37.118.2-2011 (CHK values computed
// with a bit-by-bit CRC-CCITT, polynomial 0x1021, initial 0xFFFF, as Annex B specifies) and
// the per-connection record they give over TCP and UDP; the probe; truncation at every
// offset; segmentation; malformed frames and their events; the caps; fuzzing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { bytewise, concat, everySplit, hex, prefixes, runSession, withoutTs, type Chunk } from '../../dissect/testing.ts';
import { PROBE, type ProbeHint } from '../../dissect/types.ts';
import { synchrophasor } from './index.ts';
import { SYN_OK, SynFrame, crcCcitt, parseFrame } from './parser.ts';
import { MAX_LISTED } from './session.ts';

const CMD_SEND_CFG2 = hex`
  aa 41        // SYNC: frame type 4 (command), version 1
  00 12        // FRAMESIZE 18
  00 f1        // IDCODE 241
  48 93 34 6a  // SOC 1217606762
  00 00 00 00  // FRACSEC: time quality 0, fraction 0
  00 05        // CMD 5: send CFG-2
  27 6c        // CHK
`;
const CMD_DATA_ON = hex`aa 41  00 12  00 f1  48 93 34 6a  00 00 00 00  00 02 // CMD 2: turn on data
  57 8b // CHK`;
const CMD_DATA_OFF = hex`aa 41  00 12  00 f1  48 93 34 6a  00 00 00 00  00 01 // CMD 1: turn off data
  67 e8 // CHK`;

const CFG2 = hex`
  aa 31        // SYNC: frame type 3 (CFG-2), version 1
  00 4a        // FRAMESIZE 74
  00 3c        // IDCODE 60
  48 93 34 70  // SOC 1217606768
  00 01 86 a0  // FRACSEC: quality 0, fraction 100000
  00 0f 42 40  // TIME_BASE 1000000
  00 01        // NUM_PMU 1
  50 4d 55 31 20 20 20 20 20 20 20 20 20 20 20 20   // STN "PMU1" (16 bytes, space padded)
  00 3c        // IDCODE of the PMU: 60
  00 00        // FORMAT: 16-bit integers, rectangular phasors
  00 01        // PHNMR 1
  00 00        // ANNMR 0
  00 00        // DGNMR 0
  56 41 20 20 20 20 20 20 20 20 20 20 20 20 20 20   // CHNAM "VA"
  00 00 00 64  // PHUNIT: voltage, 100 x 10^-5 V per bit
  00 00        // FNOM: 60 Hz
  00 01        // CFGCNT 1
  00 32        // DATA_RATE 50 frames per second
  5c 6e        // CHK
`;

const DATA = hex`
  aa 01        // SYNC: frame type 0 (data), version 1
  00 1a        // FRAMESIZE 26
  00 3c        // IDCODE 60
  48 93 34 71  // SOC 1217606769
  00 01 86 a0  // FRACSEC 100000 (0.1 s at TIME_BASE 1000000)
  00 00        // STAT
  00 64 00 00  // PHASOR VA: real 100, imaginary 0
  00 00        // FREQ deviation 0
  00 00        // DFREQ 0
  4e fa        // CHK
`;

const HEADER = hex`
  aa 11        // SYNC: frame type 1 (header), version 1
  00 19        // FRAMESIZE 25
  00 3c        // IDCODE 60
  48 93 34 71  // SOC
  00 00 00 00  // FRACSEC
  68 65 6c 6c 6f 20 50 4d 55   // DATA "hello PMU"
  68 f2        // CHK
`;

const CFG3 = hex`
  aa 52        // SYNC: frame type 5 (CFG-3), version 2
  00 61        // FRAMESIZE 97
  00 3c        // IDCODE 60
  48 93 34 70  // SOC
  00 00 00 00  // FRACSEC
  00 00        // CONT_IDX 0: the only frame
  00 0f 42 40  // TIME_BASE 1000000
  00 01        // NUM_PMU 1
  04 50 4d 55 33                       // STN: length 4, "PMU3"
  00 3c                                // IDCODE 60
  00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00   // G_PMU_ID
  00 00        // FORMAT
  00 01        // PHNMR 1
  00 00        // ANNMR 0
  00 00        // DGNMR 0
  02 56 41     // CHNAM: length 2, "VA"
  00 00 00 00 00 00 00 00 00 00 00 00   // PHSCALE: flags, scale factor, angle offset
  00 00 00 00  00 00 00 00  00 00 00 00 // PMU_LAT, PMU_LON, PMU_ELEV
  4d           // SVC_CLASS "M"
  00 00 00 00  // WINDOW
  00 00 00 00  // GRP_DLY
  00 00        // FNOM
  00 01        // CFGCNT 1
  00 32        // DATA_RATE 50
  e3 a3        // CHK
`;

const HINT: ProbeHint = { transport: 'tcp', portMatch: true, isOrig: true, srcPort: 40000, dstPort: 4712 };
const C = (bytes: Uint8Array): Chunk => ({ isOrig: true, bytes });
const S = (bytes: Uint8Array): Chunk => ({ isOrig: false, bytes });
const CONVERSATION = [C(CMD_SEND_CFG2), S(CFG2), C(CMD_DATA_ON), S(DATA), S(DATA), S(HEADER), S(CFG3), S(DATA), C(CMD_DATA_OFF)];

function fields(r: Record<string, unknown>): Record<string, unknown> {
  const { ts: _t, uid: _u, 'id.orig_h': _a, 'id.orig_p': _b, 'id.resp_h': _c, 'id.resp_p': _d, ...rest } = r;
  return rest;
}

test('the CHK words of the hand-built frames are the CRC-CCITT the specification defines', () => {
  // A bit-by-bit CRC-CCITT, independent of the table the parser uses.
  const crc = (b: Uint8Array) => {
    let c = 0xffff;
    for (const x of b) {
      c ^= x << 8;
      for (let k = 0; k < 8; k++) c = c & 0x8000 ? ((c << 1) ^ 0x1021) & 0xffff : (c << 1) & 0xffff;
    }
    return c;
  };
  for (const f of [CMD_SEND_CFG2, CMD_DATA_ON, CMD_DATA_OFF, CFG2, DATA, HEADER, CFG3]) {
    const chk = (f[f.length - 2] << 8) | f[f.length - 1];
    assert.equal(crc(f.subarray(0, f.length - 2)), chk);
    assert.equal(crcCcitt(f, 0, f.length - 2), chk);
    assert.equal((f[2] << 8) | f[3], f.length, 'FRAMESIZE counts the whole frame');
  }
});

test('each frame parses to the fields it encodes', () => {
  const f = new SynFrame();
  assert.equal(parseFrame(CMD_SEND_CFG2, 0, CMD_SEND_CFG2.length, f), SYN_OK);
  assert.deepEqual([f.type, f.version, f.frameSize, f.idcode, f.soc, f.fracsec, f.cmd, f.checksumOk], [4, 1, 18, 241, 1217606762, 0, 5, true]);
  assert.equal(parseFrame(CFG2, 0, CFG2.length, f), SYN_OK);
  assert.deepEqual([f.type, f.timeBase, f.numPmu, f.stations, f.dataRate], [3, 1000000, 1, ['PMU1'], 50]);
  assert.equal(parseFrame(CFG3, 0, CFG3.length, f), SYN_OK);
  assert.deepEqual([f.type, f.version, f.contIdx, f.timeBase, f.numPmu, f.stations, f.dataRate], [5, 2, 0, 1000000, 1, ['PMU3'], 50]);
  assert.equal(parseFrame(DATA, 0, DATA.length, f), SYN_OK);
  assert.deepEqual([f.type, f.soc, f.fracsec], [0, 1217606769, 100000]);
});

test('a TCP connection gives one record with the ICSNPP summary and the additions', () => {
  const r = runSession(synchrophasor, CONVERSATION, { flow: { respP: 4712 } });
  assert.deepEqual(r.events, []);
  assert.equal(r.confirmed, true);
  assert.equal(r.records.length, 1);
  const [type, rec] = r.records[0];
  assert.equal(type, 'synchrophasor');
  assert.equal(rec.ts, 1700000000.001, 'the time of the first frame');
  assert.deepEqual(fields(rec), {
    proto: 'tcp',
    version: [1, 2],
    data_stream_id: [241, 60],
    history: '2Dd',
    frame_size_min: 18,
    frame_size_max: 97,
    frame_size_tot: 18 + 74 + 18 + 26 + 26 + 25 + 97 + 26 + 18,
    data_frame_count: 3,
    data_rate: [50],
    command_frame_count: 3,
    config_frame_count: 2,
    header_frame_count: 1,
    commands: ['Send CFG-2', 'Data on', 'Data off'],
    station_names: ['PMU1', 'PMU3'],
    pmu_count: 1,
    time_base: 1000000,
    first_soc: 1217606768.1,
    last_soc: 1217606769.1,
  });
});

test('UDP: one frame per datagram gives the same record', () => {
  const tcp = fields(runSession(synchrophasor, CONVERSATION).records[0][1]);
  const udp = fields(runSession(synchrophasor, CONVERSATION, { transport: 'udp' }).records[0][1]);
  assert.deepEqual(udp, { ...tcp, proto: 'udp' });
});

test('probe: a whole frame with the right CHK is YES, a partial one MAYBE, anything else NO', () => {
  assert.equal(synchrophasor.probe(CFG2, 0, CFG2.length, HINT), PROBE.YES);
  assert.equal(synchrophasor.probe(CFG2, 0, 10, HINT), PROBE.MAYBE);
  assert.equal(synchrophasor.probe(CFG2, 0, 10, { ...HINT, transport: 'udp' }), PROBE.NO, 'a UDP datagram is whole');
  const bad = CFG2.slice();
  bad[bad.length - 1] ^= 1;
  assert.equal(synchrophasor.probe(bad, 0, bad.length, HINT), PROBE.NO, 'wrong CHK');
  assert.equal(synchrophasor.probe(hex`aa 71 00 12`, 0, 4, HINT), PROBE.NO, 'frame type 7');
  assert.equal(synchrophasor.probe(hex`aa 40 00 12`, 0, 4, HINT), PROBE.NO, 'version 0');
  assert.equal(synchrophasor.probe(hex`aa 41 00 0f`, 0, 4, HINT), PROBE.NO, 'FRAMESIZE 15');
  assert.equal(synchrophasor.probe(hex`47 45 54 20`, 0, 4, HINT), PROBE.NO);
});

test('the same record whatever the TCP segmentation', () => {
  const want = withoutTs(runSession(synchrophasor, CONVERSATION));
  for (const chunks of everySplit(CONVERSATION.slice(0, 3))) {
    const got = withoutTs(runSession(synchrophasor, [...chunks, ...CONVERSATION.slice(3)]));
    assert.deepEqual(got, want);
  }
  assert.deepEqual(withoutTs(runSession(synchrophasor, bytewise(CONVERSATION))), want);
});

test('truncation at every offset: no exception; a cut frame is never counted', () => {
  for (const frame of [CMD_SEND_CFG2, CFG2, DATA, HEADER, CFG3]) {
    const f = new SynFrame();
    for (const p of prefixes(frame)) {
      assert.notEqual(parseFrame(p, 0, p.length, f), SYN_OK, `prefix ${p.length}`);
      for (const transport of ['tcp', 'udp'] as const) {
        const r = runSession(synchrophasor, [C(p)], { transport });
        assert.equal(r.records.length, 0, `${transport} prefix ${p.length}`);
      }
    }
  }
});

test('malformed frames raise the declared events; later frames still count', () => {
  const badChk = DATA.slice();
  badChk[20] ^= 0xff;
  const type6 = concat(hex`aa 61 00 10 00 3c 00 00 00 00 00 00 00 00`, new Uint8Array(2));
  type6.set([crcCcitt(type6, 0, 14) >> 8, crcCcitt(type6, 0, 14) & 0xff], 14);
  const badCfg = CFG2.slice();
  badCfg[19] = 2; // NUM_PMU 2: the second block runs past the frame
  badCfg.set([crcCcitt(badCfg, 0, 72) >> 8, crcCcitt(badCfg, 0, 72) & 0xff], 72);
  const r = runSession(synchrophasor, [C(CMD_SEND_CFG2), S(badChk), S(type6), S(badCfg), S(hex`01 02 03`), S(DATA)]);
  assert.deepEqual(r.events.map((e) => e.name).sort(), ['bad_checksum', 'bad_config', 'resync', 'unknown_frame_type']);
  assert.equal(r.records[0][1].data_frame_count, 2, 'the frame with a bad CHK is counted, then the good one');
  const u = runSession(synchrophasor, [C(hex`aa 41 00 30 00 f1`), C(CMD_DATA_ON)], { transport: 'udp' });
  assert.deepEqual(u.events.map((e) => e.name), ['bad_frame_size']);
  assert.equal(u.records[0][1].history, 'D');
});

test('the per-connection lists are capped with one event', () => {
  const chunks: Chunk[] = [];
  for (let id = 1; id <= MAX_LISTED + 5; id++) {
    const f = CMD_DATA_ON.slice();
    f[4] = id >> 8;
    f[5] = id & 255;
    f.set([crcCcitt(f, 0, 16) >> 8, crcCcitt(f, 0, 16) & 0xff], 16);
    chunks.push(C(f));
  }
  const r = runSession(synchrophasor, chunks);
  assert.deepEqual(r.events.map((e) => e.name), ['too_many_values']);
  assert.equal((r.records[0][1].data_stream_id as number[]).length, MAX_LISTED);
  assert.equal(r.records[0][1].command_frame_count, MAX_LISTED + 5);
});

test('fuzz: random bytes and bit flips never throw', () => {
  const stream = concat(...CONVERSATION.map((c) => c.bytes));
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), fc.boolean(), (b, udp) => {
      runSession(synchrophasor, [C(b), S(b)], { transport: udp ? 'udp' : 'tcp' });
      return true;
    }),
    { numRuns: 500 },
  );
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.nat(stream.length - 1), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 8 }), (flips) => {
      const b = stream.slice();
      for (const [i, x] of flips) b[i] ^= x;
      runSession(synchrophasor, [C(b)]);
      return true;
    }),
    { numRuns: 500 },
  );
});
