// IEEE C37.118.2 (2011, and C37.118-2005) wire constants: the SYNC word, frame types, command
// codes, header sizes, and the names ICSNPP's synchrophasor logs use for them.

export const SYNC_BYTE = 0xaa;

/** SYNC second byte, bits 6-4: frame type. */
export const FRAME_DATA = 0;
export const FRAME_HEADER = 1;
export const FRAME_CFG1 = 2;
export const FRAME_CFG2 = 3;
export const FRAME_COMMAND = 4;
export const FRAME_CFG3 = 5;

/** Frame type names as ICSNPP writes them (synchrophasor_*.log frame_type). */
export const FRAME_TYPE_NAMES: readonly string[] = ['Data', 'Header', 'CFG1', 'CFG2', 'Command', 'CFG3'];

/** SYNC (2) + FRAMESIZE (2) + IDCODE (2) + SOC (4) + FRACSEC (4). */
export const COMMON_HEADER_LEN = 14;
/** The common header and the CHK word: the smallest frame. */
export const MIN_FRAME_LEN = 16;
export const COMMAND_FRAME_LEN = 18;

/** Command codes (CMD word), C37.118.2 Table 15. */
export const CMD_DATA_OFF = 1;
export const CMD_DATA_ON = 2;
export const CMD_SEND_HDR = 3;
export const CMD_SEND_CFG1 = 4;
export const CMD_SEND_CFG2 = 5;
export const CMD_SEND_CFG3 = 6;
export const CMD_EXTENDED = 8;

/** Command names as ICSNPP writes them (synchrophasor_cmd.log command). */
export const COMMAND_NAMES: Readonly<Record<number, string>> = {
  1: 'Data off',
  2: 'Data on',
  3: 'Send HDR',
  4: 'Send CFG-1',
  5: 'Send CFG-2',
  6: 'Send CFG-3',
  8: 'Extended frame',
};

/** History letters, as ICSNPP's synchrophasor.log history field ('u' for any other command). */
export const COMMAND_INITIALS: Readonly<Record<number, string>> = { 1: 'd', 2: 'D', 3: 'h', 4: '1', 5: '2', 6: '3', 8: 'e' };

export function commandName(cmd: number): string {
  return COMMAND_NAMES[cmd] ?? `unknown-${cmd}`;
}

/** C37.118.2 well-known ports: 4712 (TCP), 4713 (UDP); either is used with either transport. */
export const SYNCHROPHASOR_PORTS = [4712, 4713] as const;
