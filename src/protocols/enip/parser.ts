// Pure parsing of EtherNet/IP encapsulation messages: the 24-byte header and the Common
// Packet Format (CPF) that List Identity / List Services replies and Send RR Data / Send
// Unit Data carry. No state; bounds-checked; nothing here throws on network input.
import { CMD, HEADER_LEN, MAX_CPF_ITEMS, MAX_DATA, isKnownCommand } from './constants.ts';

export const u16 = (d: Uint8Array, o: number): number => d[o] | (d[o + 1] << 8);
export const u32 = (d: Uint8Array, o: number): number => (d[o] | (d[o + 1] << 8) | (d[o + 2] << 16) | (d[o + 3] << 24)) >>> 0;

/** The encapsulation header (fields as on the wire; sender context as the offset of its 8 bytes). */
export class EnipHeader {
  command = 0;
  length = 0;
  session = 0;
  status = 0;
  /** Offset of the 8-byte sender context in the message bytes. */
  contextOff = 0;
  options = 0;
}

/** Reads the header at d[off] (needs HEADER_LEN bytes there). */
export function readHeader(d: Uint8Array, off: number, h: EnipHeader): void {
  h.command = u16(d, off);
  h.length = u16(d, off + 2);
  h.session = u32(d, off + 4);
  h.status = u32(d, off + 8);
  h.contextOff = off + 12;
  h.options = u32(d, off + 20);
}

/**
 * Whether the header at d[off] looks like an encapsulation header of a message that starts
 * here, by its fixed fields: a known command, options 0, a status that fits the 16 bits the
 * specification uses, and a length that fits the command. `strict` adds what is needed to
 * pick a header out of arbitrary bytes (after a gap, at the start of a mid-stream capture).
 */
export function plausibleHeader(d: Uint8Array, off: number, strict: boolean): boolean {
  const cmd = u16(d, off);
  const len = u16(d, off + 2);
  if (len > MAX_DATA) return false;
  if (!strict) return true;
  if (!isKnownCommand(cmd)) return false;
  if (u32(d, off + 20) !== 0) return false;
  if (u32(d, off + 8) > 0xffff) return false;
  return lengthFits(cmd, len);
}

/** Whether a data length is possible for the command (requests and replies). */
export function lengthFits(cmd: number, len: number): boolean {
  switch (cmd) {
    case CMD.REGISTER_SESSION:
      return len === 4;
    case CMD.UNREGISTER_SESSION:
      return len === 0;
    case CMD.SEND_RR_DATA:
    case CMD.SEND_UNIT_DATA:
      // interface handle (4), timeout (2), item count (2) at least
      return len >= 8;
    case CMD.LIST_IDENTITY:
    case CMD.LIST_SERVICES:
    case CMD.LIST_INTERFACES:
      // a request has no data; a reply has at least an item count
      return len === 0 || len >= 2;
    default:
      return true;
  }
}

/** The items of one CPF, in reused typed arrays (no allocation per message). */
export class Cpf {
  count = 0;
  readonly type = new Uint16Array(MAX_CPF_ITEMS);
  readonly off = new Int32Array(MAX_CPF_ITEMS);
  readonly len = new Int32Array(MAX_CPF_ITEMS);
  /** Bytes after the last item. */
  rest = 0;
}

/**
 * Walks a CPF at d[off..off+len): item count, then items of type id (2), length (2), data.
 * Fills `cpf` and returns true, or false when the items overrun the bytes or there are more
 * than MAX_CPF_ITEMS. Bytes after the last item are allowed (`cpf.rest`).
 */
export function walkCpf(d: Uint8Array, off: number, len: number, cpf: Cpf): boolean {
  cpf.count = 0;
  cpf.rest = 0;
  if (len < 2) return false;
  const count = u16(d, off);
  if (count > MAX_CPF_ITEMS) return false;
  let p = off + 2;
  const end = off + len;
  for (let i = 0; i < count; i++) {
    if (end - p < 4) return false;
    const ilen = u16(d, p + 2);
    if (ilen > end - p - 4) return false;
    cpf.type[i] = u16(d, p);
    cpf.off[i] = p + 4;
    cpf.len[i] = ilen;
    p += 4 + ilen;
  }
  cpf.count = count;
  cpf.rest = end - p;
  return true;
}

/** A List Services reply item (type 0x0100): version, capability flags, 16-byte name. */
export interface ServiceItem {
  version: number;
  flags: number;
  name: string;
}

export function parseServiceItem(d: Uint8Array, off: number, len: number): ServiceItem | null {
  if (len < 4) return null;
  let name = '';
  const n = Math.min(16, len - 4);
  for (let i = 0; i < n; i++) {
    const c = d[off + 4 + i];
    if (c === 0) break;
    name += String.fromCharCode(c);
  }
  return { version: u16(d, off), flags: u16(d, off + 2), name };
}

export { HEADER_LEN };
