// SNMP wire constants: ports (RFC 3417), message versions, PDU tags (RFC 1157 for v1,
// RFC 3416 for v2c/v3), error-status codes (RFC 3416 section 3), v1 generic-trap codes
// (RFC 1157 section 4.1.6), the SMI application value types (RFC 2578 / RFC 3416), the
// v3 message flags (RFC 3412 section 6.4), and the MIB-2 system group names.

export const SNMP_PORT = 161;
export const SNMP_TRAP_PORT = 162;

/** msgVersion / version values, and the names Zeek's SNMP::version_map gives them. */
export const VERSION_V1 = 0;
export const VERSION_V2C = 1;
export const VERSION_V3 = 3;
export function versionName(v: number): string {
  return v === VERSION_V1 ? '1' : v === VERSION_V2C ? '2c' : v === VERSION_V3 ? '3' : 'unknown';
}

/** PDU context tags [0]..[8] and the names Suricata's snmp logger gives them (`pdu_type`). */
export const PDU_GET_REQUEST = 0;
export const PDU_GET_NEXT_REQUEST = 1;
export const PDU_RESPONSE = 2;
export const PDU_SET_REQUEST = 3;
export const PDU_TRAP_V1 = 4;
export const PDU_GET_BULK_REQUEST = 5;
export const PDU_INFORM_REQUEST = 6;
export const PDU_TRAP_V2 = 7;
export const PDU_REPORT = 8;
export const PDU_NAMES: readonly string[] = [
  'get_request', 'get_next_request', 'response', 'set_request', 'trap_v1', 'get_bulk_request', 'inform_request',
  'trap_v2', 'report',
];

/** error-status (RFC 3416 section 3, v1's five codes first). */
export const ERROR_STATUS: readonly string[] = [
  'noError', 'tooBig', 'noSuchName', 'badValue', 'readOnly', 'genErr', 'noAccess', 'wrongType', 'wrongLength',
  'wrongEncoding', 'wrongValue', 'noCreation', 'inconsistentValue', 'resourceUnavailable', 'commitFailed',
  'undoFailed', 'authorizationError', 'notWritable', 'inconsistentName',
];

/** v1 generic-trap (RFC 1157 section 4.1.6). */
export const GENERIC_TRAPS: readonly string[] = [
  'coldStart', 'warmStart', 'linkDown', 'linkUp', 'authenticationFailure', 'egpNeighborLoss', 'enterpriseSpecific',
];

/** Value tags: universal and SMI application types (the identifier octets as sent). */
export const TAG_INTEGER = 0x02;
export const TAG_OCTET_STRING = 0x04;
export const TAG_NULL = 0x05;
export const TAG_OID = 0x06;
export const TAG_SEQUENCE = 0x30;
export const TAG_IPADDRESS = 0x40;
export const TAG_COUNTER32 = 0x41;
export const TAG_GAUGE32 = 0x42;
export const TAG_TIMETICKS = 0x43;
export const TAG_OPAQUE = 0x44;
export const TAG_NSAP = 0x45;
export const TAG_COUNTER64 = 0x46;
export const TAG_UINTEGER32 = 0x47;
/** Varbind exceptions of v2c responses (RFC 3416): [0] [1] [2] IMPLICIT NULL. */
export const TAG_NO_SUCH_OBJECT = 0x80;
export const TAG_NO_SUCH_INSTANCE = 0x81;
export const TAG_END_OF_MIB_VIEW = 0x82;

/** Names of the value types (`varbind_types`). */
export const VALUE_TYPES: Readonly<Record<number, string>> = {
  [TAG_INTEGER]: 'integer',
  [TAG_OCTET_STRING]: 'octet_string',
  [TAG_NULL]: 'null',
  [TAG_OID]: 'oid',
  [TAG_IPADDRESS]: 'ip_address',
  [TAG_COUNTER32]: 'counter32',
  [TAG_GAUGE32]: 'gauge32',
  [TAG_TIMETICKS]: 'timeticks',
  [TAG_OPAQUE]: 'opaque',
  [TAG_NSAP]: 'nsap_address',
  [TAG_COUNTER64]: 'counter64',
  [TAG_UINTEGER32]: 'uinteger32',
  [TAG_NO_SUCH_OBJECT]: 'no_such_object',
  [TAG_NO_SUCH_INSTANCE]: 'no_such_instance',
  [TAG_END_OF_MIB_VIEW]: 'end_of_mib_view',
};

/** msgFlags bits (RFC 3412 section 6.4). */
export const FLAG_AUTH = 0x01;
export const FLAG_PRIV = 0x02;
export const FLAG_REPORTABLE = 0x04;

/** msgSecurityModel (RFC 3411 SnmpSecurityModel). */
export const SECURITY_MODELS: Readonly<Record<number, string>> = { 1: 'snmpv1', 2: 'snmpv2c', 3: 'usm', 4: 'tsm' };

/** MIB-2 system group (RFC 3418): instance OID → the record field it fills. */
export const SYS_DESCR = '1.3.6.1.2.1.1.1.0';
export const SYS_OBJECT_ID = '1.3.6.1.2.1.1.2.0';
export const SYS_UP_TIME = '1.3.6.1.2.1.1.3.0';
export const SYS_CONTACT = '1.3.6.1.2.1.1.4.0';
export const SYS_NAME = '1.3.6.1.2.1.1.5.0';
export const SYS_LOCATION = '1.3.6.1.2.1.1.6.0';
export const SYS_SERVICES = '1.3.6.1.2.1.1.7.0';
/**
 * The usmStats counters a v3 agent reports (RFC 3414 section 5): the first varbind of a Report
 * PDU says why a request was refused. `authFailure` marks the refusals of a login (unknown
 * user, wrong digest, security level or decryption); unknown engine ids and time windows are
 * the normal discovery steps of a first contact.
 */
export const USM_REPORTS: Readonly<Record<string, { name: string; authFailure: boolean }>> = {
  '1.3.6.1.6.3.15.1.1.1.0': { name: 'usmStatsUnsupportedSecLevels', authFailure: true },
  '1.3.6.1.6.3.15.1.1.2.0': { name: 'usmStatsNotInTimeWindows', authFailure: false },
  '1.3.6.1.6.3.15.1.1.3.0': { name: 'usmStatsUnknownUserNames', authFailure: true },
  '1.3.6.1.6.3.15.1.1.4.0': { name: 'usmStatsUnknownEngineIDs', authFailure: false },
  '1.3.6.1.6.3.15.1.1.5.0': { name: 'usmStatsWrongDigests', authFailure: true },
  '1.3.6.1.6.3.15.1.1.6.0': { name: 'usmStatsDecryptionErrors', authFailure: true },
};

export function pduName(tag: number): string {
  return PDU_NAMES[tag] ?? `unknown-${tag}`;
}
export function errorStatusName(code: number): string {
  return ERROR_STATUS[code] ?? `unknown-${code}`;
}
export function genericTrapName(code: number): string {
  return GENERIC_TRAPS[code] ?? `unknown-${code}`;
}
