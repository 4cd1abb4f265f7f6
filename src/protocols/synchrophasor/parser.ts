// Pure parsing of one IEEE C37.118.2 frame: the common header (SYNC, FRAMESIZE, IDCODE, SOC,
// FRACSEC), the CHK word (CRC-CCITT), the command word, and the configuration frames' time
// base, PMU count, station names and data rate (CFG-1/CFG-2 fixed layout, CFG-3 variable).
// No state; one SynFrame object reused.
import {
  COMMAND_FRAME_LEN, COMMON_HEADER_LEN, FRAME_CFG1, FRAME_CFG2, FRAME_CFG3, FRAME_COMMAND, MIN_FRAME_LEN, SYNC_BYTE,
} from './constants.ts';

export const SYN_OK = 0;
/** FRAMESIZE below the minimum for the frame type, or beyond the bytes given. */
export const SYN_BAD_SIZE = 1;
/** A frame type C37.118.2 does not define (6, 7). */
export const SYN_UNKNOWN_TYPE = 2;
/** The CHK word does not match the CRC-CCITT of the frame. */
export const SYN_BAD_CHECKSUM = 3;
/** A configuration frame whose PMU blocks do not fit the frame. */
export const SYN_BAD_CONFIG = 4;

/** Station names kept per configuration frame. */
export const MAX_STATIONS = 64;

export class SynFrame {
  type = -1;
  version = 0;
  frameSize = 0;
  idcode = 0;
  soc = 0;
  /** FRACSEC: the 24-bit fraction count and the time-quality byte. */
  fracsec = 0;
  timeQuality = 0;
  checksumOk = false;
  /** Command frames: CMD; -1 otherwise. */
  cmd = -1;
  /** Configuration frames: TIME_BASE (24 bits), NUM_PMU, DATA_RATE, CONT_IDX (CFG-3); -1 when not read. */
  timeBase = -1;
  numPmu = -1;
  dataRate = Number.NaN;
  contIdx = -1;
  /** Configuration frames: station names (trailing spaces and NULs removed), at most MAX_STATIONS. */
  stations: string[] = [];
  problem = SYN_OK;
  detail = '';
}

const CRC_TABLE = new Uint16Array(256);
for (let i = 0; i < 256; i++) {
  let c = i << 8;
  for (let k = 0; k < 8; k++) c = c & 0x8000 ? ((c << 1) ^ 0x1021) & 0xffff : (c << 1) & 0xffff;
  CRC_TABLE[i] = c;
}

/** CRC-CCITT (polynomial 0x1021, initial 0xFFFF, not reflected), as C37.118.2 Annex B specifies for CHK. */
export function crcCcitt(d: Uint8Array, off: number, len: number): number {
  let crc = 0xffff;
  for (let i = off; i < off + len; i++) crc = ((crc << 8) & 0xffff) ^ CRC_TABLE[((crc >> 8) ^ d[i]) & 0xff];
  return crc;
}

/** The frame length announced at d[off] (SYNC checked), 0 when more bytes are needed, -1 when no frame starts there. */
export function frameLength(d: Uint8Array, off: number, avail: number): number {
  if (avail < 1) return 0;
  if (d[off] !== SYNC_BYTE) return -1;
  if (avail < 2) return 0;
  const b = d[off + 1];
  if (b & 0x80 || (b & 0x0f) === 0) return -1; // reserved bit set, or version 0 (types 6 and 7 are framed, then reported)
  if (avail < 4) return 0;
  const n = (d[off + 2] << 8) | d[off + 3];
  return n < MIN_FRAME_LEN ? -1 : n;
}

function fail(f: SynFrame, problem: number, detail: string): number {
  if (f.problem === SYN_OK) {
    f.problem = problem;
    f.detail = detail;
  }
  return f.problem;
}

const u16 = (d: Uint8Array, o: number) => (d[o] << 8) | d[o + 1];
const u32 = (d: Uint8Array, o: number) => ((d[o] << 24) >>> 0) + ((d[o + 1] << 16) | (d[o + 2] << 8) | d[o + 3]);

function stationName(d: Uint8Array, off: number, len: number): string {
  let end = off + len;
  while (end > off && (d[end - 1] === 0x20 || d[end - 1] === 0)) end--;
  let s = '';
  for (let i = off; i < end; i++) s += String.fromCharCode(d[i]);
  return s;
}

/** Parses the frame d[off, off + len) (len = the bytes held; FRAMESIZE says how many it should be). */
export function parseFrame(d: Uint8Array, off: number, len: number, f: SynFrame): number {
  f.problem = SYN_OK;
  f.detail = '';
  f.type = -1;
  f.cmd = -1;
  f.timeBase = f.numPmu = f.contIdx = -1;
  f.dataRate = Number.NaN;
  f.checksumOk = false;
  if (f.stations.length > 0) f.stations = [];
  if (len < MIN_FRAME_LEN || d[off] !== SYNC_BYTE) return fail(f, SYN_BAD_SIZE, `${len} bytes`);
  const b = d[off + 1];
  f.type = (b >> 4) & 7;
  f.version = b & 0x0f;
  f.frameSize = u16(d, off + 2);
  f.idcode = u16(d, off + 4);
  f.soc = u32(d, off + 6);
  f.timeQuality = d[off + 10];
  f.fracsec = (d[off + 11] << 16) | (d[off + 12] << 8) | d[off + 13];
  if (f.type > FRAME_CFG3) return fail(f, SYN_UNKNOWN_TYPE, `frame type ${f.type}`);
  const n = f.frameSize;
  if (n < MIN_FRAME_LEN || n > len) return fail(f, SYN_BAD_SIZE, `FRAMESIZE ${n}, ${len} bytes`);
  f.checksumOk = crcCcitt(d, off, n - 2) === u16(d, off + n - 2);
  const end = off + n - 2; // before CHK
  const p = off + COMMON_HEADER_LEN;
  if (f.type === FRAME_COMMAND) {
    if (n < COMMAND_FRAME_LEN) fail(f, SYN_BAD_SIZE, `command frame of ${n} bytes`);
    else f.cmd = u16(d, p);
  } else if (f.type === FRAME_CFG1 || f.type === FRAME_CFG2) {
    config12(d, p, end, f);
  } else if (f.type === FRAME_CFG3) {
    config3(d, p, end, f);
  }
  if (!f.checksumOk) fail(f, SYN_BAD_CHECKSUM, `CHK 0x${u16(d, off + n - 2).toString(16)}, computed 0x${crcCcitt(d, off, n - 2).toString(16)}`);
  return f.problem;
}

/** CFG-1 / CFG-2: TIME_BASE, NUM_PMU, fixed-size PMU blocks, DATA_RATE (C37.118.2 6.4). */
function config12(d: Uint8Array, p: number, end: number, f: SynFrame): void {
  if (end - p < 6) {
    fail(f, SYN_BAD_CONFIG, 'no TIME_BASE/NUM_PMU');
    return;
  }
  f.timeBase = u32(d, p) & 0xffffff;
  f.numPmu = u16(d, p + 4);
  p += 6;
  for (let i = 0; i < f.numPmu; i++) {
    // STN 16, IDCODE 2, FORMAT 2, PHNMR 2, ANNMR 2, DGNMR 2
    if (end - p < 26) {
      fail(f, SYN_BAD_CONFIG, `PMU ${i + 1} of ${f.numPmu} runs past the frame`);
      return;
    }
    if (f.stations.length < MAX_STATIONS) f.stations.push(stationName(d, p, 16));
    const ph = u16(d, p + 20);
    const an = u16(d, p + 22);
    const dg = u16(d, p + 24);
    // CHNAM 16 × (PHNMR + ANNMR + 16 × DGNMR), PHUNIT 4 × PHNMR, ANUNIT 4 × ANNMR, DIGUNIT 4 × DGNMR, FNOM 2, CFGCNT 2
    const block = 26 + 16 * (ph + an + 16 * dg) + 4 * (ph + an + dg) + 4;
    if (end - p < block) {
      fail(f, SYN_BAD_CONFIG, `PMU ${i + 1} of ${f.numPmu} runs past the frame`);
      return;
    }
    p += block;
  }
  if (end - p < 2) {
    fail(f, SYN_BAD_CONFIG, 'no DATA_RATE');
    return;
  }
  f.dataRate = (u16(d, p) << 16) >> 16;
}

/** CFG-3: CONT_IDX, TIME_BASE, NUM_PMU, variable-length PMU blocks, DATA_RATE (C37.118.2 6.4.2). */
function config3(d: Uint8Array, p: number, end: number, f: SynFrame): void {
  if (end - p < 8) {
    fail(f, SYN_BAD_CONFIG, 'no CONT_IDX/TIME_BASE/NUM_PMU');
    return;
  }
  f.contIdx = u16(d, p);
  f.timeBase = u32(d, p + 2) & 0xffffff;
  f.numPmu = u16(d, p + 6);
  p += 8;
  // A fragmented CFG-3 (CONT_IDX other than 0) is only read for its header.
  if (f.contIdx !== 0) return;
  for (let i = 0; i < f.numPmu; i++) {
    if (end - p < 1 || end - p < 1 + d[p]) {
      fail(f, SYN_BAD_CONFIG, `PMU ${i + 1} of ${f.numPmu}: station name runs past the frame`);
      return;
    }
    const sl = d[p];
    if (f.stations.length < MAX_STATIONS) f.stations.push(stationName(d, p + 1, sl));
    p += 1 + sl;
    // IDCODE 2, G_PMU_ID 16, FORMAT 2, PHNMR 2, ANNMR 2, DGNMR 2
    if (end - p < 26) {
      fail(f, SYN_BAD_CONFIG, `PMU ${i + 1} of ${f.numPmu} runs past the frame`);
      return;
    }
    const ph = u16(d, p + 20);
    const an = u16(d, p + 22);
    const dg = u16(d, p + 24);
    p += 26;
    // CHNAM: PHNMR + ANNMR + 16 × DGNMR names, each a length byte and the text
    const names = ph + an + 16 * dg;
    for (let k = 0; k < names; k++) {
      if (end - p < 1 || end - p < 1 + d[p]) {
        fail(f, SYN_BAD_CONFIG, `PMU ${i + 1}: channel names run past the frame`);
        return;
      }
      p += 1 + d[p];
    }
    // PHSCALE 12 × PHNMR (flags, scale, angle offset), ANSCALE 8 × ANNMR, DIGUNIT 4 × DGNMR,
    // PMU_LAT 4, PMU_LON 4, PMU_ELEV 4, SVC_CLASS 1, WINDOW 4, GRP_DLY 4, FNOM 2, CFGCNT 2
    const rest = 12 * ph + 8 * an + 4 * dg + 25;
    if (end - p < rest) {
      fail(f, SYN_BAD_CONFIG, `PMU ${i + 1} of ${f.numPmu} runs past the frame`);
      return;
    }
    p += rest;
  }
  if (end - p < 2) {
    fail(f, SYN_BAD_CONFIG, 'no DATA_RATE');
    return;
  }
  f.dataRate = (u16(d, p) << 16) >> 16;
}
