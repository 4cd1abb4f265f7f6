// Pure parsing of S7comm PDUs (one COTP TSDU each): the header, the userdata parameter, the
// variable items of Read/Write Var, the data items of their answers, block file names, PI
// service parameters and SZL lists. Bytes in, fields out; no state. All multi-byte fields are
// big-endian. Every read is bounded by the caller's `end`.
import {
  RETURN_SUCCESS, ROSCTR_ACK, ROSCTR_ACK_DATA, S7COMM_PROTOCOL_ID, S7_HEADER_LEN, S7_HEADER_LEN_ACK, SYNTAX_S7ANY, VARSPEC_TYPE,
  dataLengthInBits,
} from './constants.ts';

export const be16 = (d: Uint8Array, o: number): number => (d[o] << 8) | d[o + 1];
export const be32 = (d: Uint8Array, o: number): number => ((d[o] << 24) | (d[o + 1] << 16) | (d[o + 2] << 8) | d[o + 3]) >>> 0;

/** The S7comm header. Offsets are absolute; *Avail are the lengths actually present. */
export class S7Header {
  rosctr = 0;
  /** PDU reference as on the wire (big-endian); used to pair jobs and answers. */
  pduRef = 0;
  /** The PDU reference as ICSNPP logs it (low byte first). */
  pduRefIcsnpp = 0;
  paramLen = 0;
  dataLen = 0;
  /** Ack / Ack-Data: error class and code; -1 otherwise. */
  errClass = -1;
  errCode = -1;
  headerLen = 0;
  paramOff = 0;
  paramAvail = 0;
  dataOff = 0;
  dataAvail = 0;
  /** Parameter and data lengths claim more bytes than the PDU holds. */
  truncated = false;
}

/** Parses the header at d[off] of a PDU of `len` bytes; false when it is not an S7comm header. */
export function parseS7Header(d: Uint8Array, off: number, len: number, h: S7Header): boolean {
  if (len < S7_HEADER_LEN || d[off] !== S7COMM_PROTOCOL_ID) return false;
  const rosctr = d[off + 1];
  h.rosctr = rosctr;
  h.pduRef = be16(d, off + 4);
  h.pduRefIcsnpp = d[off + 4] | (d[off + 5] << 8);
  h.paramLen = be16(d, off + 6);
  h.dataLen = be16(d, off + 8);
  h.errClass = -1;
  h.errCode = -1;
  let hl = S7_HEADER_LEN;
  if (rosctr === ROSCTR_ACK || rosctr === ROSCTR_ACK_DATA) {
    if (len < S7_HEADER_LEN_ACK) return false;
    hl = S7_HEADER_LEN_ACK;
    h.errClass = d[off + 10];
    h.errCode = d[off + 11];
  }
  h.headerLen = hl;
  const end = off + len;
  h.paramOff = off + hl;
  h.paramAvail = Math.min(h.paramLen, end - h.paramOff);
  h.dataOff = Math.min(h.paramOff + h.paramLen, end);
  h.dataAvail = Math.min(h.dataLen, end - h.dataOff);
  h.truncated = hl + h.paramLen + h.dataLen > len;
  return true;
}

/** The userdata parameter (ROSCTR 7): head 00 01 12, length, method, type/group, subfunction, sequence. */
export class UserdataParam {
  head = 0;
  /** Length byte: 4 (request form) or 8 (with data unit reference, last-unit flag, error code). */
  plen = 0;
  method = 0;
  typeGroup = 0;
  /** High nibble of typeGroup: 0 push, 4 request, 8 response. */
  type = 0;
  group = 0;
  subfunction = 0;
  seq = 0;
  /** -1 in the short form. */
  dataUnitRef = -1;
  /** 0 = last data unit, 1 = more follow; -1 in the short form. */
  lastDataUnit = -1;
  errorCode = -1;
}

/** Parses the userdata parameter of `len` bytes at d[off]; false when shorter than 8 bytes. */
export function parseUserdataParam(d: Uint8Array, off: number, len: number, u: UserdataParam): boolean {
  if (len < 8) return false;
  u.head = (d[off] << 16) | (d[off + 1] << 8) | d[off + 2];
  u.plen = d[off + 3];
  u.method = d[off + 4];
  u.typeGroup = d[off + 5];
  u.type = u.typeGroup >> 4;
  u.group = u.typeGroup & 0x0f;
  u.subfunction = d[off + 6];
  u.seq = d[off + 7];
  u.dataUnitRef = -1;
  u.lastDataUnit = -1;
  u.errorCode = -1;
  if (u.plen >= 8 && len >= 12) {
    u.dataUnitRef = d[off + 8];
    u.lastDataUnit = d[off + 9];
    u.errorCode = be16(d, off + 10);
  }
  return true;
}

/** One variable of a Read/Write Var job. */
export interface VarItem {
  syntax: number;
  /** S7ANY only (else -1): element type, element count, DB number, area, bit address. */
  tsize: number;
  count: number;
  db: number;
  area: number;
  address: number;
  /** Write Var: bytes of the item's value in the job's data part (-1 unknown) and their start in hex. */
  dataLen: number;
  dataHex: string | undefined;
}

export interface ItemList {
  items: VarItem[];
  /** Item count byte of the parameter. */
  declared: number;
  /** A variable specification is malformed or runs past the parameter. */
  bad: boolean;
}

/** Variable specifications of a Read/Write Var job parameter at d[off] (`len` bytes, function byte first), at most `max`. */
export function parseVarItems(d: Uint8Array, off: number, len: number, max: number): ItemList {
  const out: ItemList = { items: [], declared: 0, bad: false };
  if (len < 2) {
    out.bad = true;
    return out;
  }
  const n = d[off + 1];
  out.declared = n;
  const end = off + len;
  let p = off + 2;
  for (let i = 0; i < n && out.items.length < max; i++) {
    if (p + 2 > end || d[p] !== VARSPEC_TYPE) {
      out.bad = true;
      break;
    }
    const specLen = d[p + 1];
    if (specLen < 1 || p + 2 + specLen > end) {
      out.bad = true;
      break;
    }
    const syntax = d[p + 2];
    const it: VarItem = { syntax, tsize: -1, count: -1, db: -1, area: -1, address: -1, dataLen: -1, dataHex: undefined };
    if (syntax === SYNTAX_S7ANY && specLen >= 10) {
      it.tsize = d[p + 3];
      it.count = be16(d, p + 4);
      it.db = be16(d, p + 6);
      it.area = d[p + 8];
      it.address = (d[p + 9] << 16) | (d[p + 10] << 8) | d[p + 11];
    }
    out.items.push(it);
    p += 2 + specLen;
  }
  return out;
}

/** One data item of Read Var answers and Write Var jobs: return code, transport size, length, bytes. */
export class DataItem {
  returnCode = 0;
  tsize = 0;
  /** Length field as sent (bits for transport sizes 3, 4, 5). */
  length = 0;
  dataOff = 0;
  /** Bytes of data present; -1 when even the item's header is missing. */
  dataLen = 0;
}

/**
 * Reads the data item at d[p] (data part ends at `end`); returns the offset of the next item
 * (after the fill byte that follows odd lengths of all but the last item), or -1 when the item
 * runs past the data part. `answer`: an item of a Read Var answer, which carries data only
 * when its return code is success (failed items are the 4 header bytes alone).
 */
export function readDataItem(d: Uint8Array, p: number, end: number, last: boolean, answer: boolean, it: DataItem): number {
  if (p + 4 > end) {
    it.dataOff = p;
    it.dataLen = -1;
    return -1;
  }
  it.returnCode = d[p];
  it.tsize = d[p + 1];
  it.length = be16(d, p + 2);
  it.dataOff = p + 4;
  if (answer && it.returnCode !== RETURN_SUCCESS) {
    it.dataLen = 0;
    return p + 4;
  }
  let n = it.length;
  if (dataLengthInBits(it.tsize)) n = (n + 7) >> 3;
  if (p + 4 + n > end) {
    it.dataLen = end - (p + 4);
    return -1;
  }
  it.dataLen = n;
  let next = p + 4 + n;
  if (!last && (n & 1) === 1) next++;
  return Math.min(next, end);
}

/** A block file name of the block transfer functions: "_0A00001P" (identifier, type, number, file system). */
export interface BlockName {
  filename: string;
  /** "0A"… (undefined when the name is too short). */
  blockType: string | undefined;
  blockNumber: string | undefined;
  filesystem: string | undefined;
}

export function parseBlockName(d: Uint8Array, off: number, len: number): BlockName {
  const filename = latin1(d, off, len);
  // A name starts with a file identifier ('_' complete module, '$' header); PI parameters omit it.
  const o = filename.length === 9 ? 1 : filename.length === 8 ? 0 : -1;
  if (o < 0) return { filename, blockType: undefined, blockNumber: undefined, filesystem: undefined };
  return { filename, blockType: filename.slice(o, o + 2), blockNumber: filename.slice(o + 2, o + 7), filesystem: filename.slice(o + 7, o + 8) };
}

/** The PI service of a PLC Control job: its name and its parameter block. */
export interface PiService {
  service: string;
  paramOff: number;
  paramLen: number;
}

/** PLC Control (0x28) job parameter: function, 7 unknown bytes, block length, block, name length, name. */
export function parsePiService(d: Uint8Array, off: number, len: number): PiService | null {
  if (len < 11) return null;
  const end = off + len;
  const blen = be16(d, off + 8);
  const b = off + 10;
  if (b + blen + 1 > end) return null;
  const nlen = d[b + blen];
  const n = b + blen + 1;
  if (n + nlen > end) return null;
  return { service: latin1(d, n, nlen), paramOff: b, paramLen: blen };
}

/** The header of an SZL list in a Read SZL answer: id, index, record length, record count. */
export class SzlList {
  id = 0;
  index = 0;
  /** -1 when the answer holds only id and index. */
  recordLen = -1;
  recordCount = -1;
  recordsOff = 0;
  recordsAvail = 0;
}

export function parseSzlList(d: Uint8Array, off: number, len: number, s: SzlList): boolean {
  if (len < 4) return false;
  s.id = be16(d, off);
  s.index = be16(d, off + 2);
  s.recordLen = -1;
  s.recordCount = -1;
  s.recordsOff = off + 4;
  s.recordsAvail = 0;
  if (len >= 8) {
    s.recordLen = be16(d, off + 4);
    s.recordCount = be16(d, off + 6);
    s.recordsOff = off + 8;
    s.recordsAvail = len - 8;
  }
  return true;
}

/** Bytes as a Latin-1 string. */
export function latin1(d: Uint8Array, off: number, len: number): string {
  let s = '';
  for (let i = 0; i < len; i++) s += String.fromCharCode(d[off + i]);
  return s;
}

/** A fixed-width text field: up to the first NUL, trailing spaces removed. */
export function textField(d: Uint8Array, off: number, len: number): string {
  let n = 0;
  while (n < len && d[off + n] !== 0) n++;
  while (n > 0 && d[off + n - 1] === 0x20) n--;
  return latin1(d, off, n);
}

/** An ASCII decimal number field ("000216"), -1 when it holds anything else. */
export function asciiNumber(d: Uint8Array, off: number, len: number): number {
  if (len === 0) return -1;
  let n = 0;
  for (let i = 0; i < len; i++) {
    const c = d[off + i];
    if (c < 0x30 || c > 0x39) return -1;
    n = n * 10 + (c - 0x30);
  }
  return n;
}

