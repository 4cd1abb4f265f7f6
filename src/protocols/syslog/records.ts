// The `syslog` record: Zeek's syslog.log (base/protocols/syslog/main.zeek, Syslog::Info: ts,
// uid, id, proto, facility, severity, message) with the same names and meanings, then the
// numeric codes and the parsed RFC 5424 / RFC 3164 header fields. docs/protocols/syslog.md.
import type { ZeekField } from '../../events/zeek-tsv.ts';
import { FLOW_HEADER_FIELDS } from '../../dissect/types.ts';

export const RECORD_SYSLOG = 'syslog';

export interface SyslogRecord {
  /** Transport the message came over ("udp"). */
  proto: string;
  /** Facility name as Zeek writes it (KERN, USER, … LOCAL7). */
  facility: string;
  /** Severity name as Zeek writes it (EMERG … DEBUG). */
  severity: string;
  /** Everything after the PRI, as Zeek logs it (capped, see syslog.md). */
  message: string;
  facility_code: number;
  severity_code: number;
  /** rfc5424, rfc3164, or other (a PRI followed by free text). */
  format: string;
  /** RFC 5424 VERSION. */
  version: number | undefined;
  /** The header's TIMESTAMP as sent (RFC 5424 date-time or RFC 3164 "Mmm dd hh:mm:ss"). */
  timestamp: string | undefined;
  hostname: string | undefined;
  /** RFC 5424 APP-NAME, or the RFC 3164 TAG. */
  app_name: string | undefined;
  /** RFC 5424 PROCID, or the RFC 3164 "[pid]" after the TAG. */
  procid: string | undefined;
  /** RFC 5424 MSGID. */
  msgid: string | undefined;
  /** RFC 5424 STRUCTURED-DATA as sent (the SD-ELEMENTs). */
  structured_data: string | undefined;
  /** The free-form text after the header (trailing CR, LF and NUL removed; capped). */
  msg: string;
  /** The datagram was longer than the cap: `message` and `msg` are cut. */
  truncated: boolean;
}

export const SYSLOG_FIELDS: readonly ZeekField[] = [
  ...FLOW_HEADER_FIELDS,
  { name: 'proto', type: 'enum' },
  { name: 'facility', type: 'string' },
  { name: 'severity', type: 'string' },
  { name: 'message', type: 'string' },
  { name: 'facility_code', type: 'count' },
  { name: 'severity_code', type: 'count' },
  { name: 'format', type: 'string' },
  { name: 'version', type: 'count' },
  { name: 'timestamp', type: 'string' },
  { name: 'hostname', type: 'string' },
  { name: 'app_name', type: 'string' },
  { name: 'procid', type: 'string' },
  { name: 'msgid', type: 'string' },
  { name: 'structured_data', type: 'string' },
  { name: 'msg', type: 'string' },
  { name: 'truncated', type: 'bool' },
];
