// The `goose` record: the fields of the ICSNPP-style IEC 61850 GOOSE log (goose.log: ts,
// src_mac, dst_mac, eth_type, appid, length, gocb_ref, time_allowed_to_live, dataset, go_id,
// timestamp, st_num, sq_num, simulation, conf_rev, nds_com, num_dat_set_entries), then the
// header bit, the data set values, and the counters of the one-record-per-state-change rule.
// docs/protocols/goose.md documents every field.
import type { ZeekField } from '../../events/zeek-tsv.ts';

/** Why a record was written. */
export const KIND_FIRST = 'first';
export const KIND_STATE_CHANGE = 'state_change';
export const KIND_RESTART = 'restart';
export const KIND_CONFIG_CHANGE = 'config_change';
export const KIND_SUMMARY = 'summary';

export interface GooseRecord {
  /** Time of the frame (for a summary: of the publisher's last frame). */
  ts: number;
  /** Publisher MAC address. */
  src_mac: string;
  /** Destination (multicast) MAC address. */
  dst_mac: string;
  /** 802.1Q VLAN id, unset when untagged. */
  vlan: number | undefined;
  /** Always "0x88b8". */
  eth_type: string;
  /** APPID as hex ("0x3001"), as ICSNPP writes it. */
  appid: string;
  /** Length field of the GOOSE header (bytes from APPID to the end of the APDU). */
  length: number;
  /** Reserved 1 bit 15 (IEC 61850-8-1 Ed. 2 "simulated" bit of the header). */
  simulated: boolean;
  gocb_ref: string | undefined;
  /** Milliseconds until the next frame must arrive. */
  time_allowed_to_live: number;
  dataset: string | undefined;
  go_id: string | undefined;
  /** goosePdu `t`: time of the last state change, seconds since the epoch. */
  timestamp: number | undefined;
  /** Time quality octet of `t` (leap second known, clock failure, not synchronised, accuracy bits). */
  timestamp_quality: number | undefined;
  st_num: number;
  sq_num: number;
  /** goosePdu `simulation` (Ed. 1 `test`). */
  simulation: boolean;
  conf_rev: number;
  nds_com: boolean;
  num_dat_set_entries: number;
  /** Data elements in allData (top level). */
  all_data_count: number | undefined;
  /** MMS Data type of each element (capped, see goose.md). */
  all_data_types: string[] | undefined;
  /** Each element's value as text (capped). */
  all_data_values: string[] | undefined;
  /** first | state_change | restart | config_change | summary. */
  record_kind: string;
  /** Frames of this publisher seen so far (for a summary: all of them). */
  frame_count: number;
  /** stNum changes of this publisher seen so far. */
  state_change_count: number;
  /** Time of the publisher's first frame. */
  first_ts: number;
}

export const GOOSE_FIELDS: readonly ZeekField[] = [
  { name: 'ts', type: 'time' },
  { name: 'src_mac', type: 'string' },
  { name: 'dst_mac', type: 'string' },
  { name: 'vlan', type: 'count' },
  { name: 'eth_type', type: 'string' },
  { name: 'appid', type: 'string' },
  { name: 'length', type: 'int' },
  { name: 'simulated', type: 'bool' },
  { name: 'gocb_ref', type: 'string' },
  { name: 'time_allowed_to_live', type: 'int' },
  { name: 'dataset', type: 'string' },
  { name: 'go_id', type: 'string' },
  { name: 'timestamp', type: 'time' },
  { name: 'timestamp_quality', type: 'count' },
  { name: 'st_num', type: 'int' },
  { name: 'sq_num', type: 'int' },
  { name: 'simulation', type: 'bool' },
  { name: 'conf_rev', type: 'int' },
  { name: 'nds_com', type: 'bool' },
  { name: 'num_dat_set_entries', type: 'int' },
  { name: 'all_data_count', type: 'count' },
  { name: 'all_data_types', type: 'vector[string]' },
  { name: 'all_data_values', type: 'vector[string]' },
  { name: 'record_kind', type: 'string' },
  { name: 'frame_count', type: 'count' },
  { name: 'state_change_count', type: 'count' },
  { name: 'first_ts', type: 'time' },
];
