// EtherNet/IP encapsulation on byte arrays written from the specification (ODVA Vol. 2
// ch. 2, "Encapsulation Protocol"): header fields, Register Session, List Identity (with the
// CIP child writing cip_identity), Send RR Data / Send Unit Data handing their CPF to CIP,
// probing, truncation at every offset, segmentation, malformed messages, fuzzing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { bytewise, concat, everySplit, hex, prefixes, runSession, withoutTs, type Chunk } from '../../dissect/testing.ts';
import { PROBE, type ProbeHint } from '../../dissect/types.ts';
import { cip } from '../cip/index.ts';
import { enip, probeEnip } from './index.ts';
import { MAX_PENDING } from './session.ts';

const KIDS = { children: [cip], flow: { respP: 44818 } };

/** An encapsulation message: command, session handle, status, context byte, data. */
function msg(cmd: number, session: number, status: number, ctx: number, data: Uint8Array): Uint8Array {
  const h = new Uint8Array(24 + data.length);
  const v = new DataView(h.buffer);
  v.setUint16(0, cmd, true);
  v.setUint16(2, data.length, true);
  v.setUint32(4, session, true);
  v.setUint32(8, status, true);
  h[12] = ctx;
  h.set(data, 24);
  return h;
}

const registerReq = hex`
  65 00                    // command: Register Session
  04 00                    // length: 4
  00 00 00 00              // session handle: 0 (not yet assigned)
  00 00 00 00              // status: success
  01 02 03 04 05 06 07 08  // sender context
  00 00 00 00              // options: 0
  01 00                    // protocol version: 1
  00 00                    // option flags: 0
`;
const registerRep = hex`
  65 00 04 00
  00 01 02 11              // session handle: 0x11020100
  00 00 00 00
  01 02 03 04 05 06 07 08  // sender context echoed
  00 00 00 00
  01 00 00 00
`;

// Send RR Data: Get Attributes All to the Identity object (class 1, instance 1), unconnected.
const rrReq = hex`
  6f 00 16 00              // Send RR Data, length 22
  00 01 02 11              // session handle 0x11020100
  00 00 00 00  00 00 00 00 00 00 00 2a  00 00 00 00
  00 00 00 00              // interface handle: CIP
  05 00                    // timeout: 5 s
  02 00                    // item count: 2
  00 00 00 00              // null address item, length 0
  b2 00 06 00              // unconnected data item, length 6
  01                       // CIP service: Get Attributes All (request)
  02                       // request path size: 2 words
  20 01 24 01              // class 0x01 (Identity), instance 0x01
`;
const identityAttrs = hex`
  01 00                    // vendor id 1
  0e 00                    // device type 14 (Programmable Logic Controller)
  36 00                    // product code 54
  14 0b                    // revision 20.11
  60 30                    // status 0x3060
  78 56 34 12              // serial number 0x12345678
  0a 31 37 35 36 2d 4c 36 31 2f 42  // product name, 10 characters: "1756-L61/B"
  03                       // state 3
`;
const rrRep = concat(
  hex`
  6f 00 2e 00              // Send RR Data, length 46
  00 01 02 11  00 00 00 00  00 00 00 00 00 00 00 2a  00 00 00 00
  00 00 00 00  00 00       // interface handle, timeout
  02 00                    // item count 2
  00 00 00 00              // null address
  b2 00 1e 00              // unconnected data item, length 30
  81                       // Get Attributes All (response)
  00                       // reserved
  00                       // general status: success
  00                       // additional status size: 0
`,
  identityAttrs,
);

test('Register Session and Send RR Data: one enip record per message, CIP from the child', () => {
  const run = runSession(enip, [
    { isOrig: true, bytes: registerReq },
    { isOrig: false, bytes: registerRep },
    { isOrig: true, bytes: rrReq },
    { isOrig: false, bytes: rrRep },
  ], KIDS);
  assert.deepEqual(run.events, []);
  assert.ok(run.confirmed);
  assert.deepEqual(run.children, ['cip']);
  const e = run.records.filter(([t]) => t === 'enip').map(([, r]) => r);
  assert.equal(e.length, 4);
  const { ts: _ts, uid: _uid, ...first } = e[0];
  assert.deepEqual(first, {
    'id.orig_h': '192.0.2.1', 'id.orig_p': 49152, 'id.resp_h': '192.0.2.2', 'id.resp_p': 44818,
    is_orig: true, source_h: '192.0.2.1', source_p: 49152, destination_h: '192.0.2.2', destination_p: 44818,
    enip_command_code: '0x65', enip_command: 'Register Session', length: 4, session_handle: '0x00000000',
    enip_status: 'Success', sender_context: '0x0102030405060708', options: '0x00000000', enip_status_code: 0,
  });
  assert.equal(e[1].session_handle, '0x11020100');
  assert.equal(e[1].is_orig, false);
  assert.equal(e[1].source_p, 44818);
  assert.deepEqual([e[2].enip_command_code, e[2].enip_command, e[2].length], ['0x6f', 'Send RR Data', 22]);
  assert.equal(e[2].sender_context, '0x000000000000002a');
  const c = run.records.filter(([t]) => t === 'cip').map(([, r]) => r);
  assert.deepEqual(c.map((r) => [r.direction, r.cip_service_code, r.cip_service, r.class_id, r.class_name, r.instance_id, r.cip_status]),
    [['request', '0x01', 'Get Attributes All', '0x01', 'Identity', '0x01', undefined], ['response', '0x01', 'Get Attributes All', undefined, undefined, undefined, 'Success']]);
  // the reply to Get Attributes All of Identity instance 1 is an identity
  const id = run.records.filter(([t]) => t === 'cip_identity').map(([, r]) => r);
  assert.equal(id.length, 1);
  assert.equal(id[0].identity_source, 'get_attributes_all');
  assert.deepEqual([id[0].vendor_id, id[0].vendor_name, id[0].device_type_name, id[0].product_code, id[0].revision, id[0].device_status, id[0].serial_number, id[0].product_name, id[0].device_state],
    [1, 'Rockwell Automation/Allen-Bradley', 'Programmable Logic Controller', 54, '20.11', '0x3060', '0x12345678', '1756-L61/B', '0x0003']);
});

// List Identity over UDP: a broadcast request and a reply with one identity item.
const liReq = hex`
  63 00 00 00              // List Identity, length 0
  00 00 00 00  00 00 00 00  00 00 00 00 00 00 00 00  00 00 00 00
`;
const liRep = hex`
  63 00 33 00              // List Identity, length 51
  00 00 00 00  00 00 00 00  00 00 00 00 00 00 00 00  00 00 00 00
  01 00                    // item count 1
  0c 00 2d 00              // identity item, length 45
  01 00                    // encapsulation protocol version 1
  00 02                    // sin_family AF_INET (big-endian)
  af 12                    // sin_port 44818 (big-endian)
  0a 01 01 a4              // sin_addr 10.1.1.164
  00 00 00 00 00 00 00 00  // sin_zero
  01 00                    // vendor id 1
  0c 00                    // device type 12 (Communications Adapter)
  3a 00                    // product code 58
  04 03                    // revision 4.3
  30 00                    // status 0x0030
  8e 4d 52 00              // serial number 0x00524d8e
  0b 31 37 35 36 2d 45 4e 42 54 2f 41  // product name "1756-ENBT/A"
  03                       // state 3
`;

test('List Identity over UDP: the reply item is a cip_identity record; the flow counts', () => {
  const run = runSession(enip, [{ isOrig: true, bytes: liReq }, { isOrig: false, bytes: liRep }], { ...KIDS, transport: 'udp' });
  assert.deepEqual(run.events, []);
  assert.ok(run.confirmed);
  const id = run.records.filter(([t]) => t === 'cip_identity').map(([, r]) => r);
  assert.equal(id.length, 1);
  const { ts: _t, uid: _u, 'id.orig_h': _a, 'id.orig_p': _b, 'id.resp_h': _c, 'id.resp_p': _d, ...rest } = id[0];
  assert.deepEqual(rest, {
    is_orig: false, source_h: '192.0.2.2', source_p: 44818, destination_h: '192.0.2.1', destination_p: 49152,
    encapsulation_version: 1, socket_address: '10.1.1.164', socket_port: 44818, vendor_id: 1,
    vendor_name: 'Rockwell Automation/Allen-Bradley', device_type_id: 12, device_type_name: 'Communications Adapter',
    product_code: 58, revision: '4.3', device_status: '0x0030', serial_number: '0x00524d8e', product_name: '1756-ENBT/A',
    device_state: '0x0003', identity_source: 'list_identity',
  });
  assert.deepEqual(run.records.filter(([t]) => t === 'enip').map(([, r]) => r.length), [0, 51]);
});

test('a broadcast request alone counts the UDP flow as enip (one-way by nature)', () => {
  const run = runSession(enip, [{ isOrig: true, bytes: liReq }], { ...KIDS, transport: 'udp' });
  assert.ok(run.confirmed);
});

test('probe: strict on the header, stricter off the port', () => {
  const on: ProbeHint = { transport: 'tcp', portMatch: true, isOrig: true, srcPort: 49152, dstPort: 44818 };
  const off: ProbeHint = { ...on, portMatch: false, dstPort: 5000 };
  assert.equal(probeEnip(registerReq, 0, registerReq.length, off), PROBE.YES);
  assert.equal(probeEnip(rrReq, 0, rrReq.length, off), PROBE.YES);
  assert.equal(probeEnip(rrReq, 0, 10, on), PROBE.MAYBE);
  assert.equal(probeEnip(rrReq, 0, 30, on), PROBE.YES);
  assert.equal(probeEnip(rrReq, 0, 30, off), PROBE.MAYBE);
  const badOptions = registerReq.slice();
  badOptions[20] = 1;
  assert.equal(probeEnip(badOptions, 0, badOptions.length, on), PROBE.NO);
  const badLen = registerReq.slice();
  badLen[2] = 5;
  assert.equal(probeEnip(badLen, 0, badLen.length, on), PROBE.NO);
  const http = new TextEncoder().encode('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
  assert.equal(probeEnip(http, 0, http.length, on), PROBE.NO);
  // a Register Session for protocol version 2 is no proof off the port
  const v2 = registerReq.slice();
  v2[24] = 2;
  assert.equal(probeEnip(v2, 0, v2.length, off), PROBE.NO);
});

const convo: Chunk[] = [
  { isOrig: true, bytes: registerReq },
  { isOrig: false, bytes: registerRep },
  { isOrig: true, bytes: rrReq },
  { isOrig: false, bytes: rrRep },
];

test('segmentation: the same records for every split of every message and byte by byte', () => {
  const whole = withoutTs(runSession(enip, convo, KIDS));
  for (const chunks of everySplit(convo)) assert.deepEqual(withoutTs(runSession(enip, chunks, KIDS)), whole);
  assert.deepEqual(withoutTs(runSession(enip, bytewise(convo), KIDS)), whole);
  // two messages in one segment
  const joined = [{ isOrig: true, bytes: concat(registerReq, rrReq) }, { isOrig: false, bytes: concat(registerRep, rrRep) }];
  assert.deepEqual(withoutTs(runSession(enip, joined, KIDS)).map(([t, r]) => [t, r.direction ?? r.enip_command]),
    [['enip', 'Register Session'], ['enip', 'Send RR Data'], ['cip', 'request'], ['enip', 'Register Session'], ['enip', 'Send RR Data'], ['cip', 'response'], ['cip_identity', undefined]]);
});

test('truncation at every offset: no exception, no record for a message not yet complete', () => {
  for (const m of [registerReq, rrReq, rrRep, liRep]) {
    for (const p of prefixes(m)) {
      const tcp = runSession(enip, [{ isOrig: true, bytes: p }], KIDS);
      assert.equal(tcp.records.length, 0, `TCP prefix of ${p.length}`);
      const udp = runSession(enip, [{ isOrig: false, bytes: p }], { ...KIDS, transport: 'udp' });
      assert.equal(udp.records.length, 0, `UDP prefix of ${p.length}`);
      if (p.length >= 24) assert.ok(udp.events.some((e) => e.name === 'invalid_length'));
    }
  }
});

test('malformed: CPF items longer than the data, nonzero options, unknown command, bytes that are no header', () => {
  // an unconnected data item claiming 0x60 bytes
  const badCpf = rrReq.slice();
  badCpf[38] = 0x60;
  let run = runSession(enip, [{ isOrig: true, bytes: registerReq }, { isOrig: true, bytes: badCpf }, { isOrig: true, bytes: rrReq }], KIDS);
  assert.deepEqual(run.events.map((e) => e.name), ['bad_cpf']);
  assert.equal(run.records.filter(([t]) => t === 'enip').length, 3);
  assert.equal(run.records.filter(([t]) => t === 'cip').length, 1);

  const opts = msg(0x6f, 0, 0, 0, rrReq.subarray(24));
  opts[20] = 4;
  run = runSession(enip, [{ isOrig: true, bytes: registerReq }, { isOrig: true, bytes: opts }], KIDS);
  assert.deepEqual(run.events.map((e) => e.name), ['nonzero_options']);

  // in sync, an undefined command is data: a record with unknown-<n>, and an event
  run = runSession(enip, [{ isOrig: true, bytes: registerReq }, { isOrig: true, bytes: msg(0x99, 0, 0, 0, new Uint8Array(3)) }, { isOrig: true, bytes: rrReq }], KIDS);
  assert.deepEqual(run.events.map((e) => e.name), ['unknown_command']);
  assert.deepEqual(run.records.filter(([t]) => t === 'enip').map(([, r]) => r.enip_command), ['Register Session', 'unknown-153', 'Send RR Data']);

  // after a gap, garbage is skipped up to the next valid header
  run = runSession(enip, [
    { isOrig: true, bytes: registerReq },
    { isOrig: true, bytes: new Uint8Array(0), gap: 100 },
    { isOrig: true, bytes: concat(hex`de ad be ef 00 11 22`, rrReq) },
  ], KIDS);
  assert.deepEqual(run.events.map((e) => e.name), ['resync']);
  assert.equal(run.records.filter(([t]) => t === 'cip').length, 1);

  // a Register Session for another protocol version; a message on another session
  const v2 = registerReq.slice();
  v2[24] = 2;
  const other = rrReq.slice();
  other[4] = 0x77;
  run = runSession(enip, [{ isOrig: true, bytes: v2 }, { isOrig: false, bytes: registerRep }, { isOrig: true, bytes: other }], KIDS);
  assert.deepEqual(run.events.map((e) => e.name), ['unsupported_version', 'session_mismatch']);
});

test('cap: requests without replies raise flooded and the flow goes on', () => {
  const chunks: Chunk[] = [{ isOrig: true, bytes: registerReq }];
  for (let i = 0; i < MAX_PENDING + 3; i++) chunks.push({ isOrig: true, bytes: rrReq });
  const run = runSession(enip, chunks, KIDS);
  // enip: Register Session + 67 Send RR Data = 68 pending, 4 over the cap; the CIP child
  // keeps its own queue of the 67 CIP requests, 3 over (events of both land in the run)
  assert.equal(run.events.filter((e) => e.name === 'flooded').length, 4 + 3);
  assert.equal(run.records.filter(([t]) => t === 'enip').length, MAX_PENDING + 4);
});

test('fuzzing: random bytes and bit-flipped messages never throw', () => {
  fc.assert(
    fc.property(fc.array(fc.record({ isOrig: fc.boolean(), bytes: fc.uint8Array({ maxLength: 200 }) }), { maxLength: 10 }), fc.boolean(), (chunks, udp) => {
      runSession(enip, chunks, { ...KIDS, transport: udp ? 'udp' : 'tcp' });
    }),
    { numRuns: 300 },
  );
  const stream = concat(registerReq, rrReq, rrRep, liRep);
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.nat(stream.length - 1), fc.nat(7)), { minLength: 1, maxLength: 8 }), fc.nat(stream.length), (flips, cut) => {
      const b = stream.slice();
      for (const [i, bit] of flips) b[i] ^= 1 << bit;
      runSession(enip, [{ isOrig: true, bytes: b.subarray(0, cut) }, { isOrig: false, bytes: b.subarray(cut) }], KIDS);
      runSession(enip, [{ isOrig: false, bytes: b }], { ...KIDS, transport: 'udp' });
    }),
    { numRuns: 500 },
  );
});
