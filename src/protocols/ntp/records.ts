// The `ntp` record: Zeek's ntp.log (base/protocols/ntp/main.zeek, NTP::Info: ts, uid, id,
// version, mode, stratum, poll, precision, root_delay, root_disp, ref_id, ref_time, org_time,
// rec_time, xmt_time, num_exts) with the same names, types and units, then Palisade's fields:
// names of the coded values, the MAC key id, and the headers of mode 6 (control) and mode 7
// (private) messages, which Zeek parses but does not log. docs/protocols/ntp.md.
import type { ZeekField } from '../../events/zeek-tsv.ts';
import { FLOW_HEADER_FIELDS } from '../../dissect/types.ts';

export const RECORD_NTP = 'ntp';

export interface NtpRecord {
  version: number;
  mode: number;
  /** Modes 0-5 only (the standard header): */
  stratum: number | undefined;
  /** Poll interval in seconds (2^poll). */
  poll: number | undefined;
  /** Clock precision in seconds (2^precision). */
  precision: number | undefined;
  /** Seconds. */
  root_delay: number | undefined;
  root_disp: number | undefined;
  /** Kiss code / reference clock name (stratum 0, 1) or IPv4 address (above). */
  ref_id: string | undefined;
  ref_time: number | undefined;
  org_time: number | undefined;
  rec_time: number | undefined;
  xmt_time: number | undefined;
  num_exts: number | undefined;
  /** Palisade: */
  mode_name: string;
  leap: number;
  leap_name: string;
  /** Key id of the MAC after the header; unset when there is none. */
  key_id: number | undefined;
  /** Mode 6 and 7: the message is a response. */
  response: boolean | undefined;
  /** Mode 6 and 7: more fragments follow. */
  more: boolean | undefined;
  /** Mode 6 and 7: sequence number. */
  sequence: number | undefined;
  /** Mode 6: */
  opcode: number | undefined;
  opcode_name: string | undefined;
  error: boolean | undefined;
  status: number | undefined;
  association_id: number | undefined;
  offset: number | undefined;
  count: number | undefined;
  /** Mode 7: */
  request_code: number | undefined;
  request_name: string | undefined;
  implementation: number | undefined;
  auth: boolean | undefined;
  error_code: number | undefined;
  items: number | undefined;
  item_size: number | undefined;
}

export const NTP_FIELDS: readonly ZeekField[] = [
  ...FLOW_HEADER_FIELDS,
  { name: 'version', type: 'count' },
  { name: 'mode', type: 'count' },
  { name: 'stratum', type: 'count' },
  { name: 'poll', type: 'interval' },
  { name: 'precision', type: 'interval' },
  { name: 'root_delay', type: 'interval' },
  { name: 'root_disp', type: 'interval' },
  { name: 'ref_id', type: 'string' },
  { name: 'ref_time', type: 'time' },
  { name: 'org_time', type: 'time' },
  { name: 'rec_time', type: 'time' },
  { name: 'xmt_time', type: 'time' },
  { name: 'num_exts', type: 'count' },
  { name: 'mode_name', type: 'string' },
  { name: 'leap', type: 'count' },
  { name: 'leap_name', type: 'string' },
  { name: 'key_id', type: 'count' },
  { name: 'response', type: 'bool' },
  { name: 'more', type: 'bool' },
  { name: 'sequence', type: 'count' },
  { name: 'opcode', type: 'count' },
  { name: 'opcode_name', type: 'string' },
  { name: 'error', type: 'bool' },
  { name: 'status', type: 'count' },
  { name: 'association_id', type: 'count' },
  { name: 'offset', type: 'count' },
  { name: 'count', type: 'count' },
  { name: 'request_code', type: 'count' },
  { name: 'request_name', type: 'string' },
  { name: 'implementation', type: 'count' },
  { name: 'auth', type: 'bool' },
  { name: 'error_code', type: 'count' },
  { name: 'items', type: 'count' },
  { name: 'item_size', type: 'count' },
];
