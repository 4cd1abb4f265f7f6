// NTP wire constants (RFC 5905 for modes 1-5, RFC 1305 appendix B / RFC 9327 for mode 6
// control messages, ntpd's ntp_request.h for mode 7 private messages) with their names.

export const NTP_PORT = 123;

/** Standard header length (RFC 5905 figure 8): flags, stratum, poll, precision, root delay/dispersion, reference id, four timestamps. */
export const NTP_HEADER_LEN = 48;
/** Mode 6 control header (RFC 9327 section 2): 12 bytes before the data. */
export const CONTROL_HEADER_LEN = 12;
/** Mode 7 private header (ntp_request.h): 8 bytes before the data. */
export const PRIVATE_HEADER_LEN = 8;

/** Seconds from the NTP epoch (1900-01-01) to the Unix epoch (1970-01-01). */
export const NTP_UNIX_OFFSET = 2208988800;

export const MODE_CONTROL = 6;
export const MODE_PRIVATE = 7;

/** Association modes (RFC 5905 figure 10). */
export const MODE_NAMES: readonly string[] = [
  'reserved', 'symmetric_active', 'symmetric_passive', 'client', 'server', 'broadcast', 'control', 'private',
];

/** Leap indicator (RFC 5905 figure 9). */
export const LEAP_NAMES: readonly string[] = ['no_warning', 'last_minute_61', 'last_minute_59', 'unsynchronized'];

/** Mode 6 opcodes (RFC 9327 section 2.1, and ntpd's later additions). */
export const CONTROL_OPCODES: Readonly<Record<number, string>> = {
  0: 'reserved',
  1: 'read_status',
  2: 'read_variables',
  3: 'write_variables',
  4: 'read_clock_variables',
  5: 'write_clock_variables',
  6: 'set_trap',
  7: 'async_message',
  8: 'configure',
  9: 'save_config',
  10: 'read_mru',
  11: 'read_ordlist',
  12: 'request_nonce',
  31: 'unset_trap',
};

/**
 * Mode 7 request codes (ntpd's ntp_request.h REQ_*). 20 and 42 are "monlist", the request
 * abused for reflection/amplification attacks.
 */
export const PRIVATE_REQUEST_CODES: readonly string[] = [
  'peer_list', 'peer_list_sum', 'peer_info', 'peer_stats', 'sys_info', 'sys_stats', 'io_stats', 'mem_stats',
  'loop_info', 'timer_stats', 'config', 'unconfig', 'set_sys_flag', 'clr_sys_flag', 'monitor', 'nomonitor',
  'get_restrict', 'resaddflags', 'ressubflags', 'unrestrict', 'mon_getlist', 'reset_stats', 'reset_peer',
  'reread_keys', 'do_dirty_hack', 'dont_dirty_hack', 'trustkey', 'untrustkey', 'authinfo', 'traps', 'add_trap',
  'clr_trap', 'request_key', 'control_key', 'get_ctlstats', 'get_leapinfo', 'get_clockinfo', 'set_clkfudge',
  'get_kernel', 'get_clkbuginfo', '', 'set_precision', 'mon_getlist_1', 'hostname_associd', 'if_stats', 'if_reload',
];

/** Mode 7 implementation numbers (ntp_request.h IMPL_*). */
export const PRIVATE_IMPLEMENTATIONS: Readonly<Record<number, string>> = { 0: 'univ', 2: 'xntpd_old', 3: 'xntpd' };

export function controlOpcodeName(op: number): string {
  return CONTROL_OPCODES[op] ?? `unknown-${op}`;
}

export function privateRequestName(code: number): string {
  const n = PRIVATE_REQUEST_CODES[code];
  return n === undefined || n === '' ? `unknown-${code}` : n;
}
