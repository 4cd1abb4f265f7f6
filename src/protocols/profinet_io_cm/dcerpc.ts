// The connectionless DCE/RPC header (DCE 1.1 RPC §12.5: 80 bytes) and the bodies of the
// packet types that are not PNIO calls (fack, fault, reject). Integers follow the packet's
// data representation (drep byte 0, high nibble: 0 big-endian, 1 little-endian), UUIDs too
// (their first three fields). Pure parsing: bytes in, fields out.
import { CL_HEADER_LEN, PTYPE, RPC_VERSION, pnioInterface } from './constants.ts';

export function u16(d: Uint8Array, o: number, le: boolean): number {
  return le ? d[o] | (d[o + 1] << 8) : (d[o] << 8) | d[o + 1];
}

export function u32(d: Uint8Array, o: number, le: boolean): number {
  return (le ? d[o] | (d[o + 1] << 8) | (d[o + 2] << 16) | (d[o + 3] << 24) : (d[o] << 24) | (d[o + 1] << 16) | (d[o + 2] << 8) | d[o + 3]) >>> 0;
}

/** Upper-case hex of every byte value, made once. */
const BYTE_HEX: string[] = [];
for (let i = 0; i < 256; i++) BYTE_HEX.push(i.toString(16).toUpperCase().padStart(2, '0'));

/**
 * The UUID at d[off] as text (upper case, as ICSNPP writes UUIDs), its first three fields
 * read in the given byte order: a little-endian packet sends DEA00001-6C97-… as
 * 01 00 A0 DE 97 6C …. PNIO blocks are always big-endian.
 */
export function uuidText(d: Uint8Array, off: number, le: boolean): string {
  const x = BYTE_HEX;
  const a = le
    ? x[d[off + 3]] + x[d[off + 2]] + x[d[off + 1]] + x[d[off]] + '-' + x[d[off + 5]] + x[d[off + 4]] + '-' + x[d[off + 7]] + x[d[off + 6]]
    : x[d[off]] + x[d[off + 1]] + x[d[off + 2]] + x[d[off + 3]] + '-' + x[d[off + 4]] + x[d[off + 5]] + '-' + x[d[off + 6]] + x[d[off + 7]];
  return a + '-' + x[d[off + 8]] + x[d[off + 9]] + '-' + x[d[off + 10]] + x[d[off + 11]] + x[d[off + 12]] + x[d[off + 13]] + x[d[off + 14]] + x[d[off + 15]];
}

/** Why a datagram is not a connectionless DCE/RPC packet (0: it is). */
export const HEADER_PROBLEM = {
  NONE: 0,
  SHORT: 1,
  VERSION: 2,
  PTYPE: 3,
  DREP: 4,
} as const;

/** The fields of one header; reused for every datagram of a session. */
export class ClHeader {
  version = 0;
  ptype = 0;
  flags1 = 0;
  flags2 = 0;
  /** drep: integer representation (0 big-endian, 1 little-endian), character (0 ASCII, 1 EBCDIC), floating point (0 IEEE…). */
  intRep = 0;
  charRep = 0;
  floatRep = 0;
  le = false;
  serialHi = 0;
  serialLo = 0;
  /** Offsets of the object, interface and activity UUIDs in the datagram. */
  objOff = 0;
  ifOff = 0;
  actOff = 0;
  serverBoot = 0;
  ifVers = 0;
  seq = 0;
  opnum = 0;
  ihint = 0;
  ahint = 0;
  /** Body length the header declares (fragment length). */
  len = 0;
  fragnum = 0;
  authProto = 0;
  /** Where the body starts, and the body bytes present (at most len). */
  bodyOff = 0;
  bodyLen = 0;
  /** The PNIO interface the interface UUID names (1..4), 0 for another interface. */
  pnio = 0;
}

/** Reads the header at d[off] (len bytes). Returns a HEADER_PROBLEM; the fields read so far stay. */
export function parseClHeader(d: Uint8Array, off: number, len: number, h: ClHeader): number {
  if (len < CL_HEADER_LEN) return HEADER_PROBLEM.SHORT;
  h.version = d[off];
  h.ptype = d[off + 1] & 0x1f;
  if (h.version !== RPC_VERSION) return HEADER_PROBLEM.VERSION;
  if (d[off + 1] > PTYPE.CANCEL_ACK) return HEADER_PROBLEM.PTYPE;
  h.flags1 = d[off + 2];
  h.flags2 = d[off + 3];
  const dr0 = d[off + 4];
  h.intRep = dr0 >> 4;
  h.charRep = dr0 & 0x0f;
  h.floatRep = d[off + 5];
  if (h.intRep > 1 || h.charRep > 1 || h.floatRep > 3) return HEADER_PROBLEM.DREP;
  const le = h.intRep === 1;
  h.le = le;
  h.serialHi = d[off + 7];
  h.objOff = off + 8;
  h.ifOff = off + 24;
  h.actOff = off + 40;
  h.serverBoot = u32(d, off + 56, le);
  h.ifVers = u32(d, off + 60, le);
  h.seq = u32(d, off + 64, le);
  h.opnum = u16(d, off + 68, le);
  h.ihint = u16(d, off + 70, le);
  h.ahint = u16(d, off + 72, le);
  h.len = u16(d, off + 74, le);
  h.fragnum = u16(d, off + 76, le);
  h.authProto = d[off + 78];
  h.serialLo = d[off + 79];
  h.bodyOff = off + CL_HEADER_LEN;
  h.bodyLen = Math.min(h.len, len - CL_HEADER_LEN);
  h.pnio = pnioInterface(d, h.ifOff, le);
  return HEADER_PROBLEM.NONE;
}

/** Selective acknowledgements kept from a fack body, at most. */
export const MAX_SELACK = 32;

/** A fack body (DCE 1.1 §12.5.3.4): window and size limits, and the selective acknowledgement bit masks. */
export class FackBody {
  vers = 0;
  windowSize = 0;
  maxTsdu = 0;
  maxFragSize = 0;
  serialNum = 0;
  selackLen = 0;
  readonly selack: number[] = [];
}

/** Reads a fack body; false when it is shorter than its 16 fixed bytes. */
export function parseFack(d: Uint8Array, off: number, len: number, le: boolean, f: FackBody): boolean {
  f.selack.length = 0;
  if (len < 16) return false;
  f.vers = d[off];
  f.windowSize = u16(d, off + 2, le);
  f.maxTsdu = u32(d, off + 4, le);
  f.maxFragSize = u32(d, off + 8, le);
  f.serialNum = u16(d, off + 12, le);
  f.selackLen = u16(d, off + 14, le);
  const n = Math.min(f.selackLen, MAX_SELACK, (len - 16) >> 2);
  for (let i = 0; i < n; i++) f.selack.push(u32(d, off + 16 + 4 * i, le));
  return true;
}
