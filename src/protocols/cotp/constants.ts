// Wire constants of TPKT (RFC 1006) and the ISO 8073 / X.224 connection-oriented transport
// protocol (COTP), with the names the records carry. TPDU names are the ones ICSNPP's
// cotp.log writes ("CR Connection Request"); the rest follow ISO 8073's wording.

/** TPKT header: version 3, a reserved byte, a 16-bit length counting the header. */
export const TPKT_VERSION = 3;
export const TPKT_HEADER_LEN = 4;
/** Smallest TPKT that can hold a TPDU (RFC 1006: header + LI + code + one byte). */
export const TPKT_MIN_LEN = 7;

// TPDU codes: the high nibble of the second header byte (ISO 8073 13.1, table 8).
export const TPDU_ED = 0x1;
export const TPDU_EA = 0x2;
export const TPDU_RJ = 0x5;
export const TPDU_AK = 0x6;
export const TPDU_ER = 0x7;
export const TPDU_DR = 0x8;
export const TPDU_DC = 0xc;
export const TPDU_CC = 0xd;
export const TPDU_CR = 0xe;
export const TPDU_DT = 0xf;

/** TPDU names as ICSNPP writes them in cotp.log `pdu_name`. */
export const TPDU_NAMES: readonly (string | undefined)[] = (() => {
  const n: (string | undefined)[] = new Array(16).fill(undefined);
  n[TPDU_ED] = 'ED Expedited Data';
  n[TPDU_EA] = 'EA Expedited Data Acknowledgement';
  n[TPDU_RJ] = 'RJ Reject';
  n[TPDU_AK] = 'AK Data Acknowledgement';
  n[TPDU_ER] = 'ER TPDU Error';
  n[TPDU_DR] = 'DR Disconnect Request';
  n[TPDU_DC] = 'DC Disconnect Confirm';
  n[TPDU_CC] = 'CC Connection Confirm';
  n[TPDU_CR] = 'CR Connection Request';
  n[TPDU_DT] = 'DT Data';
  return n;
})();

/**
 * Smallest length indicator (header length after the LI byte) of each TPDU type in its
 * shortest form (class 0/1 normal format for DT/ED); -1 for codes ISO 8073 does not define.
 */
export const TPDU_MIN_LI: readonly number[] = (() => {
  const n = new Array<number>(16).fill(-1);
  n[TPDU_ED] = 2;
  n[TPDU_EA] = 4;
  n[TPDU_RJ] = 4;
  n[TPDU_AK] = 4;
  n[TPDU_ER] = 4;
  n[TPDU_DR] = 6;
  n[TPDU_DC] = 5;
  n[TPDU_CC] = 6;
  n[TPDU_CR] = 6;
  n[TPDU_DT] = 2;
  return n;
})();

/** `pdu_code` as ICSNPP writes it: the TPDU code nibble as "0x%02x". */
export const TPDU_CODES: readonly string[] = Array.from({ length: 16 }, (_, i) => '0x0' + i.toString(16));

// Parameter codes of the variable part (ISO 8073 13.3.4 and 13.5.3).
export const PARAM_TPDU_SIZE = 0xc0;
export const PARAM_CALLING_TSAP = 0xc1;
export const PARAM_CALLED_TSAP = 0xc2;
export const PARAM_CHECKSUM = 0xc3;
export const PARAM_VERSION = 0xc4;
export const PARAM_ADDITIONAL_OPTIONS = 0xc6;
export const PARAM_ALTERNATIVE_CLASSES = 0xc7;
/** Preferred maximum TPDU size: a multiple of 128 octets (ISO 8073 Amd.). */
export const PARAM_PREFERRED_TPDU_SIZE = 0xf0;

/** Class and option byte of CR/CC: class in the high nibble, extended formats in bit 2. */
export const OPTION_EXTENDED_FORMAT = 0x02;

/** DR reason codes (ISO 8073 13.5.3 e). */
export const DISCONNECT_REASONS: ReadonlyMap<number, string> = new Map([
  [0, 'Reason not specified'],
  [1, 'Congestion at TSAP'],
  [2, 'Session entity not attached to TSAP'],
  [3, 'Address unknown'],
  [128, 'Normal disconnect initiated by the session entity'],
  [129, 'Remote transport entity congestion at connect request time'],
  [130, 'Connection negotiation failed'],
  [131, 'Duplicate source reference'],
  [132, 'Mismatched references'],
  [133, 'Protocol error'],
  [135, 'Reference overflow'],
  [136, 'Connection request refused on this network connection'],
  [138, 'Header or parameter length invalid'],
]);

/** ER reject causes (ISO 8073 13.12.3 d). */
export const REJECT_CAUSES: ReadonlyMap<number, string> = new Map([
  [0, 'Reason not specified'],
  [1, 'Invalid parameter code'],
  [2, 'Invalid TPDU type'],
  [3, 'Invalid parameter value'],
]);

export function nameOf(map: ReadonlyMap<number, string>, code: number): string {
  return map.get(code) ?? `unknown-${code}`;
}
