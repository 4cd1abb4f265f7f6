// Record types of the DNP3 dissector (docs/protocols/dnp3.md lists every field with examples):
// `dnp3` as Zeek's dnp3.log (one record per request/response pair, Zeek's pairing), and
// ICSNPP-DNP3's `dnp3_control` and `dnp3_objects`. Zeek's and ICSNPP's columns come first, in
// their order, with their names and values; the columns after them are Palisade's (numbers
// of the coded values, link addresses, and what ICSNPP leaves out).
import type { ZeekField } from '../../events/zeek-tsv.ts';
import { FLOW_HEADER_FIELDS } from '../../dissect/types.ts';

/** One request and its response (Zeek's dnp3.log). */
export interface Dnp3Record {
  /** Function code name of the request (READ, SELECT, CONFIRM…), unset when the response had no request before it. */
  fc_request?: string;
  /** Function code name of the response (RESPONSE, UNSOLICITED_RESPONSE, AUTHENTICATE_RESP), unset when unanswered. */
  fc_reply?: string;
  /** The response's internal indications as Zeek counts them: IIN1 × 256 + IIN2. */
  iin?: number;
  fc_request_code?: number;
  fc_reply_code?: number;
  /** Names of the IIN bits set (DEVICE_RESTART, NEED_TIME, CLASS_1_EVENTS…), IIN1.7 first. */
  iin_flags?: string[];
  /** Link address of the master (source of the request, destination of the response). */
  master_addr?: number;
  /** Link address of the outstation. */
  outstation_addr?: number;
}

/** One control relay output block, pattern control block or analog output block (ICSNPP's dnp3_control.log). */
export interface Dnp3ControlRecord {
  /** The message came from the connection's originator. */
  is_orig: boolean;
  /** Sender and receiver of the message (ICSNPP). */
  source_h: string;
  source_p: number;
  destination_h: string;
  destination_p: number;
  /** Control Relay Output Block, Pattern Control Block, or the analog output block's name (32-Bit Analog Output Block…). */
  block_type: string;
  /** Function code name of the message (SELECT, OPERATE, DIRECT_OPERATE, DIRECT_OPERATE_NR, RESPONSE…). */
  function_code: string;
  /** Point index: the object's index prefix, or its place in the header's range; unset when the qualifier gives none. */
  index_number?: number;
  /** Control code bits 7-6: Nul, Close, Trip (CROB and PCB only). */
  trip_control_code?: string;
  /** Control code bits 3-0: Nul, Pulse On, Pulse Off, Latch On, Latch Off. */
  operation_type?: string;
  /** Control code bit 5 (clear). */
  clear_bit?: boolean;
  /** Count: how many times to execute. */
  execute_count?: number;
  /** On and off time, ms. */
  on_time?: number;
  off_time?: number;
  /** Control status name (responses only, as ICSNPP): Success, Timeout, No Select… */
  status_code?: string;
  fc_code: number;
  /** The whole control code byte (CROB and PCB). */
  control_code?: number;
  /** Control status number (responses only). */
  status?: number;
  /** The analog output block's value (analog output blocks only). */
  value?: number;
}

/** One object header (ICSNPP's dnp3_objects.log, for every function code and direction). */
export interface Dnp3ObjectsRecord {
  is_orig: boolean;
  source_h: string;
  source_p: number;
  destination_h: string;
  destination_p: number;
  /** Function code name of the message the header is in. */
  function_code: string;
  /** ICSNPP's name of the group/variation (Class 0 Data, Binary Input With Status…), `unknown-<group*256+variation>`. */
  object_type: string;
  /** Objects the header announces; unset for qualifier range code 6 (all points). */
  object_count?: number;
  /** Index range of the header; unset when the qualifier carries a count instead. */
  range_low?: number;
  range_high?: number;
  fc_code: number;
  object_group: number;
  object_variation: number;
  /** The qualifier octet (prefix code × 16 + range code). */
  qualifier: number;
  /** Device attributes (group 0) only: the first attribute's value as text (strings as sent, numbers in decimal, other types as hex). */
  attribute_value?: string;
  /** File control objects (g70v3 file command, g70v7 file descriptor, g70v8 file specification): the first object's file name. */
  file_name?: string;
}

const PEER = [
  { name: 'is_orig', type: 'bool' },
  { name: 'source_h', type: 'addr' },
  { name: 'source_p', type: 'port' },
  { name: 'destination_h', type: 'addr' },
  { name: 'destination_p', type: 'port' },
] as const satisfies readonly ZeekField[];

export const DNP3_FIELDS: readonly ZeekField[] = [
  ...FLOW_HEADER_FIELDS,
  { name: 'fc_request', type: 'string' },
  { name: 'fc_reply', type: 'string' },
  { name: 'iin', type: 'count' },
  { name: 'fc_request_code', type: 'count' },
  { name: 'fc_reply_code', type: 'count' },
  { name: 'iin_flags', type: 'vector[string]' },
  { name: 'master_addr', type: 'count' },
  { name: 'outstation_addr', type: 'count' },
];

export const DNP3_CONTROL_FIELDS: readonly ZeekField[] = [
  ...FLOW_HEADER_FIELDS,
  ...PEER,
  { name: 'block_type', type: 'string' },
  { name: 'function_code', type: 'string' },
  { name: 'index_number', type: 'count' },
  { name: 'trip_control_code', type: 'string' },
  { name: 'operation_type', type: 'string' },
  { name: 'clear_bit', type: 'bool' },
  { name: 'execute_count', type: 'count' },
  { name: 'on_time', type: 'count' },
  { name: 'off_time', type: 'count' },
  { name: 'status_code', type: 'string' },
  { name: 'fc_code', type: 'count' },
  { name: 'control_code', type: 'count' },
  { name: 'status', type: 'count' },
  { name: 'value', type: 'double' },
];

export const DNP3_OBJECTS_FIELDS: readonly ZeekField[] = [
  ...FLOW_HEADER_FIELDS,
  ...PEER,
  { name: 'function_code', type: 'string' },
  { name: 'object_type', type: 'string' },
  { name: 'object_count', type: 'count' },
  { name: 'range_low', type: 'count' },
  { name: 'range_high', type: 'count' },
  { name: 'fc_code', type: 'count' },
  { name: 'object_group', type: 'count' },
  { name: 'object_variation', type: 'count' },
  { name: 'qualifier', type: 'count' },
  { name: 'attribute_value', type: 'string' },
  { name: 'file_name', type: 'string' },
];
