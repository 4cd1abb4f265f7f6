// RDP on byte arrays written from [MS-RDPBCGR]: the X.224 Connection Request and Confirm of
// its protocol examples (§4.1.1 "Cookie: mstshash=eltons", §4.1.2), RDP_NEG_FAILURE
// (§2.2.1.2.2), MCS Connect Initial with CS_CORE and CS_NET (§2.2.1.3, values of the §4.1.3
// example client), MCS Connect Response with SC_SECURITY and a proprietary certificate
// (§2.2.1.4): the record, the TLS hand-off, events, truncation, segmentation, probing, fuzzing.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import fc from 'fast-check';
import { bytewise, concat, everySplit, hex, prefixes, runSession, withoutTs, type Chunk } from '../../dissect/testing.ts';
import { PROBE, type ProbeHint, type ProtocolDef, type Session } from '../../dissect/types.ts';
import { probeRdp, rdp } from './index.ts';
import { ascii, ber, CC, CONNECT_INITIAL, CONNECT_RESPONSE, CR, DOMAIN_PARAMS, dt, gccRequest, le16, le32 } from './test-fixtures.ts';

const ON_PORT: ProbeHint = { transport: 'tcp', portMatch: true, isOrig: true, srcPort: 50000, dstPort: 3389 };
const OFF_PORT: ProbeHint = { ...ON_PORT, portMatch: false, dstPort: 502 };
const C = (isOrig: boolean, bytes: Uint8Array): Chunk => ({ isOrig, bytes });
const NATIVE: Chunk[] = [C(true, CR), C(false, CC), C(true, CONNECT_INITIAL), C(false, CONNECT_RESPONSE)];

test('native RDP security: cookie, negotiation, client core data and channels, server security and certificate', () => {
  const r = runSession(rdp, NATIVE);
  assert.equal(r.records.length, 1);
  const [type, rec] = r.records[0];
  assert.equal(type, 'rdp');
  assert.ok(r.confirmed);
  assert.deepEqual({ ...rec, ts: 0 }, {
    ts: 0, uid: 'CTestFlow0000000001', 'id.orig_h': '192.0.2.1', 'id.orig_p': 49152, 'id.resp_h': '192.0.2.2', 'id.resp_p': 502,
    cookie: 'eltons',
    result: 'Success',
    security_protocol: 'RDP',
    client_channels: ['rdpdr', 'cliprdr', 'rdpsnd'],
    keyboard_layout: 'English - United States',
    client_build: 'RDP 5.1',
    client_name: 'ELTONS-DEV2',
    client_dig_product_id: '69712-783-0357974-42714',
    desktop_width: 1280,
    desktop_height: 1024,
    requested_color_depth: '24bit',
    cert_type: 'RSA',
    cert_count: 1,
    cert_permanent: true,
    encryption_level: 'Client compatible',
    encryption_method: '128bit',
    routing_token: undefined,
    requested_protocols: ['RDP'],
    requested_protocols_code: 0,
    security_protocol_code: 0,
    failure_code: undefined,
    keyboard_layout_code: 1033,
    client_build_number: 2600,
    correlation_id: undefined,
  });
  assert.deepEqual(r.events, []);
  assert.equal(rec.ts, 1700000000.001, 'ts of the Connection Request');
});

test('negotiation failure: the failure code is the result (SSL_REQUIRED_BY_SERVER)', () => {
  const fail = hex`03 00 00 13 0e d0 00 00 12 34 00
    03 00 08 00 01 00 00 00 // RDP_NEG_FAILURE: type 3, flags 0, length 8, failureCode SSL_REQUIRED_BY_SERVER`;
  const r = runSession(rdp, [C(true, CR), C(false, fail)]);
  assert.deepEqual([r.records[0][1].result, r.records[0][1].failure_code, r.records[0][1].cookie], ['SSL_REQUIRED_BY_SERVER', 1, 'eltons']);
});

/** A stand-in for the TLS dissector: a child of 'rdp' that recognises a TLS record header and records what it gets. */
function tlsChild(): { def: ProtocolDef; got: { isOrig: boolean; bytes: number[] }[] } {
  const got: { isOrig: boolean; bytes: number[] }[] = [];
  const def: ProtocolDef = {
    id: 'ssl',
    parents: ['rdp'],
    probe: (d, off, len) => (len >= 3 && d[off] === 0x16 && d[off + 1] === 3 ? PROBE.YES : len < 3 ? PROBE.MAYBE : PROBE.NO),
    create: (): Session => ({ data: (isOrig, d, off, len) => got.push({ isOrig, bytes: [...d.subarray(off, off + len)] }), gap() {}, end() {} }),
    records: {},
    events: {},
  };
  return { def, got };
}

test('TLS-based security (HYBRID_EX): result "encrypted", requested protocols; the rest of both streams goes to the TLS child', () => {
  const crTls = hex`03 00 00 13 0e e0 00 00 00 00 00
    01 00 08 00 0b 00 00 00 // RDP_NEG_REQ: requestedProtocols SSL | HYBRID | HYBRID_EX`;
  const ccTls = hex`03 00 00 13 0e d0 00 00 12 34 00
    02 1f 08 00 08 00 00 00 // RDP_NEG_RSP: flags 0x1f, selectedProtocol HYBRID_EX`;
  const hello = hex`16 03 01 00 05 01 00 00 01 00 // a TLS record (a stand-in ClientHello)`;
  const { def, got } = tlsChild();
  const r = runSession(rdp, [C(true, crTls), C(false, ccTls), C(true, hello.subarray(0, 2)), C(true, hello.subarray(2)), C(false, hex`16 03 03 00 01 02`)], { children: [def] });
  const rec = r.records[0][1];
  assert.deepEqual([rec.result, rec.security_protocol, rec.security_protocol_code, rec.requested_protocols, rec.cookie], ['encrypted', 'HYBRID_EX', 8, ['SSL', 'HYBRID', 'HYBRID_EX'], undefined]);
  assert.deepEqual(r.children, ['ssl']);
  // The child sees its streams from their first byte, in order.
  assert.deepEqual(got.filter((g) => g.isOrig).flatMap((g) => g.bytes), [...hello]);
  assert.deepEqual(got.filter((g) => !g.isOrig).flatMap((g) => g.bytes), [0x16, 3, 3, 0, 1, 2]);
  // Not TLS after all: event.
  const notTls = runSession(rdp, [C(true, crTls), C(false, ccTls), C(true, new Uint8Array(5000).fill(0x41))], { children: [def] });
  assert.deepEqual(notTls.events.map((e) => e.name), ['no_tls']);
});

test('a routing token instead of a cookie; RDP_NEG_CORRELATION_INFO', () => {
  const token = ascii('Cookie: msts=3640205228.15629.0000\r\n');
  const corr = concat(hex`06 00 24 00`, hex`00112233445566778899aabbccddeeff`, new Uint8Array(16));
  const body = concat(hex`00 00 00 00 00`, token, hex`01 00 08 00 03 00 00 00`, corr);
  const cr = concat(new Uint8Array([3, 0, 0, 5 + 1 + body.length]), new Uint8Array([1 + body.length, 0xe0]), body);
  const r = runSession(rdp, [C(true, cr)]);
  const rec = r.records[0][1];
  assert.deepEqual([rec.cookie, rec.routing_token, rec.requested_protocols, rec.correlation_id], [undefined, 'msts=3640205228.15629.0000', ['SSL', 'HYBRID'], '00112233445566778899aabbccddeeff']);
  assert.equal(probeRdp(cr, 0, cr.length, OFF_PORT), PROBE.YES);
});

test('malformed: a cookie without CR LF, a data block longer than the user data, bytes that are not a TPKT', () => {
  const body = concat(hex`00 00 00 00 00`, ascii('Cookie: mstshash=admin'));
  const cr = concat(new Uint8Array([3, 0, 0, 5 + 1 + body.length]), new Uint8Array([1 + body.length, 0xe0]), body);
  const r = runSession(rdp, [C(true, cr)]);
  assert.deepEqual([r.events.map((e) => e.name), r.records[0][1].cookie], [['unterminated_cookie'], 'admin']);
  const badBlock = dt(ber(hex`7f 65`, concat(hex`04 01 01 04 01 01 01 01 ff`, DOMAIN_PARAMS, DOMAIN_PARAMS, DOMAIN_PARAMS, ber(hex`04`, gccRequest(hex`01 c0 ff 00 04 00 08 00`)))));
  const b = runSession(rdp, [C(true, CR), C(false, CC), C(true, badBlock)]);
  assert.deepEqual(b.events.map((e) => e.name), ['bad_data_block']);
  const junk = runSession(rdp, [C(true, CR), C(false, hex`17 03 03 00 10`)]);
  assert.deepEqual(junk.events.map((e) => e.name), ['bad_tpkt']);
  assert.equal(junk.records[0][1].cookie, 'eltons');
  const notRdp = runSession(rdp, [C(true, hex`47 45 54 20`)]);
  assert.equal(notRdp.rejected, 'no TPKT');
});

test('too many channels: the first 31 kept, event', () => {
  const n = 40;
  const chans = concat(...Array.from({ length: n }, (_, i) => concat(ascii(`ch${String(i).padStart(2, '0')}`), new Uint8Array(4), new Uint8Array(4))));
  const net = concat(hex`03 c0`, le16(8 + chans.length), le32(n), chans);
  const ci = dt(ber(hex`7f 65`, concat(hex`04 01 01 04 01 01 01 01 ff`, DOMAIN_PARAMS, DOMAIN_PARAMS, DOMAIN_PARAMS, ber(hex`04`, gccRequest(net)))));
  const r = runSession(rdp, [C(true, CR), C(false, CC), C(true, ci)]);
  assert.equal((r.records[0][1].client_channels as string[]).length, 31);
  assert.deepEqual(r.events.map((e) => e.name), ['too_many_channels']);
});

test('truncation at every offset: no exception, no field from a PDU not yet complete', () => {
  for (const p of prefixes(CR)) {
    const r = runSession(rdp, [C(true, p)]);
    assert.deepEqual(r.records, [], `prefix ${p.length}`);
  }
  const client = concat(CR, CONNECT_INITIAL);
  const server = concat(CC, CONNECT_RESPONSE);
  for (const p of prefixes(server)) {
    const r = runSession(rdp, [C(true, client), C(false, p)]);
    if (p.length < server.length) assert.equal(r.records[0][1].encryption_method, undefined);
  }
  for (const p of prefixes(client)) runSession(rdp, [C(true, p), C(false, server)]);
});

test('segmentation: the same record whatever the TCP cut', () => {
  const whole = withoutTs(runSession(rdp, NATIVE));
  let i = 0;
  for (const split of everySplit(NATIVE)) if (i++ % 3 === 0) assert.deepEqual(withoutTs(runSession(rdp, split)), whole);
  assert.deepEqual(withoutTs(runSession(rdp, bytewise(NATIVE))), whole);
});

test('probe: a whole X.224 CR of class 0 with RDP user data; an empty CR only on 3389; never port 102', () => {
  assert.equal(probeRdp(CR, 0, CR.length, OFF_PORT), PROBE.YES);
  assert.equal(probeRdp(CR, 0, 20, OFF_PORT), PROBE.MAYBE);
  assert.equal(probeRdp(CR, 0, CR.length, { ...OFF_PORT, dstPort: 102 }), PROBE.NO);
  assert.equal(probeRdp(CR, 0, CR.length, { ...ON_PORT, isOrig: false }), PROBE.NO);
  const empty = hex`03 00 00 0b 06 e0 00 00 00 00 00 // CR without user data`;
  assert.equal(probeRdp(empty, 0, empty.length, ON_PORT), PROBE.YES);
  assert.equal(probeRdp(empty, 0, empty.length, OFF_PORT), PROBE.NO);
  // An S7comm/COTP CR carries TSAP parameters (0xc1, 0xc2), not RDP data.
  const cotp = hex`03 00 00 16 11 e0 00 00 00 01 00 c1 02 01 00 c2 02 01 02 c0 01 0a`;
  assert.equal(probeRdp(cotp, 0, cotp.length, OFF_PORT), PROBE.NO);
  assert.equal(probeRdp(hex`03 00 00 2c 26 e0`, 0, 6, OFF_PORT), PROBE.NO); // length indicator does not fit the TPKT
  assert.equal(probeRdp(CR, 0, CR.length, { ...ON_PORT, transport: 'udp' }), PROBE.NO);
});

test('fuzzing: random bytes and bit-flipped conversations never throw', () => {
  const client = concat(CR, CONNECT_INITIAL);
  const server = concat(CC, CONNECT_RESPONSE);
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), fc.array(fc.nat(client.length * 8 - 1), { maxLength: 20 }), fc.nat(server.length), (rand, flips, cut) => {
      const m = client.slice();
      for (const f of flips) m[f >> 3] ^= 1 << (f & 7);
      const s = server.slice();
      for (const f of flips) s[(f >> 3) % s.length] ^= 1 << (f & 7);
      runSession(rdp, [C(true, m), C(false, s.subarray(0, cut)), C(true, rand), C(false, s.subarray(cut))]);
      runSession(rdp, [C(true, concat(CR, rand)), C(false, concat(CC, rand))]);
      probeRdp(rand, 0, rand.length, ON_PORT);
    }),
    { numRuns: 300 },
  );
});

test('docs/protocols/rdp.md documents every field and every event', () => {
  const doc = readFileSync(new URL('../../../docs/protocols/rdp.md', import.meta.url), 'utf8');
  const fields = rdp.records.rdp;
  assert.deepEqual(fields.slice(0, 6).map((f) => f.name), ['ts', 'uid', 'id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p']);
  for (const f of fields.slice(6)) assert.ok(doc.includes(`| \`${f.name}\` | ${f.type} |`), `rdp.${f.name} documented with its type`);
  for (const e of Object.keys(rdp.events)) assert.ok(doc.includes(`| \`rdp.${e}\` |`), `event rdp.${e} documented`);
});
