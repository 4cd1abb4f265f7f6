// Syslog wire constants: the port (RFC 5426), the PRI facility and severity codes (RFC 5424
// section 6.2.1, the same table RFC 3164 section 4.1.1 gives) with the names Zeek's
// base/protocols/syslog/consts.zeek logs, and the RFC 3164 month names.

export const SYSLOG_UDP_PORT = 514;

/** The largest PRI value: facility 23, severity 7. */
export const PRI_MAX = 191;

/** Facility names, as Zeek writes them (`facility` of syslog.log). */
export const FACILITIES: readonly string[] = [
  'KERN', 'USER', 'MAIL', 'DAEMON', 'AUTH', 'SYSLOG', 'LPR', 'NEWS', 'UUCP', 'CRON', 'AUTHPRIV', 'FTP',
  'NTP', 'AUDIT', 'ALERT', 'CLOCK', 'LOCAL0', 'LOCAL1', 'LOCAL2', 'LOCAL3', 'LOCAL4', 'LOCAL5', 'LOCAL6', 'LOCAL7',
];

/** Severity names, as Zeek writes them (`severity` of syslog.log). */
export const SEVERITIES: readonly string[] = ['EMERG', 'ALERT', 'CRIT', 'ERR', 'WARNING', 'NOTICE', 'INFO', 'DEBUG'];

/** RFC 3164 TIMESTAMP month abbreviations ("Mmm"), three letters each, in order. */
export const MONTHS = 'JanFebMarAprMayJunJulAugSepOctNovDec';

/** RFC 5424 field length limits (section 6): HOSTNAME, APP-NAME, PROCID, MSGID. */
export const MAX_HOSTNAME = 255;
export const MAX_APP_NAME = 48;
export const MAX_PROCID = 128;
export const MAX_MSGID = 32;
/** RFC 3164 section 4.1.3: the TAG is at most 32 alphanumeric characters. */
export const MAX_TAG = 32;

/** Message formats (`format` of the record). */
export const FORMAT_RFC5424 = 'rfc5424';
export const FORMAT_RFC3164 = 'rfc3164';
/** A PRI followed by text that fits neither header: the whole text is the message. */
export const FORMAT_OTHER = 'other';
