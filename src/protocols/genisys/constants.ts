// Genisys (Union Switch & Signal's railroad signalling code-line protocol, carried over TCP
// by the serial-to-IP gateways CISA ICSNPP's icsnpp-genisys analyses): wire constants and
// the names ICSNPP gives them (analyzer/main.zeek HEADER_CODES, DIRECTIONS).
//
// A message is a header byte (0xF1..0xFE), the station (server) address, address/data byte
// pairs, a CRC-16 (low byte first) and the terminator 0xF6. Between the header and the
// terminator every byte from 0xF0 up is sent as the escape byte 0xF0 followed by its low
// nibble, so the bytes 0xF1..0xFF only ever appear as headers and terminators.

export const GENISYS_PORT = 10001;

export const ESCAPE = 0xf0;
export const TERMINATOR = 0xf6;

/** Header bytes, as ICSNPP's analyzer.spicy names them. */
export const HEADER = {
  ACKNOWLEDGE_CLIENT: 0xf1,
  INDICATION_DATA: 0xf2,
  CONTROL_DATA_CHECKBACK: 0xf3,
  COMMON_CONTROL_DATA: 0xf9,
  ACKNOWLEDGE_INDICATION_AND_POLL: 0xfa,
  POLL: 0xfb,
  CONTROL_DATA: 0xfc,
  RECALL_HEADER: 0xfd,
  EXECUTE_CONTROLS: 0xfe,
} as const;

const HEADER_NAMES: Readonly<Record<number, string>> = {
  [HEADER.ACKNOWLEDGE_CLIENT]: 'Acknowledge Client',
  [HEADER.INDICATION_DATA]: 'Indication Data',
  [HEADER.CONTROL_DATA_CHECKBACK]: 'Control Data Checkback',
  [HEADER.COMMON_CONTROL_DATA]: 'Common Control Data',
  [HEADER.ACKNOWLEDGE_INDICATION_AND_POLL]: 'Acknowledge Indication and Poll',
  [HEADER.POLL]: 'Poll',
  [HEADER.CONTROL_DATA]: 'Control Data',
  [HEADER.RECALL_HEADER]: 'Recall Header',
  [HEADER.EXECUTE_CONTROLS]: 'Execute Controls',
};

/** ICSNPP's name of a header byte; `unknown-<n>` for the undefined ones (0xF4, 0xF5, 0xF7, 0xF8). */
export function headerName(h: number): string {
  return HEADER_NAMES[h] ?? `unknown-${h}`;
}

/** A byte that may start a message: 0xF1..0xFE except the terminator. */
export function isHeaderByte(b: number): boolean {
  return b >= 0xf1 && b <= 0xfe && b !== TERMINATOR;
}

/** One of the nine headers the protocol defines. */
export function isKnownHeader(h: number): boolean {
  return HEADER_NAMES[h] !== undefined;
}

/** Station to master (0xF1..0xF3): ICSNPP's `response`. */
export function isResponseHeader(h: number): boolean {
  return h >= 0xf1 && h <= 0xf3;
}

/** Master to station (0xF9..0xFE): ICSNPP's `request`. */
export function isRequestHeader(h: number): boolean {
  return h >= 0xf9 && h <= 0xfe;
}

/** ICSNPP's direction name of a header: `request`, `response`, or `unknown` for the undefined headers. */
export function directionName(h: number): string {
  return isRequestHeader(h) ? 'request' : isResponseHeader(h) ? 'response' : 'unknown';
}

/**
 * What a master message does to the station, for asset and change tracking: polls and the
 * recall read the station's indications, control data (to one station or, common control,
 * to all) sets its control outputs, execute controls carries them out. Undefined for
 * station messages.
 */
export function operationOf(h: number): string | undefined {
  switch (h) {
    case HEADER.POLL:
    case HEADER.ACKNOWLEDGE_INDICATION_AND_POLL:
    case HEADER.RECALL_HEADER:
      return 'read';
    case HEADER.CONTROL_DATA:
    case HEADER.COMMON_CONTROL_DATA:
      return 'write';
    case HEADER.EXECUTE_CONTROLS:
      return 'execute';
    default:
      return undefined;
  }
}

/**
 * Whether a message carries a CRC, as ICSNPP decides it: every message but Acknowledge
 * Client, and a Poll only when more than its station address follows the header (a poll
 * without CRC is the non-secure poll). `bodyLen` is the unescaped length after the header.
 */
export function hasCrc(h: number, bodyLen: number): boolean {
  if (h === HEADER.ACKNOWLEDGE_CLIENT) return false;
  if (h === HEADER.POLL && bodyLen <= 1) return false;
  return true;
}

// CRC-16 with the reflected polynomial 0xA001 (x^16 + x^15 + x^2 + 1) and initial value
// 0xFFFF (the CRC-16/MODBUS parameters), over the header, the station address and the data,
// unescaped; sent low byte first. The traces of the corpus all verify with these parameters.
const CRC_TABLE = new Uint16Array(256);
for (let i = 0; i < 256; i++) {
  let c = i;
  for (let k = 0; k < 8; k++) c = (c & 1) !== 0 ? (c >>> 1) ^ 0xa001 : c >>> 1;
  CRC_TABLE[i] = c;
}

/** Adds the byte `b` to the CRC register `crc`. */
export function crcByte(crc: number, b: number): number {
  return (crc >>> 8) ^ CRC_TABLE[(crc ^ b) & 0xff];
}

/** CRC-16 of d[off, off + len) from the register value `init` (0xFFFF for Genisys). */
export function crc16(d: Uint8Array, off: number, len: number, init = 0xffff): number {
  let c = init;
  for (let i = off; i < off + len; i++) c = crcByte(c, d[i]);
  return c;
}

/** ICSNPP's text of a CRC value: `0x` and lower-case hex, at least two digits (`fmt("0x%02x")`). */
export function crcText(v: number): string {
  const s = v.toString(16);
  return s.length < 2 ? `0x0${s}` : `0x${s}`;
}
