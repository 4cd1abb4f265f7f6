// Wire constants of S7comm-plus (protocol id 0x72): S7-1200/1500 and TIA Portal. Opcode and
// function names as ICSNPP's s7comm_plus.log writes them; what ICSNPP does not name, as the
// S7comm-plus Wireshark plugin (s7commwireshark) names it. Unknown codes: `unknown-<n>`.

export const S7COMMP_PROTOCOL_ID = 0x72;
export const S7COMMP_HEADER_LEN = 4;
/** Trailer after the data part of the last (or only) fragment of a message: 72 <version> 00 00. */
export const S7COMMP_TRAILER_LEN = 4;

// The version byte ("PDU type" in the Wireshark plugin).
export const VERSION_1 = 0x01;
export const VERSION_2 = 0x02;
/** V3: an integrity part (digest length and digest) leads the data part. */
export const VERSION_3 = 0x03;
export const VERSION_KEEP_ALIVE = 0xff;
export const DIGEST_LEN = 32;

export const OPCODE_REQUEST = 0x31;
export const OPCODE_RESPONSE = 0x32;
export const OPCODE_NOTIFICATION = 0x33;
export const OPCODE_RESPONSE2 = 0x02;

const OPCODE_NAMES = new Map<number, string>([
  [OPCODE_REQUEST, 'Request'],
  [OPCODE_RESPONSE, 'Response'],
  [OPCODE_NOTIFICATION, 'Notification'],
  [OPCODE_RESPONSE2, 'Response2'],
]);

const FUNCTION_NAMES = new Map<number, string>([
  [0x04bb, 'Explore'],
  [0x04ca, 'Create Object'],
  [0x04d4, 'Delete Object'],
  [0x04f2, 'Set Variable'],
  [0x0524, 'Get Link'],
  [0x0542, 'Set Multi Variables'],
  [0x054c, 'Get Multi Variables'],
  [0x0556, 'Begin Sequence'],
  [0x0560, 'End Sequence'],
  [0x056b, 'Invoke'],
  [0x0586, 'Get Variable Sub Streamed'],
]);

export const isKnownVersion = (v: number): boolean => v === VERSION_1 || v === VERSION_2 || v === VERSION_3 || v === VERSION_KEEP_ALIVE;
export const isKnownOpcode = (o: number): boolean => OPCODE_NAMES.has(o);
export const opcodeName = (o: number): string => OPCODE_NAMES.get(o) ?? `unknown-${o}`;
export const functionName = (f: number): string => FUNCTION_NAMES.get(f) ?? `unknown-${f}`;

export const hex2 = (n: number): string => '0x' + n.toString(16).padStart(2, '0');
export const hex4 = (n: number): string => '0x' + n.toString(16).padStart(4, '0');
