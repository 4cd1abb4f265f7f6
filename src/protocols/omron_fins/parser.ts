// Pure parsing of OMRON FINS: the FINS/TCP header (magic "FINS", length, command, error code,
// node addresses) and the FINS frame (ICF, RSV, GCT, DNA/DA1/DA2, SNA/SA1/SA2, SID, MRC/SRC,
// end code of responses, and the parameters of the memory area, run and controller data
// commands).
import {
  CMD_CONTROLLER_DATA_READ, CMD_MEMORY_AREA_FILL, CMD_MEMORY_AREA_READ, CMD_MEMORY_AREA_TRANSFER, CMD_MEMORY_AREA_WRITE,
  CMD_MULTIPLE_MEMORY_AREA_READ, CMD_RUN, FINS_HEADER_LEN, FINS_TCP_HEADER_LEN, FINS_TCP_MAGIC, ICF_RESPONSE,
} from './constants.ts';
import { hexBytes } from '../../core/hex.ts';

export const FINS_OK = 0;
/** Fewer than the 12 bytes of a FINS header and command code (or a response without its end code). */
export const FINS_TRUNCATED = 1;
/** Reserved ICF bits or RSV set. */
export const FINS_BAD_HEADER = 2;
/** A command's parameters are shorter than the command needs. */
export const FINS_BAD_PARAMETERS = 3;

export const MAX_DATA = 64;

export class FinsFrame {
  icf = 0;
  rsv = 0;
  gct = 0;
  dna = 0;
  da1 = 0;
  da2 = 0;
  sna = 0;
  sa1 = 0;
  sa2 = 0;
  sid = 0;
  /** MRC * 256 + SRC. */
  command = -1;
  /** End code of a response (raw 16 bits); -1 for commands. */
  endCode = -1;
  /** Memory area commands: area code, word address, bit, number of items. */
  memoryArea = -1;
  address = -1;
  bit = -1;
  items = -1;
  /** Run: program number and mode. */
  programNumber = -1;
  runMode = -1;
  /** Controller Data Read response: model and version. */
  model = '';
  version = '';
  /** Data after the parameters (hex, capped). */
  data = '';
  problem = FINS_OK;
  detail = '';
}

function text(d: Uint8Array, off: number, len: number): string {
  let e = off + len;
  while (e > off && (d[e - 1] === 0 || d[e - 1] === 0x20)) e--;
  let s = '';
  for (let i = off; i < e; i++) s += String.fromCharCode(d[i]);
  return s;
}

/** Printable ASCII, NUL padding allowed, and a non-empty first byte. */
function isText(d: Uint8Array, off: number, len: number): boolean {
  if (d[off] < 0x20 || d[off] > 0x7e) return false;
  for (let i = off; i < off + len; i++) if (d[i] !== 0 && (d[i] < 0x20 || d[i] > 0x7e)) return false;
  return true;
}

function fail(f: FinsFrame, p: number, detail: string): void {
  if (f.problem === FINS_OK) {
    f.problem = p;
    f.detail = detail;
  }
}

/** Parses the FINS frame d[off, off + len). */
export function parseFins(d: Uint8Array, off: number, len: number): FinsFrame {
  const f = new FinsFrame();
  if (len < FINS_HEADER_LEN + 2) {
    fail(f, FINS_TRUNCATED, `${len} bytes`);
    return f;
  }
  f.icf = d[off];
  f.rsv = d[off + 1];
  f.gct = d[off + 2];
  f.dna = d[off + 3];
  f.da1 = d[off + 4];
  f.da2 = d[off + 5];
  f.sna = d[off + 6];
  f.sa1 = d[off + 7];
  f.sa2 = d[off + 8];
  f.sid = d[off + 9];
  f.command = (d[off + 10] << 8) | d[off + 11];
  if ((f.icf & 0x3e) !== 0 || f.rsv !== 0) fail(f, FINS_BAD_HEADER, `ICF 0x${f.icf.toString(16)}, RSV 0x${f.rsv.toString(16)}`);
  let p = off + 12;
  const end = off + len;
  const response = (f.icf & ICF_RESPONSE) !== 0;
  if (response) {
    if (end - p < 2) {
      fail(f, FINS_TRUNCATED, 'response without its end code');
      return f;
    }
    f.endCode = (d[p] << 8) | d[p + 1];
    p += 2;
    // The model and version come first when the command asked for them (controller data 00);
    // other answers start with binary data, so the 40 bytes must be text.
    if (f.command === CMD_CONTROLLER_DATA_READ && end - p >= 40 && isText(d, p, 40)) {
      f.model = text(d, p, 20);
      f.version = text(d, p + 20, 20);
    }
  } else {
    switch (f.command) {
      case CMD_MEMORY_AREA_READ:
      case CMD_MEMORY_AREA_WRITE:
      case CMD_MEMORY_AREA_FILL:
      case CMD_MEMORY_AREA_TRANSFER:
        // area (1), beginning address (2), bit (1), [transfer: destination area, address, bit], number of items (2)
        if (end - p < (f.command === CMD_MEMORY_AREA_TRANSFER ? 10 : 6)) {
          fail(f, FINS_BAD_PARAMETERS, 'memory area parameters cut short');
          break;
        }
        f.memoryArea = d[p];
        f.address = (d[p + 1] << 8) | d[p + 2];
        f.bit = d[p + 3];
        if (f.command === CMD_MEMORY_AREA_TRANSFER) p += 4;
        f.items = (d[p + 4] << 8) | d[p + 5];
        p += 6;
        break;
      case CMD_MULTIPLE_MEMORY_AREA_READ:
        // (area, address, bit) per element: the first is recorded
        if (end - p < 4) {
          fail(f, FINS_BAD_PARAMETERS, 'multiple memory area read without an element');
          break;
        }
        f.memoryArea = d[p];
        f.address = (d[p + 1] << 8) | d[p + 2];
        f.bit = d[p + 3];
        f.items = Math.floor((end - p) / 4);
        p = end;
        break;
      case CMD_RUN:
        // program number (2), mode (1); both optional
        if (end - p >= 2) f.programNumber = (d[p] << 8) | d[p + 1];
        if (end - p >= 3) f.runMode = d[p + 2];
        p = end;
        break;
    }
  }
  if (p < end) f.data = hexBytes(d, p, end - p, MAX_DATA);
  return f;
}

/** A FINS/TCP header. */
export class FinsTcp {
  length = 0;
  command = 0;
  errorCode = 0;
  clientNode = -1;
  serverNode = -1;
}

/** The FINS/TCP message length at d[off] (magic checked), 0 when more bytes are needed, -1 when no header starts there. */
export function tcpMessageLength(d: Uint8Array, off: number, avail: number): number {
  for (let i = 0; i < 4 && i < avail; i++) if (d[off + i] !== ((FINS_TCP_MAGIC >>> (24 - 8 * i)) & 0xff)) return -1;
  if (avail < 8) return 0;
  const n = ((d[off + 4] << 24) >>> 0) + ((d[off + 5] << 16) | (d[off + 6] << 8) | d[off + 7]);
  if (n < 8 || n > 65535) return -1;
  return n + 8;
}

/** Reads the FINS/TCP header of the message d[off, off + len) (len >= 16). */
export function parseTcpHeader(d: Uint8Array, off: number, len: number, h: FinsTcp): void {
  const u32 = (o: number) => ((d[o] << 24) >>> 0) + ((d[o + 1] << 16) | (d[o + 2] << 8) | d[o + 3]);
  h.length = u32(off + 4);
  h.command = u32(off + 8);
  h.errorCode = u32(off + 12);
  h.clientNode = h.serverNode = -1;
  if (h.command === 0 && len >= FINS_TCP_HEADER_LEN + 4) h.clientNode = u32(off + 16);
  if (h.command === 1 && len >= FINS_TCP_HEADER_LEN + 8) {
    h.clientNode = u32(off + 16);
    h.serverNode = u32(off + 20);
  }
}
