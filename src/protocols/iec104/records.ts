// Record types of the IEC 60870-5-104 dissector (docs/protocols/iec104.md lists every field):
// `iec104`, one per APDU, and `iec104_object`, one per information object. There is no
// ICSNPP log for IEC 104; names follow the Zeek community analyzer (Parsitects' zeek-iec104:
// apdu_len, apci_type, apci_tx, apci_rx, type_id/type_id_code, num_ix, cause_tx, negative,
// test, originator_address, common_address, info_obj_addr → ioa) and, where that has none,
// Wireshark's field names (sq, ioa, the quality flags OV BL SB NT IV, S/E → select).
import type { ZeekField } from '../../events/zeek-tsv.ts';
import { FLOW_HEADER_FIELDS } from '../../dissect/types.ts';

/** One APDU (I, S or U frame). */
export interface Iec104Record {
  /** The originator of the TCP connection sent this APDU. */
  is_orig: boolean;
  /** Number of the APDU in its connection (both directions), from 1; iec104_object records carry it too. */
  apdu: number;
  /** The APCI length octet: bytes after it (4 for S and U frames). */
  apdu_len: number;
  /** Frame format: "I", "S" or "U". */
  apci_type: string;
  /** Send sequence number N(S) (I frames). */
  apci_tx?: number;
  /** Receive sequence number N(R) (I and S frames). */
  apci_rx?: number;
  /** U function: STARTDT_ACT, STARTDT_CON, STOPDT_ACT, STOPDT_CON, TESTFR_ACT, TESTFR_CON or unknown-<n>. */
  u_func?: string;
  /** The U frame's first control octet (0x07 STARTDT act … 0x83 TESTFR con). */
  u_func_code?: number;
  /** ASDU type identification as IEC 60870-5-101/104 name it (M_ME_NC_1, C_SC_NA_1), unknown-<n> otherwise. */
  type_id?: string;
  type_id_code?: number;
  /** Variable structure qualifier SQ: one address, then a sequence of elements. */
  sq?: boolean;
  /** Number of information objects (or elements) the ASDU declares. */
  num_ix?: number;
  /** Cause of transmission (spont, act, actcon, inrogen…), unknown-<n> otherwise. */
  cause_tx?: string;
  cause_tx_code?: number;
  /** P/N bit: negative confirmation. */
  negative?: boolean;
  /** T bit: test. */
  test?: boolean;
  originator_address?: number;
  /** Common address of ASDU (station address). */
  common_address?: number;
  /** Information object addresses, in order (at most MAX_OBJECTS). */
  ioa?: number[];
  /** The objects' values, in the same order (null where the type has none). */
  value?: (number | null)[];
  /** The objects' quality flags joined by "|" (e.g. "IV|NT"), "" when none is set. */
  quality?: string[];
}

/** One information object of an I frame. */
export interface Iec104ObjectRecord {
  is_orig: boolean;
  apdu: number;
  type_id: string;
  type_id_code: number;
  cause_tx: string;
  cause_tx_code: number;
  common_address: number;
  ioa: number;
  /** State, measured value, counter, command state, set-point, qualifier… (see the doc per type). */
  value?: number;
  /** Name of a coded state: ON/OFF, INTERMEDIATE/INDETERMINATE, LOWER/HIGHER, NOT_PERMITTED. */
  value_name?: string;
  /** Quality flags set: OV BL SB NT IV (QDS/SIQ/DIQ), EI (QDP), CY CA IV (counters). */
  quality?: string[];
  /** CP56Time2a time tag: the station's clock reading as sent, expressed as if it were UTC (SU not applied). */
  time?: number;
  /** CP24Time2a time tag, "MM:SS.mmm" within the hour. */
  time_cp24?: string;
  /** IV bit of the time tag. */
  time_invalid?: boolean;
  /** SU bit of a CP56Time2a tag: the clock reading is summer time. */
  time_summer?: boolean;
  /** CP16Time2a elapsed time of protection events, or C_CD_NA_1's delay, in ms. */
  elapsed_ms?: number;
  /** S/E of commands and set-points: true select, false execute. */
  select?: boolean;
  /** QU, QL, QOI, RQT, QRP, COI, KPA, QPA, counter sequence number, file transfer qualifier. */
  qualifier?: number;
  qualifier_name?: string;
  /** FRZ of C_CI_NA_1 (0 read, 1 freeze, 2 freeze and reset, 3 reset). */
  freeze?: number;
  /** T bit of a step position (VTI): the equipment is in transient state. */
  transient?: boolean;
}

export const IEC104_FIELDS: readonly ZeekField[] = [
  ...FLOW_HEADER_FIELDS,
  { name: 'is_orig', type: 'bool' },
  { name: 'apdu', type: 'count' },
  { name: 'apdu_len', type: 'count' },
  { name: 'apci_type', type: 'string' },
  { name: 'apci_tx', type: 'count' },
  { name: 'apci_rx', type: 'count' },
  { name: 'u_func', type: 'string' },
  { name: 'u_func_code', type: 'count' },
  { name: 'type_id', type: 'string' },
  { name: 'type_id_code', type: 'count' },
  { name: 'sq', type: 'bool' },
  { name: 'num_ix', type: 'count' },
  { name: 'cause_tx', type: 'string' },
  { name: 'cause_tx_code', type: 'count' },
  { name: 'negative', type: 'bool' },
  { name: 'test', type: 'bool' },
  { name: 'originator_address', type: 'count' },
  { name: 'common_address', type: 'count' },
  { name: 'ioa', type: 'vector[count]' },
  { name: 'value', type: 'vector[double]' },
  { name: 'quality', type: 'vector[string]' },
];

export const IEC104_OBJECT_FIELDS: readonly ZeekField[] = [
  ...FLOW_HEADER_FIELDS,
  { name: 'is_orig', type: 'bool' },
  { name: 'apdu', type: 'count' },
  { name: 'type_id', type: 'string' },
  { name: 'type_id_code', type: 'count' },
  { name: 'cause_tx', type: 'string' },
  { name: 'cause_tx_code', type: 'count' },
  { name: 'common_address', type: 'count' },
  { name: 'ioa', type: 'count' },
  { name: 'value', type: 'double' },
  { name: 'value_name', type: 'string' },
  { name: 'quality', type: 'vector[string]' },
  { name: 'time', type: 'time' },
  { name: 'time_cp24', type: 'string' },
  { name: 'time_invalid', type: 'bool' },
  { name: 'time_summer', type: 'bool' },
  { name: 'elapsed_ms', type: 'count' },
  { name: 'select', type: 'bool' },
  { name: 'qualifier', type: 'count' },
  { name: 'qualifier_name', type: 'string' },
  { name: 'freeze', type: 'count' },
  { name: 'transient', type: 'bool' },
];
