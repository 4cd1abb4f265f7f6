// Pure parsing of one MC protocol / SLMP binary 3E or 4E frame: subheader, serial number
// (4E), network number, PC number, request destination module I/O and station number, data
// length, monitoring timer (requests) or end code (responses), command and subcommand, and
// the device of batch reads and writes; the CPU model of Read Type Name responses.
// Multi-byte fields are little-endian.
import {
  CMD_DEVICE_READ, CMD_DEVICE_WRITE, CMD_READ_TYPE_NAME, HEADER_3E, HEADER_4E, SUB_3E_REQUEST, SUB_3E_RESPONSE, SUB_4E_REQUEST,
  SUB_4E_RESPONSE,
} from './constants.ts';
import { hexBytes } from '../../core/hex.ts';

export const MC_OK = 0;
/** The frame is shorter than its header or than its data length says. */
export const MC_TRUNCATED = 1;
/** A request too short for its monitoring timer, command and subcommand, or a response for its end code. */
export const MC_BAD_LENGTH = 2;

export const MAX_DATA = 64;

export class McFrame {
  /** 3 or 4 (the frame type), 0 when the subheader is unknown. */
  frame = 0;
  response = false;
  serial = -1;
  network = 0;
  pc = 0;
  moduleIo = 0;
  station = 0;
  dataLength = 0;
  /** Requests: monitoring timer (units of 250 ms), command, subcommand. */
  timer = -1;
  command = -1;
  subcommand = -1;
  /** Responses: end code. */
  endCode = -1;
  /** Batch device read/write: device code, head device number, points. */
  deviceCode = -1;
  headDevice = -1;
  points = -1;
  /** Read Type Name response. */
  cpuModel = '';
  modelCode = -1;
  /** Request data after the parsed parameters, or response data, hex (capped). */
  data = '';
  problem = MC_OK;
  detail = '';
}

const u16 = (d: Uint8Array, o: number) => d[o] | (d[o + 1] << 8);

/** The subheader at d[off] as a number (big-endian view of the first two bytes). */
function subheader(d: Uint8Array, off: number): number {
  return (d[off] << 8) | d[off + 1];
}

/** The frame length at d[off] (subheader checked), 0 when more bytes are needed, -1 when no frame starts there. */
export function frameLength(d: Uint8Array, off: number, avail: number): number {
  if (avail < 1) return 0;
  if (d[off] !== 0x50 && d[off] !== 0xd0 && d[off] !== 0x54 && d[off] !== 0xd4) return -1;
  if (avail < 2) return 0;
  if (d[off + 1] !== 0) return -1;
  const four = d[off] === 0x54 || d[off] === 0xd4;
  const hdr = four ? HEADER_4E : HEADER_3E;
  if (avail < hdr) return 0;
  if (four && (d[off + 4] !== 0 || d[off + 5] !== 0)) return -1;
  const n = u16(d, off + hdr - 2);
  // at least a response's end code (a request also needs its timer, command and subcommand: parseFrame says so)
  if (n < 2) return -1;
  return hdr + n;
}

/**
 * Parses the frame d[off, off + len). `answers` is the command of the request a response
 * answers (-1 when unknown): a response does not say which command it answers.
 */
export function parseFrame(d: Uint8Array, off: number, len: number, answers = -1): McFrame {
  const f = new McFrame();
  if (len < HEADER_3E) {
    f.problem = MC_TRUNCATED;
    f.detail = `${len} bytes`;
    return f;
  }
  const sub = subheader(d, off);
  let p = off + 2;
  if (sub === SUB_3E_REQUEST || sub === SUB_3E_RESPONSE) f.frame = 3;
  else if (sub === SUB_4E_REQUEST || sub === SUB_4E_RESPONSE) f.frame = 4;
  f.response = sub === SUB_3E_RESPONSE || sub === SUB_4E_RESPONSE;
  if (f.frame === 4) {
    if (len < HEADER_4E) {
      f.problem = MC_TRUNCATED;
      f.detail = `${len} bytes`;
      return f;
    }
    f.serial = u16(d, p);
    p += 4; // serial number, fixed 0000
  }
  f.network = d[p];
  f.pc = d[p + 1];
  f.moduleIo = u16(d, p + 2);
  f.station = d[p + 4];
  f.dataLength = u16(d, p + 5);
  p += 7;
  const end = p + f.dataLength;
  if (end > off + len) {
    f.problem = MC_TRUNCATED;
    f.detail = `data length ${f.dataLength}, ${off + len - p} bytes`;
    return f;
  }
  if (f.response) {
    if (end - p < 2) {
      f.problem = MC_BAD_LENGTH;
      f.detail = 'response without its end code';
      return f;
    }
    f.endCode = u16(d, p);
    p += 2;
  } else {
    if (end - p < 6) {
      f.problem = MC_BAD_LENGTH;
      f.detail = 'request without its monitoring timer, command and subcommand';
      return f;
    }
    f.timer = u16(d, p);
    f.command = u16(d, p + 2);
    f.subcommand = u16(d, p + 4);
    p += 6;
    if (f.command === CMD_DEVICE_READ || f.command === CMD_DEVICE_WRITE) {
      // Subcommands 0000/0001 (Q/L series): device number 3 bytes, device code 1 byte, points 2 bytes.
      // Subcommands 0002/0003 (iQ-R): device number 4 bytes, device code 2 bytes, points 2 bytes.
      const iqr = (f.subcommand & 0x000f) >= 2;
      const need = iqr ? 8 : 6;
      if (end - p >= need) {
        f.headDevice = iqr ? ((d[p + 3] << 24) >>> 0) + (d[p] | (d[p + 1] << 8) | (d[p + 2] << 16)) : d[p] | (d[p + 1] << 8) | (d[p + 2] << 16);
        f.deviceCode = iqr ? u16(d, p + 4) : d[p + 3];
        f.points = u16(d, p + (iqr ? 6 : 4));
        p += need;
      }
    }
  }
  if (f.response && f.endCode === 0 && answers === CMD_READ_TYPE_NAME && end - p >= 18) {
    // CPU model name (16 characters, space padded) and model code.
    let e = p + 16;
    while (e > p && (d[e - 1] === 0x20 || d[e - 1] === 0)) e--;
    let s = '';
    for (let i = p; i < e; i++) s += String.fromCharCode(d[i]);
    f.cpuModel = s;
    f.modelCode = u16(d, p + 16);
  }
  if (p < end) f.data = hexBytes(d, p, end - p, MAX_DATA);
  return f;
}
