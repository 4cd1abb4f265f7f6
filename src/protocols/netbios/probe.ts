// Content checks for NetBIOS messages, strict enough to run on any UDP flow: a name service
// message must carry a first-level encoded name (a 32-byte label of 'A'..'P') right after
// its header; a datagram must have a defined message type, clean flags, a DGM_LENGTH equal to
// its bytes (off port 138), and encoded names.
import { ENCODED_NAME_LEN, NBNS_HEADER_LEN, isKnownOpcode } from './constants.ts';
import { isEncodedName, readU16 } from './parser.ts';

/** An encoded name (length byte 0x20, 32 letters) at d[p], within end. */
function encodedAt(d: Uint8Array, p: number, end: number): boolean {
  return p + 1 + ENCODED_NAME_LEN < end && d[p] === ENCODED_NAME_LEN && isEncodedName(d, p + 1);
}

export function looksLikeNbns(d: Uint8Array, off: number, len: number): boolean {
  if (len < NBNS_HEADER_LEN + 1 + ENCODED_NAME_LEN + 5) return false;
  const flags = readU16(d, off + 2);
  if (!isKnownOpcode((flags >> 11) & 0x0f) || (flags & 0x0060) !== 0 || (flags & 0x0f) > 7) return false;
  const qd = readU16(d, off + 4);
  const an = readU16(d, off + 6);
  const ns = readU16(d, off + 8);
  const ar = readU16(d, off + 10);
  if (qd > 1 || an > 1 || ns > 1 || ar > 1 || qd + an === 0) return false;
  return encodedAt(d, off + NBNS_HEADER_LEN, off + len);
}

/**
 * `onPort`: on UDP 138, DGM_LENGTH is not checked (some senders, such as OKI printers, put
 * the whole datagram's length there; the session raises `bad_length`).
 */
export function looksLikeDgm(d: Uint8Array, off: number, len: number, onPort = false): boolean {
  if (len < 11) return false;
  const t = d[off];
  if ((d[off + 1] & 0xf0) !== 0) return false;
  const end = off + len;
  if (t >= 0x10 && t <= 0x12) {
    if (len < 14 + 2 * (2 + ENCODED_NAME_LEN)) return false;
    if (!onPort && readU16(d, off + 10) !== len - 14) return false;
    return encodedAt(d, off + 14, end);
  }
  if (t === 0x13) return len === 11 && d[off + 10] >= 0x82 && d[off + 10] <= 0x84;
  if (t >= 0x14 && t <= 0x16) return encodedAt(d, off + 10, end);
  return false;
}
