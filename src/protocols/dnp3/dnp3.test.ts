// DNP3 dissector: byte arrays commented field by field (IEEE 1815-2012), the records and
// events they must give, truncation at every offset, the same records whatever the TCP
// segmentation, malformed input raising the declared events, and fuzzing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { bytewise, concat, everySplit, hex, prefixes, runSession, withoutTs, type Chunk } from '../../dissect/testing.ts';
import { PROBE, type ProbeHint } from '../../dissect/types.ts';
import { functionName, iinFlags, objectName } from './constants.ts';
import { dnp3, probeDnp3 } from './index.ts';
import { crc16, linkFrameLength, parseFragment, type FragmentVisitor } from './parser.ts';
import { FLOOD_REQUESTS, MAX_SEGMENTS } from './session.ts';

// ---- real frames (icsnpp-dnp3/testing/traces/dnp3_example.pcap; tshark: every CRC "correct") ----

/** Frame 1: READ class 0 data, master 100 → outstation 5. */
const READ_CLASS0 = hex`
  05 64        // start
  0b           // LEN 11: control, addresses and 6 bytes of user data
  c4           // DIR, PRM, UNCONFIRMED_USER_DATA
  05 00        // destination 5
  64 00        // source 100
  6f 36        // header CRC
  d0           // transport: FIN, FIR, sequence 16
  c3           // application control: FIR, FIN, sequence 3
  01           // function READ
  3c 01 06     // object g60v1 (class 0), qualifier 0x06 (all points)
  34 4d        // block CRC
`;

/** Frame 296: SELECT of CROB index 10, Close / Pulse Off, count 1, on 500 ms. */
const SELECT_FRAME = hex`
  05 64 18 c4 05 00 64 00 fe dd   // LEN 24, DIR PRM UNCONFIRMED_USER_DATA, 100 → 5, header CRC
  cc                              // transport: FIN, FIR, sequence 12
  c7 03                           // application: FIR FIN sequence 7, SELECT
  0c 01 17 01                     // g12v1 (CROB), qualifier 0x17 (1-octet index prefix, 1-octet count), count 1
  0a                              // index 10
  42                              // control code: trip/close 01 (Close), clear 0, operation 2 (Pulse Off)
  01                              // count 1
  f4 01 00 00                     // on time 500 ms
  00 00                           // off time 0 (first two bytes: the 16-byte block ends here)
  29 0d                           // block CRC
  00 00                           // off time, last two bytes
  00                              // status 0
  ff ff                           // block CRC
`;
/** Frame 297: the outstation's RESPONSE echoing the CROB with status 0 (Success). */
const SELECT_RESPONSE = hex`
  05 64 1a 44 64 00 05 00 c0 ae   // LEN 26, PRM UNCONFIRMED_USER_DATA (no DIR), 5 → 100, header CRC
  f9                              // transport: FIN, FIR, sequence 57
  c7 81 00 00                     // application: FIR FIN sequence 7, RESPONSE, IIN 0x0000
  0c 01 17 01 0a                  // g12v1, qualifier 0x17, count 1, index 10
  42 01 f4 01 00 00 49 ab         // control 0x42, count 1, on time 500 (LE), block CRC
  00 00 00 00 00 ff ff            // off time 0, status 0 (Success), block CRC
`;

test('CRC-16/DNP of real frames (checked by tshark) and frame lengths', () => {
  assert.equal(crc16(READ_CLASS0, 0, 8), 0x366f); // stored LSB first: 6f 36
  assert.equal(crc16(READ_CLASS0, 10, 6), 0x4d34);
  assert.equal(crc16(SELECT_RESPONSE, 0, 8), 0xaec0);
  assert.equal(crc16(SELECT_RESPONSE, 10, 16), 0xab49);
  assert.equal(linkFrameLength(5), 10);
  assert.equal(linkFrameLength(11), 18);
  assert.equal(linkFrameLength(255), 292);
  assert.equal(SELECT_FRAME.length, linkFrameLength(0x18));
});

// ---- a frame builder for the tests below (CRCs from crc16, checked above) ----

function frame(ctl: number, dst: number, src: number, user: Uint8Array, lenField = user.length + 5): Uint8Array {
  const out: number[] = [0x05, 0x64, lenField, ctl, dst & 0xff, dst >> 8, src & 0xff, src >> 8];
  const h = crc16(new Uint8Array(out), 0, 8);
  out.push(h & 0xff, h >> 8);
  for (let i = 0; i < user.length; i += 16) {
    const block = user.subarray(i, Math.min(i + 16, user.length));
    out.push(...block);
    const c = crc16(block, 0, block.length);
    out.push(c & 0xff, c >> 8);
  }
  return new Uint8Array(out);
}

const MASTER = 1;
const OUTSTATION = 10;
/** A request frame from the master: DIR PRM UNCONFIRMED_USER_DATA. */
const req = (th: number, app: Uint8Array) => frame(0xc4, OUTSTATION, MASTER, concat(new Uint8Array([th]), app));
/** A response frame from the outstation: PRM UNCONFIRMED_USER_DATA. */
const resp = (th: number, app: Uint8Array) => frame(0x44, MASTER, OUTSTATION, concat(new Uint8Array([th]), app));
/** Splits an application fragment into transport segments of at most 249 bytes, sequence from `seq`. */
function segments(app: Uint8Array, seq: number, mk: (th: number, a: Uint8Array) => Uint8Array, size = 249): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0, s = seq; i < app.length; i += size, s = (s + 1) & 63) {
    const th = (i === 0 ? 0x40 : 0) | (i + size >= app.length ? 0x80 : 0) | s;
    out.push(mk(th, app.subarray(i, i + size)));
  }
  return out;
}

const O = (bytes: Uint8Array): Chunk => ({ isOrig: true, bytes });
const R = (bytes: Uint8Array): Chunk => ({ isOrig: false, bytes });
const recs = (run: ReturnType<typeof runSession>, type: string) => run.records.filter(([t]) => t === type).map(([, r]) => r);
const names = (run: ReturnType<typeof runSession>) => run.events.map((e) => e.name);

// ---- records ----

test('READ class 0 and a SELECT with its response: dnp3, dnp3_control and dnp3_objects records', () => {
  const run = runSession(dnp3, [O(READ_CLASS0), O(SELECT_FRAME), R(SELECT_RESPONSE)], { flow: { respP: 20000 } });
  assert.deepEqual(run.events, []);
  assert.ok(run.validOrig && run.validResp);
  // Zeek's pairing: the READ is replaced by the SELECT before any response, so it is written unanswered first.
  const d = recs(run, 'dnp3');
  assert.equal(d.length, 2);
  assert.deepEqual({ ...d[0], ts: 0 }, {
    ts: 0, uid: 'CTestFlow0000000001', 'id.orig_h': '192.0.2.1', 'id.orig_p': 49152, 'id.resp_h': '192.0.2.2', 'id.resp_p': 20000,
    fc_request: 'READ', fc_reply: undefined, iin: undefined, fc_request_code: 1, fc_reply_code: undefined, iin_flags: undefined,
    master_addr: 100, outstation_addr: 5,
  });
  assert.deepEqual(
    { fc_request: d[1].fc_request, fc_reply: d[1].fc_reply, iin: d[1].iin, codes: [d[1].fc_request_code, d[1].fc_reply_code], flags: d[1].iin_flags, m: d[1].master_addr, o: d[1].outstation_addr },
    { fc_request: 'SELECT', fc_reply: 'RESPONSE', iin: 0, codes: [3, 129], flags: [], m: 100, o: 5 },
  );
  // Zeek writes the pair at the response's time.
  assert.equal(d[1].ts, run.records.find(([t, r]) => t === 'dnp3_control' && r.is_orig === false)![1].ts);
  const c = recs(run, 'dnp3_control').map(({ ts: _t, uid: _u, 'id.orig_h': _a, 'id.orig_p': _b, 'id.resp_h': _c, 'id.resp_p': _d, ...r }) => r);
  assert.deepEqual(c, [
    {
      is_orig: true, source_h: '192.0.2.1', source_p: 49152, destination_h: '192.0.2.2', destination_p: 20000,
      block_type: 'Control Relay Output Block', function_code: 'SELECT', index_number: 10, trip_control_code: 'Close',
      operation_type: 'Pulse Off', clear_bit: false, execute_count: 1, on_time: 500, off_time: 0, status_code: undefined,
      fc_code: 3, control_code: 0x42, status: undefined, value: undefined,
    },
    {
      is_orig: false, source_h: '192.0.2.2', source_p: 20000, destination_h: '192.0.2.1', destination_p: 49152,
      block_type: 'Control Relay Output Block', function_code: 'RESPONSE', index_number: 10, trip_control_code: 'Close',
      operation_type: 'Pulse Off', clear_bit: false, execute_count: 1, on_time: 500, off_time: 0, status_code: 'Success',
      fc_code: 129, control_code: 0x42, status: 0, value: undefined,
    },
  ]);
  const o = recs(run, 'dnp3_objects').map((r) => [r.is_orig, r.function_code, r.object_type, r.object_count, r.range_low, r.range_high, r.object_group, r.object_variation, r.qualifier]);
  assert.deepEqual(o, [
    [true, 'READ', 'Class 0 Data', undefined, undefined, undefined, 60, 1, 0x06],
    [true, 'SELECT', 'Control Relay Output Block', 1, undefined, undefined, 12, 1, 0x17],
    [false, 'RESPONSE', 'Control Relay Output Block', 1, undefined, undefined, 12, 1, 0x17],
  ]);
});

test('a response in two transport segments, a ranged header, IIN bits; the request kept to the end is written unanswered', () => {
  // RESPONSE, IIN1 = 0x90 (DEVICE_RESTART, NEED_TIME), IIN2 = 0x02 (OBJECT_UNKNOWN)
  // g30v2 (16-bit analog input with flag), qualifier 0x00, start 0, stop 99: 100 × 3 bytes.
  const app = concat(hex`c1 81 90 02  1e 02 00 00 63`, new Uint8Array(300));
  const segs = segments(app, 62, resp); // sequence 62 then 63
  assert.equal(segs.length, 2);
  const run = runSession(dnp3, [O(req(0xc5, hex`c1 01 1e 00 06`)), ...segs.map(R), O(req(0xc6, hex`c2 0d`))]);
  assert.deepEqual(run.events, []);
  const d = recs(run, 'dnp3');
  assert.deepEqual(d.map((r) => [r.fc_request, r.fc_reply, r.iin, r.iin_flags]), [
    ['READ', 'RESPONSE', 0x9002, ['DEVICE_RESTART', 'NEED_TIME', 'OBJECT_UNKNOWN']],
    ['COLD_RESTART', undefined, undefined, undefined],
  ]);
  const o = recs(run, 'dnp3_objects');
  assert.deepEqual(o.map((r) => [r.function_code, r.object_type, r.object_count, r.range_low, r.range_high]), [
    ['READ', 'Analog Input Default Variation', undefined, undefined, undefined],
    ['RESPONSE', '16-Bit Analog Input', 100, 0, 99],
  ]);
});

test('the transport sequence counts modulo 64 (63 → 0 inside a fragment)', () => {
  const app = concat(hex`c1 81 00 00  01 02 00 00 f9`, new Uint8Array(250)); // g1v2, 250 points of one byte
  const run = runSession(dnp3, segments(app, 63, resp).map(R));
  assert.deepEqual(run.events, []);
  assert.deepEqual(recs(run, 'dnp3_objects').map((r) => r.object_count), [250]);
});

test('analog output blocks (g41) and a pattern control block in DIRECT_OPERATE go to dnp3_control with their value', () => {
  const app = hex`
    c4 05                       // FIR FIN seq 4, DIRECT_OPERATE
    29 02 28 01 00              // g41v2 (16-bit AOB), qualifier 0x28 (2-octet index, 2-octet count), count 1
    07 00  38 ff  00            // index 7, value -200, status 0
    29 03 00 02 03              // g41v3 (float AOB), qualifier 0x00, start 2, stop 3
    00 00 c0 3f 00              // index 2: 1.5, status
    00 00 20 c1 00              // index 3: -10, status
    0c 02 07 01                 // g12v2 (PCB), qualifier 0x07 (1-octet count), count 1
    81 02 64 00 00 00 c8 00 00 00 00 // Trip / Pulse On, count 2, on 100, off 200, status 0
  `;
  const run = runSession(dnp3, [O(req(0xc0, app))]);
  assert.deepEqual(run.events, []);
  const c = recs(run, 'dnp3_control');
  assert.deepEqual(c.map((r) => [r.block_type, r.function_code, r.index_number, r.value, r.trip_control_code, r.operation_type, r.execute_count, r.on_time, r.off_time]), [
    ['16-Bit Analog Output Block', 'DIRECT_OPERATE', 7, -200, undefined, undefined, undefined, undefined, undefined],
    ['32-Bit Floating Point Output Block', 'DIRECT_OPERATE', 2, 1.5, undefined, undefined, undefined, undefined, undefined],
    ['32-Bit Floating Point Output Block', 'DIRECT_OPERATE', 3, -10, undefined, undefined, undefined, undefined, undefined],
    ['Pattern Control Block', 'DIRECT_OPERATE', undefined, undefined, 'Trip', 'Pulse On', 2, 100, 200],
  ]);
});

test('device attributes (g0) carry identity values into dnp3_objects.attribute_value', () => {
  const app = hex`
    c2 81 00 00
    00 fc 00 00 00  01 04 41 43 4d 45   // g0v252 manufacturer name, range 0-0: VSTR, 4 bytes "ACME"
    00 f2 00 00 00  01 03 32 2e 31      // g0v242 software version: VSTR "2.1"
    00 f1 00 00 00  02 02 00 08         // g0v241 max receive fragment size: UINT 2048
  `;
  const run = runSession(dnp3, [R(resp(0xc0, app))]);
  assert.deepEqual(run.events, []);
  assert.deepEqual(recs(run, 'dnp3_objects').map((r) => [r.object_type, r.attribute_value]), [
    ['Device Attribute Device Manufacturer Name', 'ACME'],
    ['Device Attribute Device Manufacturer Software Version', '2.1'],
    ['Device Attribute Max Receive Fragment Size', '2048'],
  ]);
  // An unsolicited response with no request kept is written alone, with the link addresses.
  assert.deepEqual(recs(run, 'dnp3').map((r) => [r.fc_request, r.fc_reply, r.master_addr, r.outstation_addr]), [[undefined, 'RESPONSE', MASTER, OUTSTATION]]);
});

test('a file block read: objects with a size prefix carry data even in READ', () => {
  // READ g70v5 qualifier 0x5b (2-octet size prefix, 1-octet count), count 1, size 8, then g80v1.
  const app = hex`c2 01  46 05 5b 01 08 00 78 56 34 12 00 00 00 00  50 01 00 07 07`;
  const run = runSession(dnp3, [O(req(0xc0, app))]);
  assert.deepEqual(run.events, []);
  assert.deepEqual(recs(run, 'dnp3_objects').map((r) => r.object_type), ['File Transport', 'Internal Indications']);
});

test('file transfer: OPEN_FILE with a g70v3 file command gives the file name', () => {
  const name = new TextEncoder().encode('./test.xml');
  const app = concat(
    hex`
      c1 19                 // FIR FIN seq 1, OPEN_FILE
      46 03 5b 01           // g70v3 file command, qualifier 0x5b (2-octet size prefix, 1-octet count), count 1
      24 00                 // object size 36
      1a 00 0a 00           // file name offset 26, size 10
      00 00 00 00 00 00     // time of creation
      ff 01                 // permissions
      00 00 00 00           // authentication key
      00 00 00 00           // file size
      01 00                 // operational mode: read
      00 04                 // maximum block size 1024
      07 00                 // request id 7
    `,
    name,
  );
  const run = runSession(dnp3, [O(req(0xc0, app))]);
  assert.deepEqual(run.events, []);
  assert.deepEqual(recs(run, 'dnp3_objects').map((r) => [r.function_code, r.object_type, r.file_name]), [['OPEN_FILE', 'File Command', './test.xml']]);
});

test('UDP: one datagram holds several link frames', () => {
  const run = runSession(dnp3, [O(concat(READ_CLASS0, SELECT_FRAME)), R(SELECT_RESPONSE)], { transport: 'udp' });
  assert.deepEqual(run.events, []);
  assert.deepEqual(recs(run, 'dnp3').map((r) => [r.fc_request, r.fc_reply]), [['READ', undefined], ['SELECT', 'RESPONSE']]);
});

test('link-layer service frames (no user data) count as valid messages and write nothing', () => {
  // REQUEST_LINK_STATUS from the master, LINK_STATUS from the outstation (LEN 5).
  const run = runSession(dnp3, [O(frame(0xc9, OUTSTATION, MASTER, new Uint8Array(0))), R(frame(0x0b, MASTER, OUTSTATION, new Uint8Array(0)))]);
  assert.deepEqual(run.records, []);
  assert.deepEqual(run.events, []);
  assert.ok(run.confirmed);
});

// ---- events ----

test('malformed input raises the declared events and the flow goes on', () => {
  const good = req(0xc1, hex`c1 01 3c 02 06`);
  const badHeader = good.slice();
  badHeader[8] ^= 0xff; // header CRC
  const badBlock = good.slice();
  badBlock[12] ^= 0x01; // a user data byte
  const shortLen = frame(0xc4, OUTSTATION, MASTER, new Uint8Array(0), 3); // LEN 3
  const run = runSession(dnp3, [O(badHeader), O(badBlock), O(shortLen), O(req(0xc2, hex`c2 01 3c 03 06`))]);
  assert.deepEqual(names(run), ['bad_link_crc', 'bad_transport_crc', 'len_too_small']);
  assert.deepEqual(recs(run, 'dnp3_objects').map((r) => r.object_type), ['Class 2 Data']);
});

test('transport: out of sequence, a segment without a first one, a repeated segment', () => {
  const app = concat(hex`c3 02 0a 02 00 00 ff`, new Uint8Array(256)); // WRITE g10v2 0-255
  const s = segments(app, 10, req, 200);
  assert.equal(s.length, 2);
  const wrongSeq = req(0x80 | 12, app.subarray(200)); // FIN with sequence 12 after 10
  const run = runSession(dnp3, [O(s[0]), O(wrongSeq), O(s[1]), O(s[0]), O(s[0]), O(s[1])]);
  // the wrong sequence drops the fragment; its real last segment then has no first one; the
  // first segment sent twice is a link-layer retry; the fragment then completes.
  assert.deepEqual(names(run), ['bad_transport_sequence', 'bad_transport_sequence']);
  assert.deepEqual(recs(run, 'dnp3_objects').map((r) => [r.function_code, r.object_count]), [['WRITE', 256]]);
});

test('a fragment longer than MAX_SEGMENTS segments raises too_long_reassembly once and is dropped', () => {
  const s = segments(new Uint8Array(249 * (MAX_SEGMENTS + 3)).fill(0), 0, req);
  const run = runSession(dnp3, s.map(O));
  assert.deepEqual(names(run), ['too_long_reassembly']);
  assert.deepEqual(run.records, []);
});

test('caps: too many object headers, too many points', () => {
  // 2049 headers of g60v2 (3 bytes each) in one READ: the 2049th is not parsed.
  const many = concat(hex`c0 01`, ...Array.from({ length: 2049 }, () => hex`3c 02 06`));
  const run = runSession(dnp3, segments(many, 0, req).map(O));
  assert.deepEqual(names(run), ['too_many_objects']);
  assert.equal(recs(run, 'dnp3_objects').length, 2048);
  // A WRITE of 20001 single-bit binary inputs (packed: 2501 bytes), then another header.
  const points = concat(hex`c0 02 01 01 01 00 00 20 4e`, new Uint8Array(2501), hex`3c 01 06`);
  const run2 = runSession(dnp3, segments(points, 0, req).map(O));
  assert.deepEqual(names(run2), ['too_many_points']);
  assert.deepEqual(recs(run2, 'dnp3_objects').map((r) => r.object_count), [20001, undefined]);
});

test('flooded: more than FLOOD_REQUESTS requests without a response, once; a response re-arms it', () => {
  const sel = (i: number) => O(req(0xc0 | (i & 63), hex`c${(i & 15).toString(16)} 03 0c 01 17 01 00 41 01 64 00 00 00 00 00 00 00 00`));
  const run = runSession(dnp3, [...Array.from({ length: FLOOD_REQUESTS + 5 }, (_, i) => sel(i))]);
  assert.deepEqual(names(run), ['flooded']);
  const run2 = runSession(dnp3, [
    ...Array.from({ length: FLOOD_REQUESTS + 1 }, (_, i) => sel(i)),
    R(resp(0xc0, hex`c0 81 00 00`)),
    ...Array.from({ length: FLOOD_REQUESTS + 1 }, (_, i) => sel(i)),
  ]);
  assert.deepEqual(names(run2), ['flooded', 'flooded']);
  // CONFIRM and *_NR requests expect no response and never flood.
  const run3 = runSession(dnp3, Array.from({ length: 50 }, (_, i) => O(req(0xc0 | (i & 63), hex`c0 00`))));
  assert.deepEqual(names(run3), []);
});

test('unknown function codes are data: unknown-<n>, an event, no objects parsed', () => {
  const run = runSession(dnp3, [O(req(0xc0, hex`c0 70 3c 02 06`)), R(resp(0xc0, hex`c0 84 00 00`))]);
  assert.deepEqual(names(run), ['unknown_function', 'unknown_function']);
  assert.deepEqual(recs(run, 'dnp3').map((r) => [r.fc_request, r.fc_reply, r.fc_request_code, r.fc_reply_code]), [['unknown-112', 'unknown-132', 112, 132]]);
  assert.deepEqual(recs(run, 'dnp3_objects'), []);
  assert.equal(functionName(0x21), 'AUTHENTICATE_REQ_NR');
  assert.equal(objectName(200, 7), 'unknown-51207');
  assert.deepEqual(iinFlags(0x0100), ['BROADCAST']);
});

test('objects: unknown sizes, reserved qualifiers, ranges backwards, variation 0 with data, cut short', () => {
  const cases: [string, Uint8Array, string][] = [
    ['unknown size', hex`c0 81 00 00 c8 01 00 00 00 00`, 'unknown_object'],
    ['reserved range code', hex`c0 81 00 00 01 02 0a 00 00`, 'malformed'],
    ['stop below start', hex`c0 81 00 00 01 02 00 05 01`, 'malformed'],
    ['variation 0 with data', hex`c0 02 01 00 00 00 03`, 'malformed'],
    ['objects past the end', hex`c0 81 00 00 01 02 00 00 09 00`, 'malformed'],
    ['header cut short', hex`c0 81 00 00 01 02`, 'malformed'],
    ['response header cut short', hex`c0 81 00`, 'malformed'],
  ];
  for (const [what, app, ev] of cases) {
    const run = runSession(dnp3, [R(resp(0xc0, app))]);
    assert.deepEqual(names(run), [ev], what);
  }
});

test('a fragment cut inside its objects keeps the control blocks that fit (partial results)', () => {
  const app = hex`
    c1 04                               // OPERATE
    0c 01 28 02 00                      // g12v1, qualifier 0x28, count 2
    05 00 41 01 e8 03 00 00 00 00 00 00 00  // index 5: Close / Pulse On, count 1, on 1000, off 0, status 0
    06 00 41 01                         // index 6, cut after 4 of its 13 bytes
  `;
  const run = runSession(dnp3, [O(req(0xc0, app))]);
  assert.deepEqual(names(run), ['malformed']);
  assert.deepEqual(recs(run, 'dnp3_control').map((r) => [r.index_number, r.trip_control_code, r.operation_type, r.on_time]), [[5, 'Close', 'Pulse On', 1000]]);
  assert.deepEqual(recs(run, 'dnp3_objects').map((r) => r.object_count), [2]);
});

test('unexpected user data in a link frame of another function is ignored with an event', () => {
  const run = runSession(dnp3, [O(frame(0xc2, OUTSTATION, MASTER, hex`c0 c1 01 3c 01 06`))]); // TEST_LINK_STATES with data
  assert.deepEqual(names(run), ['unexpected_link_data']);
  assert.deepEqual(run.records, []);
});

test('garbage between frames and a TCP gap: resynchronised at the next valid header', () => {
  const a = req(0xc1, hex`c1 01 3c 02 06`);
  const b = req(0xc2, hex`c2 01 3c 03 06`);
  const long = segments(concat(hex`c3 02 0a 02 00 00 ff`, new Uint8Array(256)), 3, req, 200);
  const run = runSession(dnp3, [O(a), O(hex`00 11 22 05 64`), O(b), O(long[0]), { isOrig: true, bytes: new Uint8Array(0), gap: 100 }, O(long[1].subarray(20)), O(a)]);
  // The garbage ends with the start bytes, which with the next frame's first bytes read as a
  // header whose CRC is wrong: the skipped stretch is reported as such. After the gap the rest
  // of the lost segment is skipped (resync), and the next frame is read.
  assert.deepEqual(names(run), ['bad_link_crc', 'resync']);
  const plain = runSession(dnp3, [O(a), O(hex`00 11 22 33`), O(b)]);
  assert.deepEqual(names(plain), ['resync']);
  assert.deepEqual(recs(run, 'dnp3_objects').map((r) => r.object_type), ['Class 1 Data', 'Class 2 Data', 'Class 1 Data']);
});

// ---- probe ----

test('probe: a good link header is DNP3; start bytes with a bad CRC only on the port, when a good header follows', () => {
  const hint = (portMatch: boolean): ProbeHint => ({ transport: 'tcp', portMatch, isOrig: true, srcPort: 1, dstPort: 20000 });
  assert.equal(probeDnp3(READ_CLASS0, 0, READ_CLASS0.length, hint(false)), PROBE.YES);
  for (const p of prefixes(READ_CLASS0.subarray(0, 10))) assert.equal(probeDnp3(p, 0, p.length, hint(false)), PROBE.MAYBE);
  assert.equal(probeDnp3(hex`05 65 00`, 0, 3, hint(true)), PROBE.NO);
  assert.equal(probeDnp3(hex`16 03 01 00 a5`, 0, 5, hint(true)), PROBE.NO);
  const bad = READ_CLASS0.slice();
  bad[9] ^= 1;
  assert.equal(probeDnp3(bad, 0, bad.length, hint(false)), PROBE.NO);
  assert.equal(probeDnp3(bad, 0, bad.length, hint(true)), PROBE.MAYBE);
  const both = concat(bad, READ_CLASS0);
  assert.equal(probeDnp3(both, 0, both.length, hint(true)), PROBE.YES);
  const lenTooSmall = frame(0xc4, 1, 2, new Uint8Array(0), 4);
  assert.equal(probeDnp3(lenTooSmall, 0, lenTooSmall.length, hint(true)), PROBE.NO);
});

// ---- truncation, segmentation, fuzzing ----

const CONVERSATION: Chunk[] = [
  O(READ_CLASS0),
  R(resp(0xc3, concat(hex`c3 81 00 00 1e 02 00 00 13`, new Uint8Array(60)))),
  O(SELECT_FRAME),
  R(SELECT_RESPONSE),
  ...segments(concat(hex`c4 02 0a 02 00 00 ff`, new Uint8Array(256)), 7, req, 120).map(O),
  R(resp(0xc4, hex`c4 81 00 00`)),
  R(resp(0xc5, hex`f5 82 10 00 00 fc 00 00 00 01 04 41 43 4d 45`)),
];

test('every prefix of every message: no exception, records only for what is complete', () => {
  for (const c of CONVERSATION) {
    for (const p of prefixes(c.bytes)) {
      for (const transport of ['tcp', 'udp'] as const) {
        const run = runSession(dnp3, [{ ...c, bytes: p }], { transport });
        // Each message is one link frame: cut short, it writes nothing (UDP: a malformed event).
        assert.deepEqual(run.records, []);
        if (transport === 'tcp' || p.length === 0) assert.deepEqual(run.events, []);
        else assert.deepEqual(names(run), ['malformed']);
      }
    }
  }
});

test('the same records whatever the TCP segmentation', () => {
  const whole = withoutTs(runSession(dnp3, CONVERSATION));
  assert.equal(whole.filter(([t]) => t === 'dnp3').length, 4);
  assert.deepEqual(withoutTs(runSession(dnp3, bytewise(CONVERSATION))), whole);
  for (const split of everySplit(CONVERSATION)) assert.deepEqual(withoutTs(runSession(dnp3, split)), whole);
  // One chunk holding the whole conversation of each side.
  const orig = concat(...CONVERSATION.filter((c) => c.isOrig).map((c) => c.bytes));
  const respB = concat(...CONVERSATION.filter((c) => !c.isOrig).map((c) => c.bytes));
  const merged = runSession(dnp3, [O(orig), R(respB)]);
  assert.deepEqual(recs(merged, 'dnp3_objects').length, whole.filter(([t]) => t === 'dnp3_objects').length);
});

test('fuzzing: random bytes, random chunks and bit flips of valid frames never throw', () => {
  const all = concat(...CONVERSATION.map((c) => c.bytes));
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 600 }), fc.boolean(), (bytes, udp) => {
      runSession(dnp3, [O(bytes), R(bytes)], { transport: udp ? 'udp' : 'tcp' });
    }),
    { numRuns: 300 },
  );
  fc.assert(
    fc.property(fc.array(fc.nat(all.length * 8 - 1), { maxLength: 12 }), fc.array(fc.nat(all.length), { maxLength: 8 }), (flips, cuts) => {
      const b = all.slice();
      for (const f of flips) b[f >> 3] ^= 1 << (f & 7);
      const at = [...new Set(cuts)].sort((x, y) => x - y);
      const chunks: Chunk[] = [];
      let prev = 0;
      for (const c of [...at, b.length]) {
        if (c > prev) chunks.push(O(b.subarray(prev, c)));
        prev = c;
      }
      runSession(dnp3, chunks);
      runSession(dnp3, [O(b)], { transport: 'udp' });
    }),
    { numRuns: 300 },
  );
  // Application fragments of random bytes straight into the parser (CRCs cannot stop them there).
  const v: FragmentVisitor = { header() {}, object() {}, partialObject() {}, crob() {}, analogOutput() {}, sizedObject() {}, attribute() {}, problem() {} };
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
      const end = parseFragment(bytes, 0, bytes.length, v);
      assert.ok(end >= 0 && end <= bytes.length);
    }),
    { numRuns: 1000 },
  );
});
