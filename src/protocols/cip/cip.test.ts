// CIP on byte arrays written from the specification (ODVA Vol. 1: message router requests
// and responses §2-4, EPATH Appendix C, Connection Manager §3-5.5, Identity object §5-2;
// Vol. 2 §2-6 for the CPF items), fed to the session as the enip parent hands them over (a
// CPF), and as class 1 I/O datagrams on UDP 2222.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { concat, hex, prefixes, runSession, type SessionRun } from '../../dissect/testing.ts';
import { PROBE, type ProbeHint } from '../../dissect/types.ts';
import { cip, probeCip } from './index.ts';
import { EPath, parseEPath } from './parser.ts';
import { MAX_EMBEDDED } from './session.ts';
import { vendorCount, vendorName } from './vendors.ts';

/** Unconnected message: CPF with a null address item and an unconnected data item. */
function ucmm(m: Uint8Array): Uint8Array {
  const h = hex`02 00  00 00 00 00  b2 00 00 00`;
  h[8] = m.length & 0xff;
  h[9] = m.length >> 8;
  return concat(h, m);
}

/** Connected message: connected address item (connection id) and connected data item (sequence count, message). */
function connected(seq: number, m: Uint8Array): Uint8Array {
  const h = hex`02 00  a1 00 04 00  02 05 51 01  b1 00 00 00  00 00`;
  h[12] = (m.length + 2) & 0xff;
  h[13] = (m.length + 2) >> 8;
  h[14] = seq & 0xff;
  h[15] = seq >> 8;
  return concat(h, m);
}

const cipOf = (run: SessionRun) => run.records.filter(([t]) => t === 'cip').map(([, r]) => r);

// Multiple Service Packet with two services, connected (class 3), sequence count 7.
const mspReq = hex`
  0a 02 20 02 24 01        // Multiple Service Packet, path: class 0x02 (Message Router), instance 0x01
  02 00                    // number of services: 2
  06 00 10 00              // offsets: 6, 16 (from the number of services)
  0e 03 20 01 24 01 30 07  // Get Attribute Single, class 1 instance 1 attribute 7
  00 00                    // (2 bytes the service does not use: the next offset is 16)
  4c 06 91 07 43 6f 75 6e 74 65 72 00 28 02  // Read Data (Logix Read Tag), symbol "Counter", element 2
  01 00                    // element count 1
`;
const mspRep = hex`
  8a 00 00 00              // Multiple Service Packet reply, status success
  02 00 06 00 16 00        // 2 services at offsets 6 and 22
  8e 00 00 00 0a 31 37 35 36 2d 4c 36 31 2f 42  // Get Attribute Single reply: "1756-L61/B"
  00                       // pad
  cc 00 04 01 00 00        // Read Data reply: status 0x04 (Path Segment Error), 1 word of additional status 0x0000
`;

test('Multiple Service Packet: one record for the packet and one per embedded service, request and reply', () => {
  const run = runSession(cip, [{ isOrig: true, bytes: connected(7, mspReq) }, { isOrig: false, bytes: connected(7, mspRep) }]);
  assert.deepEqual(run.events, []);
  assert.ok(run.confirmed);
  const c = cipOf(run);
  assert.deepEqual(c.map((r) => [r.direction, r.cip_sequence_count, r.cip_service_code, r.cip_service, r.embedded]), [
    ['request', 7, '0x0a', 'Multiple Service Packet', false],
    ['request', 7, '0x0e', 'Get Attributes Single', true],
    ['request', 7, '0x4c', 'Read Data', true],
    ['response', 7, '0x0a', 'Multiple Service Packet', false],
    ['response', 7, '0x0e', 'Get Attributes Single', true],
    ['response', 7, '0x4c', 'Read Data', true],
  ]);
  assert.deepEqual([c[0].class_id, c[0].class_name, c[0].instance_id, c[0].request_path], ['0x02', 'Message Router', '0x01', 'class=0x02 instance=0x01']);
  assert.deepEqual([c[1].class_id, c[1].instance_id, c[1].attribute_id], ['0x01', '0x01', '0x07']);
  assert.deepEqual([c[2].class_id, c[2].symbol, c[2].member_id, c[2].request_path], [undefined, 'Counter[2]', '0x02', 'symbol=Counter member=0x02']);
  assert.deepEqual([c[4].cip_status_code, c[4].cip_status, c[4].cip_extended_status_code], ['0x00', 'Success', undefined]);
  assert.deepEqual([c[5].cip_status_code, c[5].cip_status, c[5].cip_extended_status_code, c[5].status], ['0x04', 'Path Segment Error', '0x0000', 4]);
  // responses carry no request path (as ICSNPP)
  assert.equal(c[3].class_id, undefined);
});

// Unconnected Send to the Connection Manager: route port 1 (backplane), slot 0; embeds Get Attributes All (Identity).
const ucsReq = hex`
  52 02 20 06 24 01        // Unconnected Send, class 0x06 instance 0x01
  0a f0                    // priority/time tick, timeout ticks
  06 00                    // embedded message size: 6
  01 02 20 01 24 01        // Get Attributes All, class 0x01 instance 0x01
  01 00                    // route path size 1 word, reserved
  01 00                    // port segment: port 1, link address 0
`;
const gaaRep = hex`
  81 00 00 00              // Get Attributes All reply, success
  01 00 0e 00 36 00 14 0b 60 30 78 56 34 12  // vendor 1, type 14, product 54, rev 20.11, status 0x3060, serial 0x12345678
  0a 31 37 35 36 2d 4c 36 31 2f 42 03        // "1756-L61/B", state 3
`;

test('Unconnected Send: the route path on its record, the embedded request its own; the reply pairs with it', () => {
  const run = runSession(cip, [{ isOrig: true, bytes: ucmm(ucsReq) }, { isOrig: false, bytes: ucmm(gaaRep) }]);
  assert.deepEqual(run.events, []);
  const c = cipOf(run);
  assert.deepEqual(c.map((r) => [r.direction, r.cip_service_code, r.cip_service, r.class_name, r.embedded, r.route_path]), [
    ['request', '0x52', 'Unconnected Send', 'Connection Manager', false, 'port=1:0'],
    ['request', '0x01', 'Get Attributes All', 'Identity', true, undefined],
    ['response', '0x01', 'Get Attributes All', undefined, false, undefined],
  ]);
  assert.equal(c[0].cip_sequence_count, undefined);
  const id = run.records.filter(([t]) => t === 'cip_identity').map(([, r]) => r);
  assert.deepEqual(id.map((r) => [r.serial_number, r.product_name, r.revision, r.identity_source]), [['0x12345678', '1756-L61/B', '20.11', 'get_attributes_all']]);
});

const foReq = hex`
  54 02 20 06 24 01        // Forward Open, class 0x06 instance 0x01
  0a f0                    // priority/time tick, timeout ticks
  00 00 00 00              // O->T connection id (the target chooses it)
  02 05 51 01              // T->O connection id 0x01510502
  49 05                    // connection serial number 0x0549
  4d 00                    // originator vendor id 77
  45 61 fa 11              // originator serial number 0x11fa6145
  03 00 00 00              // timeout multiplier 3, reserved
  80 84 1e 00              // O->T RPI 2 000 000 us
  f4 43                    // O->T parameters 0x43f4: point-to-point (bits 13-14 = 2), low priority, variable, 500 bytes
  80 84 1e 00              // T->O RPI
  f4 23                    // T->O parameters 0x23f4: multicast (1), low priority, 500 bytes
  a3                       // transport: server, application trigger (2), class 3
  03                       // connection path size: 3 words
  01 00 20 02 24 01        // port 1 link 0, class 0x02, instance 0x01
`;
const foRep = hex`
  d4 00 00 00              // Forward Open reply, success
  01 02 03 04              // O->T connection id 0x04030201
  02 05 51 01              // T->O connection id 0x01510502
  49 05 4d 00 45 61 fa 11  // serial, vendor, originator serial
  40 42 0f 00              // O->T API 1 000 000 us
  40 42 0f 00              // T->O API
  00 00                    // application reply size 0, reserved
`;
const foFail = hex`
  d4 00 01 01 00 01        // Forward Open reply: Connection Failure, extended status 0x0100
  49 05 4d 00 45 61 fa 11  // serial, vendor, originator serial
  00 00                    // remaining path size, reserved
`;
const fcReq = hex`
  4e 02 20 06 24 01        // Forward Close, class 0x06 instance 0x01
  0a f0                    // priority/time tick, timeout ticks
  49 05 4d 00 45 61 fa 11  // serial, vendor, originator serial
  03 00                    // connection path size 3 words, reserved
  01 00 20 02 24 01        // port 1 link 0, class 0x02, instance 0x01
`;
const fcRep = hex`
  ce 00 00 00              // Forward Close reply, success
  49 05 4d 00 45 61 fa 11  // serial, vendor, originator serial
  00 00                    // application reply size, reserved
`;

test('Forward Open / Forward Close: connection ids, RPIs, parameters, transport and paths', () => {
  const run = runSession(cip, [
    { isOrig: true, bytes: ucmm(foReq) }, { isOrig: false, bytes: ucmm(foRep) },
    { isOrig: true, bytes: ucmm(foReq) }, { isOrig: false, bytes: ucmm(foFail) },
    { isOrig: true, bytes: ucmm(fcReq) }, { isOrig: false, bytes: ucmm(fcRep) },
  ]);
  assert.deepEqual(run.events, []);
  const [req, rep, , fail, close, closed] = cipOf(run);
  assert.deepEqual([req.cip_service, req.o_t_connection_id, req.t_o_connection_id, req.connection_serial, req.originator_vendor_id, req.originator_serial,
    req.timeout_multiplier, req.o_t_rpi, req.o_t_size, req.o_t_type, req.o_t_priority, req.t_o_rpi, req.t_o_size, req.t_o_type,
    req.transport_class, req.transport_trigger, req.connection_path], [
    'Forward Open', '0x00000000', '0x01510502', 0x0549, 77, '0x11fa6145', 3, 2000000, 500, 'point-to-point', 'low', 2000000, 500, 'multicast',
    3, 'application', 'port=1:0 class=0x02 instance=0x01',
  ]);
  assert.deepEqual([rep.cip_service, rep.cip_status, rep.o_t_connection_id, rep.t_o_connection_id, rep.o_t_rpi, rep.t_o_rpi, rep.connection_serial],
    ['Forward Open', 'Success', '0x04030201', '0x01510502', 1000000, 1000000, 0x0549]);
  assert.deepEqual([fail.cip_status, fail.cip_extended_status_code, fail.cip_extended_status, fail.originator_serial],
    ['Connection Failure', '0x0100', 'Connection in use or duplicate Forward Open', '0x11fa6145']);
  assert.deepEqual([close.cip_service, close.connection_serial, close.connection_path], ['Forward Close', 0x0549, 'port=1:0 class=0x02 instance=0x01']);
  // the reply is named by the request it answers (0x4e is another service outside the Connection Manager)
  assert.deepEqual([closed.cip_service, closed.originator_vendor_id], ['Forward Close', 77]);
});

// Class 1 I/O: the first datagram of ICSNPP's enip_cip_example.pcap (its cip_io.log line 1).
const ioDatagram = hex`
  02 00                    // item count 2
  02 80 08 00              // sequenced address item, length 8
  03 06 4b 00              // connection id 0x004b0603
  db 94 3f 00              // encapsulation sequence number 4166875
  b1 00 06 00              // connected data item, length 6
  a5 87 e8 0f 03 00        // CIP sequence count 0x87a5, then 4 bytes of I/O data
`;

test('class 1 I/O on UDP 2222: one cip_io record per datagram; the flow counts at once', () => {
  const hint: ProbeHint = { transport: 'udp', portMatch: true, isOrig: true, srcPort: 2222, dstPort: 2222 };
  assert.equal(probeCip(ioDatagram, 0, ioDatagram.length, hint), PROBE.YES);
  assert.equal(probeCip(ioDatagram, 0, ioDatagram.length - 1, hint), PROBE.NO);
  assert.equal(probeCip(concat(ioDatagram, hex`00`), 0, ioDatagram.length + 1, hint), PROBE.NO);
  const run = runSession(cip, [{ isOrig: true, bytes: ioDatagram }], { transport: 'udp', flow: { origP: 2222, respP: 2222 } });
  assert.ok(run.confirmed);
  assert.deepEqual(run.records.map(([t, r]) => [t, r.connection_id, r.sequence_number, r.data_length, r.io_data]), [['cip_io', '0x004b0603', 4166875, 6, 'a587e80f0300']]);
});

test('EPATH segments: 16/32-bit logical, electronic key, extended port, symbolic, data; malformed ones', () => {
  const p = new EPath();
  const cases: [Uint8Array, string][] = [
    [hex`21 00 6b 00 25 00 83 0f 30 01`, 'class=0x6b instance=0xf83 attribute=0x01'], // 16-bit class and instance (pad byte)
    [hex`26 00 78 56 34 12`, 'instance=0x12345678'], // 32-bit instance
    [hex`34 04 01 00 0e 00 36 00 94 0b`, 'key=1:14:54:20.11c'], // electronic key, compatibility bit
    [hex`12 0c 31 39 32 2e 31 36 38 2e 31 2e 31 30 20 02`, 'port=2:192.168.1.10 class=0x02'], // extended link address
    [hex`0f 12 00 05`, 'port=18:5'], // 16-bit port number, pad
    [hex`63 61 62 63`, 'symbol=abc'], // symbolic segment, 3 characters
    [hex`80 01 aa bb`, 'data=aabb'], // simple data segment
    [hex`2c 64`, 'connpoint=0x64'],
    [hex`43 0a`, 'net=0x43:0a'], // network segment: production inhibit time
  ];
  for (const [b, text] of cases) {
    assert.ok(parseEPath(b, 0, b.length, p, true), `${text}: ${p.error}`);
    assert.equal(p.text, text);
  }
  for (const b of [hex`e0 00`, hex`23 00`, hex`25 00 83`, hex`91 08 41 42`, hex`12 0c 31`, hex`3c 01`]) {
    assert.equal(parseEPath(b, 0, b.length, p, true), false, `${[...b].map((x) => x.toString(16))}`);
    assert.notEqual(p.error, '');
  }
});

test('unknown codes are data: a service and class nobody defines get unknown-<n>, no event', () => {
  const run = runSession(cip, [{ isOrig: true, bytes: ucmm(hex`3f 02 20 99 24 01`) }, { isOrig: false, bytes: ucmm(hex`bf 00 77 00`) }]);
  assert.deepEqual(run.events, []);
  assert.deepEqual(cipOf(run).map((r) => [r.cip_service, r.class_name, r.cip_status]), [['unknown-63', 'unknown-153', undefined], ['unknown-63', undefined, 'unknown-119']]);
});

test('malformed messages raise their events and the flow goes on', () => {
  const cases: [Uint8Array, string][] = [
    [hex`0e 05 20 01 24 01`, 'bad_path'], // path of 10 bytes in a 6-byte message
    [hex`0e 01 e0 00`, 'bad_path'], // reserved segment type
    [hex`0a 02 20 02 24 01 02 00 06 00 40 00 01 00`, 'bad_embedded'], // second offset past the end
    [hex`0a 02 20 02 24 01 09 00`, 'bad_embedded'], // 9 services, no room for the offsets
    [hex`54 02 20 06 24 01 0a f0 00 00`, 'bad_connection_data'], // Forward Open cut short
    [hex`52 02 20 06 24 01 0a f0 20 00 01 02`, 'bad_embedded'], // Unconnected Send embedding more than it holds
    [hex`0e`, 'truncated'],
    [hex`8e 00`, 'truncated'],
  ];
  for (const [m, ev] of cases) {
    const run = runSession(cip, [{ isOrig: true, bytes: ucmm(m) }, { isOrig: true, bytes: ucmm(hex`0e 03 20 01 24 01 30 07`) }]);
    assert.ok(run.events.some((e) => e.name === ev), `${ev}: ${JSON.stringify(run.events)}`);
    assert.equal(cipOf(run).at(-1)!.attribute_id, '0x07', 'the next message is read');
  }
  const badCpf = runSession(cip, [{ isOrig: true, bytes: hex`02 00 00 00 00 00 b2 00 09 00 01` }]);
  assert.deepEqual(badCpf.events.map((e) => e.name), ['bad_cpf']);
  // more services than the cap: the first MAX_EMBEDDED are read
  const n = MAX_EMBEDDED + 4;
  const body = new Uint8Array(8 + 2 * n + 2 * n);
  body.set(hex`0a 02 20 02 24 01`, 0);
  body[6] = n & 0xff;
  body[7] = n >> 8;
  for (let i = 0; i < n; i++) {
    const at = 2 + 2 * n + 2 * i;
    body[8 + 2 * i] = at & 0xff;
    body[9 + 2 * i] = at >> 8;
    body[6 + at] = 0x05; // Reset, empty path
  }
  const many = runSession(cip, [{ isOrig: true, bytes: ucmm(body) }]);
  assert.deepEqual(many.events.map((e) => e.name), ['too_many_services']);
  assert.equal(cipOf(many).length, 1 + MAX_EMBEDDED);
});

test('truncation at every offset of every message: no exception, no record past the bytes held', () => {
  for (const m of [mspReq, mspRep, ucsReq, gaaRep, foReq, foRep, foFail, fcReq, fcRep]) {
    for (const p of prefixes(m)) {
      const run = runSession(cip, [{ isOrig: true, bytes: ucmm(p) }]);
      if (p.length === 0) assert.equal(run.records.length, 0);
      // a request needs its service and path size, a reply its four header bytes
      if (p.length > 0 && p.length < ((p[0] & 0x80) !== 0 ? 4 : 2)) assert.equal(run.records.length, 0);
      runSession(cip, [{ isOrig: false, bytes: connected(1, p) }]);
    }
  }
  for (const p of prefixes(ioDatagram)) runSession(cip, [{ isOrig: true, bytes: p }], { transport: 'udp' });
});

test('the vendor table: ids as ODVA assigns them (via ICSNPP), unknown ids as data', () => {
  assert.ok(vendorCount() > 1200);
  assert.equal(vendorName(1), 'Rockwell Automation/Allen-Bradley');
  assert.equal(vendorName(283), 'Hilscher GmbH');
  assert.equal(vendorName(1513), 'TGW Mechanics GmbH');
  assert.equal(vendorName(60000), 'unknown-60000');
});

test('fuzzing: random CPFs, random CIP messages and bit flips never throw', () => {
  fc.assert(
    fc.property(fc.array(fc.record({ isOrig: fc.boolean(), bytes: fc.uint8Array({ maxLength: 200 }) }), { maxLength: 8 }), (chunks) => {
      runSession(cip, chunks);
    }),
    { numRuns: 300 },
  );
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.boolean(), fc.uint8Array({ minLength: 1, maxLength: 120 }), fc.boolean()), { maxLength: 6 }), (msgs) => {
      runSession(cip, msgs.map(([isOrig, m, conn]) => ({ isOrig, bytes: conn ? connected(3, m) : ucmm(m) })));
    }),
    { numRuns: 500 },
  );
  const all = [mspReq, mspRep, ucsReq, gaaRep, foReq, foRep, fcReq, fcRep];
  fc.assert(
    fc.property(fc.nat(all.length - 1), fc.array(fc.tuple(fc.nat(200), fc.nat(7)), { minLength: 1, maxLength: 6 }), (k, flips) => {
      const b = all[k].slice();
      for (const [i, bit] of flips) b[i % b.length] ^= 1 << bit;
      runSession(cip, [{ isOrig: true, bytes: ucmm(b) }, { isOrig: false, bytes: connected(9, b) }]);
    }),
    { numRuns: 500 },
  );
});
