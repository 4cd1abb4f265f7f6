// BACnet record types: the four logs of CISA ICSNPP's icsnpp-bacnet (bacnet, bacnet_discovery,
// bacnet_property, bacnet_device_control), with ICSNPP's field names and values first, then
// Palisade's (numbers of the coded values, routing, segmentation, pairing), plus bacnet_file
// for AtomicReadFile/AtomicWriteFile. Every field is documented in docs/protocols/bacnet.md.
import type { ZeekField } from '../../events/zeek-tsv.ts';
import { FLOW_HEADER_FIELDS } from '../../dissect/types.ts';

/** ICSNPP's direction fields, after the flow header of every BACnet record. */
const DIRECTION = [
  { name: 'is_orig', type: 'bool' },
  { name: 'source_h', type: 'addr' },
  { name: 'source_p', type: 'port' },
  { name: 'destination_h', type: 'addr' },
  { name: 'destination_p', type: 'port' },
] as const satisfies readonly ZeekField[];

interface Direction {
  is_orig: boolean;
  source_h: string;
  source_p: number;
  destination_h: string;
  destination_p: number;
}

/**
 * Palisade's routing fields, last in the service records (bacnet_discovery, bacnet_property,
 * bacnet_device_control, bacnet_file), as in bacnet: whom the message is from or for behind a
 * BACnet router (NPDU SNET/SADR, DNET/DADR), and the originator of a Forwarded-NPDU.
 */
const ROUTE = [
  { name: 'snet', type: 'count' },
  { name: 'sadr', type: 'string' },
  { name: 'dnet', type: 'count' },
  { name: 'dadr', type: 'string' },
  { name: 'fwd_ip', type: 'addr' },
] as const satisfies readonly ZeekField[];

interface Route {
  /** Source network behind a router (NPDU SNET). */
  snet?: number;
  /** Source MAC address on that network, lower-case hex (SADR). */
  sadr?: string;
  /** Destination network (DNET; 65535: every network). */
  dnet?: number;
  /** Destination MAC address on it (DADR); absent for a broadcast on DNET. */
  dadr?: string;
  /** Forwarded-NPDU: the B/IP address of the device that originated the message. */
  fwd_ip?: string;
}

/** One record per BVLC message (one UDP datagram), as ICSNPP's bacnet.log. */
export interface BacnetRecord extends Direction {
  bvlc_function: string;
  /** APDU type (`CONFIRMED_REQUEST` …), or `NPDU` for a network layer message. */
  pdu_type?: string;
  /** Service choice (`read_property`, `i_am`), the network message type, or `reject` / `abort`. */
  pdu_service?: string;
  invoke_id?: number;
  /** BVLC-Result code, error code, reject or abort reason. */
  result_code?: string;
  snet?: number;
  slen?: number;
  /** Source MAC address behind a router, lower-case hex. */
  sadr?: string;
  dnet?: number;
  dlen?: number;
  dadr?: string;
  /** Forwarded-NPDU: the B/IP address of the device that originated the message. */
  fwd_ip?: string;
  fwd_port?: number;
  bvlc_function_code: number;
  pdu_type_code?: number;
  pdu_service_code?: number;
  result_code_num?: number;
  error_class?: string;
  hop_count?: number;
  segmented?: boolean;
  more_follows?: boolean;
  sequence_number?: number;
  window_size?: number;
  /** Confirmed-Request: the largest APDU (octets) the sender accepts. */
  max_apdu?: number;
  /** Network numbers carried by a network layer message (I-Am-Router-To-Network …). */
  networks?: number[];
  /** BDT / FDT entries (Write-BDT, Read-BDT-Ack, Read-FDT-Ack), `ip:port`; Delete-FDT-Entry's address. */
  bvlc_entries?: string[];
  /** Register-Foreign-Device time-to-live, seconds. */
  ttl?: number;
  /** A response: the service of the request it answers (paired by invoke id). */
  request_service?: string;
  /** A response: seconds since the request it answers. */
  rtt?: number;
}

/** Who-Is / I-Am / Who-Has / I-Have (ICSNPP) and Who-Am-I / You-Are (Palisade). */
export interface BacnetDiscoveryRecord extends Direction, Route {
  pdu_service: string;
  device_id_type?: string;
  device_id_number?: number;
  object_type?: string;
  instance_number?: number;
  vendor?: string;
  range?: string;
  object_name?: string;
  vendor_id?: number;
  max_apdu?: number;
  segmentation?: string;
  segmentation_code?: number;
  range_low?: number;
  range_high?: number;
  model_name?: string;
  serial_number?: string;
  mac_address?: string;
  object_type_code?: number;
}

/** One property reference or value of ReadProperty(-Multiple), WriteProperty(-Multiple), ReadRange, and their errors. */
export interface BacnetPropertyRecord extends Direction, Route {
  invoke_id?: number;
  pdu_service: string;
  object_type?: string;
  instance_number?: number;
  property?: string;
  array_index?: number;
  value?: string;
  object_type_code?: number;
  property_code?: number;
  value_type?: string;
  priority?: number;
  error_class?: string;
  error_code?: string;
}

/** DeviceCommunicationControl and ReinitializeDevice requests and their results. */
export interface BacnetDeviceControlRecord extends Direction, Route {
  invoke_id?: number;
  pdu_service: string;
  time_duration?: number;
  device_state?: string;
  result?: string;
  result_code?: string;
  device_state_code?: number;
  password_present?: boolean;
  error_class?: string;
}

/** AtomicReadFile / AtomicWriteFile requests and acknowledgements (file and program transfers). */
export interface BacnetFileRecord extends Direction, Route {
  invoke_id?: number;
  pdu_service: string;
  object_type?: string;
  instance_number?: number;
  access?: string;
  start_position?: number;
  count?: number;
  data_length?: number;
  end_of_file?: boolean;
}

export const BACNET_FIELDS = [
  ...FLOW_HEADER_FIELDS,
  ...DIRECTION,
  { name: 'bvlc_function', type: 'string' },
  { name: 'pdu_type', type: 'string' },
  { name: 'pdu_service', type: 'string' },
  { name: 'invoke_id', type: 'count' },
  { name: 'result_code', type: 'string' },
  { name: 'snet', type: 'count' },
  { name: 'slen', type: 'count' },
  { name: 'sadr', type: 'string' },
  { name: 'dnet', type: 'count' },
  { name: 'dlen', type: 'count' },
  { name: 'dadr', type: 'string' },
  { name: 'fwd_ip', type: 'addr' },
  { name: 'fwd_port', type: 'port' },
  { name: 'bvlc_function_code', type: 'count' },
  { name: 'pdu_type_code', type: 'count' },
  { name: 'pdu_service_code', type: 'count' },
  { name: 'result_code_num', type: 'count' },
  { name: 'error_class', type: 'string' },
  { name: 'hop_count', type: 'count' },
  { name: 'segmented', type: 'bool' },
  { name: 'more_follows', type: 'bool' },
  { name: 'sequence_number', type: 'count' },
  { name: 'window_size', type: 'count' },
  { name: 'max_apdu', type: 'count' },
  { name: 'networks', type: 'vector[count]' },
  { name: 'bvlc_entries', type: 'vector[string]' },
  { name: 'ttl', type: 'count' },
  { name: 'request_service', type: 'string' },
  { name: 'rtt', type: 'interval' },
] as const satisfies readonly ZeekField[];

export const BACNET_DISCOVERY_FIELDS = [
  ...FLOW_HEADER_FIELDS,
  ...DIRECTION,
  { name: 'pdu_service', type: 'string' },
  { name: 'device_id_type', type: 'string' },
  { name: 'device_id_number', type: 'count' },
  { name: 'object_type', type: 'string' },
  { name: 'instance_number', type: 'count' },
  { name: 'vendor', type: 'string' },
  { name: 'range', type: 'string' },
  { name: 'object_name', type: 'string' },
  { name: 'vendor_id', type: 'count' },
  { name: 'max_apdu', type: 'count' },
  { name: 'segmentation', type: 'string' },
  { name: 'segmentation_code', type: 'count' },
  { name: 'range_low', type: 'count' },
  { name: 'range_high', type: 'count' },
  { name: 'model_name', type: 'string' },
  { name: 'serial_number', type: 'string' },
  { name: 'mac_address', type: 'string' },
  { name: 'object_type_code', type: 'count' },
  ...ROUTE,
] as const satisfies readonly ZeekField[];

export const BACNET_PROPERTY_FIELDS = [
  ...FLOW_HEADER_FIELDS,
  ...DIRECTION,
  { name: 'invoke_id', type: 'count' },
  { name: 'pdu_service', type: 'string' },
  { name: 'object_type', type: 'string' },
  { name: 'instance_number', type: 'count' },
  { name: 'property', type: 'string' },
  { name: 'array_index', type: 'count' },
  { name: 'value', type: 'string' },
  { name: 'object_type_code', type: 'count' },
  { name: 'property_code', type: 'count' },
  { name: 'value_type', type: 'string' },
  { name: 'priority', type: 'count' },
  { name: 'error_class', type: 'string' },
  { name: 'error_code', type: 'string' },
  ...ROUTE,
] as const satisfies readonly ZeekField[];

export const BACNET_DEVICE_CONTROL_FIELDS = [
  ...FLOW_HEADER_FIELDS,
  ...DIRECTION,
  { name: 'invoke_id', type: 'count' },
  { name: 'pdu_service', type: 'string' },
  { name: 'time_duration', type: 'count' },
  { name: 'device_state', type: 'string' },
  { name: 'result', type: 'string' },
  { name: 'result_code', type: 'string' },
  { name: 'device_state_code', type: 'count' },
  { name: 'password_present', type: 'bool' },
  { name: 'error_class', type: 'string' },
  ...ROUTE,
] as const satisfies readonly ZeekField[];

export const BACNET_FILE_FIELDS = [
  ...FLOW_HEADER_FIELDS,
  ...DIRECTION,
  { name: 'invoke_id', type: 'count' },
  { name: 'pdu_service', type: 'string' },
  { name: 'object_type', type: 'string' },
  { name: 'instance_number', type: 'count' },
  { name: 'access', type: 'string' },
  { name: 'start_position', type: 'int' },
  { name: 'count', type: 'count' },
  { name: 'data_length', type: 'count' },
  { name: 'end_of_file', type: 'bool' },
  ...ROUTE,
] as const satisfies readonly ZeekField[];

export const BACNET_RECORDS = {
  bacnet: BACNET_FIELDS,
  bacnet_discovery: BACNET_DISCOVERY_FIELDS,
  bacnet_property: BACNET_PROPERTY_FIELDS,
  bacnet_device_control: BACNET_DEVICE_CONTROL_FIELDS,
  bacnet_file: BACNET_FILE_FIELDS,
} as const;
