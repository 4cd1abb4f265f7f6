// OMRON FINS constants (FINS Commands Reference Manual, W227/W342): the FINS/TCP header
// commands and errors, the ICF bits, command codes (MRC/SRC), memory area codes and end codes,
// named as the manual names them.

export const FINS_PORT = 9600;
/** "FINS" in ASCII: the FINS/TCP header magic. */
export const FINS_TCP_MAGIC = 0x46494e53;
export const FINS_TCP_HEADER_LEN = 16;
/** ICF, RSV, GCT, DNA, DA1, DA2, SNA, SA1, SA2, SID. */
export const FINS_HEADER_LEN = 10;

export const TCP_COMMANDS: Readonly<Record<number, string>> = {
  0: 'Node Address Data Send (client to server)',
  1: 'Node Address Data Send (server to client)',
  2: 'FINS Frame Send',
  3: 'FINS Frame Send Error Notification',
  6: 'Connection Confirmation',
};
export const TCP_FRAME_SEND = 2;

export const TCP_ERRORS: Readonly<Record<number, string>> = {
  0: 'Normal',
  1: 'The header is not FINS',
  2: 'The data length is too long',
  3: 'The command is not supported',
  0x20: 'All connections are in use',
  0x21: 'The specified node is already connected',
  0x22: 'Attempt to access a protected node from an unspecified IP address',
  0x23: 'The client FINS node address is out of range',
  0x24: 'The same FINS node address is being used by the client and server',
  0x25: 'All the node addresses available for allocation have been used',
};

/** ICF bits: 7 gateway use, 6 data type (response), 0 response setting (not required); 5-1 reserved. */
export const ICF_GATEWAY = 0x80;
export const ICF_RESPONSE = 0x40;
export const ICF_NO_RESPONSE = 0x01;
export const ICF_RESERVED = 0x3e;

/** Command codes, MRC * 256 + SRC. */
export const COMMANDS: Readonly<Record<number, string>> = {
  0x0101: 'Memory Area Read',
  0x0102: 'Memory Area Write',
  0x0103: 'Memory Area Fill',
  0x0104: 'Multiple Memory Area Read',
  0x0105: 'Memory Area Transfer',
  0x0201: 'Parameter Area Read',
  0x0202: 'Parameter Area Write',
  0x0203: 'Parameter Area Clear',
  0x0220: 'Data Link Table Read',
  0x0221: 'Data Link Table Write',
  0x0304: 'Program Area Protect',
  0x0305: 'Program Area Protect Clear',
  0x0306: 'Program Area Read',
  0x0307: 'Program Area Write',
  0x0308: 'Program Area Clear',
  0x0401: 'Run',
  0x0402: 'Stop',
  0x0403: 'Reset',
  0x0501: 'Controller Data Read',
  0x0502: 'Connection Data Read',
  0x0601: 'Controller Status Read',
  0x0602: 'Network Status Read',
  0x0603: 'Data Link Status Read',
  0x0620: 'Cycle Time Read',
  0x0701: 'Clock Read',
  0x0702: 'Clock Write',
  0x0801: 'Loop-Back Test',
  0x0802: 'Broadcast Test Results Read',
  0x0803: 'Broadcast Test Data Send',
  0x0920: 'Message Read / Message Clear / FAL/FALS Read',
  0x0c01: 'Access Right Acquire',
  0x0c02: 'Access Right Forced Acquire',
  0x0c03: 'Access Right Release',
  0x2101: 'Error Clear',
  0x2102: 'Error Log Read',
  0x2103: 'Error Log Clear',
  0x2201: 'File Name Read',
  0x2202: 'Single File Read',
  0x2203: 'Single File Write',
  0x2204: 'Memory Card Format',
  0x2205: 'File Delete',
  0x2206: 'Volume Label Create/Delete',
  0x2207: 'File Copy',
  0x2208: 'File Name Change',
  0x2209: 'File Data Check',
  0x220a: 'Memory Area File Transfer',
  0x220b: 'Parameter Area File Transfer',
  0x220c: 'Program Area File Transfer',
  0x220f: 'File Memory Index Read',
  0x2210: 'File Memory Read',
  0x2211: 'File Memory Write',
  0x2301: 'Forced Set/Reset',
  0x2302: 'Forced Set/Reset Cancel',
  0x230a: 'Multiple Forced Status Read',
  0x2601: 'Name Set',
  0x2602: 'Name Delete',
  0x2603: 'Name Read',
};

export const CMD_MEMORY_AREA_READ = 0x0101;
export const CMD_MEMORY_AREA_WRITE = 0x0102;
export const CMD_MEMORY_AREA_FILL = 0x0103;
export const CMD_MULTIPLE_MEMORY_AREA_READ = 0x0104;
export const CMD_MEMORY_AREA_TRANSFER = 0x0105;
export const CMD_RUN = 0x0401;
export const CMD_CONTROLLER_DATA_READ = 0x0501;

/** Memory area codes: C/CV-series and CS/CJ-series designations (W342 5-2-2). */
export const MEMORY_AREAS: Readonly<Record<number, string>> = {
  0x00: 'CIO bit',
  0x01: 'TIM/CNT Completion Flag',
  0x02: 'DM bit',
  0x03: 'Transition flag',
  0x04: 'Step flag',
  0x05: 'Forced status bit',
  0x06: 'Task flag bit',
  0x09: 'TIM/CNT Completion Flag (CS/CJ)',
  0x0a: 'EM current bank bit',
  0x1b: 'Action flag',
  0x30: 'CIO bit (CS/CJ)',
  0x31: 'WR bit',
  0x32: 'HR bit',
  0x33: 'AR bit',
  0x40: 'CIO bit with forced status',
  0x41: 'TIM/CNT Completion Flag with forced status',
  0x43: 'Transition flag with forced status',
  0x44: 'Step status',
  0x46: 'Task status',
  0x49: 'TIM/CNT Completion Flag with forced status (CS/CJ)',
  0x70: 'CIO bit with forced status (CS/CJ)',
  0x71: 'WR bit with forced status',
  0x72: 'HR bit with forced status',
  0x80: 'CIO word',
  0x81: 'TIM/CNT PV',
  0x82: 'DM word',
  0x84: 'Step timer PV',
  0x85: 'Forced status word',
  0x89: 'TIM/CNT PV (CS/CJ)',
  0x98: 'EM current bank word',
  0x9c: 'Register',
  0xb0: 'CIO word (CS/CJ)',
  0xb1: 'WR word',
  0xb2: 'HR word',
  0xb3: 'AR word',
  0xbc: 'EM current bank number',
  0xc0: 'CIO word with forced status',
  0xdc: 'Index register PV',
  0xdd: 'Interrupt status',
  0xf0: 'CIO word with forced status (CS/CJ)',
  0xf1: 'WR word with forced status',
  0xf2: 'HR word with forced status',
};
for (let bank = 0; bank <= 0x0c; bank++) {
  (MEMORY_AREAS as Record<number, string>)[0x20 + bank] = `EM bank ${bank.toString(16).toUpperCase()} bit`;
  (MEMORY_AREAS as Record<number, string>)[0xa0 + bank] = `EM bank ${bank.toString(16).toUpperCase()} word`;
  if (bank <= 7) (MEMORY_AREAS as Record<number, string>)[0x90 + bank] = `EM bank ${bank} word (CV)`;
}

/** Run mode codes of the Run command. */
export const RUN_MODES: Readonly<Record<number, string>> = { 2: 'MONITOR', 4: 'RUN' };

/** End codes (MRES * 256 + SRES, flag bits cleared), W342 5-1-3. */
export const END_CODES: Readonly<Record<number, string>> = {
  0x0000: 'Normal completion',
  0x0001: 'Service canceled',
  0x0101: 'Local node not in network',
  0x0102: 'Token timeout',
  0x0103: 'Retries failed',
  0x0104: 'Too many send frames',
  0x0105: 'Node address range error',
  0x0106: 'Node address duplication',
  0x0201: 'Destination node not in network',
  0x0202: 'Unit missing',
  0x0203: 'Third node missing',
  0x0204: 'Destination node busy',
  0x0205: 'Response timeout',
  0x0301: 'Communications controller error',
  0x0302: 'CPU Unit error',
  0x0303: 'Controller error',
  0x0304: 'Unit number error',
  0x0401: 'Undefined command',
  0x0402: 'Not supported by model/version',
  0x0501: 'Destination address setting error',
  0x0502: 'No routing tables',
  0x0503: 'Routing table error',
  0x0504: 'Too many relays',
  0x1001: 'Command too long',
  0x1002: 'Command too short',
  0x1003: 'Elements/data do not match',
  0x1004: 'Command format error',
  0x1005: 'Header error',
  0x1101: 'Area classification missing',
  0x1102: 'Access size error',
  0x1103: 'Address range error',
  0x1104: 'Address range exceeded',
  0x1106: 'Program missing',
  0x1109: 'Relational error',
  0x110a: 'Duplicate data access',
  0x110b: 'Response too long',
  0x110c: 'Parameter error',
  0x2002: 'Protected',
  0x2003: 'Table missing',
  0x2004: 'Data missing',
  0x2005: 'Program missing',
  0x2006: 'File missing',
  0x2007: 'Data mismatch',
  0x2101: 'Read-only',
  0x2102: 'Protected (data link table)',
  0x2103: 'Cannot register',
  0x2105: 'Program missing',
  0x2106: 'File missing',
  0x2107: 'File name already exists',
  0x2108: 'Cannot change',
  0x2201: 'Not possible during execution',
  0x2202: 'Not possible while running',
  0x2203: 'Wrong PLC mode (PROGRAM)',
  0x2204: 'Wrong PLC mode (DEBUG)',
  0x2205: 'Wrong PLC mode (MONITOR)',
  0x2206: 'Wrong PLC mode (RUN)',
  0x2207: 'Specified node not polling node',
  0x2208: 'Step cannot be executed',
  0x2301: 'File device missing',
  0x2302: 'Memory missing',
  0x2303: 'Clock missing',
  0x2401: 'Table missing',
  0x2502: 'Memory error',
  0x2503: 'I/O setting error',
  0x2504: 'Too many I/O points',
  0x2505: 'CPU bus error',
  0x2506: 'I/O duplication',
  0x2507: 'I/O bus error',
  0x2509: 'SYSMAC BUS/2 error',
  0x250a: 'CPU Bus Unit error',
  0x250d: 'SYSMAC BUS number duplication',
  0x250f: 'Memory error',
  0x2510: 'SYSMAC BUS terminator missing',
  0x2601: 'No protection',
  0x2602: 'Incorrect password',
  0x2604: 'Protected',
  0x2605: 'Service already executing',
  0x2606: 'Service stopped',
  0x2607: 'No execution right',
  0x2608: 'Settings not complete',
  0x2609: 'Necessary items not set',
  0x260a: 'Number already defined',
  0x260b: 'Error will not clear',
  0x3001: 'No access right',
  0x4001: 'Service aborted',
};

export function nameOf(table: Readonly<Record<number, string>>, n: number): string {
  return table[n] ?? `unknown-${n}`;
}
