// Pure parsing helpers for SMB: the NetBIOS session header, the SMB1 and SMB2 headers, the
// SMB2 transform header, strings, GUIDs and FILETIMEs. No state; every read is bounded by
// the caller's length checks; nothing here throws on network input.
import {
  NBSS_KEEP_ALIVE, NBSS_NEGATIVE_RESPONSE, NBSS_POSITIVE_RESPONSE, NBSS_RETARGET_RESPONSE, NBSS_SESSION_MESSAGE,
  NBSS_SESSION_REQUEST, SMB1_HEADER_LEN, SMB1_MAGIC, SMB2_COMPRESSION_MAGIC, SMB2_HEADER_LEN, SMB2_MAGIC,
  SMB2_TRANSFORM_LEN, SMB2_TRANSFORM_MAGIC,
} from './constants.ts';

export const u16 = (d: Uint8Array, o: number): number => d[o] | (d[o + 1] << 8);
export const u32 = (d: Uint8Array, o: number): number => (d[o] | (d[o + 1] << 8) | (d[o + 2] << 16) | (d[o + 3] << 24)) >>> 0;
export const be32 = (d: Uint8Array, o: number): number => ((d[o] << 24) | (d[o + 1] << 16) | (d[o + 2] << 8) | d[o + 3]) >>> 0;
/** A little-endian 64-bit value as a number (exact below 2^53). */
export const u64 = (d: Uint8Array, o: number): number => u32(d, o + 4) * 4294967296 + u32(d, o);

const HEX = '0123456789abcdef';

/** Bytes in hex, wire order. */
export function hexBytes(d: Uint8Array, off: number, len: number): string {
  let s = '';
  for (let i = 0; i < len; i++) s += HEX[d[off + i] >> 4] + HEX[d[off + i] & 15];
  return s;
}

/** A little-endian 64-bit value as "0x" and 16 hex digits (session ids: exact at any size). */
export function hex64(d: Uint8Array, o: number): string {
  let s = '0x';
  for (let i = 7; i >= 0; i--) s += HEX[d[o + i] >> 4] + HEX[d[o + i] & 15];
  return s;
}

/** A GUID in its registry form (first three groups little-endian), e.g. "6bc8bf94-…". */
export function guid(d: Uint8Array, o: number): string {
  const h = (i: number) => HEX[d[o + i] >> 4] + HEX[d[o + i] & 15];
  return `${h(3)}${h(2)}${h(1)}${h(0)}-${h(5)}${h(4)}-${h(7)}${h(6)}-${h(8)}${h(9)}-${h(10)}${h(11)}${h(12)}${h(13)}${h(14)}${h(15)}`;
}

/** Seconds between 1601-01-01 and 1970-01-01. */
const FILETIME_EPOCH = 11644473600;

/** A FILETIME (100 ns since 1601) as seconds since 1970; 0 for a zero FILETIME. */
export function filetime(d: Uint8Array, o: number): number {
  const lo = u32(d, o);
  const hi = u32(d, o + 4);
  if (lo === 0 && hi === 0) return 0;
  return hi * 429.4967296 + lo / 1e7 - FILETIME_EPOCH;
}

/** Characters kept of a name or path. */
export const MAX_TEXT = 1024;

/** UTF-16LE text (NULs end it), at most MAX_TEXT characters. */
export function utf16(d: Uint8Array, off: number, len: number): string {
  let n = len >> 1;
  if (n > MAX_TEXT) n = MAX_TEXT;
  let s = '';
  for (let i = 0; i < n; i++) {
    const c = d[off + 2 * i] | (d[off + 2 * i + 1] << 8);
    if (c === 0) break;
    s += String.fromCharCode(c);
  }
  return s;
}

/** A NUL-terminated string at d[off] within `end` (UTF-16LE when `unicode`), and where it ends. */
export class CString {
  text = '';
  /** Offset after the terminator (or `end` when there is none). */
  next = 0;
}

export function readCString(d: Uint8Array, off: number, end: number, unicode: boolean, out: CString): void {
  let s = '';
  let p = off;
  if (unicode) {
    while (end - p >= 2) {
      const c = d[p] | (d[p + 1] << 8);
      p += 2;
      if (c === 0) {
        out.text = s;
        out.next = p;
        return;
      }
      if (s.length < MAX_TEXT) s += String.fromCharCode(c);
    }
  } else {
    while (p < end) {
      const c = d[p++];
      if (c === 0) {
        out.text = s;
        out.next = p;
        return;
      }
      if (s.length < MAX_TEXT) s += String.fromCharCode(c);
    }
  }
  out.text = s;
  out.next = end;
}

/** The SMB protocol id (first 4 bytes, big-endian) at d[off], or 0 when fewer than 4 bytes. */
export function smbMagic(d: Uint8Array, off: number, len: number): number {
  return len >= 4 ? be32(d, off) : 0;
}

/** The smallest valid message for a protocol id (0: not an SMB protocol id). */
export function minSmbLength(magic: number): number {
  switch (magic) {
    case SMB2_MAGIC:
      return SMB2_HEADER_LEN;
    case SMB1_MAGIC:
      return SMB1_HEADER_LEN;
    case SMB2_TRANSFORM_MAGIC:
      return SMB2_TRANSFORM_LEN;
    case SMB2_COMPRESSION_MAGIC:
      return 16;
    default:
      return 0;
  }
}

/** Whether `t` is an NBSS packet type. */
export function isNbssType(t: number): boolean {
  return t === NBSS_SESSION_MESSAGE || t === NBSS_SESSION_REQUEST || t === NBSS_POSITIVE_RESPONSE
    || t === NBSS_NEGATIVE_RESPONSE || t === NBSS_RETARGET_RESPONSE || t === NBSS_KEEP_ALIVE;
}

/**
 * The length after the 4-byte NBSS header at d[off]. Session messages take 24 bits (the NBSS
 * flags byte doubles as the high byte, as SMB over direct TCP defines it); the others 17.
 */
export function nbssLength(d: Uint8Array, off: number): number {
  if (d[off] === NBSS_SESSION_MESSAGE) return (d[off + 1] << 16) | (d[off + 2] << 8) | d[off + 3];
  return ((d[off + 1] & 1) << 16) | (d[off + 2] << 8) | d[off + 3];
}

/** Whether d[off..off+len) (len >= 4 + 8) starts an NBSS session message with an SMB header of a plausible size. */
export function isSmbMessageStart(d: Uint8Array, off: number, len: number): boolean {
  if (len < 8 || d[off] !== NBSS_SESSION_MESSAGE) return false;
  const min = minSmbLength(be32(d, off + 4));
  if (min === 0) return false;
  const n = nbssLength(d, off);
  if (n < min) return false;
  if (be32(d, off + 4) === SMB2_MAGIC && len >= 10 && u16(d, off + 8) !== SMB2_HEADER_LEN) return false;
  return true;
}

/** The SMB2 header (MS-SMB2 2.2.1). Reused: readSmb2Header overwrites every field. */
export class Smb2Header {
  creditCharge = 0;
  status = 0;
  command = 0;
  credits = 0;
  flags = 0;
  nextCommand = 0;
  /** MessageId as a number (exact below 2^53; the unsolicited 0xffffffffffffffff comes out as 2^64). */
  messageId = 0;
  /** Sync: TreeId; async: 0. */
  treeId = 0;
  async = false;
  /** Offset of the 8-byte AsyncId (async) in the bytes, -1 for sync messages. */
  asyncIdOff = -1;
  /** Offset of the 8-byte SessionId. */
  sessionIdOff = 0;
}

/** Reads the SMB2 header at d[off] (64 bytes must be present). */
export function readSmb2Header(d: Uint8Array, off: number, h: Smb2Header): void {
  h.creditCharge = u16(d, off + 6);
  h.status = u32(d, off + 8);
  h.command = u16(d, off + 12);
  h.credits = u16(d, off + 14);
  h.flags = u32(d, off + 16);
  h.nextCommand = u32(d, off + 20);
  h.messageId = u64(d, off + 24);
  h.async = (h.flags & 0x2) !== 0;
  h.asyncIdOff = h.async ? off + 32 : -1;
  h.treeId = h.async ? 0 : u32(d, off + 36);
  h.sessionIdOff = off + 40;
}

/** The SMB1 header (MS-CIFS 2.2.3.1). Reused. */
export class Smb1Header {
  command = 0;
  status = 0;
  flags = 0;
  flags2 = 0;
  tid = 0;
  pid = 0;
  uid = 0;
  mid = 0;
}

/** Reads the SMB1 header at d[off] (32 bytes must be present). */
export function readSmb1Header(d: Uint8Array, off: number, h: Smb1Header): void {
  h.command = d[off + 4];
  h.status = u32(d, off + 5);
  h.flags = d[off + 9];
  h.flags2 = u16(d, off + 10);
  h.tid = u16(d, off + 24);
  h.pid = u16(d, off + 26) | (u16(d, off + 12) << 16);
  h.uid = u16(d, off + 28);
  h.mid = u16(d, off + 30);
}
