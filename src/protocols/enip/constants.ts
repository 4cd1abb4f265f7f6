// EtherNet/IP encapsulation constants (ODVA, The CIP Networks Library Vol. 2, EtherNet/IP
// Adaptation of CIP, chapter 2). Names as CISA ICSNPP icsnpp-enip logs them
// (scripts/consts.zeek); unknown codes are `unknown-<n>`.

export const ENIP_PORT = 44818;
/** The encapsulation header: command, length, session handle, status, sender context, options. */
export const HEADER_LEN = 24;
/** Longest encapsulated data (the length field is 16 bits). */
export const MAX_DATA = 65511;

export const CMD = {
  NOP: 0x0000,
  LIST_SERVICES: 0x0004,
  LIST_IDENTITY: 0x0063,
  LIST_INTERFACES: 0x0064,
  REGISTER_SESSION: 0x0065,
  UNREGISTER_SESSION: 0x0066,
  SEND_RR_DATA: 0x006f,
  SEND_UNIT_DATA: 0x0070,
  INDICATE_STATUS: 0x0072,
  CANCEL: 0x0073,
} as const;

const COMMANDS = new Map<number, string>([
  [CMD.NOP, 'NOP'],
  [CMD.LIST_SERVICES, 'List Services'],
  [CMD.LIST_IDENTITY, 'List Identity'],
  [CMD.LIST_INTERFACES, 'List Interfaces'],
  [CMD.REGISTER_SESSION, 'Register Session'],
  [CMD.UNREGISTER_SESSION, 'Unregister Session'],
  [CMD.SEND_RR_DATA, 'Send RR Data'],
  [CMD.SEND_UNIT_DATA, 'Send Unit Data'],
  [CMD.INDICATE_STATUS, 'Indicate Status'],
  [CMD.CANCEL, 'Cancel'],
]);

/**
 * A command a device may send: one the specification defines, or 0x0001..0x0003, which it
 * reserves for legacy use (RSLinx still sends 0x0001 before List Services).
 */
export function isKnownCommand(c: number): boolean {
  return COMMANDS.has(c) || (c >= 0x0001 && c <= 0x0003);
}

export function commandName(c: number): string {
  return COMMANDS.get(c) ?? `unknown-${c}`;
}

const STATUSES = new Map<number, string>([
  [0x0000, 'Success'],
  [0x0001, 'Invalid/Unsupported Command'],
  [0x0002, 'Insufficient Memory Resources'],
  [0x0003, 'Malformed or Incorrect Data'],
  [0x0064, 'Invalid Session Handle'],
  [0x0065, 'Invalid Length'],
  [0x0069, 'Unsupported Protocol Version'],
  [0x006a, 'CIP Service Not Allowed'],
]);

export function statusName(s: number): string {
  return STATUSES.get(s) ?? `unknown-${s}`;
}

// Common Packet Format item type ids the encapsulation layer itself reads (Vol. 2 §2-6).
export const ITEM_LIST_IDENTITY = 0x000c;
export const ITEM_LIST_SERVICES = 0x0100;
/** Upper bound on CPF items in one message (a message holds a handful; more is malformed or hostile). */
export const MAX_CPF_ITEMS = 64;
