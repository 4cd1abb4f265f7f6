// The records CIP writes, as CISA ICSNPP icsnpp-enip's logs (scripts/icsnpp/enip/main.zeek):
// cip (one per CIP message, embedded ones included), cip_io (one per class 0/1 I/O
// datagram) and cip_identity (one per identity: List Identity items, Identity object Get
// Attributes All replies). ICSNPP's columns first, in its order (its packet_correlation_id
// is left out), then the fields Palisade adds. Every field: docs/protocols/cip.md.
import type { RecordHead } from '../../dissect/types.ts';
import { FLOW_HEADER_FIELDS, type RecordSchemas } from '../../dissect/types.ts';

export interface CipRecord extends RecordHead {
  is_orig: boolean;
  source_h: string;
  source_p: number;
  destination_h: string;
  destination_p: number;
  /** Sequence count of a connected (class 3) message; unset for unconnected ones (and 0, as ICSNPP). */
  cip_sequence_count: number | undefined;
  /** "request" or "response". */
  direction: string;
  /** Service code without the response bit, "0x%02x". */
  cip_service_code: string;
  cip_service: string;
  /** Responses: general status "0x%02x" and its name. */
  cip_status_code: string | undefined;
  cip_status: string | undefined;
  /** Responses with additional status: the first additional status word "0x%04x" and its name. */
  cip_extended_status_code: string | undefined;
  cip_extended_status: string | undefined;
  /** Requests: first class / instance / attribute of the request path, "0x%02x"; class name. */
  class_id: string | undefined;
  class_name: string | undefined;
  instance_id: string | undefined;
  attribute_id: string | undefined;
  // ---- Palisade ----
  /** Requests: first member id of the request path, "0x%02x". */
  member_id: string | undefined;
  /** Requests: the tag (symbolic segments joined by ".", elements as [n]). */
  symbol: string | undefined;
  /** Requests: the whole request path as text. */
  request_path: string | undefined;
  /** Service code as a number. */
  service: number;
  /** General status as a number (responses). */
  status: number | undefined;
  /** This message was embedded in a Multiple Service Packet or an Unconnected Send. */
  embedded: boolean;
  /** Unconnected Send: the route path as text. */
  route_path: string | undefined;
  /**
   * Forward Open / Large Forward Open / Forward Close (requests and replies). Only the
   * records of these messages have these keys (see `addConnectionFields`): the others,
   * nearly all, are 17 keys smaller to make and to serialise.
   */
  o_t_connection_id?: string;
  t_o_connection_id?: string;
  connection_serial?: number;
  originator_vendor_id?: number;
  originator_serial?: string;
  timeout_multiplier?: number;
  o_t_rpi?: number;
  t_o_rpi?: number;
  o_t_size?: number;
  t_o_size?: number;
  o_t_type?: string;
  t_o_type?: string;
  o_t_priority?: string;
  t_o_priority?: string;
  transport_class?: number;
  transport_trigger?: string;
  connection_path?: string;
}

/**
 * Gives a cip record the keys of the connection manager's fields, unset, in their column
 * order, so that the values set afterwards come out in that order whatever order the parser
 * sets them in.
 */
export function addConnectionFields(r: CipRecord): void {
  r.o_t_connection_id = undefined;
  r.t_o_connection_id = undefined;
  r.connection_serial = undefined;
  r.originator_vendor_id = undefined;
  r.originator_serial = undefined;
  r.timeout_multiplier = undefined;
  r.o_t_rpi = undefined;
  r.t_o_rpi = undefined;
  r.o_t_size = undefined;
  r.t_o_size = undefined;
  r.o_t_type = undefined;
  r.t_o_type = undefined;
  r.o_t_priority = undefined;
  r.t_o_priority = undefined;
  r.transport_class = undefined;
  r.transport_trigger = undefined;
  r.connection_path = undefined;
}

export interface CipIoRecord {
  is_orig: boolean;
  source_h: string;
  source_p: number;
  destination_h: string;
  destination_p: number;
  /** Connection id of the sequenced address item, "0x%08x". */
  connection_id: string;
  /** Encapsulation sequence number of the sequenced address item. */
  sequence_number: number;
  /** Bytes of the connected data item. */
  data_length: number;
  /** The connected data item in hex (the 16-bit CIP sequence count first, for class 1). */
  io_data: string;
}

export interface CipIdentityRecord {
  is_orig: boolean;
  source_h: string;
  source_p: number;
  destination_h: string;
  destination_p: number;
  encapsulation_version: number | undefined;
  socket_address: string | undefined;
  socket_port: number | undefined;
  vendor_id: number;
  vendor_name: string;
  device_type_id: number;
  device_type_name: string;
  product_code: number;
  /** "major.minor". */
  revision: string;
  /** Status word, "0x%04x". */
  device_status: string;
  /** "0x%08x". */
  serial_number: string;
  product_name: string;
  /** "0x%04x"; unset when the reply has no state attribute. */
  device_state: string | undefined;
  /** Palisade: "list_identity" or "get_attributes_all". */
  identity_source: string;
}

const DIR_FIELDS = [
  { name: 'is_orig', type: 'bool' },
  { name: 'source_h', type: 'addr' },
  { name: 'source_p', type: 'port' },
  { name: 'destination_h', type: 'addr' },
  { name: 'destination_p', type: 'port' },
] as const;

export const CIP_RECORDS: RecordSchemas = {
  cip: [
    ...FLOW_HEADER_FIELDS,
    ...DIR_FIELDS,
    { name: 'cip_sequence_count', type: 'count' },
    { name: 'direction', type: 'string' },
    { name: 'cip_service_code', type: 'string' },
    { name: 'cip_service', type: 'string' },
    { name: 'cip_status_code', type: 'string' },
    { name: 'cip_status', type: 'string' },
    { name: 'cip_extended_status_code', type: 'string' },
    { name: 'cip_extended_status', type: 'string' },
    { name: 'class_id', type: 'string' },
    { name: 'class_name', type: 'string' },
    { name: 'instance_id', type: 'string' },
    { name: 'attribute_id', type: 'string' },
    { name: 'member_id', type: 'string' },
    { name: 'symbol', type: 'string' },
    { name: 'request_path', type: 'string' },
    { name: 'service', type: 'count' },
    { name: 'status', type: 'count' },
    { name: 'embedded', type: 'bool' },
    { name: 'route_path', type: 'string' },
    { name: 'o_t_connection_id', type: 'string' },
    { name: 't_o_connection_id', type: 'string' },
    { name: 'connection_serial', type: 'count' },
    { name: 'originator_vendor_id', type: 'count' },
    { name: 'originator_serial', type: 'string' },
    { name: 'timeout_multiplier', type: 'count' },
    { name: 'o_t_rpi', type: 'count' },
    { name: 't_o_rpi', type: 'count' },
    { name: 'o_t_size', type: 'count' },
    { name: 't_o_size', type: 'count' },
    { name: 'o_t_type', type: 'string' },
    { name: 't_o_type', type: 'string' },
    { name: 'o_t_priority', type: 'string' },
    { name: 't_o_priority', type: 'string' },
    { name: 'transport_class', type: 'count' },
    { name: 'transport_trigger', type: 'string' },
    { name: 'connection_path', type: 'string' },
  ],
  cip_io: [
    ...FLOW_HEADER_FIELDS,
    ...DIR_FIELDS,
    { name: 'connection_id', type: 'string' },
    { name: 'sequence_number', type: 'count' },
    { name: 'data_length', type: 'count' },
    { name: 'io_data', type: 'string' },
  ],
  cip_identity: [
    ...FLOW_HEADER_FIELDS,
    ...DIR_FIELDS,
    { name: 'encapsulation_version', type: 'count' },
    { name: 'socket_address', type: 'addr' },
    { name: 'socket_port', type: 'count' },
    { name: 'vendor_id', type: 'count' },
    { name: 'vendor_name', type: 'string' },
    { name: 'device_type_id', type: 'count' },
    { name: 'device_type_name', type: 'string' },
    { name: 'product_code', type: 'count' },
    { name: 'revision', type: 'string' },
    { name: 'device_status', type: 'string' },
    { name: 'serial_number', type: 'string' },
    { name: 'product_name', type: 'string' },
    { name: 'device_state', type: 'string' },
    { name: 'identity_source', type: 'string' },
  ],
};
