// Pure DNP3 parsing (IEEE 1815-2012): link frames (header, CRCs, user data without CRCs) and
// application fragments (header, object headers, control objects, device attributes). No
// state: the session (session.ts) does transport reassembly and request/response pairing.
// Nothing here throws on network input; every read is checked against the bytes given.
import {
  BLOCK_SIZE, FC_ASSIGN_CLASS, FC_DISABLE_UNSOLICITED, FC_ENABLE_UNSOLICITED, FC_FREEZE_AT_TIME,
  FC_FREEZE_AT_TIME_NR, FC_FREEZE_CLEAR, FC_FREEZE_CLEAR_NR, FC_IMMED_FREEZE, FC_IMMED_FREEZE_NR, FC_READ,
  LINK_HEADER_LEN, LINK_MIN_LEN, PREFIX_SIZE, RANGE_FIELD_SIZE, SIZE_NONE, SIZE_UNKNOWN, SIZE_VARIABLE, START_0, START_1,
  isKnownFunction, objectPackedBits, objectSize,
} from './constants.ts';

// ---- CRC ----

/** CRC-16/DNP: polynomial 0x3D65 (reflected 0xA6BC), initial 0, final complement, stored LSB first. */
const CRC_TABLE = (() => {
  const t = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let j = 0; j < 8; j++) c = (c & 1) !== 0 ? (c >>> 1) ^ 0xa6bc : c >>> 1;
    t[i] = c;
  }
  return t;
})();

export function crc16(d: Uint8Array, off: number, len: number): number {
  let crc = 0;
  for (let i = off, end = off + len; i < end; i++) crc = CRC_TABLE[(crc ^ d[i]) & 0xff] ^ (crc >>> 8);
  return ~crc & 0xffff;
}

/** Whether the `len` bytes at d[off] are followed by their CRC. */
export function crcOk(d: Uint8Array, off: number, len: number): boolean {
  const c = crc16(d, off, len);
  return d[off + len] === (c & 0xff) && d[off + len + 1] === c >>> 8;
}

// ---- link layer ----

/** Bytes of a whole link frame (CRCs included) whose LEN field is `lenField` (≥ 5). */
export function linkFrameLength(lenField: number): number {
  const user = lenField - LINK_MIN_LEN;
  return LINK_HEADER_LEN + user + 2 * Math.ceil(user / BLOCK_SIZE);
}

/** What starts at d[off]: LINK_OK (a header with a good CRC), LINK_MORE (a prefix of one), LINK_NONE, LINK_BAD_CRC. */
export const LINK_OK = 0;
export const LINK_MORE = 1;
export const LINK_NONE = 2;
export const LINK_BAD_CRC = 3;

export function linkHeaderAt(d: Uint8Array, off: number, avail: number): number {
  if (avail < 1) return LINK_MORE;
  if (d[off] !== START_0) return LINK_NONE;
  if (avail < 2) return LINK_MORE;
  if (d[off + 1] !== START_1) return LINK_NONE;
  if (avail < LINK_HEADER_LEN) return LINK_MORE;
  return crcOk(d, off, 8) ? LINK_OK : LINK_BAD_CRC;
}

/**
 * Copies the user data of the link frame at d[off] (whole, `frameLen` bytes, header checked)
 * into out[0..] without its CRCs. Returns the number of bytes, or -1 when a block's CRC is bad.
 * `out` must hold 250 bytes.
 */
export function unpackUserData(d: Uint8Array, off: number, frameLen: number, out: Uint8Array): number {
  let p = off + LINK_HEADER_LEN;
  const end = off + frameLen;
  let n = 0;
  while (p < end) {
    const block = Math.min(BLOCK_SIZE, end - p - 2);
    if (block <= 0 || !crcOk(d, p, block)) return -1;
    for (let i = 0; i < block; i++) out[n + i] = d[p + i];
    n += block;
    p += block + 2;
  }
  return n;
}

// ---- application layer ----

/** Object headers per fragment that are parsed (suricata's default max-objects). */
export const MAX_OBJECTS = 2048;
/** Points of one object header above which `too_many_points` is raised (objects are still read as far as the fragment holds them). */
export const MAX_POINTS = 16384;

export const PROBLEM_MALFORMED = 0;
export const PROBLEM_UNKNOWN_OBJECT = 1;
export const PROBLEM_TOO_MANY_OBJECTS = 2;
export const PROBLEM_TOO_MANY_POINTS = 3;

/** What parseFragment reports, in wire order. Implemented by the session (no closures per packet). */
export interface FragmentVisitor {
  /** The application header. `iin` is -1 in requests (function codes below 0x80). */
  header(ac: number, fc: number, iin: number): void;
  /**
   * A whole object header. `count`: objects it announces (-1 for range code 6, "all points");
   * `low`/`high`: its index range (-1 when the qualifier carries a count, not a range).
   */
  object(group: number, variation: number, qualifier: number, count: number, low: number, high: number): void;
  /** An object header cut short or impossible (the parse stops after this): what it names. */
  partialObject(group: number, variation: number): void;
  /** One control relay output block (g12v1) or pattern control block (g12v2). `index` -1 when the qualifier gives none. */
  crob(variation: number, index: number, control: number, count: number, onTime: number, offTime: number, status: number): void;
  /** One analog output block (g41v1-4). */
  analogOutput(variation: number, index: number, value: number, status: number): void;
  /** One object of a header with a size prefix (file control, data sets, authentication): its bytes d[off..off+len). */
  sizedObject(group: number, variation: number, d: Uint8Array, off: number, len: number): void;
  /** One device attribute (g0): data type code and value bytes d[off..off+len). */
  attribute(variation: number, index: number, type: number, d: Uint8Array, off: number, len: number): void;
  /** A problem (PROBLEM_*); after MALFORMED, UNKNOWN_OBJECT and TOO_MANY_OBJECTS the parse stops. */
  problem(kind: number, detail: string): void;
}

/** Requests whose object headers carry no object data (the header names what to act on). */
function requestHeadersOnly(fc: number): boolean {
  return (
    fc === FC_READ || fc === FC_IMMED_FREEZE || fc === FC_IMMED_FREEZE_NR || fc === FC_FREEZE_CLEAR ||
    fc === FC_FREEZE_CLEAR_NR || fc === FC_ENABLE_UNSOLICITED || fc === FC_DISABLE_UNSOLICITED || fc === FC_ASSIGN_CLASS
  );
}

/** Whether the objects of this header carry data in a fragment of function `fc`. */
function hasData(fc: number, group: number): boolean {
  if (fc >= 0x80) return true;
  if (requestHeadersOnly(fc)) return false;
  // Freeze-at-time: the time object (g50) carries data, the counter headers after it do not.
  if (fc === FC_FREEZE_AT_TIME || fc === FC_FREEZE_AT_TIME_NR) return group === 50;
  return true;
}

function readLE(d: Uint8Array, off: number, size: number): number {
  if (size === 1) return d[off];
  if (size === 2) return d[off] | (d[off + 1] << 8);
  return (d[off] | (d[off + 1] << 8) | (d[off + 2] << 16)) + d[off + 3] * 0x1000000;
}

/** Scratch for float conversions (one per thread). */
const F32 = new Float32Array(1);
const F64 = new Float64Array(1);
const F32B = new Uint8Array(F32.buffer);
const F64B = new Uint8Array(F64.buffer);

function readF32(d: Uint8Array, off: number): number {
  for (let i = 0; i < 4; i++) F32B[i] = d[off + i];
  return F32[0];
}

function readF64(d: Uint8Array, off: number): number {
  for (let i = 0; i < 8; i++) F64B[i] = d[off + i];
  return F64[0];
}

function readI32(d: Uint8Array, off: number): number {
  return d[off] | (d[off + 1] << 8) | (d[off + 2] << 16) | (d[off + 3] << 24);
}

function readI16(d: Uint8Array, off: number): number {
  return ((d[off] | (d[off + 1] << 8)) << 16) >> 16;
}

/**
 * Parses one application fragment d[off..off+len) (transport header removed) and reports it
 * to `v`. Returns the offset where parsing stopped (off + len when the whole fragment was read).
 */
export function parseFragment(d: Uint8Array, off: number, len: number, v: FragmentVisitor): number {
  const end = off + len;
  if (len < 2) {
    v.problem(PROBLEM_MALFORMED, 'application header cut short');
    return off;
  }
  const ac = d[off];
  const fc = d[off + 1];
  let p = off + 2;
  let iin = -1;
  if (fc >= 0x80) {
    if (len < 4) {
      v.problem(PROBLEM_MALFORMED, 'response header cut short (no IIN)');
      return off;
    }
    iin = (d[off + 2] << 8) | d[off + 3];
    p = off + 4;
  }
  v.header(ac, fc, iin);
  // The objects of a function the specification does not define have no known layout.
  if (!isKnownFunction(fc)) return p;
  let headers = 0;
  while (p < end) {
    if (++headers > MAX_OBJECTS) {
      v.problem(PROBLEM_TOO_MANY_OBJECTS, `more than ${MAX_OBJECTS} object headers`);
      return p;
    }
    const next = parseObject(d, p, end, fc, v);
    if (next < 0) return p;
    p = next;
  }
  return p;
}

/** One object header and its objects at d[p]; the offset after them, or -1 (reported) when parsing stops. */
function parseObject(d: Uint8Array, p: number, end: number, fc: number, v: FragmentVisitor): number {
  if (end - p < 3) {
    if (end - p >= 2) v.partialObject(d[p], d[p + 1]);
    v.problem(PROBLEM_MALFORMED, 'object header cut short');
    return -1;
  }
  const group = d[p];
  const variation = d[p + 1];
  const qualifier = d[p + 2];
  const prefixCode = (qualifier >> 4) & 0x07;
  const rangeCode = qualifier & 0x0f;
  const rangeSize = RANGE_FIELD_SIZE[rangeCode];
  const prefixSize = PREFIX_SIZE[prefixCode];
  if (rangeSize < 0 || prefixSize < 0) {
    v.partialObject(group, variation);
    v.problem(PROBLEM_MALFORMED, `reserved qualifier 0x${qualifier.toString(16)} (g${group}v${variation})`);
    return -1;
  }
  p += 3;
  if (end - p < rangeSize) {
    v.partialObject(group, variation);
    v.problem(PROBLEM_MALFORMED, `range field cut short (g${group}v${variation})`);
    return -1;
  }
  let count: number;
  let low = -1;
  let high = -1;
  if (rangeCode <= 2) {
    const half = rangeSize >> 1;
    low = readLE(d, p, half);
    high = readLE(d, p + half, half);
    if (high < low) {
      v.partialObject(group, variation);
      v.problem(PROBLEM_MALFORMED, `range stop ${high} below start ${low} (g${group}v${variation})`);
      return -1;
    }
    count = high - low + 1;
  } else if (rangeCode <= 5) {
    // A single absolute address: one object.
    low = high = readLE(d, p, rangeSize);
    count = 1;
  } else if (rangeCode === 6) {
    count = -1;
  } else {
    count = readLE(d, p, rangeSize);
  }
  p += rangeSize;
  v.object(group, variation, qualifier, count, low, high);
  // Objects with a size prefix carry their bytes whatever the function (a READ of a file block).
  if (count <= 0 || (prefixCode < 4 && !hasData(fc, group))) return p;
  const size = objectSize(group, variation);
  if (size === SIZE_NONE) {
    if (group === 60) return p;
    // "Any variation" names objects; it cannot carry them.
    v.problem(PROBLEM_MALFORMED, `g${group}v${variation} with ${count} objects of data (variation 0 carries none)`);
    return -1;
  }
  // An absurd point count is an anomaly; the work stays bounded by the fragment's bytes.
  if (count > MAX_POINTS) v.problem(PROBLEM_TOO_MANY_POINTS, `${count} points in g${group}v${variation}`);
  // Objects with a size prefix: walk them by their sizes.
  if (prefixCode >= 4) return walkSized(d, p, end, group, variation, count, prefixSize, v);
  const bits = objectPackedBits(group, variation);
  if (bits > 0 && prefixSize === 0) {
    const bytes = Math.ceil((count * bits) / 8);
    if (end - p < bytes) return cut(v, group, variation);
    return p + bytes;
  }
  if (group === 0) return walkAttributes(d, p, end, variation, count, low, prefixSize, v);
  if (size === SIZE_VARIABLE || size === SIZE_UNKNOWN) {
    v.problem(PROBLEM_UNKNOWN_OBJECT, `no size known for g${group}v${variation} with qualifier 0x${qualifier.toString(16)}`);
    return -1;
  }
  // Fixed-size objects (packed ones with an index prefix take an octet each). The objects that
  // fit are read even when the fragment ends before the last one (partial results).
  const stride = prefixSize + (size > 0 ? size : 1);
  const fit = Math.min(count, Math.floor((end - p) / stride));
  if (group === 12 && (variation === 1 || variation === 2)) {
    for (let i = 0, q = p; i < fit; i++, q += stride) {
      const index = prefixSize > 0 ? readLE(d, q, prefixSize) : low >= 0 ? low + i : -1;
      const o = q + prefixSize;
      v.crob(variation, index, d[o], d[o + 1], readLE(d, o + 2, 4), readLE(d, o + 6, 4), d[o + 10]);
    }
  } else if (group === 41 && variation >= 1 && variation <= 4) {
    for (let i = 0, q = p; i < fit; i++, q += stride) {
      const index = prefixSize > 0 ? readLE(d, q, prefixSize) : low >= 0 ? low + i : -1;
      const o = q + prefixSize;
      if (variation === 1) v.analogOutput(1, index, readI32(d, o), d[o + 4]);
      else if (variation === 2) v.analogOutput(2, index, readI16(d, o), d[o + 2]);
      else if (variation === 3) v.analogOutput(3, index, readF32(d, o), d[o + 4]);
      else v.analogOutput(4, index, readF64(d, o), d[o + 8]);
    }
  }
  if (fit < count) return cut(v, group, variation);
  return p + stride * count;
}

function cut(v: FragmentVisitor, group: number, variation: number): number {
  v.problem(PROBLEM_MALFORMED, `objects of g${group}v${variation} run past the fragment`);
  return -1;
}

/** Objects each preceded by their size (1, 2 or 4 octets). */
function walkSized(d: Uint8Array, p: number, end: number, group: number, variation: number, count: number, prefixSize: number, v: FragmentVisitor): number {
  for (let i = 0; i < count; i++) {
    if (end - p < prefixSize) return cut(v, group, variation);
    const size = readLE(d, p, prefixSize);
    p += prefixSize;
    if (end - p < size) return cut(v, group, variation);
    v.sizedObject(group, variation, d, p, size);
    p += size;
  }
  return p;
}

/** Device attributes (g0): data type code, length, value. */
function walkAttributes(d: Uint8Array, p: number, end: number, variation: number, count: number, low: number, prefixSize: number, v: FragmentVisitor): number {
  for (let i = 0; i < count; i++) {
    let index = low >= 0 ? low + i : -1;
    if (prefixSize > 0) {
      if (end - p < prefixSize) return cut(v, 0, variation);
      index = readLE(d, p, prefixSize);
      p += prefixSize;
    }
    if (end - p < 2) return cut(v, 0, variation);
    const type = d[p];
    const n = d[p + 1];
    p += 2;
    if (end - p < n) return cut(v, 0, variation);
    v.attribute(variation, index, type, d, p, n);
    p += n;
  }
  return p;
}
