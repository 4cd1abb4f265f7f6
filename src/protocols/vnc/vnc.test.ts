// RFB (VNC) on byte arrays written from RFC 6143 (§7.1.1 ProtocolVersion, §7.1.2 security
// handshake, §7.1.3 SecurityResult, §7.2.2 VNC Authentication, §7.3.1 ClientInit, §7.3.2
// ServerInit) and the 3.3 variant of its Appendix A: the record, the login outcome, events,
// truncation, segmentation, gaps, probing and fuzzing.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import fc from 'fast-check';
import { bytewise, concat, everySplit, hex, prefixes, runSession, withoutTs, type Chunk } from '../../dissect/testing.ts';
import { PROBE, type ProbeHint } from '../../dissect/types.ts';
import { probeVnc, vnc } from './index.ts';
import { CHALLENGE, CLIENT_INIT, LOGIN_OK, NAME, REASON, RESPONSE, RESULT_FAILED, RESULT_OK, SELECT_VNC, SERVER_INIT, TYPES, V33, V38 } from './test-fixtures.ts';

const HINT: ProbeHint = { transport: 'tcp', portMatch: true, isOrig: false, srcPort: 5900, dstPort: 50000 };
const C = (isOrig: boolean, bytes: Uint8Array): Chunk => ({ isOrig, bytes });

test('3.8 with VNC Authentication, accepted: versions, method, outcome, share flag, desktop', () => {
  const r = runSession(vnc, LOGIN_OK);
  assert.equal(r.records.length, 1);
  const [type, rec] = r.records[0];
  assert.equal(type, 'vnc');
  assert.ok(r.confirmed);
  assert.deepEqual({ ...rec, ts: 0, uid: '' }, {
    ts: 0, uid: '', 'id.orig_h': '192.0.2.1', 'id.orig_p': 49152, 'id.resp_h': '192.0.2.2', 'id.resp_p': 502,
    client_major_version: '003', client_minor_version: '008', server_major_version: '003', server_minor_version: '008',
    authentication_method: 'VNC', auth: true, share_flag: true, desktop_name: NAME, width: 1280, height: 800,
    authentication_method_code: 2, security_types: ['VNC', 'Tight'], auth_failure_reason: undefined, security_result: 0,
  });
  assert.equal(rec.ts, 1700000000.001, 'ts of the first ProtocolVersion');
  assert.deepEqual(r.events, []);
});

test('3.8 failed login: auth F, the reason string (§7.1.3); written when the flow ends', () => {
  const r = runSession(vnc, [C(false, V38), C(true, V38), C(false, TYPES), C(true, SELECT_VNC), C(false, CHALLENGE), C(true, RESPONSE), C(false, concat(RESULT_FAILED, REASON))]);
  const rec = r.records[0][1];
  assert.deepEqual([rec.authentication_method, rec.auth, rec.security_result, rec.auth_failure_reason, rec.desktop_name], ['VNC', false, 1, 'Password bad', undefined]);
});

test('3.7 failure: no reason string follows SecurityResult', () => {
  const v37 = hex`52 46 42 20 30 30 33 2e 30 30 37 0a // "RFB 003.007" LF`;
  const r = runSession(vnc, [C(false, v37), C(true, v37), C(false, TYPES), C(true, SELECT_VNC), C(false, CHALLENGE), C(true, RESPONSE), C(false, RESULT_FAILED)]);
  assert.deepEqual([r.records[0][1].auth, r.records[0][1].auth_failure_reason], [false, undefined]);
});

test('3.3: the server sets the type (uint32); None needs no SecurityResult', () => {
  const none = hex`00 00 00 01 // security-type None`;
  const r = runSession(vnc, [C(false, V33), C(true, V33), C(false, none), C(true, hex`00 // exclusive`), C(false, SERVER_INIT)]);
  const rec = r.records[0][1];
  assert.deepEqual([rec.authentication_method, rec.auth, rec.share_flag, rec.desktop_name, rec.security_types], ['None', undefined, false, NAME, undefined]);
  const vncAuth = runSession(vnc, [C(false, V33), C(true, V33), C(false, hex`00 00 00 02`), C(false, CHALLENGE), C(true, RESPONSE), C(false, RESULT_OK), C(true, CLIENT_INIT), C(false, SERVER_INIT)]);
  assert.deepEqual([vncAuth.records[0][1].authentication_method, vncAuth.records[0][1].auth], ['VNC', true]);
});

test('no security type offered: the reason string (connection refused)', () => {
  const r = runSession(vnc, [C(false, V38), C(true, V38), C(false, concat(hex`00 // zero types`, REASON))]);
  assert.deepEqual([r.records[0][1].auth_failure_reason, r.records[0][1].auth], ['Password bad', undefined]);
  const r33 = runSession(vnc, [C(false, V33), C(true, V33), C(false, concat(hex`00 00 00 00 // Invalid`, REASON))]);
  assert.deepEqual([r33.records[0][1].authentication_method, r33.records[0][1].auth_failure_reason], ['Invalid', 'Password bad']);
});

test('3.8 None: a SecurityResult follows the choice; Apple Remote Desktop key exchange is skipped by its lengths', () => {
  const none = runSession(vnc, [C(false, V38), C(true, V38), C(false, hex`01 01`), C(true, hex`01`), C(false, RESULT_OK), C(true, CLIENT_INIT), C(false, SERVER_INIT)]);
  assert.deepEqual([none.records[0][1].authentication_method, none.records[0][1].auth, none.records[0][1].desktop_name], ['None', true, NAME]);
  const ardChallenge = concat(hex`00 02 00 04 // generator 2, key length 4`, hex`01 02 03 04 // prime`, hex`05 06 07 08 // public key`);
  const ard = runSession(vnc, [
    C(false, hex`52 46 42 20 30 30 33 2e 38 38 39 0a // "RFB 003.889" LF (Apple)`), C(true, hex`52 46 42 20 30 30 33 2e 38 38 39 0a`),
    C(false, hex`02 1e 02`), C(true, hex`1e // Apple Remote Desktop`), C(false, ardChallenge), C(true, new Uint8Array(8)), C(false, RESULT_OK), C(true, CLIENT_INIT), C(false, SERVER_INIT),
  ]);
  assert.deepEqual([ard.records[0][1].authentication_method, ard.records[0][1].auth, ard.records[0][1].width], ['Apple Remote Desktop', true, 1280]);
});

test('security types whose sub-protocol is not read (VeNCrypt): the method is recorded, an event says so', () => {
  const r = runSession(vnc, [C(false, V38), C(true, V38), C(false, hex`02 13 10`), C(true, hex`13 // VeNCrypt`), C(false, hex`00 02`)]);
  assert.deepEqual([r.records[0][1].authentication_method, r.records[0][1].authentication_method_code, r.records[0][1].security_types], ['VeNCrypt', 19, ['VeNCrypt', 'Tight']]);
  assert.deepEqual(r.events.map((e) => e.name), ['unfollowed_security_type']);
  const unknown = runSession(vnc, [C(false, V38), C(true, V38), C(false, hex`02 05 63`), C(true, hex`63`)]);
  assert.deepEqual(unknown.records[0][1].security_types, ['RA2', 'unknown-99']);
  assert.deepEqual(unknown.events.map((e) => e.name), ['unfollowed_security_type']);
});

test('malformed: a type not offered, a bad SecurityResult, an overlong name, a non-RFB start', () => {
  const notOffered = runSession(vnc, [C(false, V38), C(true, V38), C(false, hex`01 02`), C(true, hex`01`)]);
  assert.deepEqual(notOffered.events.map((e) => e.name), ['type_not_offered']);
  const badResult = runSession(vnc, [C(false, V38), C(true, V38), C(false, TYPES), C(true, SELECT_VNC), C(false, CHALLENGE), C(true, RESPONSE), C(false, hex`00 00 00 07`)]);
  assert.deepEqual([badResult.events.map((e) => e.name), badResult.records[0][1].auth], [['bad_security_result'], false]);
  const longName = runSession(vnc, [...LOGIN_OK.slice(0, 8), C(false, concat(SERVER_INIT.subarray(0, 20), hex`00 10 00 00`))]);
  assert.deepEqual(longName.events.map((e) => e.name), ['string_too_long']);
  const notRfb = runSession(vnc, [C(false, hex`48 54 54 50 2f 31 2e 31 20 32 30 30 // "HTTP/1.1 200"`)]);
  assert.equal(notRfb.rejected, 'no RFB ProtocolVersion');
  assert.deepEqual(notRfb.records, []);
});

test('a TCP gap in the handshake: event, what was read stays', () => {
  const r = runSession(vnc, [C(false, V38), C(true, V38), { isOrig: false, bytes: new Uint8Array(0), gap: 3 }, C(true, SELECT_VNC)]);
  assert.deepEqual(r.events.map((e) => e.name), ['gap_in_handshake']);
  assert.equal(r.records[0][1].server_minor_version, '008');
});

test('cap: more than 256 KiB of handshake from one side', () => {
  // The client keeps sending while it waits for the server's security types.
  const r = runSession(vnc, [C(false, V38), C(true, V38), ...Array.from({ length: 5 }, () => C(true, new Uint8Array(60000)))]);
  assert.deepEqual(r.events.map((e) => e.name), ['handshake_too_long']);
});

test('truncation at every offset: no exception, no record field from a message not yet complete', () => {
  const server = concat(V38, TYPES, CHALLENGE, RESULT_OK, SERVER_INIT);
  const client = concat(V38, SELECT_VNC, RESPONSE, CLIENT_INIT);
  for (const p of prefixes(server)) {
    const r = runSession(vnc, [C(true, client), C(false, p)]);
    if (p.length < server.length) assert.equal(r.records[0]?.[1].desktop_name, undefined);
    if (p.length < V38.length + TYPES.length + CHALLENGE.length + 4) assert.equal(r.records[0]?.[1].auth, undefined);
  }
  for (const p of prefixes(client)) runSession(vnc, [C(false, server), C(true, p)]);
});

test('segmentation: the same record whatever the TCP cut', () => {
  const whole = withoutTs(runSession(vnc, LOGIN_OK));
  for (const split of everySplit(LOGIN_OK)) assert.deepEqual(withoutTs(runSession(vnc, split)), whole);
  assert.deepEqual(withoutTs(runSession(vnc, bytewise(LOGIN_OK))), whole);
  // Both sides' messages in one chunk each.
  const server = concat(V38, TYPES, CHALLENGE, RESULT_OK, SERVER_INIT);
  const client = concat(V38, SELECT_VNC, RESPONSE, CLIENT_INIT);
  assert.deepEqual(withoutTs(runSession(vnc, [C(false, server), C(true, client)])), whole);
});

test('probe: "RFB xxx.yyy\\n" from either side, on any port', () => {
  assert.equal(probeVnc(V38, 0, 12, HINT), PROBE.YES);
  assert.equal(probeVnc(V38, 0, 5, HINT), PROBE.MAYBE);
  assert.equal(probeVnc(V38, 0, 12, { ...HINT, portMatch: false, isOrig: true }), PROBE.YES);
  assert.equal(probeVnc(hex`52 46 42 20 30 30 33 2e 30 30 38 0d`, 0, 12, HINT), PROBE.NO);
  assert.equal(probeVnc(hex`52 46 42 20 33 2e 38 0a`, 0, 8, HINT), PROBE.NO);
  assert.equal(probeVnc(V38, 0, 12, { ...HINT, transport: 'udp' }), PROBE.NO);
});

test('fuzzing: random bytes and bit-flipped handshakes never throw', () => {
  const server = concat(V38, TYPES, CHALLENGE, RESULT_OK, SERVER_INIT);
  const client = concat(V38, SELECT_VNC, RESPONSE, CLIENT_INIT);
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), fc.array(fc.nat(server.length * 8 - 1), { maxLength: 12 }), fc.nat(client.length), (rand, flips, cut) => {
      const s = server.slice();
      for (const f of flips) s[f >> 3] ^= 1 << (f & 7);
      runSession(vnc, [C(false, s), C(true, client.subarray(0, cut)), C(true, rand), C(true, client.subarray(cut)), C(false, rand)]);
      runSession(vnc, [C(false, concat(V38, rand)), C(true, concat(V33, rand))]);
      probeVnc(rand, 0, rand.length, HINT);
    }),
    { numRuns: 300 },
  );
});

test('docs/protocols/vnc.md documents every field and every event', () => {
  const doc = readFileSync(new URL('../../../docs/protocols/vnc.md', import.meta.url), 'utf8');
  const fields = vnc.records.vnc;
  assert.deepEqual(fields.slice(0, 6).map((f) => f.name), ['ts', 'uid', 'id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p']);
  for (const f of fields.slice(6)) assert.ok(doc.includes(`| \`${f.name}\` | ${f.type} |`), `vnc.${f.name} documented with its type`);
  for (const e of Object.keys(vnc.events)) assert.ok(doc.includes(`| \`vnc.${e}\` |`), `event vnc.${e} documented`);
});
