// Wire constants of S7 Communication (S7comm, protocol id 0x32) with the names the records
// carry. Names are the ones ICSNPP's icsnpp-s7comm writes where it writes one (so records
// drop into tools built on its logs); codes ICSNPP does not name are named after the S7
// documentation as the Wireshark S7comm dissector reads it, in ICSNPP's capitalisation.
// Unknown codes are data: `unknown-<n>` (decimal).

export const S7COMM_PROTOCOL_ID = 0x32;
/** Header length for Job and Userdata; Ack and Ack-Data add error class and code. */
export const S7_HEADER_LEN = 10;
export const S7_HEADER_LEN_ACK = 12;

// ROSCTR (remote operating service control).
export const ROSCTR_JOB = 0x01;
export const ROSCTR_ACK = 0x02;
export const ROSCTR_ACK_DATA = 0x03;
export const ROSCTR_USERDATA = 0x07;

const ROSCTR_NAMES = new Map<number, string>([
  [ROSCTR_JOB, 'Job-Request'],
  [ROSCTR_ACK, 'ACK'],
  [ROSCTR_ACK_DATA, 'ACK-Data'],
  [ROSCTR_USERDATA, 'User-Data'],
]);

// Parameter function codes (Job / Ack-Data).
export const FUNC_CPU_SERVICES = 0x00;
export const FUNC_READ_VAR = 0x04;
export const FUNC_WRITE_VAR = 0x05;
export const FUNC_REQUEST_DOWNLOAD = 0x1a;
export const FUNC_DOWNLOAD_BLOCK = 0x1b;
export const FUNC_DOWNLOAD_ENDED = 0x1c;
export const FUNC_START_UPLOAD = 0x1d;
export const FUNC_UPLOAD = 0x1e;
export const FUNC_END_UPLOAD = 0x1f;
export const FUNC_PLC_CONTROL = 0x28;
export const FUNC_PLC_STOP = 0x29;
export const FUNC_SETUP_COMMUNICATION = 0xf0;

const FUNCTION_NAMES = new Map<number, string>([
  [FUNC_CPU_SERVICES, 'CPU Services'],
  [0x01, 'Mode Transition'],
  [FUNC_READ_VAR, 'Read Variable'],
  [FUNC_WRITE_VAR, 'Write Variable'],
  [FUNC_REQUEST_DOWNLOAD, 'Request Download'],
  [FUNC_DOWNLOAD_BLOCK, 'Download Block'],
  [FUNC_DOWNLOAD_ENDED, 'Download Ended'],
  [FUNC_START_UPLOAD, 'Start Upload'],
  [FUNC_UPLOAD, 'Upload'],
  [FUNC_END_UPLOAD, 'End Upload'],
  [FUNC_PLC_CONTROL, 'PLC Control'],
  [FUNC_PLC_STOP, 'PLC Stop'],
  [FUNC_SETUP_COMMUNICATION, 'Setup Communication'],
]);

/** Functions logged in s7comm_upload_download (block transfers). */
export function isBlockTransfer(func: number): boolean {
  return func >= FUNC_REQUEST_DOWNLOAD && func <= FUNC_END_UPLOAD;
}

// Userdata: the type nibble of the type/function-group byte.
export const UD_TYPE_PUSH = 0x0;
export const UD_TYPE_REQUEST = 0x4;
export const UD_TYPE_RESPONSE = 0x8;
/** Userdata method byte: request / response. */
export const UD_METHOD_REQUEST = 0x11;
export const UD_METHOD_RESPONSE = 0x12;

export const UD_GROUP_MODE_TRANSITION = 0x0;
export const UD_GROUP_PROGRAMMER = 0x1;
export const UD_GROUP_CYCLIC = 0x2;
export const UD_GROUP_BLOCK = 0x3;
export const UD_GROUP_CPU = 0x4;
export const UD_GROUP_SECURITY = 0x5;
export const UD_GROUP_TIME = 0x7;
export const UD_SUBF_READ_SZL = 0x01;

const UD_GROUP_NAMES = new Map<number, string>([
  [UD_GROUP_MODE_TRANSITION, 'Mode-Transition'],
  [UD_GROUP_PROGRAMMER, 'Programmer Controls'],
  [UD_GROUP_CYCLIC, 'Cyclic Services'],
  [UD_GROUP_BLOCK, 'Block Functions'],
  [UD_GROUP_CPU, 'CPU Functions'],
  [UD_GROUP_SECURITY, 'Security'],
  [0x6, 'PBC BSEND-BRECV'],
  [UD_GROUP_TIME, 'Time Functions'],
  [0xf, 'NC Programming'],
]);

const UD_SUBFUNCTIONS: ReadonlyMap<number, ReadonlyMap<number, string>> = new Map([
  [UD_GROUP_MODE_TRANSITION, new Map([
    [0x00, 'Stop'], [0x01, 'Warm Restart'], [0x02, 'Run'], [0x03, 'Hot Restart'], [0x04, 'Hold'],
    [0x06, 'Cold Restart'], [0x09, 'Run_R'], [0x0b, 'Link-Up'], [0x0c, 'Update'],
  ])],
  [UD_GROUP_PROGRAMMER, new Map([
    [0x01, 'Block Status'], [0x02, 'Variable Status'], [0x03, 'Output ISTACK'], [0x04, 'Output BSTACK'],
    [0x05, 'Output LSTACK'], [0x06, 'Time Measurement'], [0x07, 'Force Selection'], [0x08, 'Modify Variable'],
    [0x09, 'Force'], [0x0a, 'Breakpoint'], [0x0b, 'Exit HOLD'], [0x0c, 'Memory Reset'], [0x0d, 'Disable Job'],
    [0x0e, 'Enable Job'], [0x0f, 'Delete Job'], [0x10, 'Read Job List'], [0x11, 'Read Job'], [0x12, 'Replace Job'],
    [0x13, 'Block Status v2'], [0x16, 'Flash LED'],
  ])],
  [UD_GROUP_CYCLIC, new Map([
    [0x01, 'Cyclic Transfer'], [0x04, 'Unsubscribe'], [0x05, 'Change Driven Transfer'],
    [0x07, 'Change Driven Transfer Modify'], [0x08, 'RDREC'],
  ])],
  [UD_GROUP_BLOCK, new Map([[0x01, 'List Blocks'], [0x02, 'List Blocks of Type'], [0x03, 'Get Block Info']])],
  // CPU functions: the codes as the S7 documentation (and Wireshark) assigns them; ICSNPP's
  // table shifts the alarm subfunctions from 0x04 on (docs/protocols/s7comm.md).
  [UD_GROUP_CPU, new Map([
    [0x01, 'Read SZL'], [0x02, 'Message Service'], [0x03, 'Diagnostic Message'], [0x05, 'ALARM_8 Indication'],
    [0x06, 'NOTIFY Indication'], [0x07, 'ALARM_8 Lock'], [0x08, 'ALARM_8 Unlock'], [0x09, 'SCAN Indication'],
    [0x0b, 'ALARM ACK'], [0x0c, 'ALARM ACK Indication'], [0x0d, 'ALARM Lock Indication'],
    [0x0e, 'ALARM Unlock Indication'], [0x10, 'AR_SEND Indication'], [0x11, 'ALARM_SQ Indication'],
    [0x12, 'ALARM_S Indication'], [0x13, 'ALARM Query'], [0x16, 'NOTIFY_8 Indication'],
  ])],
  [UD_GROUP_SECURITY, new Map([[0x01, 'PLC Password']])],
  [UD_GROUP_TIME, new Map([[0x01, 'Read Clock'], [0x02, 'Set Clock'], [0x03, 'Read Clock (Following)'], [0x04, 'Set Clock (2)']])],
]);

// Error classes of the Ack / Ack-Data header (names as ICSNPP writes them).
const ERROR_CLASS_NAMES = new Map<number, string>([
  [0x00, 'No error'],
  [0x81, 'Application relationship error'],
  [0x82, 'Object definition error'],
  [0x83, 'No ressources available error'],
  [0x84, 'Error on service processing'],
  [0x85, 'Error on supplies'],
  [0x87, 'Access error'],
]);
/** ICSNPP's error_class for a non-zero error code in a userdata parameter. */
export const PARAMETER_ERROR = 'Parameter Error';

/**
 * Return codes of data items and userdata data (s7comm_read_szl, s7comm_read_write). The
 * spelling of 0x03 (and of error class 0x83 above) is ICSNPP's, kept so that the values equal
 * those of ICSNPP's logs.
 */
const RETURN_CODE_NAMES = new Map<number, string>([
  [0x00, 'Reserved'],
  [0x01, 'Hardware error'],
  [0x03, 'Accessing the bbject not allowed'],
  [0x05, 'Invalid address'],
  [0x06, 'Data type not supported'],
  [0x07, 'Data type inconsistent'],
  [0x0a, 'Object does not exist'],
  [0xff, 'Success'],
]);
export const RETURN_SUCCESS = 0xff;

/** Names of SZL lists by the partial list number (low byte of the SZL id), as ICSNPP names them. */
const SZL_LIST_NAMES = new Map<number, string>([
  [0x00, 'List of all the SZL-IDs of a module'],
  [0x11, 'Module identification'],
  [0x12, 'CPU characteristics'],
  [0x13, 'User memory areas'],
  [0x14, 'System areas'],
  [0x15, 'Block types'],
  [0x16, 'Priority classes'],
  [0x17, 'List of the permitted SDBs with a number < 1000'],
  [0x18, 'Maximum S7-300 I/O configuration'],
  [0x19, 'Status of the module LEDs'],
  [0x1c, 'Component Identification'],
  [0x21, 'Interrupt / error assignment'],
  [0x22, 'Interrupt status'],
  [0x23, 'Priority classes'],
  [0x24, 'Modes'],
  [0x25, 'Assignment between process image partitions and OBs'],
  [0x31, 'Communication capability parameters'],
  [0x32, 'Communication status data'],
  [0x33, 'Diagnostics: device logon list'],
  [0x37, 'Ethernet - Details of a Module'],
  [0x71, 'H CPU group information'],
  [0x74, 'Status of the module LEDs'],
  [0x75, 'Switched DP slaves in the H-system'],
  [0x81, 'Start information list'],
  [0x82, 'Start event list'],
  [0x91, 'Module status information'],
  [0x92, 'Rack / station status information'],
  [0x94, 'Rack / station status information'],
  [0x95, 'Extended DP master system information'],
  [0x96, 'Module status information, PROFINET IO and PROFIBUS DP'],
  [0xa0, 'Diagnostic buffer of the CPU'],
  [0xb1, 'Module diagnostic information (data record 0)'],
  [0xb2, 'Module diagnostic information (data record 1), geographical address'],
  [0xb3, 'Module diagnostic information (data record 1), logical address'],
  [0xb4, 'Diagnostic data of a DP slave'],
]);
export const SZL_MODULE_IDENTIFICATION = 0x11;
export const SZL_COMPONENT_IDENTIFICATION = 0x1c;

// Variable addressing (read/write var items).
export const VARSPEC_TYPE = 0x12;
export const SYNTAX_S7ANY = 0x10;
const SYNTAX_NAMES = new Map<number, string>([
  [0x10, 'S7ANY'], [0x11, 'ParameterShort'], [0x12, 'ParameterExtended'], [0x13, 'PBC-R_ID'],
  [0x15, 'ALARM_LOCKFREE'], [0x16, 'ALARM_IND'], [0x19, 'ALARM_ACK'], [0x1a, 'ALARM_QUERYREQ'],
  [0x1c, 'NOTIFY_IND'], [0x82, 'NCK'], [0x83, 'NCK_M'], [0x84, 'NCK_I'], [0xa2, 'DRIVEESANY'],
  [0xb0, 'DBREAD'], [0xb2, '1200SYM'],
]);

/** Memory areas, by the short names S7 programmers write (DB1.DBW4, M10.0, T5). */
const AREA_NAMES = new Map<number, string>([
  [0x01, 'RECORD'], [0x03, 'SI200'], [0x05, 'SF200'], [0x06, 'AI200'], [0x07, 'AO200'],
  [0x1c, 'C'], [0x1d, 'T'], [0x1e, 'C200'], [0x1f, 'T200'],
  [0x80, 'P'], [0x81, 'I'], [0x82, 'Q'], [0x83, 'M'], [0x84, 'DB'], [0x85, 'DI'], [0x86, 'L'], [0x87, 'V'],
]);
export const AREA_DB = 0x84;
export const AREA_DI = 0x85;
/** Counter and timer areas address elements by number, not by bit offset. */
export function isElementArea(area: number): boolean {
  return area >= 0x1c && area <= 0x1f;
}

/** Transport sizes of an S7ANY address (the element type). */
const TRANSPORT_SIZE_NAMES = new Map<number, string>([
  [1, 'BIT'], [2, 'BYTE'], [3, 'CHAR'], [4, 'WORD'], [5, 'INT'], [6, 'DWORD'], [7, 'DINT'], [8, 'REAL'],
  [9, 'DATE'], [10, 'TOD'], [11, 'TIME'], [12, 'S5TIME'], [15, 'DATE_AND_TIME'],
  [28, 'COUNTER'], [29, 'TIMER'], [30, 'IEC COUNTER'], [31, 'IEC TIMER'], [32, 'HS COUNTER'],
]);

/** Transport sizes of a data item: 3, 4 and 5 give the length in bits, the others in bytes. */
export function dataLengthInBits(tsize: number): boolean {
  return tsize === 3 || tsize === 4 || tsize === 5;
}

/** Block types of a block file name ("_0A00001P": type "0A"), as ICSNPP names them. */
const BLOCK_TYPE_NAMES = new Map<string, string>([
  ['08', 'Organization Block'],
  ['09', 'CMod'],
  ['0A', 'Data Block'],
  ['0B', 'System Data Block'],
  ['0C', 'Function'],
  ['0D', 'System Function'],
  ['0E', 'Function Block'],
  ['0F', 'System Function Block'],
]);

const FILESYSTEM_NAMES = new Map<string, string>([
  ['P', 'Passive'],
  ['A', 'Active'],
  ['B', 'Active and Passive'],
]);

/** PI (program invocation) services of PLC Control, as ICSNPP names them. */
const PI_SERVICE_NAMES = new Map<string, string>([
  ['_INSE', 'Activates a PLC module'],
  ['_INS2', 'Activates a PLC module'],
  ['_DELE', "Removes module from the PLC's passive file system"],
  ['P_PROGRAM', 'PLC Start / Stop'],
  ['_MODU', 'PLC Copy Ram to Rom'],
  ['_GARB', 'Compress PLC memory'],
  ['_N_LOGIN_', 'Login'],
  ['_N_LOGOUT', 'Logout'],
  ['_N_CANCEL', 'Cancels NC alarm'],
  ['_N_DASAVE', 'PI-Service for copying data from SRAM to FLASH'],
  ['_N_F_DELE', 'Deletes file'],
  ['_N_F_OPEN', 'Opens file'],
  ['_N_F_CLOS', 'Closes file'],
  ['_N_SELECT', 'Selects program for execution'],
  ['_N_NEWPWD', 'New password'],
]);

// ---- names ----

const unknown = (n: number) => `unknown-${n}`;

export const rosctrName = (n: number): string => ROSCTR_NAMES.get(n) ?? unknown(n);
export const functionName = (n: number): string => FUNCTION_NAMES.get(n) ?? unknown(n);
export const errorClassName = (n: number): string => ERROR_CLASS_NAMES.get(n) ?? unknown(n);
export const returnCodeName = (n: number): string => RETURN_CODE_NAMES.get(n) ?? unknown(n);
export const szlListName = (id: number): string => SZL_LIST_NAMES.get(id & 0xff) ?? unknown(id & 0xff);
export const syntaxName = (n: number): string => SYNTAX_NAMES.get(n) ?? unknown(n);
export const areaName = (n: number): string => AREA_NAMES.get(n) ?? unknown(n);
export const transportSizeName = (n: number): string => TRANSPORT_SIZE_NAMES.get(n) ?? unknown(n);
export const blockTypeName = (s: string): string => BLOCK_TYPE_NAMES.get(s.toUpperCase()) ?? `unknown-${s}`;
export const filesystemName = (s: string): string => FILESYSTEM_NAMES.get(s) ?? `unknown-${s}`;
export const piServiceName = (s: string): string => PI_SERVICE_NAMES.get(s) ?? `unknown-${s}`;

/** ICSNPP's userdata function name: "Request: CPU Functions", "Push: Cyclic Services", … */
export function userdataFunctionName(typeGroup: number): string {
  const type = typeGroup >> 4;
  const group = UD_GROUP_NAMES.get(typeGroup & 0x0f) ?? unknown(typeGroup & 0x0f);
  const prefix = type === UD_TYPE_REQUEST ? 'Request: ' : type === UD_TYPE_RESPONSE ? 'Response: ' : type === UD_TYPE_PUSH ? 'Push: ' : 'Unknown: ';
  return prefix + group;
}

export function userdataSubfunctionName(group: number, subfunction: number): string {
  return UD_SUBFUNCTIONS.get(group)?.get(subfunction) ?? unknown(subfunction);
}

/** "0x%02x" as ICSNPP formats codes (wider values keep all their digits). */
export function hex2(n: number): string {
  const s = n.toString(16);
  return s.length < 2 ? '0x0' + s : '0x' + s;
}

/** "0x%04x". */
export function hex4(n: number): string {
  return '0x' + n.toString(16).padStart(4, '0');
}
