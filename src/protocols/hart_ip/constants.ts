// HART-IP (HCF_SPEC-085) and HART command (HCF_SPEC-127/-151) constants, named as CISA
// ICSNPP's icsnpp-hart-ip writes them (its general log's strings).

export const HART_IP_PORT = 5094;
export const HEADER_LEN = 8;

export const MSG_TYPE_REQUEST = 0;
export const MSG_TYPE_RESPONSE = 1;
export const MSG_TYPE_PUBLISH = 2;
export const MSG_TYPE_NAK = 15;

export const MESSAGE_TYPES: Readonly<Record<number, string>> = {
  0: 'Request',
  1: 'Response',
  2: 'Publish',
  15: 'Negative Acknowledgement',
};

export const MSG_SESSION_INITIATE = 0;
export const MSG_SESSION_CLOSE = 1;
export const MSG_KEEP_ALIVE = 2;
export const MSG_TOKEN_PASSING_PDU = 3;
export const MSG_DIRECT_PDU = 4;
export const MSG_READ_AUDIT_LOG = 5;

export const MESSAGE_IDS: readonly string[] = ['Session Initiate', 'Session Close', 'Keep Alive', 'Token Passing PDU', 'Direct PDU', 'Read Audit Log'];

/** Header status codes (HART-IP 10.3.2). */
export const STATUS_CODES: Readonly<Record<number, string>> = {
  0: 'Success',
  2: 'Invalid Selection Error',
  5: 'Too Few Data Bytes Received Error',
  6: 'Device-specific Command Error',
  8: 'Set to Nearest Possible Value Warning',
  9: 'Security Not Initialized Error',
  14: 'Protocol Version Not Supported Warning',
  15: 'All Available Sessions in Use Error',
  16: 'Access Restricted Error',
  30: 'Insecure Session Already Exists Warning',
};

/** Token-passing PDU delimiter: bit 7 address type, bits 6-5 expansion bytes, bits 4-3 physical layer, bits 2-0 frame type. */
export const ADDRESS_TYPES: readonly string[] = ['Polling Address', 'Unique Address'];
export const PHYSICAL_LAYER_TYPES: Readonly<Record<number, string>> = { 0: 'Asynchronous', 1: 'Synchronous' };
export const FRAME_TYPES: Readonly<Record<number, string>> = { 1: 'Back Burst Frame', 2: 'STX Master to Field', 6: 'Acknowledgement Field to Master' };

/** HART universal and common-practice command names (ICSNPP's COMMAND_NUMBER8_BIT). */
export const COMMAND_NAMES: Readonly<Record<number, string>> = {
  0: 'Read Unique Identifier',
  1: 'Read Primary Variable',
  2: 'Read Loop Current',
  3: 'Read Dynamic Variable',
  6: 'Write Polling Address',
  7: 'Read Loop Configuration',
  8: 'Read Dynamic Variable Classifications',
  9: 'Read Device Variable',
  11: 'Read Unique Identifier Tag',
  12: 'Read Message',
  13: 'Read Tag',
  14: 'Read Primary Variable Transducer Information',
  15: 'Read Device Information',
  16: 'Read Final Assembly Number',
  17: 'Write Message',
  18: 'Write Tag Descriptor Date',
  19: 'Write Final Assembly Number',
  20: 'Read Long Tag',
  21: 'Read Unique Identifier Long Tag',
  22: 'Write Long Tag',
  33: 'Read Device Variables',
  34: 'Write Primary Variable Damping Value',
  35: 'Write Primary Variable Range Values',
  36: 'Set Primary Variable Upper Range Value',
  37: 'Set Primary Variable Lower Range Value',
  38: 'Reset Configuration Changed Flag',
  39: 'EEPROM Control',
  40: 'Enter/Exit Fixed Current Mode',
  41: 'Perform Self-Test',
  42: 'Perform Device Reset',
  43: 'Set Primary Variable Zero',
  44: 'Write Primary Variable Units',
  45: 'Trim Loop Current Zero',
  46: 'Trim Loop Current Gain',
  47: 'Write Primary Variable Transfer Function',
  48: 'Read Additional Device Status',
  49: 'Write Primary Variable Transducer Serial Number',
  50: 'Read Dynamic Variable Assignments',
  51: 'Write Dynamic Variable Assignments',
  52: 'Set Device Variable Zero',
  53: 'Write Device Variable Units',
  54: 'Read Device Variable Information',
  55: 'Write Device Variable Damping Value',
  56: 'Write Device Variable Transducer Serial No.',
  57: 'Read Unit Tag, Descriptor, Date',
  58: 'Write Unit Tag, Descriptor, Date',
  59: 'Write Number of Response Preambles',
  60: 'Read Analog Channel and Percent of Range',
  61: 'Read Dynamic Variables and Primary Variable Analog Channel',
  62: 'Read Analog Channels',
  63: 'Read Analog Channel Information',
  64: 'Write Analog Channel Additional Damping Value',
  65: 'Write Analog Channel Range Values',
  66: 'Enter/Exit Fixed Analog Channel Mode',
  67: 'Trim Analog Channel Zero',
  68: 'Trim Analog Channel Gain',
  69: 'Write Analog Channel Transfer Function',
  70: 'Read Analog Channel Endpoint Values',
  71: 'Lock Device',
  72: 'Squawk',
  73: 'Find Device',
  74: 'Read I/O System Capabilities',
  75: 'Poll Sub-Device',
  76: 'Read Lock Device State',
  77: 'Send Command to Sub-Device',
  78: 'Read Aggregated Commands',
  79: 'Write Device Variable',
  80: 'Read Device Variable Trim Points',
  81: 'Read Device Variable Trim Guidelines',
  82: 'Write Device Variable Trim Point',
  83: 'Reset Device Variable Trim',
  84: 'Read Sub-Device Identity Summary',
  85: 'Read I/O Channel Statistics',
  86: 'Read Sub-Device Statistics',
  87: 'Write I/O System Master Mode',
  88: 'Write I/O System Retry Count',
  89: 'Set Real-Time Clock',
};

export const CMD_READ_UNIQUE_IDENTIFIER = 0;
export const CMD_READ_TAG = 13;
export const CMD_READ_LONG_TAG = 20;

export function nameOf(table: Readonly<Record<number, string>> | readonly string[], n: number): string {
  return (table as Record<number, string>)[n] ?? `unknown-${n}`;
}

/** HART packed ASCII (6-bit characters, 4 per 3 bytes): the encoding of Tag and Descriptor. */
export function packedAscii(d: Uint8Array, off: number, len: number): string {
  let s = '';
  for (let i = 0; i + 2 < len; i += 3) {
    const v = (d[off + i] << 16) | (d[off + i + 1] << 8) | d[off + i + 2];
    for (let k = 3; k >= 0; k--) {
      const c = (v >> (6 * k)) & 0x3f;
      s += String.fromCharCode(c < 0x20 ? c + 0x40 : c);
    }
  }
  return s.replace(/ +$/, '');
}
