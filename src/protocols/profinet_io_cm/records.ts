// The record types of the profinet_io_cm dissector (docs/protocols/profinet_io_cm.md lists the
// same fields with meanings and examples).
//
// `profinet_io_cm` is CISA ICSNPP's icsnpp-profinet-io-cm log (analyzer/types.zeek,
// Profinet_Header): one record per DCE/RPC datagram, its columns in ICSNPP's order, then
// Palisade's. ICSNPP logs the DCE/RPC header only; the other record types are Palisade's and
// hold what the PNIO blocks say: one per call (request and response paired), per AR set up
// by a Connect, per IO communication relation and expected submodule of a Connect, and per
// record read or written by index.
import { FLOW_HEADER_FIELDS, type RecordHead } from '../../dissect/types.ts';
import type { ZeekField } from '../../events/zeek-tsv.ts';

export const RECORD_HEADER = 'profinet_io_cm';
export const RECORD_CALL = 'profinet_io_cm_call';
export const RECORD_AR = 'profinet_io_cm_ar';
export const RECORD_IOCR = 'profinet_io_cm_iocr';
export const RECORD_SUBMODULE = 'profinet_io_cm_submodule';
export const RECORD_RECORD = 'profinet_io_cm_record';

/** Who sent a datagram or made a call (ICSNPP's source/destination columns: the true sender, whatever the flow's orientation). */
const SRC_DST = [
  { name: 'source_h', type: 'addr' },
  { name: 'source_p', type: 'port' },
  { name: 'destination_h', type: 'addr' },
  { name: 'destination_p', type: 'port' },
] as const satisfies readonly ZeekField[];

/** The PNIO status fields: the four bytes as one hex text, then each byte as number and name. */
const STATUS = [
  { name: 'pnio_status', type: 'string' },
  { name: 'error_code', type: 'count' },
  { name: 'error_code_name', type: 'string' },
  { name: 'error_decode', type: 'count' },
  { name: 'error_decode_name', type: 'string' },
  { name: 'error_code1', type: 'count' },
  { name: 'error_code1_name', type: 'string' },
  { name: 'error_code2', type: 'count' },
  { name: 'error_code2_name', type: 'string' },
] as const satisfies readonly ZeekField[];

export interface StatusFields {
  /** The PNIOStatus as 8 hex digits, ErrorCode first: `db814004`; `00000000` is OK. */
  pnio_status?: string;
  error_code?: number;
  /** `OK`, `PNIO`, `RTA error`, `IODConnectRes`, `IODReleaseRes`, `IODControlRes`, `IODReadRes`, `IODWriteRes`, `AlarmAck`. */
  error_code_name?: string;
  error_decode?: number;
  /** `OK`, `PNIORW` (read/write user errors), `PNIO`, `ManufacturerSpecific`. */
  error_decode_name?: string;
  error_code1?: number;
  /** PNIORW: class and code (`access: invalid index`); PNIO: the faulty block or protocol machine (`CMRPC`). */
  error_code1_name?: string;
  error_code2?: number;
  /** PNIO: the parameter in error or the machine's error (`Out of AR Resources`); PNIORW: `user specific`. */
  error_code2_name?: string;
}

/** One DCE/RPC datagram (ICSNPP's profinet_io_cm.log). */
export interface HeaderRecord extends RecordHead {
  source_h: string;
  source_p: number;
  destination_h: string;
  destination_p: number;
  /** Transport: `udp`. */
  proto: string;
  /** RPC version: 4. */
  rpc_version: number;
  /** ICSNPP's name of the packet type: `Request`, `Response`, `Fault`, `Fragment Acknowledge`… */
  packet_type: string;
  /** flags1 0x80, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x01; flags2 0x02. */
  reserved_for_impl_1: boolean;
  last_fragment: boolean;
  fragment: boolean;
  no_fragment_requested: boolean;
  maybe: boolean;
  idempotent: boolean;
  broadcast: boolean;
  reserved_for_impl_2: boolean;
  cancel_was_pending_at_call_end: boolean;
  /** Data representation: `Big Endian` / `Little Endian`, `ASCII` / `EBCDIC`, `IEEE` / `VAX` / `CRAY` / `IBM`. */
  integer_encoding: string;
  character_encoding: string;
  floating_point_encoding: string;
  serial_high: number;
  /** Object, interface and activity UUIDs, upper case: `DEA00001-6C97-11D1-8271-00A02442DF7D`. */
  object_uuid: string;
  interface_uuid: string;
  activity_uuid: string;
  server_boot_time: number;
  /** Interface version: major in the low 16 bits of if_vers, minor in the high 16 (PNIO: 1.0). */
  interface_vers_major: number;
  interface_vers_minor: number;
  sequence_num: number;
  /** ICSNPP's name of the opnum: `Connect`, `Release`, `Read`, `Write`, `Control`, `Read Implicit`; `unknown-<n>`. */
  operation_num: string;
  interface_hint: number;
  activity_hint: number;
  /** Body length the header declares. */
  len_of_body: number;
  fragment_num: number;
  auth_protocol: number;
  serial_low: number;
  /** Fragment acknowledgements: version name, window, sizes, serial, selective acknowledgements. */
  vers_fack?: string;
  window_size?: number;
  max_tsdu?: number;
  max_frag_size?: number;
  serial_number?: number;
  sel_ack_len?: number;
  array_of_sel_ack?: number[];
  // ---- Palisade ----
  /** The flow's originator sent it. */
  is_orig: boolean;
  packet_type_code: number;
  operation_num_code: number;
  /** The PNIO interface: `Device`, `Controller`, `Supervisor`, `ParameterServer` (unset for another DCE/RPC interface). */
  pnio_interface?: string;
  /** Fault and reject packets: the status code, number and name (`nca_s_unk_if`). */
  fault_status?: number;
  fault_status_name?: string;
  /** The PDU this datagram completed (a whole one, or the last fragment): its PNIO block types in order, nested blocks included. */
  pnio_block_types?: number[];
  /** Its record indexes (of the read and write headers), in order. */
  pnio_indexes?: number[];
  /** Its ControlCommand (control and release blocks). */
  pnio_control_command?: number;
}

export const HEADER_FIELDS = [
  ...FLOW_HEADER_FIELDS,
  ...SRC_DST,
  { name: 'proto', type: 'string' },
  { name: 'rpc_version', type: 'count' },
  { name: 'packet_type', type: 'string' },
  { name: 'reserved_for_impl_1', type: 'bool' },
  { name: 'last_fragment', type: 'bool' },
  { name: 'fragment', type: 'bool' },
  { name: 'no_fragment_requested', type: 'bool' },
  { name: 'maybe', type: 'bool' },
  { name: 'idempotent', type: 'bool' },
  { name: 'broadcast', type: 'bool' },
  { name: 'reserved_for_impl_2', type: 'bool' },
  { name: 'cancel_was_pending_at_call_end', type: 'bool' },
  { name: 'integer_encoding', type: 'string' },
  { name: 'character_encoding', type: 'string' },
  { name: 'floating_point_encoding', type: 'string' },
  { name: 'serial_high', type: 'count' },
  { name: 'object_uuid', type: 'string' },
  { name: 'interface_uuid', type: 'string' },
  { name: 'activity_uuid', type: 'string' },
  { name: 'server_boot_time', type: 'count' },
  { name: 'interface_vers_major', type: 'count' },
  { name: 'interface_vers_minor', type: 'count' },
  { name: 'sequence_num', type: 'count' },
  { name: 'operation_num', type: 'string' },
  { name: 'interface_hint', type: 'count' },
  { name: 'activity_hint', type: 'count' },
  { name: 'len_of_body', type: 'count' },
  { name: 'fragment_num', type: 'count' },
  { name: 'auth_protocol', type: 'count' },
  { name: 'serial_low', type: 'count' },
  { name: 'vers_fack', type: 'string' },
  { name: 'window_size', type: 'count' },
  { name: 'max_tsdu', type: 'count' },
  { name: 'max_frag_size', type: 'count' },
  { name: 'serial_number', type: 'count' },
  { name: 'sel_ack_len', type: 'count' },
  { name: 'array_of_sel_ack', type: 'vector[count]' },
  { name: 'is_orig', type: 'bool' },
  { name: 'packet_type_code', type: 'count' },
  { name: 'operation_num_code', type: 'count' },
  { name: 'pnio_interface', type: 'string' },
  { name: 'fault_status', type: 'count' },
  { name: 'fault_status_name', type: 'string' },
  { name: 'pnio_block_types', type: 'vector[count]' },
  { name: 'pnio_indexes', type: 'vector[count]' },
  { name: 'pnio_control_command', type: 'count' },
] as const satisfies readonly ZeekField[];

/** One PNIO call: a request and its response (paired by activity UUID and sequence number), or either alone. */
export interface CallRecord extends StatusFields, RecordHead {
  /** Time of the request (of the response when the request was not seen). */
  ts: number;
  /** The request's flow (the response's when the request was not seen). */
  uid: string;
  /** The caller and the callee. */
  source_h: string;
  source_p: number;
  destination_h: string;
  destination_p: number;
  pnio_interface: string;
  interface_uuid: string;
  object_uuid: string;
  /** The vendor id, device id and instance in the PNIO object UUID (the callee's: the IO device for Device-interface calls). */
  object_vendor_id?: number;
  object_device_id?: number;
  object_instance?: number;
  activity_uuid: string;
  sequence_num: number;
  /** ICSNPP's operation name and the opnum. */
  operation: string;
  operation_num_code: number;
  /** `connect_ar`, `release_ar`, `read_record`, `write_record`, `control`, `read_record_implicit`. */
  action: string;
  /** A write of records by index: the device is being parameterised (a configuration change). */
  config_change: boolean;
  request_seen: boolean;
  response_seen: boolean;
  /** `ok` (PNIOStatus 0), `error` (PNIOStatus not 0), `fault`, `reject`, `no_response`. */
  result: string;
  /** Seconds from request to response. */
  rtt?: number;
  /** The AR and session of the call (from its AR, control, release or read/write blocks). */
  ar_uuid?: string;
  session_key?: number;
  /** Block names of request and response, in order (nested blocks included). */
  request_blocks?: string[];
  response_blocks?: string[];
  /** Read/write calls: the number of record headers of the request. */
  record_count?: number;
  /** Control and release: the request's and the response's ControlCommand, bit names and number. */
  control_command?: string[];
  control_command_code?: number;
  response_control_command?: string[];
  response_control_command_code?: number;
  /** Fault and reject: the DCE/RPC status, number and name. */
  fault_status?: number;
  fault_status_name?: string;
  /** Datagrams of the request and of the response (more than 1: fragmented). */
  request_fragments?: number;
  response_fragments?: number;
  /** NDR: the request's ArgsMaximum and ArgsLength, the response's ArgsLength. */
  args_maximum?: number;
  args_length?: number;
  response_args_length?: number;
}

const CALL_HEAD = [
  ...FLOW_HEADER_FIELDS,
  ...SRC_DST,
] as const satisfies readonly ZeekField[];

export const CALL_FIELDS = [
  ...CALL_HEAD,
  { name: 'pnio_interface', type: 'string' },
  { name: 'interface_uuid', type: 'string' },
  { name: 'object_uuid', type: 'string' },
  { name: 'object_vendor_id', type: 'count' },
  { name: 'object_device_id', type: 'count' },
  { name: 'object_instance', type: 'count' },
  { name: 'activity_uuid', type: 'string' },
  { name: 'sequence_num', type: 'count' },
  { name: 'operation', type: 'string' },
  { name: 'operation_num_code', type: 'count' },
  { name: 'action', type: 'string' },
  { name: 'config_change', type: 'bool' },
  { name: 'request_seen', type: 'bool' },
  { name: 'response_seen', type: 'bool' },
  { name: 'result', type: 'string' },
  { name: 'rtt', type: 'interval' },
  { name: 'ar_uuid', type: 'string' },
  { name: 'session_key', type: 'count' },
  { name: 'request_blocks', type: 'vector[string]' },
  { name: 'response_blocks', type: 'vector[string]' },
  { name: 'record_count', type: 'count' },
  { name: 'control_command', type: 'vector[string]' },
  { name: 'control_command_code', type: 'count' },
  { name: 'response_control_command', type: 'vector[string]' },
  { name: 'response_control_command_code', type: 'count' },
  ...STATUS,
  { name: 'fault_status', type: 'count' },
  { name: 'fault_status_name', type: 'string' },
  { name: 'request_fragments', type: 'count' },
  { name: 'response_fragments', type: 'count' },
  { name: 'args_maximum', type: 'count' },
  { name: 'args_length', type: 'count' },
  { name: 'response_args_length', type: 'count' },
] as const satisfies readonly ZeekField[];

/** One application relation set up by a Connect (ARBlockReq and the response's ARBlockRes, AlarmCR, ARServer blocks). */
export interface ArRecord extends RecordHead {
  /** The IO controller (CM initiator) and the IO device (CM responder). */
  source_h: string;
  source_p: number;
  destination_h: string;
  destination_p: number;
  ar_uuid?: string;
  /** `IOCARSingle`, `IOCARCIR`, `IOSAR` (supervisor), `IOCARSingle_RT_CLASS_3`, `IOCARSR`; and the number. */
  ar_type?: string;
  ar_type_code?: number;
  session_key?: number;
  cm_initiator_mac?: string;
  cm_initiator_object_uuid?: string;
  /** Vendor and device id in the initiator's object UUID: the IO controller's identity. */
  cm_initiator_vendor_id?: number;
  cm_initiator_device_id?: number;
  ar_properties?: number;
  cm_initiator_activity_timeout_factor?: number;
  cm_initiator_udp_rt_port?: number;
  /** The IO controller's NameOfStation. */
  cm_initiator_station_name?: string;
  cm_responder_mac?: string;
  cm_responder_udp_rt_port?: number;
  /** The IO device's NameOfStation (ARServerBlock). */
  cm_responder_station_name?: string;
  /** Vendor id, device id and instance in the object UUID the Connect was addressed to: the IO device's identity. */
  object_vendor_id?: number;
  object_device_id?: number;
  object_instance?: number;
  parameter_server_station_name?: string;
  iocr_count: number;
  expected_submodule_count: number;
  /** Submodules the response's ModuleDiffBlock reports (not as expected). */
  module_diff_count?: number;
  alarm_cr_type?: string;
  alarm_cr_type_code?: number;
  rta_timeout_factor?: number;
  rta_retries?: number;
  /** The controller's and the device's alarm references. */
  local_alarm_reference?: number;
  responder_alarm_reference?: number;
  max_alarm_data_length?: number;
  /** The Connect's result (as in the call record) and its PNIOStatus. */
  result: string;
  pnio_status?: string;
  error_code1_name?: string;
  error_code2_name?: string;
}

export const AR_FIELDS = [
  ...CALL_HEAD,
  { name: 'ar_uuid', type: 'string' },
  { name: 'ar_type', type: 'string' },
  { name: 'ar_type_code', type: 'count' },
  { name: 'session_key', type: 'count' },
  { name: 'cm_initiator_mac', type: 'string' },
  { name: 'cm_initiator_object_uuid', type: 'string' },
  { name: 'cm_initiator_vendor_id', type: 'count' },
  { name: 'cm_initiator_device_id', type: 'count' },
  { name: 'ar_properties', type: 'count' },
  { name: 'cm_initiator_activity_timeout_factor', type: 'count' },
  { name: 'cm_initiator_udp_rt_port', type: 'count' },
  { name: 'cm_initiator_station_name', type: 'string' },
  { name: 'cm_responder_mac', type: 'string' },
  { name: 'cm_responder_udp_rt_port', type: 'count' },
  { name: 'cm_responder_station_name', type: 'string' },
  { name: 'object_vendor_id', type: 'count' },
  { name: 'object_device_id', type: 'count' },
  { name: 'object_instance', type: 'count' },
  { name: 'parameter_server_station_name', type: 'string' },
  { name: 'iocr_count', type: 'count' },
  { name: 'expected_submodule_count', type: 'count' },
  { name: 'module_diff_count', type: 'count' },
  { name: 'alarm_cr_type', type: 'string' },
  { name: 'alarm_cr_type_code', type: 'count' },
  { name: 'rta_timeout_factor', type: 'count' },
  { name: 'rta_retries', type: 'count' },
  { name: 'local_alarm_reference', type: 'count' },
  { name: 'responder_alarm_reference', type: 'count' },
  { name: 'max_alarm_data_length', type: 'count' },
  { name: 'result', type: 'string' },
  { name: 'pnio_status', type: 'string' },
  { name: 'error_code1_name', type: 'string' },
  { name: 'error_code2_name', type: 'string' },
] as const satisfies readonly ZeekField[];

/** One IO communication relation of a Connect (IOCRBlockReq, and the FrameID of its IOCRBlockRes). */
export interface IocrRecord extends RecordHead {
  ar_uuid?: string;
  /** `Input CR`, `Output CR`, `Multicast Provider CR`, `Multicast Consumer CR`; and the number. */
  iocr_type: string;
  iocr_type_code: number;
  iocr_reference: number;
  /** LT: the EtherType of the cyclic frames (0x8892 for PROFINET RT). */
  lt: number;
  iocr_properties: number;
  /** IOCRProperties.RTClass: `RT_CLASS_1`, `RT_CLASS_2`, `RT_CLASS_3`, `RT_CLASS_UDP`. */
  rt_class: string;
  data_length: number;
  /** FrameID asked for, and the one the device assigned (response). */
  frame_id: number;
  response_frame_id?: number;
  send_clock_factor: number;
  reduction_ratio: number;
  phase: number;
  sequence: number;
  frame_send_offset: number;
  watchdog_factor: number;
  data_hold_factor: number;
  iocr_tag_header: number;
  multicast_mac: string;
  api_count: number;
  /** IO data objects and IO consumer statuses carried, summed over the APIs. */
  io_data_objects: number;
  iocs: number;
}

export const IOCR_FIELDS = [
  ...FLOW_HEADER_FIELDS,
  { name: 'ar_uuid', type: 'string' },
  { name: 'iocr_type', type: 'string' },
  { name: 'iocr_type_code', type: 'count' },
  { name: 'iocr_reference', type: 'count' },
  { name: 'lt', type: 'count' },
  { name: 'iocr_properties', type: 'count' },
  { name: 'rt_class', type: 'string' },
  { name: 'data_length', type: 'count' },
  { name: 'frame_id', type: 'count' },
  { name: 'response_frame_id', type: 'count' },
  { name: 'send_clock_factor', type: 'count' },
  { name: 'reduction_ratio', type: 'count' },
  { name: 'phase', type: 'count' },
  { name: 'sequence', type: 'count' },
  { name: 'frame_send_offset', type: 'count' },
  { name: 'watchdog_factor', type: 'count' },
  { name: 'data_hold_factor', type: 'count' },
  { name: 'iocr_tag_header', type: 'count' },
  { name: 'multicast_mac', type: 'string' },
  { name: 'api_count', type: 'count' },
  { name: 'io_data_objects', type: 'count' },
  { name: 'iocs', type: 'count' },
] as const satisfies readonly ZeekField[];

/** One submodule a Connect expects (ExpectedSubmoduleBlockReq), with its state when the response's ModuleDiffBlock lists it. */
export interface SubmoduleRecord extends RecordHead {
  ar_uuid?: string;
  api: number;
  slot: number;
  /** The module and submodule ident numbers (the hardware the controller's configuration expects, from the device's GSD). */
  module_ident_number: number;
  module_properties: number;
  subslot: number;
  submodule_ident_number: number;
  submodule_properties: number;
  /** SubmoduleProperties.Type: `NO_IO`, `INPUT`, `OUTPUT`, `INPUT_OUTPUT`. */
  submodule_type: string;
  input_length?: number;
  output_length?: number;
  /** Listed in the response's ModuleDiffBlock: the module state (name and number), the submodule state, and the ident numbers the device really has. */
  diff: boolean;
  module_state?: string;
  module_state_code?: number;
  submodule_state?: number;
  real_module_ident_number?: number;
  real_submodule_ident_number?: number;
}

export const SUBMODULE_FIELDS = [
  ...FLOW_HEADER_FIELDS,
  { name: 'ar_uuid', type: 'string' },
  { name: 'api', type: 'count' },
  { name: 'slot', type: 'count' },
  { name: 'module_ident_number', type: 'count' },
  { name: 'module_properties', type: 'count' },
  { name: 'subslot', type: 'count' },
  { name: 'submodule_ident_number', type: 'count' },
  { name: 'submodule_properties', type: 'count' },
  { name: 'submodule_type', type: 'string' },
  { name: 'input_length', type: 'count' },
  { name: 'output_length', type: 'count' },
  { name: 'diff', type: 'bool' },
  { name: 'module_state', type: 'string' },
  { name: 'module_state_code', type: 'count' },
  { name: 'submodule_state', type: 'count' },
  { name: 'real_module_ident_number', type: 'count' },
  { name: 'real_submodule_ident_number', type: 'count' },
] as const satisfies readonly ZeekField[];

/** One record read or written by index (an IODReadReqHeader / IODWriteReqHeader and its response header). */
export interface RecordRecord extends StatusFields, RecordHead {
  source_h: string;
  source_p: number;
  destination_h: string;
  destination_p: number;
  /** `read_record`, `write_record` (a configuration change), `read_record_implicit` (outside an AR). */
  action: string;
  /** Part of a MultipleWrite (index 0xE040): one of its records. */
  multiple_write: boolean;
  ar_uuid?: string;
  target_ar_uuid?: string;
  /** The read/write sequence number of the header. */
  seq_number: number;
  api: number;
  slot: number;
  subslot: number;
  index: number;
  /** The index by name: `I&M0`, `PDPortDataAdjust for one subslot`, `MultipleWrite`, `user specific`, `unknown-<n>`. */
  index_name: string;
  /** Request: bytes to write, or the most to read. Response: bytes written or read. */
  record_data_length: number;
  response_record_data_length?: number;
  additional_value1?: number;
  additional_value2?: number;
  /** Writes: the data written, lower-case hex (the first 256 bytes). */
  record_data?: string;
  /** Blocks in the record data (written, or read back). */
  record_blocks?: string[];
  /** `ok`, `error`, `no_response` (the record's own status for writes, the read response's for reads). */
  result: string;
  /** I&M0 read back: the device's identity. */
  im_vendor_id?: number;
  im_order_id?: string;
  im_serial_number?: string;
  im_hardware_revision?: number;
  /** `V2.1.0`: the revision prefix letter and functional enhancement, bug fix, internal change. */
  im_software_revision?: string;
  im_revision_counter?: number;
  im_profile_id?: number;
  im_profile_specific_type?: number;
  /** `1.1`. */
  im_version?: string;
  im_supported?: number;
}

export const RECORD_FIELDS = [
  ...CALL_HEAD,
  { name: 'action', type: 'string' },
  { name: 'multiple_write', type: 'bool' },
  { name: 'ar_uuid', type: 'string' },
  { name: 'target_ar_uuid', type: 'string' },
  { name: 'seq_number', type: 'count' },
  { name: 'api', type: 'count' },
  { name: 'slot', type: 'count' },
  { name: 'subslot', type: 'count' },
  { name: 'index', type: 'count' },
  { name: 'index_name', type: 'string' },
  { name: 'record_data_length', type: 'count' },
  { name: 'response_record_data_length', type: 'count' },
  { name: 'additional_value1', type: 'count' },
  { name: 'additional_value2', type: 'count' },
  { name: 'record_data', type: 'string' },
  { name: 'record_blocks', type: 'vector[string]' },
  { name: 'result', type: 'string' },
  ...STATUS,
  { name: 'im_vendor_id', type: 'count' },
  { name: 'im_order_id', type: 'string' },
  { name: 'im_serial_number', type: 'string' },
  { name: 'im_hardware_revision', type: 'count' },
  { name: 'im_software_revision', type: 'string' },
  { name: 'im_revision_counter', type: 'count' },
  { name: 'im_profile_id', type: 'count' },
  { name: 'im_profile_specific_type', type: 'count' },
  { name: 'im_version', type: 'string' },
  { name: 'im_supported', type: 'count' },
] as const satisfies readonly ZeekField[];
