// MELSEC communication protocol (MC protocol) / SLMP binary frames (Mitsubishi SLMP
// Reference Manual SH-080956ENG, MELSEC Communication Protocol Reference Manual SH-080008):
// subheaders, commands, device codes and the common end codes, named as the manuals name them.

/** Subheaders as they appear on the wire (first two bytes). */
export const SUB_3E_REQUEST = 0x5000;
export const SUB_3E_RESPONSE = 0xd000;
export const SUB_4E_REQUEST = 0x5400;
export const SUB_4E_RESPONSE = 0xd400;

/** Header length up to and including the request/response data length field. */
export const HEADER_3E = 9;
export const HEADER_4E = 13;

/** Ports: SLMP 5006/5007 (and 5562, where MELSOFT engineering traffic also runs). */
export const MELSEC_PORTS = [5006, 5007, 5562] as const;

/** Commands (command code as a number; little-endian on the wire). */
export const COMMANDS: Readonly<Record<number, string>> = {
  0x0401: 'Device Read (batch)',
  0x1401: 'Device Write (batch)',
  0x0403: 'Device Read Random',
  0x1402: 'Device Write Random',
  0x0801: 'Device Entry Monitor',
  0x0802: 'Device Execute Monitor',
  0x0406: 'Device Read Block',
  0x1406: 'Device Write Block',
  0x041a: 'Array Label Read',
  0x141a: 'Array Label Write',
  0x041c: 'Label Read Random',
  0x141b: 'Label Write Random',
  0x0613: 'Memory Read',
  0x1613: 'Memory Write',
  0x0601: 'Extend Unit Read',
  0x1601: 'Extend Unit Write',
  0x1001: 'Remote Run',
  0x1002: 'Remote Stop',
  0x1003: 'Remote Pause',
  0x1005: 'Remote Latch Clear',
  0x1006: 'Remote Reset',
  0x0101: 'Read Type Name',
  0x1630: 'Remote Password Unlock',
  0x1631: 'Remote Password Lock',
  0x0619: 'Self Test',
  0x1617: 'Clear Error',
  0x1810: 'Read Directory/File',
  0x1811: 'Search Directory/File',
  0x1820: 'New File',
  0x1822: 'Delete File',
  0x1824: 'Copy File',
  0x1825: 'Change File State',
  0x1826: 'Change File Date',
  0x1827: 'Open File',
  0x1828: 'Read File',
  0x1829: 'Write File',
  0x182a: 'Close File',
  0x2101: 'On Demand',
  0x0e30: 'Node Search',
  0x0e31: 'IP Address Set',
};

export const CMD_DEVICE_READ = 0x0401;
export const CMD_DEVICE_WRITE = 0x1401;
export const CMD_READ_TYPE_NAME = 0x0101;

/** Device codes (binary), with whether the device number is written in hexadecimal. */
export const DEVICES: Readonly<Record<number, readonly [string, boolean]>> = {
  0x9c: ['X', true],
  0x9d: ['Y', true],
  0x90: ['M', false],
  0x92: ['L', false],
  0x93: ['F', false],
  0x94: ['V', false],
  0xa0: ['B', true],
  0xa8: ['D', false],
  0xb4: ['W', true],
  0xc1: ['TS', false],
  0xc0: ['TC', false],
  0xc2: ['TN', false],
  0x51: ['LTS', false],
  0x50: ['LTC', false],
  0x52: ['LTN', false],
  0xc7: ['STS', false],
  0xc6: ['STC', false],
  0xc8: ['STN', false],
  0xc4: ['CS', false],
  0xc3: ['CC', false],
  0xc5: ['CN', false],
  0x55: ['LCS', false],
  0x54: ['LCC', false],
  0x56: ['LCN', false],
  0xa1: ['SB', true],
  0xb5: ['SW', true],
  0x98: ['S', false],
  0xa2: ['DX', true],
  0xa3: ['DY', true],
  0x91: ['SM', false],
  0xa9: ['SD', false],
  0xcc: ['Z', false],
  0x62: ['LZ', false],
  0xaf: ['R', false],
  0xb0: ['ZR', false],
  0x2c: ['RD', false],
};

/** End codes of the SLMP-compatible device and CPU (the common ones; others are unknown-<n>). */
export const END_CODES: Readonly<Record<number, string>> = {
  0x0000: 'Normal completion',
  0xc050: 'ASCII code that cannot be converted to binary',
  0xc051: 'Too many points (bit devices)',
  0xc052: 'Too many points (word devices)',
  0xc053: 'Too many points (random bit access)',
  0xc054: 'Too many points (random word access)',
  0xc056: 'Device number out of range',
  0xc058: 'Request data length mismatch (ASCII)',
  0xc059: 'Wrong command or subcommand',
  0xc05b: 'Device cannot be accessed by the CPU',
  0xc05c: 'Wrong request data',
  0xc05f: 'Request cannot be executed on the target CPU',
  0xc060: 'Wrong request data (bit or word)',
  0xc061: 'Request data length mismatch',
  0xc06f: 'Binary/ASCII mismatch with the communication setting',
  0xc0b5: 'Data that the CPU cannot handle',
  0xc200: 'Remote password error',
  0xc201: 'Port locked by the remote password',
  0xc204: 'Remote password unlock requested from another device',
};

export function nameOf(table: Readonly<Record<number, string>>, n: number): string {
  return table[n] ?? `unknown-${n}`;
}
