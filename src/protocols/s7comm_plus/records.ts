// The `s7comm_plus` record: one per S7comm-plus message (a keep-alive, or the first fragment
// of a message split over several PDUs), with ICSNPP's s7comm_plus.log fields first (is_orig,
// source/destination, version, opcode, opcode_name, function_code, function_name), then the
// sequence number, the session id of requests, the data length and whether the message was
// split. docs/protocols/s7comm_plus.md documents every field.
import { FLOW_HEADER_FIELDS } from '../../dissect/types.ts';
import type { ZeekField } from '../../events/zeek-tsv.ts';

export interface S7commPlusRecord {
  is_orig: boolean;
  source_h: string;
  source_p: number;
  destination_h: string;
  destination_p: number;
  /** Version byte: 1 (V1), 2 (V2), 3 (V3, with integrity part), 255 (keep-alive). */
  version: number;
  /** "0x31" and "Request"; unset for keep-alives and when not readable. */
  opcode: string | undefined;
  opcode_name: string | undefined;
  /** "0x04f2" and "Set Variable"; unset for notifications. */
  function_code: string | undefined;
  function_name: string | undefined;
  /** Sequence number of requests and responses (answers repeat the request's); keep-alive counter. */
  sequence_number: number | undefined;
  /** Requests: the session id. */
  session_id: number | undefined;
  /** Data length of the header (of this PDU). */
  data_length: number | undefined;
  /** The message continues in further PDUs (this one has no trailer). */
  fragmented: boolean;
}

export const S7COMM_PLUS_FIELDS: readonly ZeekField[] = [
  ...FLOW_HEADER_FIELDS,
  { name: 'is_orig', type: 'bool' },
  { name: 'source_h', type: 'addr' },
  { name: 'source_p', type: 'port' },
  { name: 'destination_h', type: 'addr' },
  { name: 'destination_p', type: 'port' },
  { name: 'version', type: 'count' },
  { name: 'opcode', type: 'string' },
  { name: 'opcode_name', type: 'string' },
  { name: 'function_code', type: 'string' },
  { name: 'function_name', type: 'string' },
  { name: 'sequence_number', type: 'count' },
  { name: 'session_id', type: 'count' },
  { name: 'data_length', type: 'count' },
  { name: 'fragmented', type: 'bool' },
];
