// Modbus wire constants and their names.
//
// Function and exception names are the ones Zeek's base/protocols/modbus/consts.zeek logs
// (and so ICSNPP's modbus_detailed.log); diagnostic sub-function names are ICSNPP's
// (consts.zeek); device identification names follow ICSNPP's main.zeek where it has them,
// with the codes of the Modbus Application Protocol Specification V1.1b3 §6.21; UMAS
// (Schneider Electric, function 90) names are the constant names of Wireshark's UMAS
// dissector (there is no public specification). Unknown codes are data: `unknown-<n>`.

/** MBAP header: transaction id (2), protocol id (2), length (2), unit id (1). */
export const MBAP_HEADER_LEN = 7;
/** The protocol id of Modbus in the MBAP header. */
export const MODBUS_PROTOCOL_ID = 0;
/** Largest MBAP length the specification allows: unit id + a 253-byte PDU. */
export const MBAP_MAX_STANDARD_LENGTH = 254;
/**
 * Largest MBAP length framed at all. Schneider's UMAS (function 90) sends frames beyond
 * the standard 254 (up to the frame size negotiated by INIT_COMM); anything longer is
 * taken as not a header.
 */
export const MBAP_MAX_LENGTH = 2048;

// Function codes (as the specification names them, §5.1 and §6).
export const READ_COILS = 0x01;
export const READ_DISCRETE_INPUTS = 0x02;
export const READ_HOLDING_REGISTERS = 0x03;
export const READ_INPUT_REGISTERS = 0x04;
export const WRITE_SINGLE_COIL = 0x05;
export const WRITE_SINGLE_REGISTER = 0x06;
export const READ_EXCEPTION_STATUS = 0x07;
export const DIAGNOSTICS = 0x08;
export const GET_COMM_EVENT_COUNTER = 0x0b;
export const GET_COMM_EVENT_LOG = 0x0c;
export const WRITE_MULTIPLE_COILS = 0x0f;
export const WRITE_MULTIPLE_REGISTERS = 0x10;
export const REPORT_SERVER_ID = 0x11;
export const READ_FILE_RECORD = 0x14;
export const WRITE_FILE_RECORD = 0x15;
export const MASK_WRITE_REGISTER = 0x16;
export const READ_WRITE_MULTIPLE_REGISTERS = 0x17;
export const READ_FIFO_QUEUE = 0x18;
export const ENCAPSULATED_INTERFACE_TRANSPORT = 0x2b;
export const UMAS = 0x5a;
export const EXCEPTION_BIT = 0x80;

/** MEI types of function 43 (§6.19–6.21). */
export const MEI_CANOPEN = 0x0d;
export const MEI_READ_DEVICE_ID = 0x0e;

/** Function names, as Zeek writes them (`func`). */
const FUNCTION_NAMES: Readonly<Record<number, string>> = {
  0x01: 'READ_COILS',
  0x02: 'READ_DISCRETE_INPUTS',
  0x03: 'READ_HOLDING_REGISTERS',
  0x04: 'READ_INPUT_REGISTERS',
  0x05: 'WRITE_SINGLE_COIL',
  0x06: 'WRITE_SINGLE_REGISTER',
  0x07: 'READ_EXCEPTION_STATUS',
  0x08: 'DIAGNOSTICS',
  0x0b: 'GET_COMM_EVENT_COUNTER',
  0x0c: 'GET_COMM_EVENT_LOG',
  0x0f: 'WRITE_MULTIPLE_COILS',
  0x10: 'WRITE_MULTIPLE_REGISTERS',
  0x11: 'REPORT_SLAVE_ID',
  0x14: 'READ_FILE_RECORD',
  0x15: 'WRITE_FILE_RECORD',
  0x16: 'MASK_WRITE_REGISTER',
  0x17: 'READ_WRITE_MULTIPLE_REGISTERS',
  0x18: 'READ_FIFO_QUEUE',
  0x2b: 'ENCAP_INTERFACE_TRANSPORT',
  0x5b: 'OBJECT_MESSAGING',
  // Machine, vendor and network specific functions (Zeek's list).
  0x09: 'PROGRAM_484',
  0x0a: 'POLL_484',
  0x0d: 'PROGRAM_584_984',
  0x0e: 'POLL_584_984',
  0x12: 'PROGRAM_884_U84',
  0x13: 'RESET_COMM_LINK_884_U84',
  0x28: 'PROGRAM_CONCEPT',
  0x29: 'MULTIPLE_FUNCTION_CODES',
  0x5a: 'PROGRAM_UNITY',
  0x7d: 'FIRMWARE_REPLACEMENT',
  0x7e: 'PROGRAM_584_984_2',
  0x7f: 'REPORT_LOCAL_ADDRESS',
};

/** Function codes of the public specification (a non-502 port's probe accepts only these). */
export const PUBLIC_FUNCTIONS: ReadonlySet<number> = new Set([
  0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x0b, 0x0c, 0x0f, 0x10, 0x11, 0x14, 0x15, 0x16, 0x17, 0x18, 0x2b,
]);

// Names are built once: the packet path looks them up in arrays.
const FUNC_NAME_TABLE: string[] = [];
for (let fc = 0; fc < 256; fc++) {
  const masked = fc & ~EXCEPTION_BIT;
  // Zeek's build_func(): a code in the table, or whose masked value is not, is named as
  // itself (with the unknown-<n> default); an exception of a known function is
  // <NAME>_EXCEPTION.
  if (FUNCTION_NAMES[fc] !== undefined) FUNC_NAME_TABLE.push(FUNCTION_NAMES[fc]);
  else if (FUNCTION_NAMES[masked] === undefined) FUNC_NAME_TABLE.push(`unknown-${fc}`);
  else FUNC_NAME_TABLE.push(`${FUNCTION_NAMES[masked]}_EXCEPTION`);
}

/** The name Zeek gives function code `fc` (0..255): `READ_COILS`, `READ_COILS_EXCEPTION`, `unknown-66`. */
export function functionName(fc: number): string {
  return FUNC_NAME_TABLE[fc & 0xff];
}

/** Whether `fc` (0..127) is a function code with a name (public or vendor-specific). */
export function isKnownFunction(fc: number): boolean {
  return FUNCTION_NAMES[fc] !== undefined;
}

/** Exception codes (§7), as Zeek names them. */
const EXCEPTION_NAMES: Readonly<Record<number, string>> = {
  0x01: 'ILLEGAL_FUNCTION',
  0x02: 'ILLEGAL_DATA_ADDRESS',
  0x03: 'ILLEGAL_DATA_VALUE',
  0x04: 'SLAVE_DEVICE_FAILURE',
  0x05: 'ACKNOWLEDGE',
  0x06: 'SLAVE_DEVICE_BUSY',
  0x08: 'MEMORY_PARITY_ERROR',
  0x0a: 'GATEWAY_PATH_UNAVAILABLE',
  0x0b: 'GATEWAY_TARGET_DEVICE_FAILED_TO_RESPOND',
};

export function exceptionName(code: number): string {
  return EXCEPTION_NAMES[code] ?? `unknown-${code}`;
}

export function isKnownException(code: number): boolean {
  return EXCEPTION_NAMES[code] !== undefined;
}

/** Diagnostics (function 8) sub-functions (§6.8.1), as ICSNPP names them. */
const DIAGNOSTIC_NAMES: Readonly<Record<number, string>> = {
  0x00: 'Return Query Data',
  0x01: 'Restart Communications Option',
  0x02: 'Return Diagnostic Register',
  0x03: 'Change ASCII Input Delimiter',
  0x04: 'Force Listen Only Mode',
  0x0a: 'Clear Counters and Diagnostic Register',
  0x0b: 'Return Bus Message Count',
  0x0c: 'Return Bus Communication Error Count',
  0x0d: 'Return Bus Exception Error Count',
  0x0e: 'Return Server Message Count',
  0x0f: 'Return Server No Response Count',
  0x10: 'Return Server NAK Count',
  0x11: 'Return Server Busy Count',
  0x12: 'Return Bus Character Overrun Count',
  0x14: 'Clear Overrun Counter and Flag',
};

export function diagnosticName(sub: number): string {
  return DIAGNOSTIC_NAMES[sub] ?? `unknown-${sub}`;
}

/** MEI types of function 43, as ICSNPP names them. */
export function meiTypeName(mei: number): string {
  if (mei === MEI_CANOPEN) return 'CANopen';
  if (mei === MEI_READ_DEVICE_ID) return 'Read Device Identification';
  return `unknown-${mei}`;
}

/** Read Device ID codes of a Read Device Identification request (§6.21), ICSNPP's names. */
const READ_DEVICE_ID_NAMES: Readonly<Record<number, string>> = {
  0x01: 'Basic Device Identification',
  0x02: 'Regular Device Identification',
  0x03: 'Extended Device Identification',
  0x04: 'Specific Device Identification',
};

export function readDeviceIdName(code: number): string {
  return READ_DEVICE_ID_NAMES[code] ?? `unknown-${code}`;
}

/** Conformity levels of a Read Device Identification response (§6.21), in ICSNPP's words. */
const CONFORMITY_NAMES: Readonly<Record<number, string>> = {
  0x01: 'Basic Identification (Stream)',
  0x02: 'Regular Identification (Stream)',
  0x03: 'Extended Identification (Stream)',
  0x81: 'Basic Identification (Stream, Individual)',
  0x82: 'Regular Identification (Stream, Individual)',
  0x83: 'Extended Identification (Stream, Individual)',
};

export function conformityName(code: number): string {
  return CONFORMITY_NAMES[code] ?? `unknown-${code}`;
}

/**
 * Device identification objects (§6.21, table of object ids). Names of 0x00–0x06 as ICSNPP
 * writes them (the specification spells 0x02 `MajorMinorRevision` and 0x03 `VendorUrl`);
 * 0x07–0x7F are reserved (`unknown-<n>`), 0x80–0xFF are the device's private objects
 * (`private-<n>`).
 */
const OBJECT_NAMES: Readonly<Record<number, string>> = {
  0x00: 'VendorName',
  0x01: 'ProductCode',
  0x02: 'MajorMinorVersion',
  0x03: 'VendorURL',
  0x04: 'ProductName',
  0x05: 'ModelName',
  0x06: 'UserApplicationName',
};

export function objectIdName(id: number): string {
  const n = OBJECT_NAMES[id];
  if (n !== undefined) return n;
  return id >= 0x80 ? `private-${id}` : `unknown-${id}`;
}

/** UMAS (function 90) function codes, Wireshark's UMAS dissector's names. */
const UMAS_NAMES: Readonly<Record<number, string>> = {
  0x01: 'INIT_COMM',
  0x02: 'READ_ID',
  0x03: 'READ_PROJECT_INFO',
  0x04: 'READ_PLC_INFO',
  0x06: 'READ_CARD_INFO',
  0x0a: 'REPEAT',
  0x10: 'TAKE_PLC_RESERVATION',
  0x11: 'RELEASE_PLC_RESERVATION',
  0x12: 'KEEP_ALIVE',
  0x20: 'READ_MEMORY_BLOCK',
  0x22: 'READ_VARIABLES',
  0x23: 'WRITE_VARIABLES',
  0x24: 'READ_COILS_REGISTERS',
  0x25: 'WRITE_COILS_REGISTERS',
  0x26: 'DATA_DICTIONARY',
  0x30: 'INITIALIZE_UPLOAD',
  0x31: 'UPLOAD_BLOCK',
  0x32: 'END_STRATEGY_UPLOAD',
  0x33: 'INITIALIZE_DOWNLOAD',
  0x34: 'DOWNLOAD_BLOCK',
  0x35: 'END_STRATEGY_DOWNLOAD',
  0x39: 'READ_ETH_MASTER_DATA',
  0x40: 'START_PLC',
  0x41: 'STOP_PLC',
  0x50: 'MONITOR_PLC',
  0x58: 'CHECK_PLC',
  0x70: 'READ_IO_OBJECT',
  0x71: 'WRITE_IO_OBJECT',
  0x73: 'GET_STATUS_MODULE',
};

export function umasFunctionName(code: number): string {
  return UMAS_NAMES[code] ?? `unknown-${code}`;
}

/** Status byte of a UMAS response. */
export const UMAS_OK = 0xfe;
export const UMAS_ERROR = 0xfd;

export function umasStatusName(code: number): string {
  if (code === UMAS_OK) return 'OK';
  if (code === UMAS_ERROR) return 'ERROR';
  return `unknown-${code}`;
}

// Limits from the specification (§6.1–6.17): quantities a request may ask for.
export const MAX_READ_BITS = 2000;
export const MAX_READ_REGISTERS = 125;
export const MAX_WRITE_BITS = 1968;
export const MAX_WRITE_REGISTERS = 123;
export const MAX_RW_WRITE_REGISTERS = 121;
export const MAX_FIFO_COUNT = 31;
