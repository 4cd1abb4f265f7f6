// The record types of the modbus dissector, field by field (docs/protocols/modbus.md has
// the same list with examples). Field names and order follow CISA ICSNPP's icsnpp-modbus
// (scripts/main.zeek: Modbus_Detailed, Mask_Write_Register, Read_Write_Multiple_Registers,
// Read_Device_Identification); Palisade's additions come after ICSNPP's columns.
import { FLOW_HEADER_FIELDS, type RecordHead } from '../../dissect/types.ts';
import type { ZeekField } from '../../events/zeek-tsv.ts';

/** One Modbus transaction: a request and its response, or either alone (ICSNPP's modbus_detailed). */
export interface ModbusRecord extends RecordHead {
  /** Time of the request (of the response when there was no request). */
  ts: number;
  /** MBAP transaction identifier. */
  tid: number;
  /** MBAP unit identifier. */
  unit: number;
  /** Function name (Zeek's): `READ_HOLDING_REGISTERS`; a lone exception response `READ_HOLDING_REGISTERS_EXCEPTION`; `unknown-<n>`. */
  func: string;
  /** Starting address (coils, inputs, registers, FIFO pointer, mask-write register). */
  address?: number;
  /** Number of coils / inputs / registers (file-record functions: sub-requests). */
  quantity?: number;
  /** Values written by the request (coils as 0/1, registers as numbers). */
  request_values?: number[];
  /** Values returned or echoed by the response. */
  response_values?: number[];
  /** Links to the per-message records (mask write, read/write multiple, device identification). */
  modbus_detailed_link_id?: string;
  /** Whether request and response were paired. */
  matched: boolean;
  /** DIAGNOSTICS sub-function of the request, by name. */
  request_subfunction_code?: string;
  response_subfunction_code?: string;
  /** Request data the other fields do not hold, lower-case hex (at most 256 bytes). */
  request_data?: string;
  /** Response data the other fields do not hold, lower-case hex (coil reads: the padding bits, "0,0,0"). */
  response_data?: string;
  /** Exception of the response, by name: `ILLEGAL_DATA_ADDRESS`. */
  exception_code?: string;
  /** MEI type of ENCAP_INTERFACE_TRANSPORT: `Read Device Identification`, `CANopen`. */
  mei_type?: string;
  // ---- Palisade ----
  /** Function code as a number (of the request; of the response when there was no request). */
  function_code: number;
  exception_num?: number;
  request_subfunction_num?: number;
  response_subfunction_num?: number;
  mei_type_code?: number;
  /** UMAS (function 90): the request's UMAS function, by name and number. */
  umas_func?: string;
  umas_func_code?: number;
  /** UMAS pairing key (session byte). */
  umas_pairing_key?: number;
  /** UMAS response status: `OK` (0xfe), `ERROR` (0xfd). */
  umas_status?: string;
  umas_status_code?: number;
  /** REPORT_SLAVE_ID: the response's server id, run indicator and additional data as text. */
  slave_id_text?: string;
  /** Whether the request / the response was seen. */
  request_seen: boolean;
  response_seen: boolean;
}

/** The part of the per-message records that says who sent it (ICSNPP's columns). */
interface MessageRecord extends RecordHead {
  /** Whether the originator (client) sent it. */
  is_orig: boolean;
  source_h: string;
  source_p: number;
  destination_h: string;
  destination_p: number;
  /** The `modbus_detailed_link_id` of the transaction's `modbus` record. */
  modbus_detailed_link_id: string;
  tid: number;
  unit: number;
  func: string;
  /** `REQUEST` or `RESPONSE`. */
  request_response: string;
}

/** One MASK_WRITE_REGISTER message (ICSNPP's modbus_mask_write_register). */
export interface MaskWriteRegisterRecord extends MessageRecord {
  address: number;
  and_mask: number;
  or_mask: number;
}

/** One READ_WRITE_MULTIPLE_REGISTERS message (ICSNPP's modbus_read_write_multiple_registers). */
export interface ReadWriteMultipleRegistersRecord extends MessageRecord {
  write_start_address?: number;
  write_registers?: number[];
  read_start_address?: number;
  read_quantity?: number;
  read_registers?: number[];
}

/**
 * Read Device Identification (function 43, MEI type 14): one record per request, and one
 * per object of a response (one without object fields when a response holds none).
 */
export interface ReadDeviceIdentificationRecord extends MessageRecord {
  /** Always `READ-DEVICE-IDENTIFICATION` (ICSNPP). */
  mei_type: string;
  /** Response: conformity level, `0x83`, and its name. */
  conformity_level_code?: string;
  conformity_level?: string;
  /** Read Device ID code: 1 basic, 2 regular, 3 extended, 4 one specific object. */
  device_id_code?: number;
  /** The object asked for (request) or returned (response), `0x00`, and its name: `VendorName`. */
  object_id_code?: string;
  object_id?: string;
  /** Response: the object's value as text. */
  object_value?: string;
  // ---- Palisade ----
  /** The name of device_id_code: `Basic Device Identification`. */
  device_id?: string;
  /** Response: more objects follow in another transaction. */
  more_follows?: boolean;
  /** Response: the object id to ask for next when more follow. */
  next_object_id?: number;
}

const MESSAGE_FIELDS = [
  ...FLOW_HEADER_FIELDS,
  { name: 'is_orig', type: 'bool' },
  { name: 'source_h', type: 'addr' },
  { name: 'source_p', type: 'port' },
  { name: 'destination_h', type: 'addr' },
  { name: 'destination_p', type: 'port' },
  { name: 'modbus_detailed_link_id', type: 'string' },
  { name: 'tid', type: 'count' },
  { name: 'unit', type: 'count' },
  { name: 'func', type: 'string' },
  { name: 'request_response', type: 'string' },
] as const satisfies readonly ZeekField[];

export const MODBUS_FIELDS = [
  ...FLOW_HEADER_FIELDS,
  { name: 'tid', type: 'count' },
  { name: 'unit', type: 'count' },
  { name: 'func', type: 'string' },
  { name: 'address', type: 'count' },
  { name: 'quantity', type: 'count' },
  { name: 'request_values', type: 'vector[count]' },
  { name: 'response_values', type: 'vector[count]' },
  { name: 'modbus_detailed_link_id', type: 'string' },
  { name: 'matched', type: 'bool' },
  { name: 'request_subfunction_code', type: 'string' },
  { name: 'response_subfunction_code', type: 'string' },
  { name: 'request_data', type: 'string' },
  { name: 'response_data', type: 'string' },
  { name: 'exception_code', type: 'string' },
  { name: 'mei_type', type: 'string' },
  { name: 'function_code', type: 'count' },
  { name: 'exception_num', type: 'count' },
  { name: 'request_subfunction_num', type: 'count' },
  { name: 'response_subfunction_num', type: 'count' },
  { name: 'mei_type_code', type: 'count' },
  { name: 'umas_func', type: 'string' },
  { name: 'umas_func_code', type: 'count' },
  { name: 'umas_pairing_key', type: 'count' },
  { name: 'umas_status', type: 'string' },
  { name: 'umas_status_code', type: 'count' },
  { name: 'slave_id_text', type: 'string' },
  { name: 'request_seen', type: 'bool' },
  { name: 'response_seen', type: 'bool' },
] as const satisfies readonly ZeekField[];

export const MASK_WRITE_REGISTER_FIELDS = [
  ...MESSAGE_FIELDS,
  { name: 'address', type: 'count' },
  { name: 'and_mask', type: 'count' },
  { name: 'or_mask', type: 'count' },
] as const satisfies readonly ZeekField[];

export const READ_WRITE_MULTIPLE_REGISTERS_FIELDS = [
  ...MESSAGE_FIELDS,
  { name: 'write_start_address', type: 'count' },
  { name: 'write_registers', type: 'vector[count]' },
  { name: 'read_start_address', type: 'count' },
  { name: 'read_quantity', type: 'count' },
  { name: 'read_registers', type: 'vector[count]' },
] as const satisfies readonly ZeekField[];

export const READ_DEVICE_IDENTIFICATION_FIELDS = [
  ...MESSAGE_FIELDS,
  { name: 'mei_type', type: 'string' },
  { name: 'conformity_level_code', type: 'string' },
  { name: 'conformity_level', type: 'string' },
  { name: 'device_id_code', type: 'count' },
  { name: 'object_id_code', type: 'string' },
  { name: 'object_id', type: 'string' },
  { name: 'object_value', type: 'string' },
  { name: 'device_id', type: 'string' },
  { name: 'more_follows', type: 'bool' },
  { name: 'next_object_id', type: 'count' },
] as const satisfies readonly ZeekField[];

export const RECORD_MODBUS = 'modbus';
export const RECORD_MASK_WRITE_REGISTER = 'modbus_mask_write_register';
export const RECORD_READ_WRITE_MULTIPLE_REGISTERS = 'modbus_read_write_multiple_registers';
export const RECORD_READ_DEVICE_IDENTIFICATION = 'modbus_read_device_identification';
