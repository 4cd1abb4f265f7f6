// Pure parsing of MQTT control packets (3.1, 3.1.1 and 5.0): the fixed header, and one
// packet's variable header and payload into a reused MqttMessage. No state beyond the
// message; the session (session.ts) frames the stream and keeps per-flow state.
//
// Every read is bounds-checked by Cursor: a length that points past the bytes held marks the
// cursor bad (the message is malformed) and reads return 0 / ''. The body may be held only in
// part (a message larger than the session keeps): `held` < `remaining`; PUBLISH payload
// lengths still come from the declared remaining length.
import { MSG, PROP, PROP_KIND, PROPERTIES, SPARKPLUG_NAMESPACE } from './constants.ts';

/** Longest fixed header: 1 byte type/flags + up to 4 bytes of remaining length. */
export const MAX_FIXED_HEADER = 5;
/** Payload bytes kept for the record (Zeek's MQTT::max_payload_size default). */
export const PAYLOAD_KEEP = 100;
/** Topics kept per SUBSCRIBE / UNSUBSCRIBE. */
export const MAX_TOPICS = 256;
/** MQTT 5 properties kept per packet (as "name=value"). */
export const MAX_PROPERTIES = 32;
/** Characters of a property value kept in `properties`. */
export const MAX_PROPERTY_VALUE = 256;

const utf8 = new TextDecoder('utf-8');
/** Shared empty lists of a message with none (never written to). */
const NONE = Object.freeze([]) as unknown as string[];
const NONE_N = Object.freeze([]) as unknown as number[];
const MSG_TYPE_LABEL: readonly string[] = [
  'reserved', 'CONNECT', 'CONNACK', 'PUBLISH', 'PUBACK', 'PUBREC', 'PUBREL', 'PUBCOMP',
  'SUBSCRIBE', 'SUBACK', 'UNSUBSCRIBE', 'UNSUBACK', 'PINGREQ', 'PINGRESP', 'DISCONNECT', 'AUTH',
];
const HEX2: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Lower-case hex of d[from, to). */
export function toHex(d: Uint8Array, from: number, to: number): string {
  let s = '';
  for (let i = from; i < to; i++) s += HEX2[d[i]];
  return s;
}

/** Whether d[from, to) is well-formed UTF-8 (no overlongs, no surrogates, ≤ U+10FFFF). */
export function isUtf8(d: Uint8Array, from: number, to: number): boolean {
  let i = from;
  while (i < to) {
    const c = d[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    let n: number;
    let min: number;
    let cp: number;
    if ((c & 0xe0) === 0xc0) {
      n = 1;
      min = 0x80;
      cp = c & 0x1f;
    } else if ((c & 0xf0) === 0xe0) {
      n = 2;
      min = 0x800;
      cp = c & 0x0f;
    } else if ((c & 0xf8) === 0xf0) {
      n = 3;
      min = 0x10000;
      cp = c & 0x07;
    } else return false;
    if (i + n >= to) return false;
    for (let k = 1; k <= n; k++) {
      const b = d[i + k];
      if ((b & 0xc0) !== 0x80) return false;
      cp = (cp << 6) | (b & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += n + 1;
  }
  return true;
}

/** The fixed header at d[off]: its length and the remaining length (FixedHeader.parse). */
export class FixedHeader {
  type = 0;
  flags = 0;
  /** Header bytes (2..5). */
  len = 0;
  /** Remaining length: bytes of variable header + payload after the fixed header. */
  remaining = 0;

  /**
   * Reads a fixed header from `avail` bytes at d[off]: > 0 the header's length; 0 when more
   * bytes are needed; -1 when the remaining length runs past 4 bytes (malformed).
   */
  parse(d: Uint8Array, off: number, avail: number): number {
    if (avail < 2) return 0;
    const b0 = d[off];
    let value = 0;
    let mul = 1;
    for (let i = 1; i <= 4; i++) {
      if (i >= avail) return 0;
      const b = d[off + i];
      value += (b & 0x7f) * mul;
      if ((b & 0x80) === 0) {
        this.type = b0 >> 4;
        this.flags = b0 & 0x0f;
        this.len = i + 1;
        this.remaining = value;
        return i + 1;
      }
      mul *= 128;
    }
    return -1;
  }
}

/** Bounds-checked big-endian reads over [pos, end). A read past `end` sets `bad`. */
class Cursor {
  d: Uint8Array = new Uint8Array(0);
  pos = 0;
  end = 0;
  bad = false;

  reset(d: Uint8Array, pos: number, end: number): void {
    this.d = d;
    this.pos = pos;
    this.end = end;
    this.bad = false;
  }

  left(): number {
    return this.end - this.pos;
  }

  u8(): number {
    if (this.pos + 1 > this.end) return this.fail();
    return this.d[this.pos++];
  }

  u16(): number {
    if (this.pos + 2 > this.end) return this.fail();
    const v = (this.d[this.pos] << 8) | this.d[this.pos + 1];
    this.pos += 2;
    return v;
  }

  u32(): number {
    if (this.pos + 4 > this.end) return this.fail();
    const d = this.d;
    const p = this.pos;
    this.pos += 4;
    return ((d[p] << 24) | (d[p + 1] << 16) | (d[p + 2] << 8) | d[p + 3]) >>> 0;
  }

  /** Variable byte integer (at most 4 bytes). */
  varint(): number {
    let value = 0;
    let mul = 1;
    for (let i = 0; i < 4; i++) {
      if (this.pos >= this.end) return this.fail();
      const b = this.d[this.pos++];
      value += (b & 0x7f) * mul;
      if ((b & 0x80) === 0) return value;
      mul *= 128;
    }
    return this.fail();
  }

  /** A 2-byte length prefix: the start of the bytes it announces, which are skipped. -1 when bad. */
  lengthPrefixed(): number {
    const n = this.u16();
    if (this.bad) return -1;
    if (this.pos + n > this.end) {
      this.fail();
      return -1;
    }
    const at = this.pos;
    this.pos += n;
    return at;
  }

  /** A UTF-8 string with a 2-byte length. */
  str(): string {
    const at = this.lengthPrefixed();
    if (at < 0) return '';
    return at === this.pos ? '' : utf8.decode(this.d.subarray(at, this.pos));
  }

  skip(n: number): void {
    if (this.pos + n > this.end) {
      this.fail();
      return;
    }
    this.pos += n;
  }

  private fail(): number {
    this.bad = true;
    this.pos = this.end;
    return 0;
  }
}

/** Sparkplug B fields of a topic ("spBv1.0/<group_id>/<message_type>/<edge_node_id>[/<device_id>]"). */
export class Sparkplug {
  groupId: string | undefined = undefined;
  messageType: string | undefined = undefined;
  edgeNodeId: string | undefined = undefined;
  deviceId: string | undefined = undefined;
  /** Sparkplug 3.0 "spBv1.0/STATE/<host_id>". */
  hostId: string | undefined = undefined;

  reset(): void {
    this.groupId = undefined;
    this.messageType = undefined;
    this.edgeNodeId = undefined;
    this.deviceId = undefined;
    this.hostId = undefined;
  }

  /** Reads the topic's levels when it is in the Sparkplug B namespace; false otherwise. */
  parse(topic: string): boolean {
    this.reset();
    if (!topic.startsWith(SPARKPLUG_NAMESPACE + '/')) return false;
    const levels = topic.split('/');
    if (levels.length === 3 && levels[1] === 'STATE') {
      this.messageType = 'STATE';
      this.hostId = levels[2];
      return true;
    }
    if (levels.length < 4 || levels.length > 5) return false;
    this.groupId = levels[1];
    this.messageType = levels[2];
    this.edgeNodeId = levels[3];
    if (levels.length === 5) this.deviceId = levels[4];
    return true;
  }
}

/** One control packet, parsed. Reused: every field is reset by MqttParser.parse. */
export class MqttMessage {
  type = 0;
  flags = 0;
  dup = false;
  qos = 0;
  retain = false;
  remaining = 0;
  /** The body was held only in part (larger than the session keeps, or a gap inside it). */
  partial = false;
  /** Fields past the part held were not read. */
  cut = false;
  /** Protocol level the packet was parsed with (its own for CONNECT). */
  level = 4;
  /** Packet identifier, -1 when the type has none. */
  packetId = -1;

  // CONNECT
  protoName = '';
  protoLevel = -1;
  connectFlags = 0;
  clientId = '';
  username: string | undefined = undefined;
  hasPassword = false;
  willFlag = false;
  willQos = 0;
  willRetain = false;
  willTopic: string | undefined = undefined;
  willPayload: string | undefined = undefined;
  willPayloadLen = -1;
  keepAlive = -1;
  cleanSession = false;
  reservedFlag = false;

  // CONNACK
  sessionPresent = false;
  /** CONNACK return code; MQTT 5 reason code of PUBACK…PUBCOMP, DISCONNECT, AUTH. -1 when absent. */
  reasonCode = -1;

  // PUBLISH
  topic = '';
  /** Bytes of application payload (from the remaining length). */
  payloadLen = 0;
  /** The first PAYLOAD_KEEP payload bytes as text when they are UTF-8, else undefined. */
  payload: string | undefined = undefined;
  /** The same bytes as hex when they are not UTF-8. */
  payloadHex: string | undefined = undefined;
  readonly spb = new Sparkplug();
  isSparkplug = false;

  // SUBSCRIBE / UNSUBSCRIBE / SUBACK / UNSUBACK
  topics: string[] = [];
  qosLevels: number[] = [];
  reasonCodes: number[] = [];
  topicsDropped = 0;

  // MQTT 5 properties
  properties: string[] = [];
  propertiesDropped = 0;
  unknownProperty = -1;
  topicAlias = -1;
  sessionExpiry = -1;
  authMethod: string | undefined = undefined;
  assignedClientId: string | undefined = undefined;
  reasonString: string | undefined = undefined;
  contentType: string | undefined = undefined;
  /** Will properties (CONNECT, level 5). */
  willProperties: string[] = [];

  /** Why the packet is malformed ('' when well-formed). */
  error = '';
}

/** Parses control packets into its one MqttMessage. */
export class MqttParser {
  readonly m = new MqttMessage();
  private readonly c = new Cursor();

  /**
   * Parses the body of a packet whose fixed header is `h`: `held` bytes at d[off] of the
   * `h.remaining` declared (held < remaining when the session kept only a prefix).
   * `level` is the session's protocol level (CONNECT carries its own).
   */
  parse(h: FixedHeader, d: Uint8Array, off: number, held: number, level: number): MqttMessage {
    const m = this.reset(h, held, level);
    const c = this.c;
    c.reset(d, off, off + held);
    switch (h.type) {
      case MSG.CONNECT:
        this.connect(m, c);
        break;
      case MSG.CONNACK:
        m.sessionPresent = (c.u8() & 1) === 1;
        m.reasonCode = c.u8();
        if (m.level === 5 && c.left() > 0) this.props(m, c, false);
        break;
      case MSG.PUBLISH:
        this.publish(m, c, d, off);
        break;
      case MSG.PUBACK:
      case MSG.PUBREC:
      case MSG.PUBREL:
      case MSG.PUBCOMP:
        m.packetId = c.u16();
        if (m.level === 5 && c.left() > 0) {
          m.reasonCode = c.u8();
          if (c.left() > 0) this.props(m, c, false);
        }
        break;
      case MSG.SUBSCRIBE:
        this.subscribe(m, c, true);
        break;
      case MSG.UNSUBSCRIBE:
        this.subscribe(m, c, false);
        break;
      case MSG.SUBACK:
      case MSG.UNSUBACK:
        m.packetId = c.u16();
        if (m.level === 5) this.props(m, c, false);
        if (h.type === MSG.SUBACK || m.level === 5) {
          while (c.left() > 0 && !c.bad) {
            const code = c.u8();
            if (m.reasonCodes === NONE_N) m.reasonCodes = [];
            if (m.reasonCodes.length < MAX_TOPICS) m.reasonCodes.push(code);
            else m.topicsDropped++;
          }
        }
        break;
      case MSG.DISCONNECT:
      case MSG.AUTH:
        // MQTT 5: an optional reason code, then optional properties. Absent = 0 (Success).
        if (m.level === 5 && c.left() > 0) {
          m.reasonCode = c.u8();
          if (c.left() > 0) this.props(m, c, false);
        }
        break;
      default:
        // PINGREQ, PINGRESP, reserved type 0: nothing to read.
        break;
    }
    if (c.bad) {
      // Past the bytes held: malformed when the whole body was held, else only cut short.
      if (m.partial) m.cut = true;
      else if (m.error === '') m.error = `${MSG_TYPE_LABEL[h.type]} fields run past the end of the packet (${h.remaining} bytes)`;
    }
    return m;
  }

  private reset(h: FixedHeader, held: number, level: number): MqttMessage {
    const m = this.m;
    m.type = h.type;
    m.flags = h.flags;
    m.dup = (h.flags & 8) !== 0;
    m.qos = (h.flags >> 1) & 3;
    m.retain = (h.flags & 1) !== 0;
    m.remaining = h.remaining;
    m.partial = held < h.remaining;
    m.cut = false;
    m.level = level;
    m.packetId = -1;
    m.protoName = '';
    m.protoLevel = -1;
    m.connectFlags = 0;
    m.clientId = '';
    m.username = undefined;
    m.hasPassword = false;
    m.willFlag = false;
    m.willQos = 0;
    m.willRetain = false;
    m.willTopic = undefined;
    m.willPayload = undefined;
    m.willPayloadLen = -1;
    m.keepAlive = -1;
    m.cleanSession = false;
    m.reservedFlag = false;
    m.sessionPresent = false;
    m.reasonCode = -1;
    m.topic = '';
    m.payloadLen = 0;
    m.payload = undefined;
    m.payloadHex = undefined;
    m.spb.reset();
    m.isSparkplug = false;
    // Lists are made only when something goes into them (most packets have none).
    m.topics = NONE;
    m.qosLevels = NONE_N;
    m.reasonCodes = NONE_N;
    m.topicsDropped = 0;
    m.properties = NONE;
    m.propertiesDropped = 0;
    m.unknownProperty = -1;
    m.topicAlias = -1;
    m.sessionExpiry = -1;
    m.authMethod = undefined;
    m.assignedClientId = undefined;
    m.reasonString = undefined;
    m.contentType = undefined;
    m.willProperties = NONE;
    m.error = '';
    return m;
  }

  private connect(m: MqttMessage, c: Cursor): void {
    m.protoName = c.str();
    m.protoLevel = c.u8();
    if (c.bad) return;
    if (m.protoLevel === 3 || m.protoLevel === 4 || m.protoLevel === 5) m.level = m.protoLevel;
    const f = c.u8();
    m.connectFlags = f;
    m.reservedFlag = (f & 1) !== 0;
    m.cleanSession = (f & 2) !== 0;
    m.willFlag = (f & 4) !== 0;
    m.willQos = (f >> 3) & 3;
    m.willRetain = (f & 0x20) !== 0;
    m.hasPassword = (f & 0x40) !== 0;
    const hasUser = (f & 0x80) !== 0;
    m.keepAlive = c.u16();
    if (m.level === 5) this.props(m, c, false);
    m.clientId = c.str();
    if (c.bad) return;
    if (m.willFlag) {
      if (m.level === 5) this.props(m, c, true);
      m.willTopic = c.str();
      const at = c.lengthPrefixed();
      if (at >= 0) {
        m.willPayloadLen = c.pos - at;
        m.willPayload = keptText(c.d, at, Math.min(c.pos, at + PAYLOAD_KEEP), c.pos > at + PAYLOAD_KEEP);
      }
    }
    if (hasUser) m.username = c.str();
    // The password is skipped, never kept.
    if (m.hasPassword) c.lengthPrefixed();
  }

  private publish(m: MqttMessage, c: Cursor, d: Uint8Array, off: number): void {
    m.topic = c.str();
    if (m.qos > 0) m.packetId = c.u16();
    if (m.level === 5) this.props(m, c, false);
    if (c.bad) return;
    const bodyStart = c.pos - off;
    m.payloadLen = m.remaining - bodyStart;
    const keep = Math.min(c.end, c.pos + PAYLOAD_KEEP);
    m.payload = keptText(d, c.pos, keep, m.payloadLen > keep - c.pos);
    if (m.payload === undefined) m.payloadHex = toHex(d, c.pos, keep);
    if (m.topic.length > 0) m.isSparkplug = m.spb.parse(m.topic);
  }

  private subscribe(m: MqttMessage, c: Cursor, withOptions: boolean): void {
    m.packetId = c.u16();
    if (m.level === 5) this.props(m, c, false);
    while (c.left() > 0 && !c.bad) {
      const t = c.str();
      const opts = withOptions ? c.u8() : 0;
      if (c.bad) break;
      if (m.topics === NONE) {
        m.topics = [];
        if (withOptions) m.qosLevels = [];
      }
      if (m.topics.length < MAX_TOPICS) {
        m.topics.push(t);
        if (withOptions) m.qosLevels.push(opts & 3);
      } else m.topicsDropped++;
    }
    if (m.topics.length === 0 && m.topicsDropped === 0 && !c.bad && !m.partial) m.error = `${withOptions ? 'SUBSCRIBE' : 'UNSUBSCRIBE'} without a topic`;
  }

  /** MQTT 5 properties: a varint length, then identifier/value pairs. */
  private props(m: MqttMessage, c: Cursor, will: boolean): void {
    const len = c.varint();
    if (c.bad) return;
    if (c.pos + len > c.end) {
      c.skip(len);
      return;
    }
    const end = c.pos + len;
    const outerEnd = c.end;
    c.end = end;
    while (c.pos < end && !c.bad) {
      const id = c.varint();
      const def = PROPERTIES.get(id);
      if (def === undefined) {
        // An unknown identifier: its value's length is unknown, skip the rest of the block.
        m.unknownProperty = id;
        c.pos = end;
        break;
      }
      const name = def[0];
      const kind = def[1];
      let value: string;
      let num = -1;
      switch (kind) {
        case PROP_KIND.BYTE:
          num = c.u8();
          value = String(num);
          break;
        case PROP_KIND.U16:
          num = c.u16();
          value = String(num);
          break;
        case PROP_KIND.U32:
          num = c.u32();
          value = String(num);
          break;
        case PROP_KIND.VARINT:
          num = c.varint();
          value = String(num);
          break;
        case PROP_KIND.UTF8:
          value = c.str();
          break;
        case PROP_KIND.BINARY: {
          const at = c.lengthPrefixed();
          if (at < 0) value = '';
          else {
            const cut = c.pos > at + MAX_PROPERTY_VALUE;
            value = keptText(c.d, at, cut ? at + MAX_PROPERTY_VALUE : c.pos, cut) ?? toHex(c.d, at, Math.min(c.pos, at + MAX_PROPERTY_VALUE / 2));
          }
          break;
        }
        default: {
          const k = c.str();
          const v = c.str();
          value = `${k}=${v}`;
          break;
        }
      }
      if (c.bad) break;
      if (!will) {
        if (id === PROP.TOPIC_ALIAS) m.topicAlias = num;
        else if (id === PROP.SESSION_EXPIRY_INTERVAL) m.sessionExpiry = num;
        else if (id === PROP.AUTHENTICATION_METHOD) m.authMethod = value;
        else if (id === PROP.ASSIGNED_CLIENT_IDENTIFIER) m.assignedClientId = value;
        else if (id === PROP.REASON_STRING) m.reasonString = value;
        else if (id === PROP.CONTENT_TYPE) m.contentType = value;
      }
      let out = will ? m.willProperties : m.properties;
      if (out === NONE) {
        out = [];
        if (will) m.willProperties = out;
        else m.properties = out;
      }
      if (out.length < MAX_PROPERTIES) {
        const entry = kind === PROP_KIND.PAIR ? value : `${name}=${value}`;
        out.push(entry.length > MAX_PROPERTY_VALUE ? entry.slice(0, MAX_PROPERTY_VALUE) : entry);
      } else m.propertiesDropped++;
    }
    c.end = outerEnd;
    if (!c.bad) c.pos = end;
  }
}

/**
 * d[from, to) as text when it is UTF-8, else undefined. `cut`: the bytes are a prefix of a
 * longer value, so a character split by the cut is dropped rather than making it binary.
 */
function keptText(d: Uint8Array, from: number, to: number, cut: boolean): string | undefined {
  if (to <= from) return '';
  if (isUtf8(d, from, to)) return utf8.decode(d.subarray(from, to));
  if (!cut) return undefined;
  let end = to;
  for (let k = 0; k < 3 && end > from && (d[end - 1] & 0xc0) === 0x80; k++) end--;
  if (end > from && d[end - 1] >= 0xc0) end--;
  if (end === to || !isUtf8(d, from, end)) return undefined;
  return utf8.decode(d.subarray(from, end));
}
