// MELSEC / SLMP: binary 3E and 4E frames built byte by byte from the SLMP Reference Manual
// (SH-080956ENG: 3E/4E message formats, Device Read/Write (0401/1401), Remote Run (1001),
// Read Type Name (0101), end codes and error information) with the transaction records they
// give; pairing in order (3E) and by serial number (4E); the probe (and MELSOFT traffic is
// not SLMP); truncation at every offset; segmentation; malformed frames; the pending cap;
// fuzzing. There is no tshark dissector and no ICSNPP log for SLMP.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { bytewise, concat, everySplit, hex, prefixes, runSession, withoutTs, type Chunk } from '../../dissect/testing.ts';
import { PROBE, type ProbeHint } from '../../dissect/types.ts';
import { melsec } from './index.ts';
import { MAX_PENDING } from './session.ts';

const READ_REQ = hex`
  50 00        // subheader: 3E request
  00           // network number 0
  ff           // PC number FF (the connected station)
  ff 03        // request destination module I/O 03FF (own station CPU)
  00           // request destination module station 0
  0c 00        // request data length 12
  10 00        // monitoring timer 16 x 250 ms
  01 04        // command 0401: Device Read (batch)
  00 00        // subcommand 0000: word units (Q/L series device specification)
  64 00 00     // head device number 100
  a8           // device code A8: D (data register)
  03 00        // 3 points
`;
const READ_RES = hex`
  d0 00        // subheader: 3E response
  00 ff ff 03 00   // network, PC, module I/O, station
  08 00        // response data length 8
  00 00        // end code 0000: normal completion
  34 12 02 00 ef 1d   // D100 = 0x1234, D101 = 2, D102 = 0x1DEF
`;
const WRITE_REQ = hex`
  50 00 00 ff ff 03 00   // 3E request to the own station CPU
  10 00        // request data length 16
  10 00        // monitoring timer
  01 14        // command 1401: Device Write (batch)
  01 00        // subcommand 0001: bit units
  1a 00 00     // head device number 0x1A
  9d           // device code 9D: Y (output, numbered in hexadecimal)
  02 00        // 2 points
  10 00 00 00  // data (bit units: one nibble per point)
`;
const WRITE_ERR = hex`
  d0 00 00 ff ff 03 00   // 3E response
  0b 00        // response data length 11
  56 c0        // end code C056: device number out of range
  00 ff ff 03 00 01 14 01 00   // error information: network, PC, module I/O, station, command, subcommand
`;
const RUN_REQ = hex`50 00 00 ff ff 03 00  0a 00  10 00
  01 10        // command 1001: Remote Run
  00 00        // subcommand
  01 00 00 00  // mode 0001 (do not execute forcibly), clear mode 00, fixed 00`;
const RUN_RES = hex`d0 00 00 ff ff 03 00  02 00  00 00  // normal completion`;
const TYPE_REQ = hex`50 00 00 ff ff 03 00  06 00  10 00
  01 01        // command 0101: Read Type Name
  00 00        // subcommand`;
const TYPE_RES = hex`d0 00 00 ff ff 03 00
  14 00        // response data length 20
  00 00        // normal completion
  51 30 33 55 44 56 43 50 55 20 20 20 20 20 20 20   // CPU model name "Q03UDVCPU" (16 characters)
  66 02        // model code 0x0266`;
const READ_4E = hex`
  54 00        // subheader: 4E request
  34 12        // serial number 0x1234
  00 00        // fixed
  00 ff ff 03 00   // network, PC, module I/O, station
  0c 00 10 00  // data length 12, monitoring timer
  01 04 00 00  // Device Read, subcommand 0000
  64 00 00 a8 03 00   // D100, 3 points
`;
const RES_4E = hex`d4 00  34 12  00 00  00 ff ff 03 00  02 00  59 c0  // 4E response to serial 0x1234: end code C059 (wrong command or subcommand)`;
const READ_4E_B = (() => {
  const b = READ_4E.slice();
  b[2] = 0x35; // serial 0x1235
  return b;
})();

const C = (b: Uint8Array): Chunk => ({ isOrig: true, bytes: b });
const S = (b: Uint8Array): Chunk => ({ isOrig: false, bytes: b });
const HINT: ProbeHint = { transport: 'tcp', portMatch: true, isOrig: true, srcPort: 40000, dstPort: 5007 };

function defined(r: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r)) if (v !== undefined && !['ts', 'uid', 'id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p', 'rtt'].includes(k)) out[k] = v;
  return out;
}
const own = { network_number: 0, pc_number: 0xff, module_io: 0x3ff, station_number: 0, monitoring_timer: 16 };

test('3E transactions give the fields their frames encode, paired in order', () => {
  const r = runSession(melsec, [C(READ_REQ), S(READ_RES), C(WRITE_REQ), S(WRITE_ERR), C(RUN_REQ), S(RUN_RES), C(TYPE_REQ), S(TYPE_RES)]);
  assert.deepEqual(r.events, []);
  assert.equal(r.confirmed, true);
  const recs = r.records.map(([, x]) => defined(x));
  assert.deepEqual(recs[0], {
    is_orig: true, frame: '3E', ...own, command: 'Device Read (batch)', command_code: 0x0401, subcommand: 0, device: 'D', device_code: 0xa8,
    head_device: 100, points: 3, device_address: 'D100', end_code: 'Normal completion', end_code_code: 0, response_data: '34120200ef1d',
  });
  assert.deepEqual(recs[1], {
    is_orig: true, frame: '3E', ...own, command: 'Device Write (batch)', command_code: 0x1401, subcommand: 1, device: 'Y', device_code: 0x9d,
    head_device: 0x1a, points: 2, device_address: 'Y1A', request_data: '10000000', end_code: 'Device number out of range', end_code_code: 0xc056,
    response_data: '00ffff0300011401' + '00',
  });
  assert.deepEqual([recs[2].command, recs[2].request_data, recs[2].end_code], ['Remote Run', '01000000', 'Normal completion']);
  assert.deepEqual([recs[3].command, recs[3].cpu_model, recs[3].model_code], ['Read Type Name', 'Q03UDVCPU', 0x0266]);
  assert.ok(Math.abs((r.records[0][1].rtt as number) - 0.001) < 1e-6);
});

test('4E frames pair by serial number, whatever the order of the answers', () => {
  const r = runSession(melsec, [C(READ_4E), C(READ_4E_B), S(RES_4E)]);
  const recs = r.records.map(([, x]) => defined(x));
  assert.deepEqual(recs[0], {
    is_orig: true, frame: '4E', serial_number: 0x1234, ...own, command: 'Device Read (batch)', command_code: 0x0401, subcommand: 0,
    device: 'D', device_code: 0xa8, head_device: 100, points: 3, device_address: 'D100', end_code: 'Wrong command or subcommand', end_code_code: 0xc059,
  });
  assert.equal(recs[1].serial_number, 0x1235, 'the unanswered request is written at the end');
  assert.equal(recs[1].end_code, undefined);
});

test('UDP: one frame per datagram gives the same records', () => {
  const conv = [C(READ_REQ), S(READ_RES), C(TYPE_REQ), S(TYPE_RES)];
  const tcp = runSession(melsec, conv).records.map(([, x]) => defined(x));
  const udp = runSession(melsec, conv, { transport: 'udp' }).records.map(([, x]) => defined(x));
  assert.deepEqual(udp, tcp);
});

test('probe: 3E/4E frames are MELSEC; MELSOFT engineering frames and other bytes are not', () => {
  assert.equal(melsec.probe(READ_REQ, 0, READ_REQ.length, HINT), PROBE.YES);
  assert.equal(melsec.probe(READ_4E, 0, READ_4E.length, HINT), PROBE.YES);
  assert.equal(melsec.probe(READ_REQ, 0, READ_REQ.length, { ...HINT, portMatch: false }), PROBE.YES, 'a known command off the ports');
  assert.equal(melsec.probe(READ_RES, 0, READ_RES.length, { ...HINT, portMatch: false }), PROBE.NO, 'a lone response off the ports');
  assert.equal(melsec.probe(READ_REQ, 0, 10, HINT), PROBE.MAYBE);
  assert.equal(melsec.probe(READ_REQ, 0, 10, { ...HINT, transport: 'udp' }), PROBE.NO);
  // The start of a MELSOFT (GX Works) frame from the corpus: subheader 57 00, not SLMP.
  const melsoft = hex`57 00 00 00 00 11 11 07 00 00 ff ff 03 00 00 00 00 00 00 5a 00 1c 02`;
  assert.equal(melsec.probe(melsoft, 0, melsoft.length, HINT), PROBE.NO);
  assert.equal(melsec.probe(hex`d7 00 00 00 00 11 11 7f 00 00 00 a8`, 0, 12, HINT), PROBE.NO);
  assert.equal(melsec.probe(hex`50 01 00 ff ff 03 00 0c 00`, 0, 9, HINT), PROBE.NO);
  assert.equal(melsec.probe(hex`50 00 00 ff ff 03 00 02 00 00 00`, 0, 11, HINT), PROBE.NO, 'a request too short for its command');
});

test('the same records whatever the TCP segmentation', () => {
  const conv = [C(READ_REQ), S(READ_RES), C(READ_4E), S(RES_4E)];
  const norm = (chunks: Chunk[]) => withoutTs(runSession(melsec, chunks)).map(([t, r]) => [t, { ...r, rtt: undefined }]);
  const want = norm(conv);
  for (const chunks of everySplit(conv)) assert.deepEqual(norm(chunks), want);
  assert.deepEqual(norm(bytewise(conv)), want);
});

test('truncation at every offset: no exception, and a cut frame is no record', () => {
  for (const m of [READ_REQ, READ_RES, WRITE_REQ, TYPE_RES, READ_4E, RES_4E]) {
    for (const p of prefixes(m)) {
      assert.equal(runSession(melsec, [C(p)]).records.length, 0, `tcp prefix ${p.length}`);
      assert.equal(runSession(melsec, [C(p)], { transport: 'udp' }).records.length, 0, `udp prefix ${p.length}`);
    }
  }
});

test('malformed frames raise the declared events and the connection goes on', () => {
  const shortReq = hex`50 00 00 ff ff 03 00 02 00 10 00  // a request of data length 2: no command`;
  const r = runSession(melsec, [C(shortReq), C(hex`01 02 03`), S(READ_RES), C(READ_REQ), S(READ_RES)]);
  assert.deepEqual(r.events.map((e) => e.name).sort(), ['bad_length', 'resync', 'unmatched_response']);
  assert.equal(r.records.at(-1)![1].device_address, 'D100');
  const u = runSession(melsec, [C(READ_REQ.subarray(0, 14))], { transport: 'udp' });
  assert.deepEqual(u.events.map((e) => e.name), ['truncated']);
});

test('the pending cap writes the oldest request unanswered with an event', () => {
  const chunks = Array.from({ length: MAX_PENDING + 1 }, () => C(READ_REQ));
  const r = runSession(melsec, chunks);
  assert.deepEqual(r.events.map((e) => e.name), ['too_many_pending']);
  assert.equal(r.records.length, MAX_PENDING + 1);
});

test('fuzz: random bytes and bit flips never throw', () => {
  const stream = concat(READ_REQ, READ_RES, WRITE_REQ, WRITE_ERR, READ_4E, RES_4E, TYPE_REQ, TYPE_RES);
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), fc.boolean(), (b, udp) => {
      runSession(melsec, [C(b), S(b)], { transport: udp ? 'udp' : 'tcp' });
      return true;
    }),
    { numRuns: 500 },
  );
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.nat(stream.length - 1), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 8 }), (flips) => {
      const b = stream.slice();
      for (const [i, x] of flips) b[i] ^= x;
      runSession(melsec, [C(b), S(b)]);
      return true;
    }),
    { numRuns: 500 },
  );
});
