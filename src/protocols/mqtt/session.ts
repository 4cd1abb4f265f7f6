// Per-flow MQTT state: framing of both TCP streams into control packets, CONNECT/CONNACK,
// PUBLISH/ack and SUBSCRIBE/ack pairing (Zeek's rules), MQTT 5 topic aliases, and the records.
//
// Framing: per side, a fixed header (at most 5 bytes) gives the remaining length. A packet
// that lies wholly in a chunk is parsed in place (no copy); one that spans chunks is copied,
// at most KEEP_BYTES of its body (a larger PUBLISH keeps its topic, properties and the start
// of its payload; the rest is counted and skipped). A remaining length that runs past 4 bytes
// loses the side's sync; so does a gap that does not fall inside a body being skipped. A lost
// side resumes at the start of a later chunk whose bytes are a plausible packet
// (`isPlausible`): MQTT's one-byte headers are too weak to hunt for at every offset.
import type { Session, SessionContext } from '../../dissect/types.ts';
import {
  MSG, MSG_TYPE_NAMES, REQUIRED_FLAGS, connackName, qosName, reasonName, versionName,
} from './constants.ts';
import { FixedHeader, MAX_FIXED_HEADER, MqttParser, type MqttMessage } from './parser.ts';

/** Body bytes kept of a packet that spans chunks. */
export const KEEP_BYTES = 65536 + 64;
/** A remaining length above this raises too_large_message (Suricata's default max-msg-length). */
export const MAX_MESSAGE = 1 << 20;
/** Unacknowledged PUBLISH (QoS 1/2) and SUBSCRIBE/UNSUBSCRIBE kept per flow. */
export const MAX_PENDING = 1024;
/** Bytes of topics and payloads kept by pending publishes. */
export const MAX_PENDING_BYTES = 1 << 20;
/** Seconds an unacknowledged request waits for its acknowledgement (Zeek's &write_expire). */
export const PENDING_TIMEOUT = 5;
/** MQTT 5 topic aliases kept per direction. */
export const MAX_ALIASES = 256;

const ST_HEADER = 0;
const ST_BODY = 1;

class Side {
  state = ST_HEADER;
  /** Header bytes held while a fixed header spans chunks. */
  readonly hdr = new Uint8Array(MAX_FIXED_HEADER);
  hdrHeld = 0;
  /** The packet whose body is being collected. */
  readonly h = new FixedHeader();
  /** Body bytes still to come. */
  need = 0;
  /** Body bytes kept in buf. */
  kept = 0;
  /** Stop keeping (a gap fell inside the body): the kept prefix is what is parsed. */
  keepClosed = false;
  buf: Uint8Array = new Uint8Array(0);
  lost = false;
  /** MQTT 5 topic aliases set by this side's PUBLISH packets. */
  aliases: Map<number, string> | null = null;
}

class PendingConnect {
  readonly ts: number;
  readonly m: Record<string, unknown>;
  constructor(ts: number, m: Record<string, unknown>) {
    this.ts = ts;
    this.m = m;
  }
}

class PendingPublish {
  readonly ts: number;
  readonly fields: Record<string, unknown>;
  readonly qos: number;
  readonly bytes: number;
  ack = false;
  rec = false;
  rel = false;
  comp = false;
  constructor(ts: number, fields: Record<string, unknown>, qos: number, bytes: number) {
    this.ts = ts;
    this.fields = fields;
    this.qos = qos;
    this.bytes = bytes;
  }
}

class PendingSubscribe {
  readonly ts: number;
  readonly subscribe: boolean;
  readonly fields: Record<string, unknown>;
  constructor(ts: number, subscribe: boolean, fields: Record<string, unknown>) {
    this.ts = ts;
    this.subscribe = subscribe;
    this.fields = fields;
  }
}

/** Whether a packet of this type with this remaining length could be one (used to resume and to probe). */
export function plausibleShape(type: number, flags: number, remaining: number): boolean {
  if (type === MSG.RESERVED) return false;
  const req = REQUIRED_FLAGS[type];
  if (req >= 0 && flags !== req) return false;
  switch (type) {
    case MSG.CONNECT:
      return remaining >= 10;
    case MSG.PUBLISH:
      return ((flags >> 1) & 3) !== 3 && remaining >= 2;
    case MSG.CONNACK:
    case MSG.PUBACK:
    case MSG.PUBREC:
    case MSG.PUBREL:
    case MSG.PUBCOMP:
    case MSG.UNSUBACK:
      return remaining >= 2 && remaining < 65536;
    case MSG.SUBSCRIBE:
      return remaining >= 5;
    case MSG.SUBACK:
      return remaining >= 3;
    case MSG.UNSUBSCRIBE:
      return remaining >= 4;
    case MSG.PINGREQ:
    case MSG.PINGRESP:
      return remaining === 0;
    default:
      // DISCONNECT and AUTH: empty in 3.1.1, a reason code and properties in 5.
      return remaining < 65536;
  }
}

const resumeHeader = new FixedHeader();

/**
 * Whether d[off, off+avail) starts with a plausible packet: a valid header of a plausible
 * shape, and when the packet ends inside the bytes, the byte after it starts a plausible header too.
 */
export function isPlausible(d: Uint8Array, off: number, avail: number): boolean {
  const h = resumeHeader;
  const n = h.parse(d, off, avail);
  if (n <= 0 || !plausibleShape(h.type, h.flags, h.remaining)) return false;
  const next = n + h.remaining;
  if (next < avail) {
    const b = d[off + next];
    const t = b >> 4;
    const req = REQUIRED_FLAGS[t];
    if (t === MSG.RESERVED || (req >= 0 && (b & 15) !== req)) return false;
  }
  return true;
}

export class MqttSession implements Session {
  private readonly ctx: SessionContext;
  private readonly parser = new MqttParser();
  private readonly orig = new Side();
  private readonly resp = new Side();
  /** Protocol level: from the CONNECT; 3.1.1 until one is seen. */
  private level = 4;
  private connected = false;
  private connectSeen = false;
  private anyValid = false;
  private pendingConnect: PendingConnect | null = null;
  private readonly publishes = new Map<number, PendingPublish>();
  private pendingBytes = 0;
  private readonly subscribes = new Map<number, PendingSubscribe>();

  constructor(ctx: SessionContext) {
    this.ctx = ctx;
  }

  // ---- framing ----

  data(isOrig: boolean, d: Uint8Array, off: number, len: number): void {
    const s = isOrig ? this.orig : this.resp;
    const end = off + len;
    if (s.lost) {
      if (!isPlausible(d, off, len)) return;
      s.lost = false;
      s.state = ST_HEADER;
      s.hdrHeld = 0;
    }
    while (off < end) {
      if (s.state === ST_BODY) {
        off = this.body(s, isOrig, d, off, end);
        continue;
      }
      if (s.hdrHeld > 0) {
        // A fixed header spanning chunks: add bytes until it parses.
        while (off < end && s.hdrHeld < MAX_FIXED_HEADER) {
          s.hdr[s.hdrHeld++] = d[off++];
          const n = s.h.parse(s.hdr, 0, s.hdrHeld);
          if (n < 0) return this.badLength(s, isOrig);
          if (n > 0) {
            s.hdrHeld = 0;
            this.startBody(s);
            if (s.need === 0) this.finishBody(s, isOrig);
            break;
          }
        }
        if (s.hdrHeld >= MAX_FIXED_HEADER) return this.badLength(s, isOrig);
        continue;
      }
      const avail = end - off;
      const h = s.h;
      const n = h.parse(d, off, avail);
      if (n < 0) return this.badLength(s, isOrig);
      if (n === 0) {
        s.hdr.set(d.subarray(off, end), 0);
        s.hdrHeld = avail;
        return;
      }
      if (avail - n >= h.remaining) {
        // The whole packet is here: parse it in place.
        this.packet(isOrig, h, d, off + n, h.remaining);
        if (this.ctxRejected) return;
        off += n + h.remaining;
        continue;
      }
      off += n;
      this.startBody(s);
    }
  }

  gap(isOrig: boolean, len: number): void {
    const s = isOrig ? this.orig : this.resp;
    if (s.lost) return;
    if (s.state === ST_BODY && len <= s.need) {
      // Inside a body: the bytes before the gap are still right; stop keeping at the gap.
      s.need -= len;
      s.keepClosed = true;
      if (s.need === 0) this.finishBody(s, isOrig);
      return;
    }
    s.lost = true;
    s.state = ST_HEADER;
    s.hdrHeld = 0;
  }

  end(): void {
    if (this.pendingConnect !== null) this.writeConnect(this.pendingConnect, null);
    this.pendingConnect = null;
    for (const p of this.publishes.values()) this.writePublish(p);
    this.publishes.clear();
    this.pendingBytes = 0;
    for (const p of this.subscribes.values()) this.writeSubscribe(p, false);
    this.subscribes.clear();
  }

  private ctxRejected = false;

  private badLength(s: Side, isOrig: boolean): void {
    this.ctx.event('bad_remaining_length', 'remaining length longer than 4 bytes', isOrig);
    s.lost = true;
    s.state = ST_HEADER;
    s.hdrHeld = 0;
    if (!this.anyValid) {
      this.ctxRejected = true;
      this.ctx.reject('no valid MQTT packet before a bad header');
    }
  }

  private startBody(s: Side): void {
    s.state = ST_BODY;
    s.need = s.h.remaining;
    s.kept = 0;
    s.keepClosed = false;
    if (s.need === 0) return;
    const want = Math.min(s.need, KEEP_BYTES);
    if (s.buf.length < want) s.buf = new Uint8Array(Math.max(want, Math.min(KEEP_BYTES, s.buf.length * 2), 256));
  }

  private body(s: Side, isOrig: boolean, d: Uint8Array, off: number, end: number): number {
    const take = Math.min(s.need, end - off);
    if (!s.keepClosed) {
      const keep = Math.min(take, Math.min(s.h.remaining, KEEP_BYTES) - s.kept);
      if (keep > 0) {
        s.buf.set(d.subarray(off, off + keep), s.kept);
        s.kept += keep;
      }
    }
    s.need -= take;
    off += take;
    if (s.need === 0) this.finishBody(s, isOrig);
    return off;
  }

  private finishBody(s: Side, isOrig: boolean): void {
    s.state = ST_HEADER;
    this.packet(isOrig, s.h, s.buf, 0, s.kept);
  }

  // ---- one packet ----

  private packet(isOrig: boolean, h: FixedHeader, d: Uint8Array, off: number, held: number): void {
    const ctx = this.ctx;
    const type = h.type;
    this.expire();
    if (h.remaining > MAX_MESSAGE) ctx.event('too_large_message', `${MSG_TYPE_NAMES[type]}: ${h.remaining} bytes`, isOrig);
    const assigned = type !== MSG.RESERVED && (type !== MSG.AUTH || this.level === 5);
    if (!assigned) ctx.event('unassigned_msg_type', `type ${type}`, isOrig);
    const req = REQUIRED_FLAGS[type];
    if (req >= 0 && h.flags !== req) ctx.event('invalid_flags', `${MSG_TYPE_NAMES[type]} flags 0x${h.flags.toString(16)}`, isOrig);
    const m = this.parser.parse(h, d, off, held, this.level);
    if (type === MSG.PUBLISH && m.qos === 3) ctx.event('invalid_qos_level', 'PUBLISH with QoS 3', isOrig);
    if (m.error !== '') ctx.event('malformed', m.error, isOrig);
    if (m.unknownProperty >= 0) ctx.event('unknown_property', `property 0x${m.unknownProperty.toString(16)}`, isOrig);
    if (m.topicsDropped > 0) ctx.event('too_many_topics', `${m.topicsDropped} not kept`, isOrig);
    if (m.propertiesDropped > 0) ctx.event('too_many_properties', `${m.propertiesDropped} not kept`, isOrig);
    const ok = assigned && m.error === '';
    if (ok) {
      this.anyValid = true;
      ctx.valid(isOrig);
    }
    // MQTT lets a client send packets right after its CONNECT, before the CONNACK: only the
    // packets of a flow that has shown no CONNECT count (Suricata counts both).
    if (!this.connectSeen && type !== MSG.CONNECT && type !== MSG.CONNACK && assigned) {
      ctx.event('unintroduced_message', `${MSG_TYPE_NAMES[type]} before CONNECT/CONNACK`, isOrig);
    }
    let topic: string | undefined;
    if (type === MSG.PUBLISH && m.error === '') topic = this.resolveTopic(isOrig, m);
    this.writePacket(isOrig, m, assigned, topic);
    if (m.error !== '' || !assigned) return;
    switch (type) {
      case MSG.CONNECT:
        this.onConnect(m, isOrig);
        break;
      case MSG.CONNACK:
        this.onConnack(m, isOrig);
        break;
      case MSG.PUBLISH:
        this.onPublish(m, isOrig, topic ?? m.topic);
        break;
      case MSG.PUBACK:
      case MSG.PUBREC:
      case MSG.PUBREL:
      case MSG.PUBCOMP:
        this.onPubAck(m, isOrig);
        break;
      case MSG.SUBSCRIBE:
      case MSG.UNSUBSCRIBE:
        this.onSubscribe(m);
        break;
      case MSG.SUBACK:
      case MSG.UNSUBACK:
        this.onSuback(m, isOrig);
        break;
      default:
        break;
    }
  }

  /** The PUBLISH's topic, through MQTT 5 topic aliases of its sender. */
  private resolveTopic(isOrig: boolean, m: MqttMessage): string {
    if (m.topicAlias < 0) return m.topic;
    const s = isOrig ? this.orig : this.resp;
    if (m.topic !== '') {
      s.aliases ??= new Map();
      if (s.aliases.has(m.topicAlias) || s.aliases.size < MAX_ALIASES) s.aliases.set(m.topicAlias, m.topic);
      else this.ctx.event('too_many_topic_aliases', `alias ${m.topicAlias} not kept`, isOrig);
      return m.topic;
    }
    const t = s.aliases?.get(m.topicAlias);
    if (t === undefined) {
      this.ctx.event('unknown_topic_alias', `alias ${m.topicAlias}`, isOrig);
      return '';
    }
    return t;
  }

  private writePacket(isOrig: boolean, m: MqttMessage, assigned: boolean, topic: string | undefined): void {
    const t = m.type;
    let reason: string | undefined;
    if (m.reasonCode >= 0) reason = t === MSG.CONNACK ? connackName(m.reasonCode, this.level) : reasonName(m.reasonCode, t);
    const spb = m.isSparkplug ? m.spb : null;
    const hd = this.ctx.head();
    this.ctx.rawRecord('mqtt', {
      ts: hd.ts, uid: hd.uid, 'id.orig_h': hd['id.orig_h'], 'id.orig_p': hd['id.orig_p'], 'id.resp_h': hd['id.resp_h'], 'id.resp_p': hd['id.resp_p'],
      is_orig: isOrig,
      msg_type: assigned ? MSG_TYPE_NAMES[t] : `unknown-${t}`,
      msg_type_code: t,
      dup: m.dup,
      qos: m.qos,
      retain: m.retain,
      length: m.remaining,
      packet_id: m.packetId >= 0 ? m.packetId : undefined,
      client_id: t === MSG.CONNECT ? m.clientId : undefined,
      topic: t === MSG.PUBLISH ? (topic ?? m.topic) : undefined,
      topics: t === MSG.SUBSCRIBE || t === MSG.UNSUBSCRIBE ? m.topics : undefined,
      qos_levels: t === MSG.SUBSCRIBE ? m.qosLevels : undefined,
      reason_code: m.reasonCode >= 0 ? m.reasonCode : undefined,
      reason,
      reason_codes: t === MSG.SUBACK || (t === MSG.UNSUBACK && m.reasonCodes.length > 0) ? m.reasonCodes : undefined,
      payload_len: t === MSG.PUBLISH ? m.payloadLen : undefined,
      topic_alias: m.topicAlias >= 0 ? m.topicAlias : undefined,
      spb_group_id: spb?.groupId,
      spb_message_type: spb?.messageType,
      spb_edge_node_id: spb?.edgeNodeId,
      spb_device_id: spb?.deviceId,
      spb_host_id: spb?.hostId,
      properties: m.properties.length > 0 ? m.properties : undefined,
    });
  }

  // ---- CONNECT / CONNACK ----

  private onConnect(m: MqttMessage, isOrig: boolean): void {
    const ctx = this.ctx;
    if (this.connected) ctx.event('double_connect', 'CONNECT after CONNACK', isOrig);
    this.connectSeen = true;
    if (m.protoLevel !== 3 && m.protoLevel !== 4 && m.protoLevel !== 5) ctx.event('unknown_protocol_version', `level ${m.protoLevel}`, isOrig);
    else this.level = m.protoLevel;
    if (m.protoName !== 'MQTT' && m.protoName !== 'MQIsdp') ctx.event('unknown_protocol_name', m.protoName.slice(0, 64), isOrig);
    if (m.reservedFlag) ctx.event('invalid_flags', 'CONNECT reserved flag set', isOrig);
    // An earlier CONNECT that got no CONNACK is written as it is.
    if (this.pendingConnect !== null) this.writeConnect(this.pendingConnect, null);
    this.pendingConnect = new PendingConnect(ctx.ts, {
      proto_name: m.protoName,
      proto_version: versionName(m.protoLevel),
      client_id: m.clientId,
      will_topic: m.willTopic,
      will_payload: m.willPayload,
      proto_level: m.protoLevel,
      username: m.username,
      has_password: m.hasPassword,
      will_qos: m.willFlag ? m.willQos : undefined,
      will_retain: m.willFlag ? m.willRetain : undefined,
      will_payload_len: m.willPayloadLen >= 0 ? m.willPayloadLen : undefined,
      keep_alive: m.keepAlive,
      clean_session: m.cleanSession,
      session_expiry_interval: m.sessionExpiry >= 0 ? m.sessionExpiry : undefined,
      auth_method: m.authMethod,
      will_properties: m.willProperties.length > 0 ? m.willProperties : undefined,
    });
  }

  private onConnack(m: MqttMessage, isOrig: boolean): void {
    const p = this.pendingConnect;
    this.pendingConnect = null;
    if (p === null) this.ctx.event('missing_connect', 'CONNACK without CONNECT', isOrig);
    else this.connected = true;
    this.writeConnect(p, m);
  }

  private writeConnect(p: PendingConnect | null, ack: MqttMessage | null): void {
    const c = p?.m;
    const hd = this.ctx.head(p?.ts);
    this.ctx.rawRecord('mqtt_connect', {
        ts: hd.ts, uid: hd.uid, 'id.orig_h': hd['id.orig_h'], 'id.orig_p': hd['id.orig_p'], 'id.resp_h': hd['id.resp_h'], 'id.resp_p': hd['id.resp_p'],
        proto_name: c?.proto_name,
        proto_version: c?.proto_version,
        client_id: c?.client_id,
        connect_status: ack !== null ? connackName(ack.reasonCode, this.level) : undefined,
        will_topic: c?.will_topic,
        will_payload: c?.will_payload,
        proto_level: c?.proto_level,
        username: c?.username,
        has_password: c?.has_password,
        will_qos: c?.will_qos,
        will_retain: c?.will_retain,
        will_payload_len: c?.will_payload_len,
        keep_alive: c?.keep_alive,
        clean_session: c?.clean_session,
        session_present: ack !== null ? ack.sessionPresent : undefined,
        connect_status_code: ack !== null ? ack.reasonCode : undefined,
        session_expiry_interval: c?.session_expiry_interval ?? (ack !== null && ack.sessionExpiry >= 0 ? ack.sessionExpiry : undefined),
        auth_method: c?.auth_method ?? ack?.authMethod,
        assigned_client_id: ack?.assignedClientId,
        reason_string: ack?.reasonString,
        will_properties: c?.will_properties,
      });
  }

  // ---- PUBLISH ----

  private onPublish(m: MqttMessage, isOrig: boolean, topic: string): void {
    const spb = m.isSparkplug ? m.spb : null;
    const fields: Record<string, unknown> = {
      from_client: isOrig,
      retain: m.retain,
      qos: qosName(m.qos),
      status: m.qos === 0 ? 'ok' : 'incomplete_qos',
      topic,
      payload: m.payload,
      payload_len: m.payloadLen,
      qos_level: m.qos,
      dup: m.dup,
      packet_id: m.packetId >= 0 ? m.packetId : undefined,
      payload_hex: m.payloadHex,
      reason_code: undefined,
      topic_alias: m.topicAlias >= 0 ? m.topicAlias : undefined,
      content_type: m.contentType,
      spb_group_id: spb?.groupId,
      spb_message_type: spb?.messageType,
      spb_edge_node_id: spb?.edgeNodeId,
      spb_device_id: spb?.deviceId,
      spb_host_id: spb?.hostId,
    };
    if (m.qos === 0 || m.qos === 3) {
      this.ctx.record('mqtt_publish', fields);
      return;
    }
    const key = pubKey(isOrig, m.packetId);
    const old = this.publishes.get(key);
    if (old !== undefined) {
      // A retransmission (DUP) is the same message; otherwise the id was reused before the ack.
      if (m.dup) return;
      this.dropPublish(key, old);
      this.writePublish(old);
    }
    const bytes = topic.length + (m.payload?.length ?? 0) + (m.payloadHex?.length ?? 0) + 64;
    while (this.publishes.size >= MAX_PENDING || (this.publishes.size > 0 && this.pendingBytes + bytes > MAX_PENDING_BYTES)) {
      const [k, oldest] = this.publishes.entries().next().value!;
      this.dropPublish(k, oldest);
      this.ctx.event('too_many_transactions', 'unacknowledged PUBLISH written early', isOrig);
      this.writePublish(oldest);
    }
    this.publishes.set(key, new PendingPublish(this.ctx.ts, fields, m.qos, bytes));
    this.pendingBytes += bytes;
  }

  private onPubAck(m: MqttMessage, isOrig: boolean): void {
    const t = m.type;
    // PUBREL comes from the publisher; PUBACK, PUBREC and PUBCOMP from the receiver.
    const key = pubKey(t === MSG.PUBREL ? isOrig : !isOrig, m.packetId);
    const p = this.publishes.get(key);
    if (p === undefined) {
      this.ctx.event('missing_publish', `${MSG_TYPE_NAMES[t]} id ${m.packetId}`, isOrig);
      return;
    }
    if ((t === MSG.PUBACK || t === MSG.PUBREC) && m.reasonCode >= 0) p.fields.reason_code = m.reasonCode;
    if (t === MSG.PUBACK) {
      p.ack = true;
      if (p.qos !== 1) return;
      p.fields.status = 'ok';
    } else if (t === MSG.PUBREC) {
      p.rec = true;
      return;
    } else if (t === MSG.PUBREL) {
      p.rel = true;
      return;
    } else {
      p.comp = true;
      if (p.qos === 2 && p.rec && p.rel) p.fields.status = 'ok';
    }
    this.dropPublish(key, p);
    this.writePublish(p);
  }

  private dropPublish(key: number, p: PendingPublish): void {
    this.publishes.delete(key);
    this.pendingBytes -= p.bytes;
  }

  private writePublish(p: PendingPublish): void {
    this.ctx.record('mqtt_publish', p.fields, p.ts);
  }

  // ---- SUBSCRIBE / UNSUBSCRIBE ----

  private onSubscribe(m: MqttMessage): void {
    const sub = m.type === MSG.SUBSCRIBE;
    const fields: Record<string, unknown> = {
      action: sub ? 'MQTT::SUBSCRIBE' : 'MQTT::UNSUBSCRIBE',
      topics: m.topics,
      qos_levels: sub ? m.qosLevels : undefined,
      granted_qos_level: undefined,
      ack: false,
      packet_id: m.packetId,
      reason_codes: undefined,
    };
    const old = this.subscribes.get(m.packetId);
    if (old !== undefined) {
      this.subscribes.delete(m.packetId);
      this.writeSubscribe(old, false);
    }
    if (this.subscribes.size >= MAX_PENDING) {
      const [k, oldest] = this.subscribes.entries().next().value!;
      this.subscribes.delete(k);
      this.ctx.event('too_many_transactions', 'unacknowledged SUBSCRIBE written early', true);
      this.writeSubscribe(oldest, false);
    }
    this.subscribes.set(m.packetId, new PendingSubscribe(this.ctx.ts, sub, fields));
  }

  private onSuback(m: MqttMessage, isOrig: boolean): void {
    const sub = m.type === MSG.SUBACK;
    const p = this.subscribes.get(m.packetId);
    if (p === undefined || p.subscribe !== sub) {
      this.ctx.event(sub ? 'missing_subscribe' : 'missing_unsubscribe', `${MSG_TYPE_NAMES[m.type]} id ${m.packetId}`, isOrig);
      return;
    }
    this.subscribes.delete(m.packetId);
    if (sub && m.reasonCodes.length > 0) p.fields.granted_qos_level = m.reasonCodes[0];
    if (m.reasonCodes.length > 0) p.fields.reason_codes = m.reasonCodes;
    this.writeSubscribe(p, true);
  }

  private writeSubscribe(p: PendingSubscribe, ack: boolean): void {
    p.fields.ack = ack;
    this.ctx.record('mqtt_subscribe', p.fields, p.ts);
  }

  /** Requests unacknowledged for PENDING_TIMEOUT seconds are written as they are (Zeek's expiry). */
  private expire(): void {
    const now = this.ctx.ts;
    if (this.publishes.size > 0) {
      for (const [k, p] of this.publishes) {
        if (now - p.ts <= PENDING_TIMEOUT) break;
        this.dropPublish(k, p);
        this.writePublish(p);
      }
    }
    if (this.subscribes.size > 0) {
      for (const [k, p] of this.subscribes) {
        if (now - p.ts <= PENDING_TIMEOUT) break;
        this.subscribes.delete(k);
        this.writeSubscribe(p, false);
      }
    }
  }
}

function pubKey(fromClient: boolean, id: number): number {
  return (fromClient ? 65536 : 0) + id;
}
