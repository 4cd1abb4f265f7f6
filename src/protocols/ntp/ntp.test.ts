// NTP: messages built byte by byte from RFC 5905 (client/server, reference ids of stratum 0, 1
// and 2+, extension fields and MACs of RFC 7822), RFC 9327 (mode 6) and ntpd's mode 7 header,
// with the records Zeek's ntp.log definition gives; the probe; truncation at every offset;
// malformed lengths; fuzzing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { concat, hex, prefixes, runSession } from '../../dissect/testing.ts';
import { PROBE, type ProbeHint } from '../../dissect/types.ts';
import { ntp, probeNtp } from './index.ts';

const FLOW = { transport: 'udp' as const, origP: 40123, respP: 123 };
const T0 = 1704067200; // 2024-01-01T00:00:00Z = NTP seconds 0xe93c7f00

/** A client request (mode 3, version 4). */
const CLIENT = hex`
  23                    // LI 0, VN 4, mode 3 (client)
  00                    // stratum 0 (unspecified)
  06                    // poll 2^6 = 64 s
  ec                    // precision -20: 2^-20 s
  00 00 00 00           // root delay 0
  00 00 00 00           // root dispersion 0
  00 00 00 00           // reference id: none
  00 00 00 00 00 00 00 00   // reference timestamp 0
  00 00 00 00 00 00 00 00   // origin timestamp 0
  00 00 00 00 00 00 00 00   // receive timestamp 0
  e9 3c 7f 00 80 00 00 00   // transmit timestamp: 2024-01-01T00:00:00.5Z
`;

/** The server's answer: stratum 1, reference clock "GPS". */
const SERVER = hex`
  24                    // LI 0, VN 4, mode 4 (server)
  01                    // stratum 1 (primary reference)
  06                    // poll 64 s
  e9                    // precision -23
  00 01 00 00           // root delay 1.0 s (16.16)
  00 00 80 00           // root dispersion 0.5 s
  47 50 53 00           // reference id "GPS\0"
  e9 3c 7f 00 00 00 00 00   // reference timestamp T0
  e9 3c 7f 00 80 00 00 00   // origin: the client's transmit time
  e9 3c 7f 3c 00 00 00 00   // receive: T0 + 60
  e9 3c 7f 3c 40 00 00 00   // transmit: T0 + 60.25
`;

function records(...datagrams: { isOrig: boolean; bytes: Uint8Array }[]) {
  return runSession(ntp, datagrams, { transport: 'udp', flow: FLOW });
}

test('a client request and a stratum-1 server response: every ntp.log field', () => {
  const r = records({ isOrig: true, bytes: CLIENT }, { isOrig: false, bytes: SERVER });
  assert.equal(r.confirmed, true);
  assert.equal(r.records.length, 2);
  const [c, s] = r.records.map(([, x]) => x);
  assert.equal(c.version, 4);
  assert.equal(c.mode, 3);
  assert.equal(c.mode_name, 'client');
  assert.equal(c.stratum, 0);
  assert.equal(c.poll, 64);
  assert.equal(c.precision, 2 ** -20);
  assert.equal(c.root_delay, 0);
  assert.equal(c.ref_id, undefined);
  assert.equal(c.ref_time, 0); // all-zero timestamp: 0, as Zeek logs it
  assert.equal(c.xmt_time, T0 + 0.5);
  assert.equal(c.num_exts, 0);
  assert.equal(c.key_id, undefined);
  assert.equal(c.leap_name, 'no_warning');
  assert.equal(s.mode, 4);
  assert.equal(s.mode_name, 'server');
  assert.equal(s.stratum, 1);
  assert.equal(s.precision, 2 ** -23);
  assert.equal(s.root_delay, 1);
  assert.equal(s.root_disp, 0.5);
  assert.equal(s.ref_id, 'GPS');
  assert.equal(s.ref_time, T0);
  assert.equal(s.org_time, T0 + 0.5);
  assert.equal(s.rec_time, T0 + 60);
  assert.equal(s.xmt_time, T0 + 60.25);
  assert.equal(s.opcode, undefined);
  assert.equal(s.request_code, undefined);
});

test('reference ids: a kiss code at stratum 0, an IPv4 address above stratum 1; leap indicator names', () => {
  const kiss = SERVER.slice();
  kiss[0] = 0xe4; // LI 3 (unsynchronized), VN 4, mode 4
  kiss[1] = 0; // stratum 0: kiss-o'-death
  kiss.set([0x52, 0x41, 0x54, 0x45], 12); // "RATE"
  const s2 = SERVER.slice();
  s2[1] = 2;
  s2.set([192, 0, 2, 7], 12);
  const r = records({ isOrig: false, bytes: kiss }, { isOrig: false, bytes: s2 });
  assert.equal(r.records[0][1].ref_id, 'RATE');
  assert.equal(r.records[0][1].leap, 3);
  assert.equal(r.records[0][1].leap_name, 'unsynchronized');
  assert.equal(r.records[1][1].ref_id, '192.0.2.7');
});

test('extension fields (RFC 7822) are counted; a MAC gives its key id', () => {
  const ext = hex`
    01 04  00 10          // field type 0x0104, length 16
    00 00 00 00 00 00 00 00 00 00 00 00   // value (12 bytes)
  `;
  const mac = hex`00 00 00 2a  00 11 22 33 44 55 66 77 88 99 aa bb cc dd ee ff   // key id 42, 16-byte MD5 digest`;
  const sha1 = hex`00 00 00 07  ${'00'.repeat(20)}   // key id 7, 20-byte SHA-1 digest`;
  const r = records(
    { isOrig: true, bytes: concat(CLIENT, ext, ext, mac) },
    { isOrig: false, bytes: concat(SERVER, sha1) },
    { isOrig: true, bytes: concat(CLIENT, hex`00 00 00 00  // crypto-NAK: key id 0 alone`) },
  );
  assert.deepEqual(r.events, []);
  assert.equal(r.records[0][1].num_exts, 2);
  assert.equal(r.records[0][1].key_id, 42);
  assert.equal(r.records[1][1].num_exts, 0);
  assert.equal(r.records[1][1].key_id, 7);
  assert.equal(r.records[2][1].key_id, 0);
});

test('bytes after the header that are neither extension fields nor a MAC raise bad_extension; the header is still recorded', () => {
  const r = records({ isOrig: true, bytes: concat(CLIENT, hex`01 02 03 04 05 06 07 08  // 8 bytes: too short for a field, not a MAC`) });
  assert.deepEqual(r.events.map((e) => e.name), ['bad_extension']);
  assert.equal(r.records[0][1].xmt_time, T0 + 0.5);
});

test('mode 6 control message (RFC 9327): opcode, flags, sequence, status, association, offset, count', () => {
  const req = hex`
    16              // LI 0, VN 2, mode 6
    02              // R=0 E=0 M=0, opcode 2 (read variables)
    00 01           // sequence 1
    00 00           // status
    00 00           // association id 0 (the system)
    00 00           // offset 0
    00 00           // count 0
  `;
  const resp = hex`
    16
    82              // R=1, opcode 2
    00 01           // sequence 1
    06 15           // status word
    00 00           // association id
    00 00           // offset
    00 0c           // count 12
    76 65 72 73 69 6f 6e 3d 22 34 22 2c   // version="4",
  `;
  const r = records({ isOrig: true, bytes: req }, { isOrig: false, bytes: resp });
  assert.equal(r.confirmed, true);
  const [q, a] = r.records.map(([, x]) => x);
  assert.equal(q.mode, 6);
  assert.equal(q.mode_name, 'control');
  assert.equal(q.version, 2);
  assert.equal(q.opcode, 2);
  assert.equal(q.opcode_name, 'read_variables');
  assert.equal(q.response, false);
  assert.equal(q.stratum, undefined);
  assert.equal(q.poll, undefined);
  assert.equal(a.response, true);
  assert.equal(a.status, 0x0615);
  assert.equal(a.count, 12);
  assert.equal(a.sequence, 1);
});

test('mode 7 private message (ntpd): the monlist request that reflection attacks use', () => {
  const monlist = hex`
    17              // R=0 M=0, VN 2, mode 7
    00              // A=0, sequence 0
    03              // implementation 3 (xntpd)
    2a              // request code 42: MON_GETLIST_1
    00 00           // err 0, 0 items
    00 00           // mbz, item size 0
    ${'00'.repeat(40)}   // padding to 48 bytes
  `;
  const r = records({ isOrig: true, bytes: monlist });
  const m = r.records[0][1];
  assert.equal(m.mode, 7);
  assert.equal(m.mode_name, 'private');
  assert.equal(m.request_code, 42);
  assert.equal(m.request_name, 'mon_getlist_1');
  assert.equal(m.implementation, 3);
  assert.equal(m.response, false);
  assert.equal(m.items, 0);
});

test('broadcast (mode 5) counts as NTP at once; a short datagram is truncated and not recorded', () => {
  const b = SERVER.slice();
  b[0] = 0x25; // VN 4, mode 5
  let r = records({ isOrig: true, bytes: b });
  assert.equal(r.confirmed, true);
  assert.equal(r.records[0][1].mode_name, 'broadcast');
  r = records({ isOrig: true, bytes: CLIENT.subarray(0, 47) });
  assert.deepEqual(r.events.map((e) => e.name), ['truncated']);
  assert.equal(r.records.length, 0);
  const ctl = hex`16 02 00 01 00 00 00 00 00 00 00 20  // count 32, no data`;
  r = records({ isOrig: true, bytes: ctl });
  assert.deepEqual(r.events.map((e) => e.name), ['bad_length']);
  assert.equal(r.records.length, 1);
});

test('probe: port 123 is required; versions 1-4; a 48-byte header for modes 1-5 with a stratum up to 16', () => {
  const hint = (portMatch: boolean): ProbeHint => ({ transport: 'udp', portMatch, isOrig: true, srcPort: 40123, dstPort: 123 });
  assert.equal(probeNtp(CLIENT, 0, CLIENT.length, hint(true)), PROBE.YES);
  assert.equal(probeNtp(CLIENT, 0, CLIENT.length, hint(false)), PROBE.NO);
  assert.equal(probeNtp(CLIENT, 0, 47, hint(true)), PROBE.NO);
  const v0 = CLIENT.slice();
  v0[0] = 0x03; // version 0
  assert.equal(probeNtp(v0, 0, v0.length, hint(true)), PROBE.NO);
  const m0 = CLIENT.slice();
  m0[0] = 0x20; // mode 0
  assert.equal(probeNtp(m0, 0, m0.length, hint(true)), PROBE.NO);
  const s17 = SERVER.slice();
  s17[1] = 17;
  assert.equal(probeNtp(s17, 0, s17.length, hint(true)), PROBE.NO);
  const ctl = hex`16 02 00 01 00 00 00 00 00 00 00 00`;
  assert.equal(probeNtp(ctl, 0, ctl.length, hint(true)), PROBE.YES);
  assert.equal(probeNtp(ctl, 0, ctl.length, { ...hint(true), transport: 'tcp' }), PROBE.NO);
});

test('truncation at every offset: no exception; a cut standard header is never recorded', () => {
  for (const full of [concat(SERVER, hex`00 00 00 2a ${'ab'.repeat(16)}`), hex`16 82 00 01 06 15 00 00 00 00 00 02 41 42`]) {
    for (const cut of prefixes(full)) {
      const r = records({ isOrig: false, bytes: cut });
      for (const [, rec] of r.records) if (rec.mode !== 6 && rec.mode !== 7) assert.ok(cut.length >= 48);
    }
  }
});

test('fuzz: random datagrams and bit flips never throw', () => {
  fc.assert(
    fc.property(fc.array(fc.uint8Array({ minLength: 0, maxLength: 120 }), { minLength: 1, maxLength: 4 }), (ds) => {
      records(...ds.map((bytes) => ({ isOrig: true, bytes })));
      return true;
    }),
    { numRuns: 300 },
  );
  const good = concat(SERVER, hex`01 04 00 10 ${'00'.repeat(12)} 00 00 00 2a ${'11'.repeat(16)}`);
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.nat(good.length - 1), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 6 }), (flips) => {
      const b = good.slice();
      for (const [i, x] of flips) b[i] ^= x;
      records({ isOrig: false, bytes: b }, { isOrig: false, bytes: good });
      return true;
    }),
    { numRuns: 500 },
  );
});
