// SNMP records: `snmp` is Zeek's snmp.log (base/protocols/snmp/main.zeek, SNMP::Info), one per
// flow, with the same fields and meanings; `snmp_pdu` is Palisade's record of each PDU with
// its header, its variable bindings (capped) and the MIB-2 system group values it carries,
// so device descriptions, names and object ids reach the inventory. docs/protocols/snmp.md.
import type { ZeekField } from '../../events/zeek-tsv.ts';
import { FLOW_HEADER_FIELDS } from '../../dissect/types.ts';

export const RECORD_SNMP = 'snmp';
export const RECORD_SNMP_PDU = 'snmp_pdu';

/** Zeek's SNMP::Info: one per flow, written when the flow ends. */
export interface SnmpRecord {
  /** Seconds from the first to the last SNMP message of the flow. */
  duration: number;
  /** Version of the first message: "1", "2c", "3" (Zeek's SNMP::version_map). */
  version: string;
  /** Community of the first v1/v2c message. */
  community: string | undefined;
  /** Varbinds in GetRequest and GetNextRequest PDUs. */
  get_requests: number;
  get_bulk_requests: number;
  /** Varbinds in Response PDUs. */
  get_responses: number;
  set_requests: number;
  /** sysDescr.0 from the last Response that carried it. */
  display_string: string | undefined;
  /** Response time minus sysUpTime.0 (the agent's claimed boot time). */
  up_since: number | undefined;
  /** Palisade: v3 Reports refusing a login (unknown user, wrong digest, security level, decryption). */
  auth_failures: number;
}

export const SNMP_FIELDS: readonly ZeekField[] = [
  ...FLOW_HEADER_FIELDS,
  { name: 'duration', type: 'interval' },
  { name: 'version', type: 'string' },
  { name: 'community', type: 'string' },
  { name: 'get_requests', type: 'count' },
  { name: 'get_bulk_requests', type: 'count' },
  { name: 'get_responses', type: 'count' },
  { name: 'set_requests', type: 'count' },
  { name: 'display_string', type: 'string' },
  { name: 'up_since', type: 'time' },
  { name: 'auth_failures', type: 'count' },
];

/** One PDU. */
export interface SnmpPduRecord {
  version: string;
  /** v1/v2c community string (unset for v3). */
  community: string | undefined;
  /** get_request, get_next_request, response, set_request, trap_v1, get_bulk_request, inform_request, trap_v2, report. */
  pdu_type: string | undefined;
  pdu_type_code: number | undefined;
  request_id: number | undefined;
  /** error-status name (noError, tooBig, noSuchName …) and number; unset for GetBulk and v1 traps. */
  error_status: string | undefined;
  error_status_code: number | undefined;
  error_index: number | undefined;
  /** GetBulkRequest. */
  non_repeaters: number | undefined;
  max_repetitions: number | undefined;
  /** v1 Trap-PDU. */
  enterprise: string | undefined;
  agent_addr: string | undefined;
  generic_trap: string | undefined;
  generic_trap_code: number | undefined;
  specific_trap: number | undefined;
  /** v1 trap time-stamp (TimeTicks, 1/100 s). */
  time_stamp: number | undefined;
  /** v3 header. */
  msg_id: number | undefined;
  msg_max_size: number | undefined;
  msg_flags: number | undefined;
  /** msgFlags: authentication, privacy (encryption), reportable. */
  auth: boolean | undefined;
  priv: boolean | undefined;
  reportable: boolean | undefined;
  security_model: number | undefined;
  /** USM: authoritative engine id (hex), boots and time, user name. */
  engine_id: string | undefined;
  engine_boots: number | undefined;
  engine_time: number | undefined;
  user_name: string | undefined;
  /** Scoped PDU (unencrypted v3). */
  context_engine_id: string | undefined;
  context_name: string | undefined;
  /** v3 with an encryptedPDU: the PDU is not read. */
  encrypted: boolean | undefined;
  /** Varbinds in the PDU (all); the lists below hold the first 64. */
  varbind_count: number;
  varbind_oids: string[];
  varbind_types: string[];
  varbind_values: string[];
  /** MIB-2 system group values carried by the PDU (responses, traps, sets). */
  sys_descr: string | undefined;
  sys_object_id: string | undefined;
  /** TimeTicks (1/100 s). */
  sys_up_time: number | undefined;
  sys_contact: string | undefined;
  sys_name: string | undefined;
  sys_location: string | undefined;
  sys_services: number | undefined;
  /** v3 Report: the usmStats counter its first varbind names (why the agent refused the request). */
  usm_report: string | undefined;
  /** v3 Report refusing a login: unknown user name, wrong digest, unsupported security level, decryption error. */
  auth_failed: boolean | undefined;
  /** The message was cut (snap length) or malformed after the fields above. */
  truncated: boolean;
}

export const SNMP_PDU_FIELDS: readonly ZeekField[] = [
  ...FLOW_HEADER_FIELDS,
  { name: 'version', type: 'string' },
  { name: 'community', type: 'string' },
  { name: 'pdu_type', type: 'string' },
  { name: 'pdu_type_code', type: 'count' },
  { name: 'request_id', type: 'int' },
  { name: 'error_status', type: 'string' },
  { name: 'error_status_code', type: 'count' },
  { name: 'error_index', type: 'count' },
  { name: 'non_repeaters', type: 'count' },
  { name: 'max_repetitions', type: 'count' },
  { name: 'enterprise', type: 'string' },
  { name: 'agent_addr', type: 'addr' },
  { name: 'generic_trap', type: 'string' },
  { name: 'generic_trap_code', type: 'count' },
  { name: 'specific_trap', type: 'int' },
  { name: 'time_stamp', type: 'count' },
  { name: 'msg_id', type: 'count' },
  { name: 'msg_max_size', type: 'count' },
  { name: 'msg_flags', type: 'count' },
  { name: 'auth', type: 'bool' },
  { name: 'priv', type: 'bool' },
  { name: 'reportable', type: 'bool' },
  { name: 'security_model', type: 'count' },
  { name: 'engine_id', type: 'string' },
  { name: 'engine_boots', type: 'count' },
  { name: 'engine_time', type: 'count' },
  { name: 'user_name', type: 'string' },
  { name: 'context_engine_id', type: 'string' },
  { name: 'context_name', type: 'string' },
  { name: 'encrypted', type: 'bool' },
  { name: 'varbind_count', type: 'count' },
  { name: 'varbind_oids', type: 'vector[string]' },
  { name: 'varbind_types', type: 'vector[string]' },
  { name: 'varbind_values', type: 'vector[string]' },
  { name: 'sys_descr', type: 'string' },
  { name: 'sys_object_id', type: 'string' },
  { name: 'sys_up_time', type: 'count' },
  { name: 'sys_contact', type: 'string' },
  { name: 'sys_name', type: 'string' },
  { name: 'sys_location', type: 'string' },
  { name: 'sys_services', type: 'count' },
  { name: 'usm_report', type: 'string' },
  { name: 'auth_failed', type: 'bool' },
  { name: 'truncated', type: 'bool' },
];
