// Pure parsing of one HART-IP message (HCF_SPEC-085): the 8-byte header, and the bodies of
// Session Initiate, Token-Passing PDU (a HART frame: delimiter, address, command, byte count,
// response code and device status, data, check byte), Direct PDU (device status, extended
// status, commands), and Read Audit Log. For identity, the Read Unique Identifier (command 0)
// response and the tag commands (13, 20) are read too.
import {
  CMD_READ_LONG_TAG, CMD_READ_TAG, CMD_READ_UNIQUE_IDENTIFIER, HEADER_LEN, MSG_DIRECT_PDU, MSG_READ_AUDIT_LOG, MSG_SESSION_INITIATE,
  MSG_TOKEN_PASSING_PDU, MSG_TYPE_PUBLISH, MSG_TYPE_REQUEST, MSG_TYPE_RESPONSE, packedAscii,
} from './constants.ts';
import { hexBytes } from '../../core/hex.ts';

export const HART_OK = 0;
/** Fewer bytes than the header's length field announces, or a length below 8. */
export const HART_TRUNCATED = 1;
/** A body shorter than its message needs (a byte count beyond the message). */
export const HART_BAD_BODY = 2;
/** The token-passing PDU check byte is not the XOR of the frame. */
export const HART_BAD_CHECK_BYTE = 3;

/** Direct PDU commands listed per message. */
export const MAX_COMMANDS = 32;
/** Data bytes written per message (hex). */
export const MAX_DATA = 64;

export class HartMessage {
  version = 0;
  reserved = 0;
  messageType = 0;
  messageId = 0;
  status = 0;
  sequence = 0;
  length = 0;
  /** Session Initiate. */
  masterType = -1;
  inactivityCloseTimer = -1;
  /** Token-passing PDU. */
  tpDelimiter = -1;
  tpPollingAddress = -1;
  /** The 5-byte unique (long) address as hex; '' when absent. */
  tpUniqueAddress = '';
  tpCommand = -1;
  tpByteCount = -1;
  tpCheckByte = -1;
  tpResponseCode = -1;
  /** Device status byte of responses (token-passing and direct PDU); -1 when absent. */
  deviceStatus = -1;
  extendedStatus = -1;
  /** Data bytes (after response code and device status in responses) as hex, at most MAX_DATA bytes. */
  data = '';
  /** Direct PDU commands and their response codes (-1 for requests). */
  directCommands: number[] = [];
  directResponseCodes: number[] = [];
  directByteCounts: number[] = [];
  /** Read Audit Log. */
  auditStartRecord = -1;
  auditNumberOfRecords = -1;
  auditPowerUpTime = -1;
  auditLastSecurityChange = -1;
  auditServerStatus = -1;
  auditSessionRecordSize = -1;
  /** Publish/NAK and other bodies that are not parsed: their bytes as hex. */
  packetBytes = '';
  /** Command 0 response identity; command 13/20 tags. */
  expandedDeviceType = -1;
  manufacturerId = -1;
  deviceId = '';
  hartRevision = -1;
  deviceRevision = -1;
  softwareRevision = -1;
  tag = '';
  longTag = '';
  problem = HART_OK;
  detail = '';
}

function fail(m: HartMessage, p: number, detail: string): void {
  if (m.problem === HART_OK) {
    m.problem = p;
    m.detail = detail;
  }
}

/** The message length at d[off] (header checked), 0 when more bytes are needed, -1 when no valid header starts there. */
export function messageLength(d: Uint8Array, off: number, avail: number): number {
  if (avail < 1) return 0;
  if (d[off] !== 1 && d[off] !== 2) return -1; // versions 1 and 2
  if (avail < 2) return 0;
  const t = d[off + 1];
  if (t & 0xf0 || (t > MSG_TYPE_PUBLISH + 1 && t !== 15)) return -1;
  if (avail < 3) return 0;
  if (d[off + 2] > 15) return -1;
  if (avail < 8) return 0;
  const n = (d[off + 6] << 8) | d[off + 7];
  return n < HEADER_LEN ? -1 : n;
}

/** Parses the message d[off, off + len). */
export function parseMessage(d: Uint8Array, off: number, len: number): HartMessage {
  const m = new HartMessage();
  if (len < HEADER_LEN) {
    fail(m, HART_TRUNCATED, `${len} bytes`);
    return m;
  }
  m.version = d[off];
  m.reserved = d[off + 1] >> 4;
  m.messageType = d[off + 1] & 0x0f;
  m.messageId = d[off + 2];
  m.status = d[off + 3];
  m.sequence = (d[off + 4] << 8) | d[off + 5];
  m.length = (d[off + 6] << 8) | d[off + 7];
  if (m.length < HEADER_LEN || m.length > len) {
    fail(m, HART_TRUNCATED, `length ${m.length}, ${len} bytes`);
    return m;
  }
  const p = off + HEADER_LEN;
  const end = off + m.length;
  if (m.messageType !== MSG_TYPE_REQUEST && m.messageType !== MSG_TYPE_RESPONSE) {
    m.packetBytes = hexBytes(d, p, end - p, MAX_DATA);
    return m;
  }
  switch (m.messageId) {
    case MSG_SESSION_INITIATE:
      if (end - p < 5) fail(m, HART_BAD_BODY, 'Session Initiate shorter than 5 bytes');
      else {
        m.masterType = d[p];
        m.inactivityCloseTimer = ((d[p + 1] << 24) >>> 0) + ((d[p + 2] << 16) | (d[p + 3] << 8) | d[p + 4]);
      }
      break;
    case MSG_TOKEN_PASSING_PDU:
      tokenPassing(d, p, end, m);
      break;
    case MSG_DIRECT_PDU:
      direct(d, p, end, m);
      break;
    case MSG_READ_AUDIT_LOG:
      auditLog(d, p, end, m);
      break;
  }
  return m;
}

function tokenPassing(d: Uint8Array, p: number, end: number, m: HartMessage): void {
  const start = p;
  if (end - p < 1) {
    fail(m, HART_BAD_BODY, 'no delimiter');
    return;
  }
  const delim = d[p++];
  m.tpDelimiter = delim;
  const unique = (delim & 0x80) !== 0;
  const alen = unique ? 5 : 1;
  const expansion = (delim >> 5) & 3;
  if (end - p < alen + expansion + 2) {
    fail(m, HART_BAD_BODY, 'token-passing PDU cut before its byte count');
    return;
  }
  if (unique) m.tpUniqueAddress = hexBytes(d, p, 5, 5);
  else m.tpPollingAddress = d[p];
  p += alen + expansion;
  m.tpCommand = d[p++];
  const bc = d[p++];
  m.tpByteCount = bc;
  if (end - p < bc + 1) {
    fail(m, HART_BAD_BODY, `byte count ${bc} runs past the message`);
    return;
  }
  let data = p;
  const dataEnd = p + bc;
  if (m.messageType === MSG_TYPE_RESPONSE && bc >= 2) {
    m.tpResponseCode = d[p];
    m.deviceStatus = d[p + 1];
    data = p + 2;
  }
  m.data = hexBytes(d, data, dataEnd - data, MAX_DATA);
  m.tpCheckByte = d[dataEnd];
  let x = 0;
  for (let i = start; i < dataEnd; i++) x ^= d[i];
  if (x !== m.tpCheckByte) fail(m, HART_BAD_CHECK_BYTE, `check byte 0x${m.tpCheckByte.toString(16)}, computed 0x${x.toString(16)}`);
  if (m.messageType === MSG_TYPE_RESPONSE && m.tpResponseCode === 0) identity(d, data, dataEnd, m.tpCommand, m);
}

/** Identity from responses: command 0 (Read Unique Identifier), 13 (tag), 20 (long tag). */
function identity(d: Uint8Array, p: number, end: number, cmd: number, m: HartMessage): void {
  const n = end - p;
  if (cmd === CMD_READ_UNIQUE_IDENTIFIER && n >= 12) {
    // 254, expanded device type (2), min preambles, HART revision, device revision, software revision,
    // hardware revision/signaling, flags, device id (3)
    m.expandedDeviceType = (d[p + 1] << 8) | d[p + 2];
    m.hartRevision = d[p + 4];
    m.deviceRevision = d[p + 5];
    m.softwareRevision = d[p + 6];
    m.deviceId = hexBytes(d, p + 9, 3, 3);
    if (n >= 19) m.manufacturerId = (d[p + 17] << 8) | d[p + 18];
  } else if (cmd === CMD_READ_TAG && n >= 6) {
    m.tag = packedAscii(d, p, 6);
  } else if (cmd === CMD_READ_LONG_TAG && n >= 1) {
    let e = p + (n < 32 ? n : 32);
    while (e > p && (d[e - 1] === 0 || d[e - 1] === 0x20)) e--;
    let s = '';
    for (let i = p; i < e; i++) s += String.fromCharCode(d[i]);
    m.longTag = s;
  }
}

function direct(d: Uint8Array, p: number, end: number, m: HartMessage): void {
  if (end - p < 2) {
    fail(m, HART_BAD_BODY, 'Direct PDU shorter than its status bytes');
    return;
  }
  m.deviceStatus = d[p];
  m.extendedStatus = d[p + 1];
  p += 2;
  // Commands: number (2), byte count (1), data (response: response code first).
  while (p < end) {
    if (end - p < 3) {
      fail(m, HART_BAD_BODY, 'Direct PDU command header cut short');
      return;
    }
    const cmd = (d[p] << 8) | d[p + 1];
    const bc = d[p + 2];
    p += 3;
    if (end - p < bc) {
      fail(m, HART_BAD_BODY, `command ${cmd}: byte count ${bc} runs past the message`);
      return;
    }
    if (m.directCommands.length < MAX_COMMANDS) {
      m.directCommands.push(cmd);
      m.directByteCounts.push(bc);
      m.directResponseCodes.push(m.messageType === MSG_TYPE_RESPONSE && bc >= 1 ? d[p] : -1);
    }
    p += bc;
  }
}

function auditLog(d: Uint8Array, p: number, end: number, m: HartMessage): void {
  if (end - p < 2) {
    fail(m, HART_BAD_BODY, 'Read Audit Log shorter than 2 bytes');
    return;
  }
  m.auditStartRecord = d[p];
  m.auditNumberOfRecords = d[p + 1];
  if (m.messageType !== MSG_TYPE_RESPONSE) return;
  if (end - p < 22) {
    fail(m, HART_BAD_BODY, 'Read Audit Log response shorter than 22 bytes');
    return;
  }
  const u64 = (o: number) => Number((BigInt(((d[o] << 24) >>> 0) + ((d[o + 1] << 16) | (d[o + 2] << 8) | d[o + 3])) << 32n) + BigInt(((d[o + 4] << 24) >>> 0) + ((d[o + 5] << 16) | (d[o + 6] << 8) | d[o + 7])));
  m.auditPowerUpTime = u64(p + 2);
  m.auditLastSecurityChange = u64(p + 10);
  m.auditServerStatus = (d[p + 18] << 8) | d[p + 19];
  m.auditSessionRecordSize = (d[p + 20] << 8) | d[p + 21];
}
