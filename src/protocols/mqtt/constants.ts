// MQTT wire constants (OASIS MQTT 3.1.1 and 5.0; 3.1 is the IBM "MQIsdp" predecessor),
// with the names the records carry. Zeek's names (base/protocols/mqtt/consts.zeek) are used
// for the fields Zeek logs (proto_version, connect_status, qos), so those values read the same
// in Palisade's logs and Zeek's.

/** Control packet types (the high nibble of the fixed header's first byte). */
export const MSG = {
  RESERVED: 0,
  CONNECT: 1,
  CONNACK: 2,
  PUBLISH: 3,
  PUBACK: 4,
  PUBREC: 5,
  PUBREL: 6,
  PUBCOMP: 7,
  SUBSCRIBE: 8,
  SUBACK: 9,
  UNSUBSCRIBE: 10,
  UNSUBACK: 11,
  PINGREQ: 12,
  PINGRESP: 13,
  DISCONNECT: 14,
  /** MQTT 5 only; reserved in 3.1.1. */
  AUTH: 15,
} as const;

/** msg_type names: Zeek's msg_types table, plus "auth" (MQTT 5), "unknown-<n>" otherwise. */
export const MSG_TYPE_NAMES: readonly string[] = [
  'unknown-0', 'connect', 'connack', 'publish', 'puback', 'pubrec', 'pubrel', 'pubcomp',
  'subscribe', 'suback', 'unsubscribe', 'unsuback', 'pingreq', 'pingresp', 'disconnect', 'auth',
];

/**
 * The flags nibble each type must carry (MQTT 3.1.1 §2.2.2): PUBREL, SUBSCRIBE and UNSUBSCRIBE
 * have 0010, PUBLISH is free (dup, qos, retain), all others 0000. -1 = not checked.
 */
export const REQUIRED_FLAGS: readonly number[] = [-1, 0, 0, -1, 0, 0, 2, 0, 2, 0, 2, 0, 0, 0, 0, 0];

/** Protocol level (CONNECT) → Zeek's proto_version names. */
export function versionName(level: number): string {
  if (level === 3) return '3.1';
  if (level === 4) return '3.1.1';
  if (level === 5) return '5.0';
  return `unknown-version-${level}`;
}

/** QoS → Zeek's qos_levels names. */
export function qosName(qos: number): string {
  if (qos === 0) return 'at most once';
  if (qos === 1) return 'at least once';
  if (qos === 2) return 'exactly once';
  return `unknown-qos-level-${qos}`;
}

/** CONNACK return codes of MQTT 3.1/3.1.1, as Zeek's return_codes names them. */
const CONNACK_V3: readonly string[] = [
  'Connection Accepted',
  'Refused: unacceptable protocol version',
  'Refused: identifier rejected',
  'Refused: server unavailable',
  'Refused: bad user name or password',
  'Refused: not authorized',
];

/** MQTT 5 reason codes (§2.4), as the specification spells them. 0x00-0x02 depend on the packet type. */
const REASON_V5 = new Map<number, string>([
  [0x04, 'Disconnect with Will Message'],
  [0x10, 'No matching subscribers'],
  [0x11, 'No subscription existed'],
  [0x18, 'Continue authentication'],
  [0x19, 'Re-authenticate'],
  [0x80, 'Unspecified error'],
  [0x81, 'Malformed Packet'],
  [0x82, 'Protocol Error'],
  [0x83, 'Implementation specific error'],
  [0x84, 'Unsupported Protocol Version'],
  [0x85, 'Client Identifier not valid'],
  [0x86, 'Bad User Name or Password'],
  [0x87, 'Not authorized'],
  [0x88, 'Server unavailable'],
  [0x89, 'Server busy'],
  [0x8a, 'Banned'],
  [0x8b, 'Server shutting down'],
  [0x8c, 'Bad authentication method'],
  [0x8d, 'Keep Alive timeout'],
  [0x8e, 'Session taken over'],
  [0x8f, 'Topic Filter invalid'],
  [0x90, 'Topic Name invalid'],
  [0x91, 'Packet Identifier in use'],
  [0x92, 'Packet Identifier not found'],
  [0x93, 'Receive Maximum exceeded'],
  [0x94, 'Topic Alias invalid'],
  [0x95, 'Packet too large'],
  [0x96, 'Message rate too high'],
  [0x97, 'Quota exceeded'],
  [0x98, 'Administrative action'],
  [0x99, 'Payload format invalid'],
  [0x9a, 'Retain not supported'],
  [0x9b, 'QoS not supported'],
  [0x9c, 'Use another server'],
  [0x9d, 'Server moved'],
  [0x9e, 'Shared Subscriptions not supported'],
  [0x9f, 'Connection rate exceeded'],
  [0xa0, 'Maximum connect time'],
  [0xa1, 'Subscription Identifiers not supported'],
  [0xa2, 'Wildcard Subscriptions not supported'],
]);

/**
 * connect_status: code 0 is Zeek's "Connection Accepted" at every level; other codes by the
 * session's level (3.1/3.1.1: Zeek's names, "unknown-return-code-<n>" as Zeek writes unknown
 * ones; 5: the specification's reason names, "unknown-<n>" otherwise).
 */
export function connackName(code: number, level: number): string {
  if (level === 5) return code === 0 ? CONNACK_V3[0] : (REASON_V5.get(code) ?? `unknown-${code}`);
  return code < CONNACK_V3.length ? CONNACK_V3[code] : `unknown-return-code-${code}`;
}

/** Name of an MQTT 5 reason code carried by a packet of `type` (PUBACK… DISCONNECT, AUTH, SUBACK, UNSUBACK). */
export function reasonName(code: number, type: number): string {
  if (code === 0) {
    if (type === MSG.DISCONNECT) return 'Normal disconnection';
    if (type === MSG.SUBACK) return 'Granted QoS 0';
    return 'Success';
  }
  if (type === MSG.SUBACK && (code === 1 || code === 2)) return `Granted QoS ${code}`;
  return REASON_V5.get(code) ?? `unknown-${code}`;
}

/** How an MQTT 5 property's value is encoded. */
export const PROP_KIND = {
  BYTE: 1,
  U16: 2,
  U32: 3,
  VARINT: 4,
  UTF8: 5,
  BINARY: 6,
  PAIR: 7,
} as const;

/** MQTT 5 property identifiers (§2.2.2.2) → [name, kind]. Names as Suricata's EVE logs them. */
export const PROPERTIES: ReadonlyMap<number, readonly [string, number]> = new Map<number, readonly [string, number]>([
  [0x01, ['payload_format_indicator', PROP_KIND.BYTE]],
  [0x02, ['message_expiry_interval', PROP_KIND.U32]],
  [0x03, ['content_type', PROP_KIND.UTF8]],
  [0x08, ['response_topic', PROP_KIND.UTF8]],
  [0x09, ['correlation_data', PROP_KIND.BINARY]],
  [0x0b, ['subscription_identifier', PROP_KIND.VARINT]],
  [0x11, ['session_expiry_interval', PROP_KIND.U32]],
  [0x12, ['assigned_client_identifier', PROP_KIND.UTF8]],
  [0x13, ['server_keep_alive', PROP_KIND.U16]],
  [0x15, ['authentication_method', PROP_KIND.UTF8]],
  [0x16, ['authentication_data', PROP_KIND.BINARY]],
  [0x17, ['request_problem_information', PROP_KIND.BYTE]],
  [0x18, ['will_delay_interval', PROP_KIND.U32]],
  [0x19, ['request_response_information', PROP_KIND.BYTE]],
  [0x1a, ['response_information', PROP_KIND.UTF8]],
  [0x1c, ['server_reference', PROP_KIND.UTF8]],
  [0x1f, ['reason_string', PROP_KIND.UTF8]],
  [0x21, ['receive_maximum', PROP_KIND.U16]],
  [0x22, ['topic_alias_maximum', PROP_KIND.U16]],
  [0x23, ['topic_alias', PROP_KIND.U16]],
  [0x24, ['maximum_qos', PROP_KIND.BYTE]],
  [0x25, ['retain_available', PROP_KIND.BYTE]],
  [0x26, ['user_property', PROP_KIND.PAIR]],
  [0x27, ['maximum_packet_size', PROP_KIND.U32]],
  [0x28, ['wildcard_subscription_available', PROP_KIND.BYTE]],
  [0x29, ['subscription_identifier_available', PROP_KIND.BYTE]],
  [0x2a, ['shared_subscription_available', PROP_KIND.BYTE]],
]);

export const PROP = {
  SESSION_EXPIRY_INTERVAL: 0x11,
  ASSIGNED_CLIENT_IDENTIFIER: 0x12,
  AUTHENTICATION_METHOD: 0x15,
  REASON_STRING: 0x1f,
  TOPIC_ALIAS: 0x23,
  CONTENT_TYPE: 0x03,
} as const;

/** Sparkplug B message types (Sparkplug 3.0 §4.1.2), the third topic level of "spBv1.0/…". */
export const SPARKPLUG_TYPES: ReadonlySet<string> = new Set([
  'NBIRTH', 'NDEATH', 'DBIRTH', 'DDEATH', 'NDATA', 'DDATA', 'NCMD', 'DCMD', 'STATE',
]);
export const SPARKPLUG_NAMESPACE = 'spBv1.0';
