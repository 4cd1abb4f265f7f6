// MQTT on byte arrays written from the specifications (OASIS MQTT 3.1.1 §2-3, MQTT 5.0 §2-3,
// Sparkplug 3.0 §4.1 for the topic namespace): every packet type in both versions, the
// Zeek-style pairing records, the events, caps, truncation at every offset, any TCP
// segmentation, gaps, and fuzzing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { bytewise, concat, everySplit, hex, prefixes, runSession, withoutTs, type Chunk } from '../../dissect/testing.ts';
import { PROBE, type ProbeHint } from '../../dissect/types.ts';
import { mqtt, probeMqtt } from './index.ts';
import { FixedHeader, isUtf8 } from './parser.ts';
import { KEEP_BYTES, MAX_PENDING } from './session.ts';

const ON_PORT: ProbeHint = { transport: 'tcp', portMatch: true, isOrig: true, srcPort: 49152, dstPort: 1883 };
const OFF_PORT: ProbeHint = { ...ON_PORT, portMatch: false, dstPort: 9000 };

// ---- MQTT 3.1.1 ----

const CONNECT = hex`10 36  // CONNECT, remaining length 54
  00 04 4d 51 54 54      // protocol name "MQTT"
  04                     // level 4 (3.1.1)
  ce                     // flags: user name, password, will QoS 1, will, clean session
  00 1e                  // keep alive 30 s
  00 06 70 6c 63 2d 30 31                         // client id "plc-01"
  00 0d 73 74 61 74 75 73 2f 70 6c 63 2d 30 31    // will topic "status/plc-01"
  00 07 6f 66 66 6c 69 6e 65                      // will message "offline"
  00 02 6f 70                                     // user name "op"
  00 06 73 65 63 72 65 74                         // password "secret"`;
const CONNACK = hex`20 02  // CONNACK, remaining length 2
  00                     // session present: no
  00                     // return code 0: accepted`;
const SUBSCRIBE = hex`82 12  // SUBSCRIBE (flags 0010), remaining length 18
  00 0a                  // packet id 10
  00 05 63 6d 64 2f 23 01  // "cmd/#", QoS 1
  00 05 63 66 67 2f 2b 02  // "cfg/+", QoS 2`;
const SUBACK = hex`90 04  // SUBACK
  00 0a                  // packet id 10
  01 80                  // granted QoS 1; failure`;
const PUBLISH_SPB = hex`32 28  // PUBLISH, QoS 1, remaining length 40
  00 20 73 70 42 76 31 2e 30 2f 50 6c 61 6e 74 31 2f 44 44 41 54 41 2f 65 64 67 65 31 2f 70 75 6d 70 37
                         // topic "spBv1.0/Plant1/DDATA/edge1/pump7"
  00 0b                  // packet id 11
  08 96 01 ff            // payload: 4 bytes of protobuf (not UTF-8)`;
const PUBACK = hex`40 02 00 0b  // PUBACK, packet id 11`;
const PUBLISH_Q2 = hex`35 11  // PUBLISH, QoS 2, retain, remaining length 17
  00 09 63 6d 64 2f 76 61 6c 76 65  // topic "cmd/valve"
  00 07                  // packet id 7
  6f 70 65 6e            // payload "open"`;
const PUBREC = hex`50 02 00 07  // PUBREC id 7`;
const PUBREL = hex`62 02 00 07  // PUBREL (flags 0010) id 7`;
const PUBCOMP = hex`70 02 00 07  // PUBCOMP id 7`;
const UNSUBSCRIBE = hex`a2 07  // UNSUBSCRIBE (flags 0010)
  00 0c                  // packet id 12
  00 03 63 66 67         // "cfg"`;
const UNSUBACK = hex`b0 02 00 0c  // UNSUBACK id 12`;
const PINGREQ = hex`c0 00`;
const PINGRESP = hex`d0 00`;
const DISCONNECT = hex`e0 00`;

const V3: Chunk[] = [
  { isOrig: true, bytes: CONNECT },
  { isOrig: false, bytes: CONNACK },
  { isOrig: true, bytes: SUBSCRIBE },
  { isOrig: false, bytes: SUBACK },
  { isOrig: true, bytes: PUBLISH_SPB },
  { isOrig: false, bytes: PUBACK },
  { isOrig: false, bytes: PUBLISH_Q2 },
  { isOrig: true, bytes: PUBREC },
  { isOrig: false, bytes: PUBREL },
  { isOrig: true, bytes: PUBCOMP },
  { isOrig: true, bytes: UNSUBSCRIBE },
  { isOrig: false, bytes: UNSUBACK },
  { isOrig: true, bytes: PINGREQ },
  { isOrig: false, bytes: PINGRESP },
  { isOrig: true, bytes: DISCONNECT },
];

const of = (run: ReturnType<typeof runSession>, type: string) => run.records.filter(([t]) => t === type).map(([, r]) => r);

test('MQTT 3.1.1: one record per packet, in order, with the fixed-header fields', () => {
  const r = runSession(mqtt, V3);
  assert.deepEqual(r.events, []);
  assert.equal(r.confirmed, true);
  const pk = of(r, 'mqtt');
  assert.deepEqual(pk.map((p) => p.msg_type), [
    'connect', 'connack', 'subscribe', 'suback', 'publish', 'puback', 'publish', 'pubrec', 'pubrel', 'pubcomp',
    'unsubscribe', 'unsuback', 'pingreq', 'pingresp', 'disconnect',
  ]);
  assert.deepEqual(pk.map((p) => p.msg_type_code), [1, 2, 8, 9, 3, 4, 3, 5, 6, 7, 10, 11, 12, 13, 14]);
  assert.deepEqual(pk.map((p) => p.is_orig), V3.map((c) => c.isOrig));
  assert.deepEqual(pk.map((p) => p.length), V3.map((c) => c.bytes.length - 2));
  assert.equal(pk[0].client_id, 'plc-01');
  assert.deepEqual([pk[1].reason_code, pk[1].reason], [0, 'Connection Accepted']);
  assert.deepEqual([pk[2].packet_id, pk[2].qos, pk[2].topics, pk[2].qos_levels], [10, 1, ['cmd/#', 'cfg/+'], [1, 2]]);
  assert.deepEqual(pk[3].reason_codes, [1, 0x80]);
  assert.deepEqual([pk[4].topic, pk[4].qos, pk[4].packet_id, pk[4].payload_len], ['spBv1.0/Plant1/DDATA/edge1/pump7', 1, 11, 4]);
  assert.deepEqual([pk[4].spb_group_id, pk[4].spb_message_type, pk[4].spb_edge_node_id, pk[4].spb_device_id], ['Plant1', 'DDATA', 'edge1', 'pump7']);
  assert.deepEqual([pk[6].qos, pk[6].retain, pk[6].dup, pk[6].packet_id], [2, true, false, 7]);
  assert.deepEqual(pk[10].topics, ['cfg']);
  assert.equal(pk[10].qos_levels, undefined);
  assert.equal(pk[0].properties, undefined);
});

test('MQTT 3.1.1: mqtt_connect pairs CONNECT with CONNACK; the password is never recorded', () => {
  const r = runSession(mqtt, V3, { ts: 100 });
  const [c] = of(r, 'mqtt_connect');
  assert.equal(c.ts, 100.001);
  assert.deepEqual(
    { ...c, ts: undefined, uid: undefined, 'id.orig_h': undefined, 'id.orig_p': undefined, 'id.resp_h': undefined, 'id.resp_p': undefined },
    {
      ts: undefined, uid: undefined, 'id.orig_h': undefined, 'id.orig_p': undefined, 'id.resp_h': undefined, 'id.resp_p': undefined,
      proto_name: 'MQTT', proto_version: '3.1.1', client_id: 'plc-01', connect_status: 'Connection Accepted',
      will_topic: 'status/plc-01', will_payload: 'offline', proto_level: 4, username: 'op', has_password: true,
      will_qos: 1, will_retain: false, will_payload_len: 7, keep_alive: 30, clean_session: true, session_present: false,
      connect_status_code: 0, session_expiry_interval: undefined, auth_method: undefined, assigned_client_id: undefined,
      reason_string: undefined, will_properties: undefined,
    },
  );
  assert.ok(!JSON.stringify(r.records).includes('secret'));
});

test('MQTT 3.1.1: mqtt_publish follows Zeek: QoS 1 at its PUBACK, QoS 2 after PUBREC, PUBREL and PUBCOMP', () => {
  const r = runSession(mqtt, V3, { ts: 100 });
  const pubs = of(r, 'mqtt_publish');
  assert.equal(pubs.length, 2);
  const [a, b] = pubs;
  assert.ok(Math.abs((a.ts as number) - 100.005) < 1e-9); // the PUBLISH's time, written at the PUBACK
  assert.deepEqual(
    [a.from_client, a.retain, a.qos, a.status, a.topic, a.payload, a.payload_hex, a.payload_len, a.qos_level, a.packet_id],
    [true, false, 'at least once', 'ok', 'spBv1.0/Plant1/DDATA/edge1/pump7', undefined, '089601ff', 4, 1, 11],
  );
  assert.deepEqual([a.spb_group_id, a.spb_message_type, a.spb_edge_node_id, a.spb_device_id], ['Plant1', 'DDATA', 'edge1', 'pump7']);
  assert.deepEqual(
    [b.from_client, b.retain, b.qos, b.status, b.topic, b.payload, b.payload_len, b.qos_level, b.packet_id],
    [false, true, 'exactly once', 'ok', 'cmd/valve', 'open', 4, 2, 7],
  );
});

test('MQTT 3.1.1: mqtt_subscribe for SUBSCRIBE/SUBACK and UNSUBSCRIBE/UNSUBACK', () => {
  const r = runSession(mqtt, V3);
  const [s, u] = of(r, 'mqtt_subscribe');
  assert.deepEqual(
    [s.action, s.topics, s.qos_levels, s.granted_qos_level, s.ack, s.packet_id, s.reason_codes],
    ['MQTT::SUBSCRIBE', ['cmd/#', 'cfg/+'], [1, 2], 1, true, 10, [1, 0x80]],
  );
  assert.deepEqual([u.action, u.topics, u.qos_levels, u.granted_qos_level, u.ack, u.packet_id], ['MQTT::UNSUBSCRIBE', ['cfg'], undefined, undefined, true, 12]);
});

// ---- MQTT 5 ----

const CONNECT5 = hex`10 20  // CONNECT, remaining length 32
  00 04 4d 51 54 54      // "MQTT"
  05                     // level 5
  02                     // flags: clean start
  00 3c                  // keep alive 60
  10                     // properties: 16 bytes
  11 00 00 00 78         //   session expiry interval 120
  26 00 04 73 69 74 65 00 02 41 31  // user property site=A1
  00 03 68 6d 69         // client id "hmi"`;
const CONNACK5 = hex`20 11  // CONNACK, remaining length 17
  00                     // session present: no
  86                     // reason 0x86 Bad User Name or Password
  0e                     // properties: 14 bytes
  1f 00 0b 62 61 64 20 61 63 63 6f 75 6e 74  // reason string "bad account"`;
const PUB_ALIAS_SET = hex`30 15  // PUBLISH QoS 0, remaining length 21
  00 0b 6c 69 6e 65 2f 31 2f 74 65 6d 70  // topic "line/1/temp"
  03 23 00 03            // properties: 3 bytes, topic alias 3
  32 31 2e 35            // payload "21.5"`;
const PUB_ALIAS_USE = hex`30 0a  // PUBLISH QoS 0, remaining length 10
  00 00                  // topic: empty (use the alias)
  03 23 00 03            // properties: topic alias 3
  32 32 2e 30            // payload "22.0"`;
const DISCONNECT5 = hex`e0 01 8e  // DISCONNECT, reason 0x8e Session taken over`;

const V5: Chunk[] = [
  { isOrig: true, bytes: CONNECT5 },
  { isOrig: false, bytes: CONNACK5 },
  { isOrig: true, bytes: PUB_ALIAS_SET },
  { isOrig: true, bytes: PUB_ALIAS_USE },
  { isOrig: false, bytes: DISCONNECT5 },
];

test('MQTT 5: properties, reason codes and names, topic aliases', () => {
  const r = runSession(mqtt, V5);
  assert.deepEqual(r.events, []);
  const pk = of(r, 'mqtt');
  assert.deepEqual(pk[0].properties, ['session_expiry_interval=120', 'site=A1']);
  assert.deepEqual([pk[1].reason_code, pk[1].reason, pk[1].properties], [0x86, 'Bad User Name or Password', ['reason_string=bad account']]);
  assert.deepEqual([pk[2].topic, pk[2].topic_alias, pk[2].payload_len], ['line/1/temp', 3, 4]);
  assert.deepEqual([pk[3].topic, pk[3].topic_alias, pk[3].payload_len], ['line/1/temp', 3, 4]);
  assert.deepEqual([pk[4].reason_code, pk[4].reason], [0x8e, 'Session taken over']);
  const [c] = of(r, 'mqtt_connect');
  assert.deepEqual(
    [c.proto_version, c.proto_level, c.client_id, c.connect_status, c.connect_status_code, c.session_expiry_interval, c.reason_string, c.keep_alive, c.has_password, c.username],
    ['5.0', 5, 'hmi', 'Bad User Name or Password', 134, 120, 'bad account', 60, false, undefined],
  );
  assert.deepEqual(of(r, 'mqtt_publish').map((p) => [p.topic, p.payload, p.topic_alias]), [['line/1/temp', '21.5', 3], ['line/1/temp', '22.0', 3]]);
});

test('Sparkplug B: node topics and STATE', () => {
  const pub = (topic: string) => {
    const t = new TextEncoder().encode(topic);
    return concat(new Uint8Array([0x30, t.length + 2, 0, t.length]), t);
  };
  const r = runSession(mqtt, [
    { isOrig: true, bytes: CONNECT },
    { isOrig: true, bytes: pub('spBv1.0/G1/NBIRTH/E1') },
    { isOrig: true, bytes: pub('spBv1.0/STATE/scada-1') },
    { isOrig: true, bytes: pub('spBv1.0/G1/NBIRTH') },
    { isOrig: true, bytes: pub('plant/spBv1.0/G1/NDATA/E1') },
  ]);
  const p = of(r, 'mqtt_publish');
  assert.deepEqual([p[0].spb_group_id, p[0].spb_message_type, p[0].spb_edge_node_id, p[0].spb_device_id], ['G1', 'NBIRTH', 'E1', undefined]);
  assert.deepEqual([p[1].spb_message_type, p[1].spb_host_id, p[1].spb_group_id], ['STATE', 'scada-1', undefined]);
  assert.equal(p[2].spb_message_type, undefined); // too few levels: not Sparkplug
  assert.equal(p[3].spb_message_type, undefined); // not in the namespace
});

// ---- detection ----

test('probe: a CONNECT is MQTT on any port; other packets only on 1883 and whole', () => {
  assert.equal(probeMqtt(CONNECT, 0, CONNECT.length, OFF_PORT), PROBE.YES);
  assert.equal(probeMqtt(CONNECT5, 0, 9, OFF_PORT), PROBE.YES); // name and level are enough
  assert.equal(probeMqtt(CONNECT, 0, 5, OFF_PORT), PROBE.MAYBE);
  assert.equal(probeMqtt(hex`10 36 00 04 4d 51 54 54 07`, 0, 9, OFF_PORT), PROBE.NO); // level 7
  assert.equal(probeMqtt(hex`10 36 00 04 4d 51 54 58 04`, 0, 9, OFF_PORT), PROBE.NO); // "MQTX"
  assert.equal(probeMqtt(PUBACK, 0, PUBACK.length, ON_PORT), PROBE.YES);
  assert.equal(probeMqtt(PUBACK, 0, PUBACK.length, OFF_PORT), PROBE.MAYBE);
  assert.equal(probeMqtt(PUBLISH_Q2, 0, 6, ON_PORT), PROBE.MAYBE);
  assert.equal(probeMqtt(hex`47 45 54 20 2f 20`, 0, 6, ON_PORT), PROBE.NO); // "GET / "
  assert.equal(probeMqtt(hex`c0 01 00`, 0, 3, ON_PORT), PROBE.NO); // PINGREQ with a body
  const three = concat(PUBLISH_Q2, PUBLISH_Q2, PUBLISH_Q2);
  assert.equal(probeMqtt(three, 0, three.length, OFF_PORT), PROBE.YES);
  const noTopic = concat(PUBACK, PUBACK, PUBACK);
  assert.equal(probeMqtt(noTopic, 0, noTopic.length, OFF_PORT), PROBE.MAYBE);
});

// ---- robustness ----

test('truncation at every offset: no exception, and no record for a packet not complete', () => {
  const stream = concat(...V3.filter((c) => c.isOrig).map((c) => c.bytes));
  const ends: number[] = [];
  let at = 0;
  for (const c of V3) if (c.isOrig) ends.push((at += c.bytes.length));
  for (const p of prefixes(stream)) {
    const r = runSession(mqtt, [{ isOrig: true, bytes: p }]);
    const complete = ends.filter((e) => e <= p.length).length;
    assert.equal(of(r, 'mqtt').length, complete, `prefix ${p.length}`);
  }
  for (const c of [...V3, ...V5]) for (const p of prefixes(c.bytes)) runSession(mqtt, [{ isOrig: true, bytes: CONNECT5 }, { ...c, bytes: p }]);
});

test('segmentation: the same records whatever the TCP cut', () => {
  for (const conv of [V3, V5]) {
    const want = withoutTs(runSession(mqtt, conv));
    for (const split of everySplit(conv)) {
      const got = withoutTs(runSession(mqtt, split));
      for (let i = 0; i < want.length; i++) assert.deepEqual(got[i], want[i], `split ${split.map((c) => c.bytes.length).join(',')} record ${i}`);
      assert.equal(got.length, want.length);
    }
    assert.deepEqual(withoutTs(runSession(mqtt, bytewise(conv))), want);
    assert.deepEqual(withoutTs(runSession(mqtt, [{ isOrig: true, bytes: concat(...conv.filter((c) => c.isOrig).map((c) => c.bytes)) }, ...conv.filter((c) => !c.isOrig)])).filter(([t]) => t === 'mqtt').length, of(runSession(mqtt, conv), 'mqtt').length);
  }
});

test('malformed fixture: each problem raises its event and the flow goes on', () => {
  const r = runSession(mqtt, [
    { isOrig: false, bytes: CONNACK }, // no CONNECT before it
    { isOrig: true, bytes: CONNECT },
    { isOrig: true, bytes: hex`30 04 00 09 61 62  // PUBLISH whose topic length 9 runs past its 4 bytes` },
    { isOrig: true, bytes: hex`36 05 00 01 61 00 01  // PUBLISH with QoS 3` },
    { isOrig: true, bytes: hex`00 00  // reserved type 0` },
    { isOrig: true, bytes: hex`80 03 00 01 00  // SUBSCRIBE with flags 0000 and no topic` },
    { isOrig: false, bytes: hex`40 02 01 2c  // PUBACK for packet id 300, never published` },
    { isOrig: false, bytes: hex`90 03 00 63 00  // SUBACK for id 99` },
    { isOrig: false, bytes: hex`b0 02 00 64  // UNSUBACK for id 100` },
    { isOrig: true, bytes: CONNECT },
    { isOrig: false, bytes: CONNACK },
    { isOrig: true, bytes: CONNECT }, // after the CONNACK: double
    { isOrig: true, bytes: hex`f0 00  // AUTH before MQTT 5` },
    { isOrig: true, bytes: PINGREQ },
  ]);
  const names = r.events.map((e) => e.name);
  for (const n of ['missing_connect', 'malformed', 'invalid_qos_level', 'unassigned_msg_type', 'invalid_flags', 'missing_publish', 'missing_subscribe', 'missing_unsubscribe', 'double_connect']) {
    assert.ok(names.includes(n), `${n} in ${names.join(',')}`);
  }
  assert.equal(names.filter((n) => n === 'unassigned_msg_type').length, 2);
  const pk = of(r, 'mqtt');
  assert.equal(pk.at(-1)!.msg_type, 'pingreq');
  assert.deepEqual(pk.filter((p) => p.msg_type_code === 0 || p.msg_type_code === 15).map((p) => p.msg_type), ['unknown-0', 'unknown-15']);
  // A CONNACK with no CONNECT is written as Zeek does: the status alone.
  const first = of(r, 'mqtt_connect')[0];
  assert.deepEqual([first.connect_status, first.client_id], ['Connection Accepted', undefined]);
});

test('a remaining length past 4 bytes loses the side until a later packet start', () => {
  const r = runSession(mqtt, [
    { isOrig: true, bytes: CONNECT },
    { isOrig: true, bytes: hex`30 ff ff ff ff 01 00  // remaining length with 5 bytes` },
    { isOrig: true, bytes: hex`00 11 22  // still lost: not a plausible packet` },
    { isOrig: true, bytes: PINGREQ },
  ]);
  assert.deepEqual(r.events.map((e) => e.name), ['bad_remaining_length']);
  assert.deepEqual(of(r, 'mqtt').map((p) => p.msg_type), ['connect', 'pingreq']);
  assert.equal(r.rejected, null);
  const junk = runSession(mqtt, [{ isOrig: true, bytes: hex`10 80 80 80 80 01` }]);
  assert.equal(junk.rejected !== null, true, 'a bad header before any valid packet rejects the flow');
});

test('a large PUBLISH keeps its topic and the start of its payload; too_large_message above 1 MiB', () => {
  const size = (1 << 20) + 100;
  const topic = hex`00 05 62 69 67 2f 31`; // "big/1"
  const rem = topic.length + size;
  const header = new Uint8Array([0x30, (rem & 0x7f) | 0x80, ((rem >> 7) & 0x7f) | 0x80, rem >> 14]);
  const chunks: Chunk[] = [{ isOrig: true, bytes: CONNECT }, { isOrig: true, bytes: concat(header, topic) }];
  const piece = new Uint8Array(60000).fill(0x41);
  for (let left = size; left > 0; left -= piece.length) chunks.push({ isOrig: true, bytes: piece.subarray(0, Math.min(piece.length, left)) });
  chunks.push({ isOrig: true, bytes: PINGREQ });
  const r = runSession(mqtt, chunks);
  assert.deepEqual(r.events.map((e) => e.name), ['too_large_message']);
  const [p] = of(r, 'mqtt_publish');
  assert.deepEqual([p.topic, p.payload_len, p.payload], ['big/1', size, 'A'.repeat(100)]);
  assert.equal(of(r, 'mqtt').at(-1)!.msg_type, 'pingreq');
  assert.ok(KEEP_BYTES < size);
});

test('a gap inside a PUBLISH body still gives its record; a gap elsewhere resumes at a packet start', () => {
  const body = new Uint8Array(3000).fill(0x42);
  const pub = concat(hex`30 bd 17  // PUBLISH QoS 0, remaining length 3005 (varint bd 17)
    00 03 61 2f 62                 // topic "a/b"`, body);
  const r = runSession(mqtt, [
    { isOrig: true, bytes: CONNECT },
    { isOrig: true, bytes: pub.subarray(0, 1000) },
    { isOrig: true, bytes: new Uint8Array(0), gap: 1000 },
    { isOrig: true, bytes: pub.subarray(2000) },
    { isOrig: true, bytes: new Uint8Array(0), gap: 10 },
    { isOrig: true, bytes: hex`41 42 43` },
    { isOrig: true, bytes: PINGREQ },
  ]);
  const [p] = of(r, 'mqtt_publish');
  assert.deepEqual([p.topic, p.payload_len, p.payload], ['a/b', 3000, 'B'.repeat(100)]);
  assert.deepEqual(of(r, 'mqtt').map((x) => x.msg_type), ['connect', 'publish', 'pingreq']);
});

test('caps: unacknowledged QoS 1 publishes beyond MAX_PENDING are written early with too_many_transactions', () => {
  const chunks: Chunk[] = [{ isOrig: true, bytes: CONNECT }];
  for (let id = 1; id <= MAX_PENDING + 10; id++) chunks.push({ isOrig: true, bytes: new Uint8Array([0x32, 0x06, 0x00, 0x01, 0x74, id >> 8, id & 255, 0x21]) });
  const r = runSession(mqtt, chunks, { ts: 1 });
  assert.equal(r.events.filter((e) => e.name === 'too_many_transactions').length, 10);
  const pubs = of(r, 'mqtt_publish');
  assert.equal(pubs.length, MAX_PENDING + 10);
  assert.ok(pubs.every((p) => p.status === 'incomplete_qos'));
  assert.deepEqual(pubs.slice(0, 3).map((p) => p.packet_id), [1, 2, 3]);
});

test('an unacknowledged request is written after 5 s, as Zeek expires it', () => {
  const r = runSession(mqtt, [
    { isOrig: true, bytes: CONNECT, ts: 10 },
    { isOrig: true, bytes: hex`32 06 00 01 74 00 05 21  // PUBLISH QoS 1 id 5`, ts: 11 },
    { isOrig: true, bytes: PINGREQ, ts: 17 },
    { isOrig: false, bytes: hex`40 02 00 05  // PUBACK 5, too late`, ts: 18 },
  ]);
  const [p] = of(r, 'mqtt_publish');
  assert.deepEqual([p.ts, p.status], [11, 'incomplete_qos']);
  assert.deepEqual(r.events.map((e) => e.name), ['missing_publish']);
});

test('parser helpers: fixed header and UTF-8 check', () => {
  const h = new FixedHeader();
  assert.equal(h.parse(hex`30 ff ff ff 7f`, 0, 5), 5);
  assert.equal(h.remaining, 268435455); // the largest remaining length (§2.2.3)
  assert.equal(h.parse(hex`30 80`, 0, 2), 0);
  assert.equal(h.parse(hex`30 80 80 80 80`, 0, 5), -1);
  assert.equal(isUtf8(hex`e2 82 ac`, 0, 3), true); // €
  assert.equal(isUtf8(hex`e2 82`, 0, 2), false);
  assert.equal(isUtf8(hex`c0 80`, 0, 2), false); // overlong NUL
  assert.equal(isUtf8(hex`ed a0 80`, 0, 3), false); // surrogate
});

test('fuzzing: random bytes and bit-flipped conversations never throw', () => {
  const stream = concat(...V3.map((c) => c.bytes), ...V5.map((c) => c.bytes));
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 400 }), fc.array(fc.nat(stream.length * 8 - 1), { maxLength: 24 }), fc.nat(400), fc.boolean(), (rand, flips, cut, side) => {
      runSession(mqtt, [{ isOrig: side, bytes: rand }, { isOrig: !side, bytes: rand.subarray(cut % (rand.length + 1)) }]);
      const b = stream.slice();
      for (const f of flips) b[f >> 3] ^= 1 << (f & 7);
      const at = cut % b.length;
      runSession(mqtt, [{ isOrig: true, bytes: b.subarray(0, at) }, { isOrig: false, bytes: b }, { isOrig: true, bytes: b.subarray(at) }]);
      probeMqtt(b, 0, b.length, side ? ON_PORT : OFF_PORT);
      probeMqtt(rand, 0, rand.length, side ? ON_PORT : OFF_PORT);
    }),
    { numRuns: 400 },
  );
});

test('docs/protocols/mqtt.md documents every field of every record type and every event', async () => {
  const { readFileSync } = await import('node:fs');
  const doc = readFileSync(new URL('../../../docs/protocols/mqtt.md', import.meta.url), 'utf8');
  const rows = doc.split('\n').filter((l) => l.startsWith('|'));
  const documented = (name: string) => rows.some((l) => new RegExp(`(^\\|\\s*|[ ,\`])${name.replace('.', '\\.')}([ ,\`|])`).test(l));
  for (const [type, fields] of Object.entries(mqtt.records)) {
    assert.ok(doc.includes(`### \`${type}\``), `section for ${type}`);
    // The connection header (ts, uid, id.*) is documented once, for all four.
    for (const f of fields.slice(6)) assert.ok(documented(f.name), `${type}.${f.name} documented`);
    assert.deepEqual(fields.slice(0, 6).map((f) => f.name), ['ts', 'uid', 'id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p']);
  }
  assert.ok(doc.includes('`ts, uid, id.orig_h, id.orig_p, id.resp_h, id.resp_p`'));
  for (const e of Object.keys(mqtt.events)) assert.ok(doc.includes(`mqtt.${e}`), `event mqtt.${e} documented`);
});
