// MQTT record types. Three follow Zeek's MQTT logs (policy/protocols/mqtt: mqtt_connect,
// mqtt_publish, mqtt_subscribe) column for column, with Palisade's additions after Zeek's
// columns; the fourth, `mqtt`, has one row per control packet (every packet type, both
// directions), for what Zeek's logs leave out (PUBACK…PUBCOMP, PING, DISCONNECT, AUTH, MQTT 5
// reason codes and properties). docs/protocols/mqtt.md documents every field.
import type { ZeekField } from '../../events/zeek-tsv.ts';
import { FLOW_HEADER_FIELDS } from '../../dissect/types.ts';

/** One control packet. */
export interface MqttRecord {
  /** The packet came from the connection's originator (the client). */
  is_orig: boolean;
  /** Packet type name ("connect", "publish", …, "auth"; "unknown-<n>"). */
  msg_type: string;
  /** Packet type number (0-15). */
  msg_type_code: number;
  dup: boolean;
  qos: number;
  retain: boolean;
  /** Remaining length: bytes after the fixed header. */
  length: number;
  packet_id?: number;
  /** CONNECT: client identifier. */
  client_id?: string;
  /** PUBLISH: topic (resolved from the MQTT 5 topic alias when the packet carries none). */
  topic?: string;
  /** SUBSCRIBE / UNSUBSCRIBE: topic filters. */
  topics?: string[];
  /** SUBSCRIBE: requested QoS per topic. */
  qos_levels?: number[];
  /** CONNACK return code; MQTT 5 reason code of PUBACK…PUBCOMP, DISCONNECT, AUTH. */
  reason_code?: number;
  reason?: string;
  /** SUBACK / UNSUBACK: return (reason) codes per topic. */
  reason_codes?: number[];
  /** PUBLISH: payload bytes. */
  payload_len?: number;
  topic_alias?: number;
  spb_group_id?: string;
  spb_message_type?: string;
  spb_edge_node_id?: string;
  spb_device_id?: string;
  spb_host_id?: string;
  /** MQTT 5 properties as "name=value" (user properties as "key=value"). */
  properties?: string[];
}

/** CONNECT and its CONNACK (Zeek's mqtt_connect, then Palisade's columns). */
export interface MqttConnectRecord {
  proto_name?: string;
  proto_version?: string;
  client_id?: string;
  connect_status?: string;
  will_topic?: string;
  will_payload?: string;
  proto_level?: number;
  username?: string;
  /** The CONNECT carried a password (its value is never recorded). */
  has_password?: boolean;
  will_qos?: number;
  will_retain?: boolean;
  will_payload_len?: number;
  keep_alive?: number;
  /** Clean Session (3.1/3.1.1) / Clean Start (5). */
  clean_session?: boolean;
  session_present?: boolean;
  connect_status_code?: number;
  session_expiry_interval?: number;
  auth_method?: string;
  assigned_client_id?: string;
  reason_string?: string;
  /** MQTT 5 will properties as "name=value". */
  will_properties?: string[];
}

/** One PUBLISH and its QoS exchange (Zeek's mqtt_publish, then Palisade's columns). */
export interface MqttPublishRecord {
  from_client: boolean;
  retain: boolean;
  qos: string;
  status: string;
  topic: string;
  payload?: string;
  payload_len: number;
  qos_level: number;
  dup: boolean;
  packet_id?: number;
  payload_hex?: string;
  /** MQTT 5 reason code of the PUBACK / PUBREC. */
  reason_code?: number;
  topic_alias?: number;
  content_type?: string;
  spb_group_id?: string;
  spb_message_type?: string;
  spb_edge_node_id?: string;
  spb_device_id?: string;
  spb_host_id?: string;
}

/** SUBSCRIBE or UNSUBSCRIBE and its acknowledgement (Zeek's mqtt_subscribe, then Palisade's columns). */
export interface MqttSubscribeRecord {
  action: string;
  topics: string[];
  qos_levels?: number[];
  granted_qos_level?: number;
  ack: boolean;
  packet_id: number;
  reason_codes?: number[];
}

const SPB_FIELDS = [
  { name: 'spb_group_id', type: 'string' },
  { name: 'spb_message_type', type: 'string' },
  { name: 'spb_edge_node_id', type: 'string' },
  { name: 'spb_device_id', type: 'string' },
  { name: 'spb_host_id', type: 'string' },
] as const satisfies readonly ZeekField[];

export const MQTT_FIELDS: readonly ZeekField[] = [
  ...FLOW_HEADER_FIELDS,
  { name: 'is_orig', type: 'bool' },
  { name: 'msg_type', type: 'string' },
  { name: 'msg_type_code', type: 'count' },
  { name: 'dup', type: 'bool' },
  { name: 'qos', type: 'count' },
  { name: 'retain', type: 'bool' },
  { name: 'length', type: 'count' },
  { name: 'packet_id', type: 'count' },
  { name: 'client_id', type: 'string' },
  { name: 'topic', type: 'string' },
  { name: 'topics', type: 'vector[string]' },
  { name: 'qos_levels', type: 'vector[count]' },
  { name: 'reason_code', type: 'count' },
  { name: 'reason', type: 'string' },
  { name: 'reason_codes', type: 'vector[count]' },
  { name: 'payload_len', type: 'count' },
  { name: 'topic_alias', type: 'count' },
  ...SPB_FIELDS,
  { name: 'properties', type: 'vector[string]' },
];

export const MQTT_CONNECT_FIELDS: readonly ZeekField[] = [
  ...FLOW_HEADER_FIELDS,
  { name: 'proto_name', type: 'string' },
  { name: 'proto_version', type: 'string' },
  { name: 'client_id', type: 'string' },
  { name: 'connect_status', type: 'string' },
  { name: 'will_topic', type: 'string' },
  { name: 'will_payload', type: 'string' },
  { name: 'proto_level', type: 'count' },
  { name: 'username', type: 'string' },
  { name: 'has_password', type: 'bool' },
  { name: 'will_qos', type: 'count' },
  { name: 'will_retain', type: 'bool' },
  { name: 'will_payload_len', type: 'count' },
  { name: 'keep_alive', type: 'count' },
  { name: 'clean_session', type: 'bool' },
  { name: 'session_present', type: 'bool' },
  { name: 'connect_status_code', type: 'count' },
  { name: 'session_expiry_interval', type: 'count' },
  { name: 'auth_method', type: 'string' },
  { name: 'assigned_client_id', type: 'string' },
  { name: 'reason_string', type: 'string' },
  { name: 'will_properties', type: 'vector[string]' },
];

export const MQTT_PUBLISH_FIELDS: readonly ZeekField[] = [
  ...FLOW_HEADER_FIELDS,
  { name: 'from_client', type: 'bool' },
  { name: 'retain', type: 'bool' },
  { name: 'qos', type: 'string' },
  { name: 'status', type: 'string' },
  { name: 'topic', type: 'string' },
  { name: 'payload', type: 'string' },
  { name: 'payload_len', type: 'count' },
  { name: 'qos_level', type: 'count' },
  { name: 'dup', type: 'bool' },
  { name: 'packet_id', type: 'count' },
  { name: 'payload_hex', type: 'string' },
  { name: 'reason_code', type: 'count' },
  { name: 'topic_alias', type: 'count' },
  { name: 'content_type', type: 'string' },
  ...SPB_FIELDS,
];

export const MQTT_SUBSCRIBE_FIELDS: readonly ZeekField[] = [
  ...FLOW_HEADER_FIELDS,
  { name: 'action', type: 'enum' },
  { name: 'topics', type: 'vector[string]' },
  { name: 'qos_levels', type: 'vector[count]' },
  { name: 'granted_qos_level', type: 'count' },
  { name: 'ack', type: 'bool' },
  { name: 'packet_id', type: 'count' },
  { name: 'reason_codes', type: 'vector[count]' },
];
