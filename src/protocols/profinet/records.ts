// PROFINET record types: `profinet_dcp`, one per DCP PDU, and `profinet_rt`, one summary per
// (source MAC, destination MAC, VLAN, frame ID) of the other PROFINET frames (cyclic RT
// classes 1-3, alarms, PTCP, fragments), written at the end of the input. Layer-2 records:
// they carry MAC addresses instead of a connection id. docs/protocols/profinet.md documents
// every field.
import type { ZeekField } from '../../events/zeek-tsv.ts';

export interface ProfinetDcpRecord {
  ts: number;
  src_mac: string;
  dst_mac: string;
  vlan?: number;
  frame_id: number;
  /** "hello", "get", "set", "identify", "unknown-<n>". */
  service: string;
  service_id: number;
  /** "request", "response_success", "response_unsupported", "unknown-<n>". */
  service_type: string;
  service_type_code: number;
  xid: number;
  response_delay?: number;
  data_length: number;
  blocks: string[];
  station_name?: string;
  type_of_station?: string;
  alias_name?: string;
  vendor_id?: number;
  device_id?: number;
  device_role?: number;
  device_role_names?: string[];
  device_instance_high?: number;
  device_instance_low?: number;
  oem_vendor_id?: number;
  oem_device_id?: number;
  device_options?: string[];
  device_initiative?: number;
  rsi_properties?: number;
  mac?: string;
  ip?: string;
  netmask?: string;
  gateway?: string;
  dns_servers?: string[];
  ip_block_info?: number;
  ip_block_info_name?: string;
  dhcp?: string[];
  all_selector?: boolean;
  control?: string[];
  signal_value?: number;
  qualifiers?: number[];
  /** A Set request block asks to save the value permanently (BlockQualifier bit 0). */
  permanent?: boolean;
  response_blocks?: string[];
  block_errors?: number[];
  block_error_names?: string[];
}

export interface ProfinetRtRecord {
  /** First frame. */
  ts: number;
  last_ts: number;
  src_mac?: string;
  dst_mac?: string;
  vlan?: number;
  frame_id?: number;
  /** RT_CLASS_1/2/3, ALARM_HIGH/LOW, PTCP_*, FRAGMENTATION, RSI, "unknown-<id>"; "untracked" for frames past the stream cap. */
  frame_class: string;
  frames: number;
  /** Bytes on the wire of those frames. */
  bytes: number;
  cycle_counter_first?: number;
  cycle_counter_last?: number;
  data_status_first?: number;
  data_status_last?: number;
  data_status_seen?: string[];
  /** Frames whose TransferStatus was not 0. */
  transfer_status_errors?: number;
}

export const PROFINET_DCP_FIELDS: readonly ZeekField[] = [
  { name: 'ts', type: 'time' },
  { name: 'src_mac', type: 'string' },
  { name: 'dst_mac', type: 'string' },
  { name: 'vlan', type: 'count' },
  { name: 'frame_id', type: 'count' },
  { name: 'service', type: 'string' },
  { name: 'service_id', type: 'count' },
  { name: 'service_type', type: 'string' },
  { name: 'service_type_code', type: 'count' },
  { name: 'xid', type: 'count' },
  { name: 'response_delay', type: 'count' },
  { name: 'data_length', type: 'count' },
  { name: 'blocks', type: 'vector[string]' },
  { name: 'station_name', type: 'string' },
  { name: 'type_of_station', type: 'string' },
  { name: 'alias_name', type: 'string' },
  { name: 'vendor_id', type: 'count' },
  { name: 'device_id', type: 'count' },
  { name: 'device_role', type: 'count' },
  { name: 'device_role_names', type: 'vector[string]' },
  { name: 'device_instance_high', type: 'count' },
  { name: 'device_instance_low', type: 'count' },
  { name: 'oem_vendor_id', type: 'count' },
  { name: 'oem_device_id', type: 'count' },
  { name: 'device_options', type: 'vector[string]' },
  { name: 'device_initiative', type: 'count' },
  { name: 'rsi_properties', type: 'count' },
  { name: 'mac', type: 'string' },
  { name: 'ip', type: 'addr' },
  { name: 'netmask', type: 'addr' },
  { name: 'gateway', type: 'addr' },
  { name: 'dns_servers', type: 'vector[addr]' },
  { name: 'ip_block_info', type: 'count' },
  { name: 'ip_block_info_name', type: 'string' },
  { name: 'dhcp', type: 'vector[string]' },
  { name: 'all_selector', type: 'bool' },
  { name: 'control', type: 'vector[string]' },
  { name: 'signal_value', type: 'count' },
  { name: 'qualifiers', type: 'vector[count]' },
  { name: 'permanent', type: 'bool' },
  { name: 'response_blocks', type: 'vector[string]' },
  { name: 'block_errors', type: 'vector[count]' },
  { name: 'block_error_names', type: 'vector[string]' },
];

export const PROFINET_RT_FIELDS: readonly ZeekField[] = [
  { name: 'ts', type: 'time' },
  { name: 'last_ts', type: 'time' },
  { name: 'src_mac', type: 'string' },
  { name: 'dst_mac', type: 'string' },
  { name: 'vlan', type: 'count' },
  { name: 'frame_id', type: 'count' },
  { name: 'frame_class', type: 'string' },
  { name: 'frames', type: 'count' },
  { name: 'bytes', type: 'count' },
  { name: 'cycle_counter_first', type: 'count' },
  { name: 'cycle_counter_last', type: 'count' },
  { name: 'data_status_first', type: 'count' },
  { name: 'data_status_last', type: 'count' },
  { name: 'data_status_seen', type: 'vector[string]' },
  { name: 'transfer_status_errors', type: 'count' },
];
