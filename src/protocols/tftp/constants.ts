// TFTP wire constants: opcodes (RFC 1350 section 5, OACK from RFC 2347), error codes
// (RFC 1350 appendix, code 8 from RFC 2347), transfer modes, and the option names of
// RFC 2348 (blksize), RFC 2349 (timeout, tsize) and RFC 7440 (windowsize).

export const TFTP_PORT = 69;

export const OP_RRQ = 1;
export const OP_WRQ = 2;
export const OP_DATA = 3;
export const OP_ACK = 4;
export const OP_ERROR = 5;
export const OP_OACK = 6;

export const OPCODES: readonly string[] = ['', 'RRQ', 'WRQ', 'DATA', 'ACK', 'ERROR', 'OACK'];

export const ERROR_CODES: readonly string[] = [
  'not_defined', 'file_not_found', 'access_violation', 'disk_full', 'illegal_operation', 'unknown_transfer_id',
  'file_already_exists', 'no_such_user', 'option_negotiation_failed',
];

export function errorName(code: number): string {
  return ERROR_CODES[code] ?? `unknown-${code}`;
}

/** Transfer modes (RFC 1350 section 5), compared case-insensitively. */
export const MODES: readonly string[] = ['netascii', 'octet', 'mail'];

/** Default data block size (RFC 1350); the blksize option may change it (8..65464, RFC 2348). */
export const DEFAULT_BLKSIZE = 512;
export const MIN_BLKSIZE = 8;
export const MAX_BLKSIZE = 65464;
