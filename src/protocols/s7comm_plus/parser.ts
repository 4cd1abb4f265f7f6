// Pure parsing of one S7comm-plus PDU (a COTP TSDU): header (protocol id, version, data
// length), the V3 integrity part, the start of the data part (opcode, function, sequence
// number, session id of requests) and whether a trailer closes it. Messages longer than a
// PDU are split into fragments: every fragment has a header, only the last has the trailer.
import {
  DIGEST_LEN, OPCODE_NOTIFICATION, OPCODE_REQUEST, S7COMMP_HEADER_LEN, S7COMMP_PROTOCOL_ID, S7COMMP_TRAILER_LEN,
  VERSION_3, VERSION_KEEP_ALIVE,
} from './constants.ts';

export class S7pPdu {
  version = 0;
  /** Keep-alive PDUs (version 0xff) are 4 bytes: id, version, a sequence number, a reserved byte. */
  keepAlive = false;
  dataLen = 0;
  /** The data length runs past the PDU. */
  truncated = false;
  /** A trailer follows the data part: this PDU ends its message. */
  hasTrailer = false;
  /** V3: the digest length byte is not 32. */
  badIntegrity = false;
  /** -1 when not read (continuation fragment, or not enough bytes). */
  opcode = -1;
  functionCode = -1;
  seq = -1;
  sessionId = -1;
}

const be16 = (d: Uint8Array, o: number) => (d[o] << 8) | d[o + 1];

/**
 * Parses the PDU at d[off] (`len` bytes). `continuation`: an earlier PDU of this side had no
 * trailer, so this one carries the rest of that message and has no opcode of its own.
 * Returns false when this is not an S7comm-plus PDU (too short or another protocol id).
 */
export function parseS7pPdu(d: Uint8Array, off: number, len: number, continuation: boolean, p: S7pPdu): boolean {
  if (len < S7COMMP_HEADER_LEN || d[off] !== S7COMMP_PROTOCOL_ID) return false;
  p.version = d[off + 1];
  p.keepAlive = p.version === VERSION_KEEP_ALIVE;
  p.dataLen = 0;
  p.truncated = false;
  p.hasTrailer = false;
  p.badIntegrity = false;
  p.opcode = -1;
  p.functionCode = -1;
  p.seq = -1;
  p.sessionId = -1;
  if (p.keepAlive) {
    p.seq = d[off + 2];
    p.hasTrailer = true;
    return true;
  }
  p.dataLen = be16(d, off + 2);
  const dataOff = off + S7COMMP_HEADER_LEN;
  const end = off + len;
  const dataEnd = Math.min(dataOff + p.dataLen, end);
  p.truncated = dataOff + p.dataLen > end;
  p.hasTrailer = !p.truncated && dataOff + p.dataLen + S7COMMP_TRAILER_LEN <= end && d[dataOff + p.dataLen] === S7COMMP_PROTOCOL_ID;
  if (continuation) return true;
  let q = dataOff;
  if (p.version === VERSION_3) {
    if (q >= dataEnd) return true;
    if (d[q] !== DIGEST_LEN) {
      p.badIntegrity = true;
      return true;
    }
    q += 1 + DIGEST_LEN;
  }
  if (q >= dataEnd) return true;
  p.opcode = d[q];
  if (p.opcode === OPCODE_NOTIFICATION) return true;
  // opcode, reserved (2), function (2), reserved (2), sequence number (2), [request: session id (4)]
  if (q + 5 <= dataEnd) p.functionCode = be16(d, q + 3);
  if (q + 9 <= dataEnd) p.seq = be16(d, q + 7);
  if (p.opcode === OPCODE_REQUEST && q + 13 <= dataEnd) p.sessionId = ((d[q + 9] << 24) | (d[q + 10] << 16) | (d[q + 11] << 8) | d[q + 12]) >>> 0;
  return true;
}
