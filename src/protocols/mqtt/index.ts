// MQTT 3.1, 3.1.1 and 5.0 over TCP (1883; 8883 is MQTT over TLS and is not dissected).
// Detection: a client's first bytes are a CONNECT with the protocol name "MQTT" or "MQIsdp"
// and level 3-5, on any port. A flow picked up in the middle (no CONNECT) is accepted on port
// 1883 only, when its first bytes are a whole packet of a plausible shape (see isPlausible).
import { PROBE, type ProbeHint, type ProbeResult, type ProtocolDef } from '../../dissect/types.ts';
import { MSG } from './constants.ts';
import { FixedHeader } from './parser.ts';
import { MQTT_CONNECT_FIELDS, MQTT_FIELDS, MQTT_PUBLISH_FIELDS, MQTT_SUBSCRIBE_FIELDS } from './records.ts';
import { MqttSession, isPlausible, plausibleShape } from './session.ts';

const probeHeader = new FixedHeader();

/** Content probe on a side's first payload. */
export function probeMqtt(d: Uint8Array, off: number, len: number, hint: ProbeHint): ProbeResult {
  const h = probeHeader;
  const n = h.parse(d, off, len);
  if (n < 0) return PROBE.NO;
  if (n === 0) return PROBE.MAYBE;
  if (h.type === MSG.CONNECT) {
    if (h.flags !== 0 || h.remaining < 10) return PROBE.NO;
    // Protocol name: 00 04 "MQTT" or 00 06 "MQIsdp", then the level.
    const p = off + n;
    const avail = len - n;
    if (avail < 2) return PROBE.MAYBE;
    if (d[p] !== 0) return PROBE.NO;
    const nameLen = d[p + 1];
    if (nameLen !== 4 && nameLen !== 6) return PROBE.NO;
    if (avail < 3 + nameLen) return PROBE.MAYBE;
    const name = nameLen === 4 ? MQTT_NAME : MQISDP_NAME;
    for (let i = 0; i < nameLen; i++) if (d[p + 2 + i] !== name[i]) return PROBE.NO;
    const level = d[p + 2 + nameLen];
    return level >= 3 && level <= 5 ? PROBE.YES : PROBE.NO;
  }
  // Mid-stream (no CONNECT): on the MQTT port, a whole packet of a plausible shape.
  if (hint.portMatch) {
    if (!isPlausible(d, off, len)) return PROBE.NO;
    if (len - n < h.remaining && n + h.remaining <= 4096) return PROBE.MAYBE;
    return PROBE.YES;
  }
  // On another port: at least 3 whole packets of plausible shapes that end exactly where the
  // bytes do, one of them a PUBLISH with a printable topic.
  return probeSequence(d, off, len);
}

function probeSequence(d: Uint8Array, off: number, len: number): ProbeResult {
  const h = probeHeader;
  const end = off + len;
  let pos = off;
  let packets = 0;
  let topicSeen = false;
  while (pos < end) {
    const n = h.parse(d, pos, end - pos);
    if (n < 0) return PROBE.NO;
    if (n === 0) return PROBE.MAYBE;
    if (!plausibleShape(h.type, h.flags, h.remaining)) return PROBE.NO;
    const next = pos + n + h.remaining;
    if (next > end) return h.remaining <= 4096 ? PROBE.MAYBE : PROBE.NO;
    if (h.type === MSG.PUBLISH) {
      if (!printableTopic(d, pos + n, next)) return PROBE.NO;
      topicSeen = true;
    }
    packets++;
    pos = next;
  }
  return packets >= 3 && topicSeen ? PROBE.YES : PROBE.MAYBE;
}

/** A PUBLISH body starting with a topic of 1..256 printable ASCII/UTF-8 bytes without wildcards. */
function printableTopic(d: Uint8Array, p: number, end: number): boolean {
  if (end - p < 3) return false;
  const tl = (d[p] << 8) | d[p + 1];
  if (tl === 0 || tl > 256 || p + 2 + tl > end) return false;
  for (let i = p + 2; i < p + 2 + tl; i++) {
    const c = d[i];
    if (c < 0x20 || c === 0x7f || c === 0x23 || c === 0x2b) return false;
  }
  return true;
}

const MQTT_NAME = [0x4d, 0x51, 0x54, 0x54];
const MQISDP_NAME = [0x4d, 0x51, 0x49, 0x73, 0x64, 0x70];

export const mqtt: ProtocolDef = {
  id: 'mqtt',
  tcpPorts: [1883],
  probe: probeMqtt,
  create: (ctx) => new MqttSession(ctx),
  records: {
    mqtt: MQTT_FIELDS,
    mqtt_connect: MQTT_CONNECT_FIELDS,
    mqtt_publish: MQTT_PUBLISH_FIELDS,
    mqtt_subscribe: MQTT_SUBSCRIBE_FIELDS,
  },
  events: {
    missing_connect: 'CONNACK without a CONNECT before it (Suricata mqtt.missing_connect)',
    missing_publish: 'PUBACK/PUBREC/PUBREL/PUBCOMP for no pending PUBLISH (Suricata mqtt.missing_publish)',
    missing_subscribe: 'SUBACK for no pending SUBSCRIBE (Suricata mqtt.missing_subscribe)',
    missing_unsubscribe: 'UNSUBACK for no pending UNSUBSCRIBE (Suricata mqtt.missing_unsubscribe)',
    double_connect: 'a second CONNECT after the connection was acknowledged (Suricata mqtt.double_connect)',
    unintroduced_message: 'a packet on a flow that has shown no CONNECT yet (picked up mid-session, or a client that never connected) (Suricata mqtt.unintroduced_message)',
    invalid_qos_level: 'PUBLISH with QoS 3 (Suricata mqtt.invalid_qos_level)',
    unassigned_msg_type: 'packet type 0, or 15 (AUTH) before MQTT 5 (Suricata mqtt.unassigned_msg_type)',
    too_large_message: 'remaining length above 1 MiB (Suricata max-msg-length); the header is parsed, the rest skipped',
    too_many_transactions: 'more than 1024 unacknowledged requests (or 1 MiB of them): the oldest is written unacknowledged (Suricata mqtt.too_many_transactions)',
    malformed: 'a packet whose fields run past its remaining length (Suricata mqtt.malformed_traffic)',
    bad_remaining_length: 'a remaining length longer than 4 bytes: the side is out of sync until a later packet start',
    invalid_flags: 'fixed-header flags other than the type requires, or the CONNECT reserved flag set',
    unknown_protocol_version: 'CONNECT with a protocol level other than 3, 4 or 5',
    unknown_protocol_name: 'CONNECT with a protocol name other than MQTT or MQIsdp',
    unknown_property: 'an MQTT 5 property identifier the specification does not define (the rest of that property block is skipped)',
    too_many_properties: 'more than 32 MQTT 5 properties in one packet (the rest are not kept)',
    too_many_topics: 'more than 256 topic filters or return codes in one packet (the rest are not kept)',
    unknown_topic_alias: 'PUBLISH with an empty topic and a topic alias never set on the flow',
    too_many_topic_aliases: 'more than 256 topic aliases set in one direction (later ones are not kept)',
  },
};
