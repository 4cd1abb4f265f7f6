// SNMP: messages written byte by byte from the ASN.1 of RFC 1157 / RFC 3416 / RFC 3412 /
// RFC 3414 (v1 get and response, v2c GetBulk, v1 Trap-PDU, SNMPv2-Trap, v3 plaintext with USM
// parameters, v3 encrypted), with the records they must give; every value type; the Zeek
// snmp.log counters; the probe; the varbind cap; truncation at every offset; malformed BER;
// IP fragmentation through the engine; fuzzing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { LINKTYPE, RawFrame } from '../../capture/frame.ts';
import { Registry } from '../../dissect/registry.ts';
import { concat, hex, prefixes, runSession } from '../../dissect/testing.ts';
import { PROBE, type ProbeHint } from '../../dissect/types.ts';
import { Engine } from '../../pipeline/engine.ts';
import { probeSnmp, snmp } from './index.ts';
import { MAX_VARBINDS } from './parser.ts';

const FLOW = { transport: 'udp' as const, origP: 40161, respP: 161 };

/** v1 GetRequest for sysDescr.0. */
const GET_V1 = hex`
  30 26                                  // Message SEQUENCE, 38 bytes
    02 01 00                             //   version 0 (v1)
    04 06 70 75 62 6c 69 63              //   community "public"
    a0 19                                //   [0] GetRequest-PDU, 25 bytes
      02 01 26                           //     request-id 38
      02 01 00                           //     error-status 0
      02 01 00                           //     error-index 0
      30 0e                              //     variable-bindings, 14 bytes
        30 0c                            //       VarBind, 12 bytes
          06 08 2b 06 01 02 01 01 01 00  //         name 1.3.6.1.2.1.1.1.0 (sysDescr.0)
          05 00                          //         value NULL
`;

/** Its Response: sysDescr.0 = "Linux". */
const RESP_V1 = hex`
  30 2b                                  // Message SEQUENCE, 43 bytes
    02 01 00                             //   version 0
    04 06 70 75 62 6c 69 63              //   community "public"
    a2 1e                                //   [2] GetResponse-PDU, 30 bytes
      02 01 26                           //     request-id 38
      02 01 00                           //     error-status 0 (noError)
      02 01 00                           //     error-index 0
      30 13                              //     variable-bindings, 19 bytes
        30 11                            //       VarBind, 17 bytes
          06 08 2b 06 01 02 01 01 01 00  //         sysDescr.0
          04 05 4c 69 6e 75 78           //         OCTET STRING "Linux"
`;

// ---- a small BER encoder for the other messages (independent of the parser) ----
function tlv(tag: number, ...body: (Uint8Array | number[])[]): Uint8Array {
  const b = concat(...body.map((x) => (x instanceof Uint8Array ? x : new Uint8Array(x))));
  const len = b.length < 128 ? [b.length] : b.length < 256 ? [0x81, b.length] : [0x82, b.length >> 8, b.length & 255];
  return concat(new Uint8Array([tag, ...len]), b);
}
function intBytes(n: number): number[] {
  const out: number[] = [];
  let v = n;
  do {
    out.unshift(v & 0xff);
    v = Math.floor(v / 256);
  } while (v > 0);
  if (out[0] & 0x80) out.unshift(0);
  return out;
}
const int = (n: number) => tlv(0x02, intBytes(n));
const str = (s: string) => tlv(0x04, [...new TextEncoder().encode(s)]);
function oid(dotted: string): Uint8Array {
  const p = dotted.split('.').map(Number);
  const out = [p[0] * 40 + p[1]];
  for (const x of p.slice(2)) {
    const b = [x & 0x7f];
    let v = Math.floor(x / 128);
    while (v > 0) {
      b.unshift((v & 0x7f) | 0x80);
      v = Math.floor(v / 128);
    }
    out.push(...b);
  }
  return tlv(0x06, out);
}
const varbind = (name: string, value: Uint8Array) => tlv(0x30, oid(name), value);
const NULL = tlv(0x05, []);
function pdu(tag: number, requestId: number, a: number, b: number, binds: Uint8Array[]): Uint8Array {
  return tlv(0xa0 + tag, int(requestId), int(a), int(b), tlv(0x30, ...binds));
}
const msg = (version: number, community: string, p: Uint8Array) => tlv(0x30, int(version), str(community), p);

function run(...datagrams: { isOrig: boolean; bytes: Uint8Array }[]) {
  return runSession(snmp, datagrams, { transport: 'udp', flow: FLOW });
}

test('a v1 GetRequest and its Response: the snmp_pdu records, and Zeek\'s snmp record at the end of the flow', () => {
  const r = run({ isOrig: true, bytes: GET_V1 }, { isOrig: false, bytes: RESP_V1 });
  assert.equal(r.confirmed, true);
  assert.deepEqual(r.events, []);
  assert.deepEqual(r.records.map(([t]) => t), ['snmp_pdu', 'snmp_pdu', 'snmp']);
  const [q, a, z] = r.records.map(([, x]) => x);
  assert.equal(q.version, '1');
  assert.equal(q.community, 'public');
  assert.equal(q.pdu_type, 'get_request');
  assert.equal(q.pdu_type_code, 0);
  assert.equal(q.request_id, 38);
  assert.equal(q.error_status, 'noError');
  assert.equal(q.error_index, 0);
  assert.equal(q.varbind_count, 1);
  assert.deepEqual(q.varbind_oids, ['1.3.6.1.2.1.1.1.0']);
  assert.deepEqual(q.varbind_types, ['null']);
  assert.deepEqual(q.varbind_values, ['']);
  assert.equal(q.sys_descr, undefined); // a NULL is no value
  assert.equal(a.pdu_type, 'response');
  assert.deepEqual(a.varbind_types, ['octet_string']);
  assert.deepEqual(a.varbind_values, ['Linux']);
  assert.equal(a.sys_descr, 'Linux');
  assert.equal(a.truncated, false);
  // Zeek's snmp.log row: first message time, version, community, varbind counts, sysDescr.
  assert.equal(z.ts, 1700000000.001);
  assert.ok(Math.abs((z.duration as number) - 0.001) < 1e-6);
  assert.equal(z.version, '1');
  assert.equal(z.community, 'public');
  assert.equal(z.get_requests, 1);
  assert.equal(z.get_responses, 1);
  assert.equal(z.get_bulk_requests, 0);
  assert.equal(z.set_requests, 0);
  assert.equal(z.display_string, 'Linux');
  assert.equal(z.up_since, undefined);
});

test('every value type: INTEGER, OCTET STRING (text and binary), OID, IpAddress, Counter32/Gauge32/TimeTicks/Counter64, Opaque, exceptions', () => {
  const binds = [
    varbind('1.3.6.1.2.1.1.7.0', int(72)), // sysServices
    varbind('1.3.6.1.2.1.1.2.0', oid('1.3.6.1.4.1.9.1.516')), // sysObjectID
    varbind('1.3.6.1.2.1.1.3.0', tlv(0x43, intBytes(123456))), // sysUpTime, TimeTicks
    varbind('1.3.6.1.2.1.1.5.0', str('plc-7')), // sysName
    varbind('1.3.6.1.2.1.1.4.0', str('ops@example.com')), // sysContact
    varbind('1.3.6.1.2.1.1.6.0', str('Hall 3')), // sysLocation
    varbind('1.3.6.1.2.1.2.2.1.6.1', tlv(0x04, [0x00, 0x1b, 0x1b, 0x12, 0x34, 0x56])), // ifPhysAddress: binary → hex
    varbind('1.3.6.1.2.1.4.20.1.1.10.0.0.1', tlv(0x40, [10, 0, 0, 1])), // IpAddress
    varbind('1.3.6.1.2.1.2.2.1.10.1', tlv(0x41, [0x00, 0xff, 0xff, 0xff, 0xff])), // Counter32 4294967295 (leading 0)
    varbind('1.3.6.1.2.1.2.2.1.5.1', tlv(0x42, intBytes(1000000000))), // Gauge32
    varbind('1.3.6.1.2.1.31.1.1.1.6.1', tlv(0x46, [0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])), // Counter64 2^64-1
    varbind('1.3.6.1.4.1.1.1', tlv(0x44, [0xde, 0xad])), // Opaque
    varbind('1.3.6.1.2.1.1.8.0', tlv(0x80, [])), // noSuchObject
    varbind('1.3.6.1.2.1.1.9.1.2.99', tlv(0x81, [])), // noSuchInstance
    varbind('1.3.6.1.9', tlv(0x82, [])), // endOfMibView
    varbind('1.3.6.1.4.1.1.2', tlv(0x02, [0xfb])), // INTEGER -5 (two's complement)
  ];
  const r = run({ isOrig: false, bytes: msg(1, 'private', pdu(2, 7, 0, 0, binds)) });
  const x = r.records[0][1];
  assert.equal(x.version, '2c');
  assert.equal(x.community, 'private');
  assert.deepEqual(x.varbind_types, [
    'integer', 'oid', 'timeticks', 'octet_string', 'octet_string', 'octet_string', 'octet_string', 'ip_address', 'counter32',
    'gauge32', 'counter64', 'opaque', 'no_such_object', 'no_such_instance', 'end_of_mib_view', 'integer',
  ]);
  assert.deepEqual(x.varbind_values, [
    '72', '1.3.6.1.4.1.9.1.516', '123456', 'plc-7', 'ops@example.com', 'Hall 3', '001b1b123456', '10.0.0.1', '4294967295',
    '1000000000', '18446744073709551615', 'dead', '', '', '', '-5',
  ]);
  assert.equal(x.sys_services, 72);
  assert.equal(x.sys_object_id, '1.3.6.1.4.1.9.1.516');
  assert.equal(x.sys_up_time, 123456);
  assert.equal(x.sys_name, 'plc-7');
  assert.equal(x.sys_contact, 'ops@example.com');
  assert.equal(x.sys_location, 'Hall 3');
  const z = r.records[1][1];
  assert.equal(z.get_responses, 16);
  assert.ok(Math.abs((z.up_since as number) - (1700000000.001 - 1234.56)) < 1e-6);
});

test('GetBulkRequest: non-repeaters and max-repetitions in place of the error fields; SetRequest and GetNext counts', () => {
  const bulk = msg(1, 'public', pdu(5, 1817072941, 0, 10, [varbind('1.3.6.1.2.1.1.5.0', NULL)]));
  const next = msg(1, 'public', pdu(1, 2, 0, 0, [varbind('1.3.6.1.2.1.1', NULL), varbind('1.3.6.1.2.1.2', NULL)]));
  const set = msg(1, 'public', pdu(3, 3, 0, 0, [varbind('1.3.6.1.2.1.1.5.0', str('new-name'))]));
  const r = run({ isOrig: true, bytes: bulk }, { isOrig: true, bytes: next }, { isOrig: true, bytes: set });
  const b = r.records[0][1];
  assert.equal(b.pdu_type, 'get_bulk_request');
  assert.equal(b.non_repeaters, 0);
  assert.equal(b.max_repetitions, 10);
  assert.equal(b.error_status, undefined);
  assert.equal(b.error_index, undefined);
  assert.equal(r.records[1][1].pdu_type, 'get_next_request');
  assert.equal(r.records[2][1].pdu_type, 'set_request');
  assert.equal(r.records[2][1].sys_name, 'new-name');
  const z = r.records[3][1];
  assert.equal(z.get_bulk_requests, 1);
  assert.equal(z.get_requests, 2);
  assert.equal(z.set_requests, 1);
  assert.equal(r.confirmed, false); // requests only: not confirmed until the agent answers
});

test('error-status names, and unknown codes as unknown-<n>', () => {
  const r = run(
    { isOrig: false, bytes: msg(1, 'public', pdu(2, 9, 2, 1, [varbind('1.3.6.1.2.1.1.1.0', NULL)])) },
    { isOrig: false, bytes: msg(1, 'public', pdu(2, 9, 77, 0, [])) },
  );
  assert.equal(r.records[0][1].error_status, 'noSuchName');
  assert.equal(r.records[0][1].error_status_code, 2);
  assert.equal(r.records[0][1].error_index, 1);
  assert.equal(r.records[1][1].error_status, 'unknown-77');
});

test('v1 Trap-PDU: enterprise, agent address, generic and specific trap, time-stamp; traps count as SNMP at once', () => {
  const trap = tlv(0x30, int(0), str('public'), tlv(0xa4,
    oid('1.3.6.1.4.1.2001'), // enterprise
    tlv(0x40, [192, 0, 2, 9]), // agent-addr
    int(3), // generic-trap linkUp
    int(0), // specific-trap
    tlv(0x43, intBytes(4200)), // time-stamp
    tlv(0x30, varbind('1.3.6.1.2.1.2.2.1.1.2', int(2))),
  ));
  const r = run({ isOrig: true, bytes: trap });
  assert.equal(r.confirmed, true);
  const t = r.records[0][1];
  assert.equal(t.pdu_type, 'trap_v1');
  assert.equal(t.enterprise, '1.3.6.1.4.1.2001');
  assert.equal(t.agent_addr, '192.0.2.9');
  assert.equal(t.generic_trap, 'linkUp');
  assert.equal(t.generic_trap_code, 3);
  assert.equal(t.specific_trap, 0);
  assert.equal(t.time_stamp, 4200);
  assert.equal(t.request_id, undefined);
  assert.equal(t.varbind_count, 1);
});

test('SNMPv2-Trap: sysUpTime.0 and snmpTrapOID.0 varbinds', () => {
  const r = run({ isOrig: true, bytes: msg(1, 'public', pdu(7, 5, 0, 0, [varbind('1.3.6.1.2.1.1.3.0', tlv(0x43, intBytes(99))), varbind('1.3.6.1.6.3.1.1.4.1.0', oid('1.3.6.1.6.3.1.1.5.1'))])) });
  assert.equal(r.confirmed, true);
  const t = r.records[0][1];
  assert.equal(t.pdu_type, 'trap_v2');
  assert.deepEqual(t.varbind_values, ['99', '1.3.6.1.6.3.1.1.5.1']);
  assert.equal(t.sys_up_time, 99);
});

test('SNMPv3: header and USM parameters recorded; a plaintext scoped PDU is read; an encrypted one is not', () => {
  const usm = tlv(0x30, tlv(0x04, [0x80, 0x00, 0x1f, 0x88, 0x04]), int(752), int(196071), str('admin'), tlv(0x04, []), tlv(0x04, []));
  const header = (flags: number) => tlv(0x30, int(37320), int(1500), tlv(0x04, [flags]), int(3));
  const plain = tlv(0x30, int(3), header(0x04), tlv(0x04, usm), tlv(0x30, tlv(0x04, [0x80, 0x00, 0x1f, 0x88, 0x04]), str('ctx'), pdu(0, 37320, 0, 0, [])));
  const encrypted = tlv(0x30, int(3), header(0x07), tlv(0x04, usm), tlv(0x04, [1, 2, 3, 4, 5, 6, 7, 8]));
  const r = run({ isOrig: true, bytes: plain }, { isOrig: true, bytes: encrypted });
  assert.deepEqual(r.events, []);
  const [p, e, z] = r.records.map(([, x]) => x);
  assert.equal(p.version, '3');
  assert.equal(p.community, undefined);
  assert.equal(p.msg_id, 37320);
  assert.equal(p.msg_max_size, 1500);
  assert.equal(p.msg_flags, 4);
  assert.equal(p.auth, false);
  assert.equal(p.priv, false);
  assert.equal(p.reportable, true);
  assert.equal(p.security_model, 3);
  assert.equal(p.engine_id, '80001f8804');
  assert.equal(p.engine_boots, 752);
  assert.equal(p.engine_time, 196071);
  assert.equal(p.user_name, 'admin');
  assert.equal(p.context_engine_id, '80001f8804');
  assert.equal(p.context_name, 'ctx');
  assert.equal(p.encrypted, false);
  assert.equal(p.pdu_type, 'get_request');
  assert.equal(e.encrypted, true);
  assert.equal(e.auth, true);
  assert.equal(e.priv, true);
  assert.equal(e.pdu_type, undefined);
  assert.equal(z.version, '3');
  assert.equal(z.community, undefined);
});

test('SNMPv3 Reports: the usmStats counter that refused a request, and login refusals counted per flow', () => {
  const usm = tlv(0x30, tlv(0x04, [0x80, 0x00, 0x1f, 0x88, 0x04]), int(1), int(2), str('admin'), tlv(0x04, []), tlv(0x04, []));
  const report = (counter: string) => tlv(0x30, int(3), tlv(0x30, int(9), int(1500), tlv(0x04, [0x00]), int(3)), tlv(0x04, usm),
    tlv(0x30, tlv(0x04, [0x80, 0x00, 0x1f, 0x88, 0x04]), str(''), pdu(8, 9, 0, 0, [varbind(counter, tlv(0x41, [5]))])));
  const r = run(
    { isOrig: false, bytes: report('1.3.6.1.6.3.15.1.1.4.0') }, // usmStatsUnknownEngineIDs: discovery
    { isOrig: false, bytes: report('1.3.6.1.6.3.15.1.1.5.0') }, // usmStatsWrongDigests: a wrong password
    { isOrig: false, bytes: report('1.3.6.1.6.3.15.1.1.3.0') }, // usmStatsUnknownUserNames
  );
  assert.deepEqual(r.records.filter(([t]) => t === 'snmp_pdu').map(([, x]) => [x.pdu_type, x.usm_report, x.auth_failed]), [
    ['report', 'usmStatsUnknownEngineIDs', false],
    ['report', 'usmStatsWrongDigests', true],
    ['report', 'usmStatsUnknownUserNames', true],
  ]);
  assert.equal(r.records.find(([t]) => t === 'snmp')![1].auth_failures, 2);
  // Other PDUs carry no report fields.
  assert.equal(run({ isOrig: true, bytes: GET_V1 }).records[0][1].usm_report, undefined);
});

test(`more than ${MAX_VARBINDS} varbinds: all counted, ${MAX_VARBINDS} listed, too_many_varbinds raised`, () => {
  const binds = Array.from({ length: 70 }, (_, i) => varbind(`1.3.6.1.2.1.2.2.1.1.${i}`, int(i)));
  const r = run({ isOrig: false, bytes: msg(1, 'public', pdu(2, 1, 0, 0, binds)) });
  assert.deepEqual(r.events.map((e) => e.name), ['too_many_varbinds']);
  const x = r.records[0][1];
  assert.equal(x.varbind_count, 70);
  assert.equal((x.varbind_oids as string[]).length, MAX_VARBINDS);
  assert.equal(r.records[1][1].get_responses, 70);
});

test('long-form BER lengths are read', () => {
  const binds = Array.from({ length: 12 }, (_, i) => varbind(`1.3.6.1.2.1.1.${i}`, str('x'.repeat(20))));
  const m = msg(1, 'public', pdu(2, 1, 0, 0, binds));
  assert.equal(m[1], 0x82); // two length octets
  const r = run({ isOrig: false, bytes: m });
  assert.equal(r.records[0][1].varbind_count, 12);
});

test('malformed messages raise their events; the flow goes on; junk alone is given up', () => {
  const badPdu = msg(1, 'public', tlv(0xa9, int(1), int(0), int(0), tlv(0x30)));
  const wrongTag = msg(1, 'public', tlv(0xa0, str('x'), int(0), int(0), tlv(0x30)));
  const v5 = tlv(0x30, int(5), str('public'), pdu(0, 1, 0, 0, []));
  const indefinite = hex`30 80 02 01 00 00 00`;
  const r = run(
    { isOrig: true, bytes: badPdu },
    { isOrig: true, bytes: wrongTag },
    { isOrig: true, bytes: v5 },
    { isOrig: true, bytes: indefinite },
    { isOrig: true, bytes: GET_V1 },
  );
  assert.deepEqual(r.events.map((e) => e.name), ['unknown_pdu', 'malformed', 'unknown_version', 'not_snmp']);
  // The unknown PDU, the PDU cut short by its malformed request-id (flagged), and the GetRequest.
  const pdus = r.records.filter(([t]) => t === 'snmp_pdu').map(([, x]) => x);
  assert.deepEqual(pdus.map((x) => [x.pdu_type, x.truncated, x.request_id]), [['unknown-9', false, undefined], ['get_request', true, undefined], ['get_request', false, 38]]);
  const junk = run(...[1, 2, 3].map(() => ({ isOrig: true, bytes: hex`01 02 03 04` })));
  assert.equal(junk.rejected, 'no SNMP message');
});

test('probe: the message structure on ports 161/162; off-port only a message that parses whole', () => {
  const hint = (portMatch: boolean): ProbeHint => ({ transport: 'udp', portMatch, isOrig: true, srcPort: 40161, dstPort: portMatch ? 161 : 9161 });
  assert.equal(probeSnmp(GET_V1, 0, GET_V1.length, hint(true)), PROBE.YES);
  assert.equal(probeSnmp(GET_V1, 0, GET_V1.length, hint(false)), PROBE.YES);
  // cut by the snap length: accepted on the port only
  assert.equal(probeSnmp(GET_V1, 0, 30, hint(true)), PROBE.YES);
  assert.equal(probeSnmp(GET_V1, 0, 30, hint(false)), PROBE.NO);
  const wrong = GET_V1.slice();
  wrong[13] = 0xa9; // PDU tag [9]
  assert.equal(probeSnmp(wrong, 0, wrong.length, hint(true)), PROBE.NO);
  const v2 = GET_V1.slice();
  v2[4] = 2; // version 2 does not exist
  assert.equal(probeSnmp(v2, 0, v2.length, hint(true)), PROBE.NO);
  const trailing = concat(GET_V1, hex`00`);
  assert.equal(probeSnmp(trailing, 0, trailing.length, hint(true)), PROBE.NO);
  assert.equal(probeSnmp(GET_V1, 0, GET_V1.length, { ...hint(true), transport: 'tcp' }), PROBE.NO);
});

test('truncation at every offset: no exception; a cut message is flagged and lists only varbinds it holds', () => {
  const full = msg(1, 'public', pdu(2, 1, 0, 0, [varbind('1.3.6.1.2.1.1.1.0', str('Linux box')), varbind('1.3.6.1.2.1.1.5.0', str('name'))]));
  for (const cut of prefixes(full)) {
    const r = run({ isOrig: false, bytes: cut });
    for (const [t, x] of r.records) {
      if (t !== 'snmp_pdu') continue;
      assert.equal(x.truncated, true, `${cut.length} bytes`);
      for (const v of x.varbind_values as string[]) assert.ok(v === '' || 'Linux box'.startsWith(v) || 'name'.startsWith(v) || /^[0-9a-f]*$/.test(v));
    }
  }
});

// ---- IP fragmentation through the engine ----

function frame(udpPart: Uint8Array, off8: number, more: boolean): RawFrame {
  const eth = new Uint8Array([0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 6, 0x08, 0x00]);
  const ipLen = 20 + udpPart.length;
  const flags = (more ? 0x2000 : 0) | off8;
  const ip = new Uint8Array([0x45, 0, ipLen >> 8, ipLen & 255, 0x43, 0x21, flags >> 8, flags & 255, 64, 17, 0, 0, 192, 0, 2, 1, 192, 0, 2, 2]);
  const f = new RawFrame();
  f.data = concat(eth, ip, udpPart);
  f.offset = 0;
  f.caplen = f.wirelen = f.data.length;
  f.linktype = LINKTYPE.ETHERNET;
  return f;
}

function engine(datagram: Uint8Array, size: number): Record<string, unknown>[] {
  const udp = concat(new Uint8Array([0x9d, 0x01, 0x00, 0xa1, (8 + datagram.length) >> 8, (8 + datagram.length) & 255, 0, 0]), datagram);
  const out: Record<string, unknown>[] = [];
  const e = new Engine({ write: (t, r) => t === 'snmp_pdu' && out.push(r as Record<string, unknown>) }, { registry: new Registry([snmp]) });
  let ts = 1700000000;
  for (let o = 0; o < udp.length; o += size) {
    const f = frame(udp.subarray(o, Math.min(o + size, udp.length)), o / 8, o + size < udp.length);
    f.ts = ts++;
    e.frame(f);
  }
  e.finish();
  return out.map(({ ts: _ts, uid: _uid, ...rest }) => rest);
}

test('IP fragments of a datagram give the record of the whole datagram, at every fragment size', () => {
  const binds = Array.from({ length: 8 }, (_, i) => varbind(`1.3.6.1.2.1.1.${i + 1}.0`, str(`value ${i}`)));
  const m = msg(1, 'public', pdu(2, 1, 0, 0, binds));
  const whole = engine(m, 4096);
  assert.equal(whole.length, 1);
  for (let size = 8; size < m.length + 8; size += 8) assert.deepEqual(engine(m, size), whole, `${size}-byte fragments`);
});

test('fuzz: random datagrams and bit flips of valid messages never throw', () => {
  fc.assert(
    fc.property(fc.array(fc.uint8Array({ minLength: 0, maxLength: 120 }), { minLength: 1, maxLength: 4 }), (ds) => {
      run(...ds.map((b) => ({ isOrig: true, bytes: concat(hex`30`, new Uint8Array([b.length & 0x7f]), b) })));
      return true;
    }),
    { numRuns: 400 },
  );
  const good = msg(1, 'public', pdu(2, 1, 0, 0, [varbind('1.3.6.1.2.1.1.1.0', str('Linux')), varbind('1.3.6.1.2.1.1.3.0', tlv(0x43, [1, 2]))]));
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.nat(good.length - 1), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 6 }), (flips) => {
      const b = good.slice();
      for (const [i, x] of flips) b[i] ^= x;
      run({ isOrig: false, bytes: b }, { isOrig: false, bytes: good });
      return true;
    }),
    { numRuns: 600 },
  );
});
