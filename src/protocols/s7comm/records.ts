// The S7comm record types. Four are ICSNPP's (icsnpp-s7comm): `s7comm` (one per PDU),
// `s7comm_read_szl` (Read SZL requests and answers), `s7comm_upload_download` (block
// transfer PDUs), `s7comm_known_devices` (identity from SZL answers); their fields come first
// and as ICSNPP writes them, Palisade's additions after. `s7comm_read_write` is Palisade's:
// one per variable of a Read/Write Var job, paired with its answer. Codes are written as
// ICSNPP writes its codes ("0x04"), with the name beside them. docs/protocols/s7comm.md.
import type { RecordHead } from '../../dissect/types.ts';
import { FLOW_HEADER_FIELDS } from '../../dissect/types.ts';
import type { ZeekField } from '../../events/zeek-tsv.ts';

const DIRECTION_FIELDS = [
  { name: 'is_orig', type: 'bool' },
  { name: 'source_h', type: 'addr' },
  { name: 'source_p', type: 'port' },
  { name: 'destination_h', type: 'addr' },
  { name: 'destination_p', type: 'port' },
] as const satisfies readonly ZeekField[];

/** Sender and receiver of a PDU, as ICSNPP adds them to every log. */
export interface Direction {
  is_orig: boolean | undefined;
  source_h: string | undefined;
  source_p: number | undefined;
  destination_h: string | undefined;
  destination_p: number | undefined;
}

export interface S7commRecord extends RecordHead, Direction {
  rosctr_code: number;
  /** "Job-Request", "ACK", "ACK-Data", "User-Data". */
  rosctr_name: string;
  /** PDU reference, read as ICSNPP reads it (low byte first; Wireshark shows it big-endian). */
  pdu_reference: number;
  /** Job/Ack-Data: the parameter's function code; User-Data: the type and function group byte. */
  function_code: string | undefined;
  function_name: string | undefined;
  /** User-Data subfunction; PLC Control jobs: the PI service name. */
  subfunction_code: string | undefined;
  subfunction_name: string | undefined;
  /** Ack/Ack-Data: header error class and code; User-Data answers: the parameter's error code. */
  error_class: string | undefined;
  error_code: string | undefined;
  /** Read/Write Var: number of items. */
  item_count: number | undefined;
  /** PLC Control: the PI service's arguments (block names for _INSE/_DELE, else the text). */
  pi_parameter: string[] | undefined;
  /** Setup Communication: parallel jobs allowed each way and the PDU size. */
  max_amq_calling: number | undefined;
  max_amq_called: number | undefined;
  pdu_length: number | undefined;
}

export const S7COMM_FIELDS: readonly ZeekField[] = [
  ...FLOW_HEADER_FIELDS,
  ...DIRECTION_FIELDS,
  { name: 'rosctr_code', type: 'count' },
  { name: 'rosctr_name', type: 'string' },
  { name: 'pdu_reference', type: 'count' },
  { name: 'function_code', type: 'string' },
  { name: 'function_name', type: 'string' },
  { name: 'subfunction_code', type: 'string' },
  { name: 'subfunction_name', type: 'string' },
  { name: 'error_class', type: 'string' },
  { name: 'error_code', type: 'string' },
  { name: 'item_count', type: 'count' },
  { name: 'pi_parameter', type: 'vector[string]' },
  { name: 'max_amq_calling', type: 'count' },
  { name: 'max_amq_called', type: 'count' },
  { name: 'pdu_length', type: 'count' },
];

export interface S7commReadSzlRecord extends Direction {
  pdu_reference: number;
  /** "Request" / "Response" (the userdata method byte). */
  method: string;
  /** "0x0011". */
  szl_id: string;
  szl_id_name: string;
  szl_index: string;
  /** Return code of the userdata data ("0xff") and its name. */
  return_code: string;
  return_code_name: string;
  /** Answers: size and number of the list's records. */
  szl_record_length: number | undefined;
  szl_record_count: number | undefined;
}

export const S7COMM_READ_SZL_FIELDS: readonly ZeekField[] = [
  ...FLOW_HEADER_FIELDS,
  ...DIRECTION_FIELDS,
  { name: 'pdu_reference', type: 'count' },
  { name: 'method', type: 'string' },
  { name: 'szl_id', type: 'string' },
  { name: 'szl_id_name', type: 'string' },
  { name: 'szl_index', type: 'string' },
  { name: 'return_code', type: 'string' },
  { name: 'return_code_name', type: 'string' },
  { name: 'szl_record_length', type: 'count' },
  { name: 'szl_record_count', type: 'count' },
];

export interface S7commUploadDownloadRecord extends Direction {
  /** ROSCTR name of the PDU. */
  rosctr: string;
  pdu_reference: number;
  /** "Request Download", "Download Block", "Download Ended", "Start Upload", "Upload", "End Upload". */
  function_name: string;
  function_status: string | undefined;
  /** Upload id / block control field of the parameter. */
  session_id: number | undefined;
  /** Length of the block (Start Upload answer, Request Download) or of the data carried (Upload, Download Block answers). */
  blocklength: number | undefined;
  /** "_0A00001P". */
  filename: string | undefined;
  block_type: string | undefined;
  block_number: string | undefined;
  destination_filesystem: string | undefined;
}

export const S7COMM_UPLOAD_DOWNLOAD_FIELDS: readonly ZeekField[] = [
  ...FLOW_HEADER_FIELDS,
  ...DIRECTION_FIELDS,
  { name: 'rosctr', type: 'string' },
  { name: 'pdu_reference', type: 'count' },
  { name: 'function_name', type: 'string' },
  { name: 'function_status', type: 'string' },
  { name: 'session_id', type: 'count' },
  { name: 'blocklength', type: 'count' },
  { name: 'filename', type: 'string' },
  { name: 'block_type', type: 'string' },
  { name: 'block_number', type: 'string' },
  { name: 'destination_filesystem', type: 'string' },
];

/** Identity of the device that sent SZL 0x001C / 0x0011 answers; source_* is that device. */
export interface S7commKnownDeviceRecord extends Direction {
  automation_system_name: string | undefined;
  module_name: string | undefined;
  plant_name: string | undefined;
  module_serial: string | undefined;
  module_type_name: string | undefined;
  copyright: string | undefined;
  order_number: string | undefined;
  hardware_version: string | undefined;
  firmware_version: string | undefined;
  memory_card_serial: string | undefined;
  location: string | undefined;
  manufacturer_id: number | undefined;
}

export const S7COMM_KNOWN_DEVICES_FIELDS: readonly ZeekField[] = [
  ...FLOW_HEADER_FIELDS,
  ...DIRECTION_FIELDS,
  { name: 'automation_system_name', type: 'string' },
  { name: 'module_name', type: 'string' },
  { name: 'plant_name', type: 'string' },
  { name: 'module_serial', type: 'string' },
  { name: 'module_type_name', type: 'string' },
  { name: 'copyright', type: 'string' },
  { name: 'order_number', type: 'string' },
  { name: 'hardware_version', type: 'string' },
  { name: 'firmware_version', type: 'string' },
  { name: 'memory_card_serial', type: 'string' },
  { name: 'location', type: 'string' },
  { name: 'manufacturer_id', type: 'count' },
];

/** One variable of a Read/Write Var job and its answer; source_* is the side that sent the job. */
export interface S7commReadWriteRecord extends RecordHead, Direction {
  pdu_reference: number;
  /** "0x04" Read Variable / "0x05" Write Variable. */
  function_code: string;
  function_name: string;
  /** Position of the variable in the job, from 1. */
  item_index: number;
  /** Addressing mode: "0x10" S7ANY, "0xb2" 1200SYM, … */
  syntax_id: string;
  syntax_name: string;
  /** S7ANY: memory area ("0x84" "DB"), DB number, byte and bit address, element type and count. */
  area_code: string | undefined;
  area_name: string | undefined;
  db_number: number | undefined;
  byte_address: number | undefined;
  bit_address: number | undefined;
  transport_size_code: string | undefined;
  transport_size_name: string | undefined;
  length: number | undefined;
  /** The answer's return code for this item; unset when no answer came. */
  return_code: string | undefined;
  return_code_name: string | undefined;
  /** Bytes of data read (answer) or written (job), and the first of them in hex. */
  data_length: number | undefined;
  data: string | undefined;
  /** The answer's header error, when the whole job failed. */
  error_class: string | undefined;
  error_code: string | undefined;
}

export const S7COMM_READ_WRITE_FIELDS: readonly ZeekField[] = [
  ...FLOW_HEADER_FIELDS,
  ...DIRECTION_FIELDS,
  { name: 'pdu_reference', type: 'count' },
  { name: 'function_code', type: 'string' },
  { name: 'function_name', type: 'string' },
  { name: 'item_index', type: 'count' },
  { name: 'syntax_id', type: 'string' },
  { name: 'syntax_name', type: 'string' },
  { name: 'area_code', type: 'string' },
  { name: 'area_name', type: 'string' },
  { name: 'db_number', type: 'count' },
  { name: 'byte_address', type: 'count' },
  { name: 'bit_address', type: 'count' },
  { name: 'transport_size_code', type: 'string' },
  { name: 'transport_size_name', type: 'string' },
  { name: 'length', type: 'count' },
  { name: 'return_code', type: 'string' },
  { name: 'return_code_name', type: 'string' },
  { name: 'data_length', type: 'count' },
  { name: 'data', type: 'string' },
  { name: 'error_class', type: 'string' },
  { name: 'error_code', type: 'string' },
];
