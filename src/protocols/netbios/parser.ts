// NetBIOS name service and datagram service messages (RFC 1002 §4.2, §4.4), and the browser
// announcements (MS-BRWS) inside datagrams to \MAILSLOT\BROWSE. Pure: bytes in, a reused
// message object out, problems as flags (the session turns them into events).
//
// NetBIOS names travel "first-level encoded" (RFC 1001 §14.1): 16 bytes become one 32-byte
// DNS label of letters 'A'..'P' (each half byte + 'A'), followed by the scope's labels. The
// 16th byte is the suffix (the service: <00> workstation, <20> server, <1c> domain
// controllers…). Name text is the first 15 bytes with trailing spaces and NULs removed and
// other non-printable bytes written `<xx>`, as nbtstat and Wireshark write them.
import type { NameReader } from '../../dissect/dns-name.ts';
import { NAME_OK, NAME_PROBLEMS, NAME_TRUNCATED } from '../../dissect/dns-name.ts';
import { bytesText, ipv4Text } from '../../dissect/text.ts';
import {
  BROWSER_BECOME_BACKUP, BROWSER_DOMAIN_ANNOUNCEMENT, BROWSER_GET_BACKUP_LIST_RESPONSE, BROWSER_HOST_ANNOUNCEMENT,
  BROWSER_LOCAL_MASTER_ANNOUNCEMENT, BROWSER_MASTER_ANNOUNCEMENT, BROWSER_REQUEST_ELECTION, DGM_BROADCAST, DGM_DIRECT_GROUP,
  DGM_DIRECT_UNIQUE, DGM_ERROR, DGM_HEADER_LEN, DGM_NEGATIVE_QUERY_RESPONSE, DGM_QUERY_REQUEST, ENCODED_NAME_LEN, NBNS_HEADER_LEN,
  NS_FLAG_RESPONSE, RR_TYPE_NB, RR_TYPE_NBSTAT, SMB_COM_TRANSACTION, SMB_HEADER_LEN,
} from './constants.ts';

/** Addresses (NB entries) and node status names kept per record. */
export const MAX_ENTRIES = 64;
/** Bytes of a browser comment or mailslot name read. */
const MAX_STRING = 256;

export const PROBLEM = {
  TRUNCATED: 1,
  /** A name that is not a first-level encoded NetBIOS name (or a bad DNS-style name around it). */
  BAD_NAME: 2,
  /** Record data that does not fit its type (NB entries of 6 bytes, a node status list). */
  BAD_RDATA: 4,
  /** More entries than MAX_ENTRIES. */
  TOO_MANY_ENTRIES: 8,
  /** A datagram length that does not match the bytes. */
  BAD_LENGTH: 16,
  /** A fragment of a datagram (not reassembled). */
  FRAGMENT: 32,
} as const;

export function readU16(d: Uint8Array, off: number): number {
  return (d[off] << 8) | d[off + 1];
}

function readU32(d: Uint8Array, off: number): number {
  return ((d[off] << 24) | (d[off + 1] << 16) | (d[off + 2] << 8) | d[off + 3]) >>> 0;
}

function readU16LE(d: Uint8Array, off: number): number {
  return d[off] | (d[off + 1] << 8);
}

function readU32LE(d: Uint8Array, off: number): number {
  return (d[off] | (d[off + 1] << 8) | (d[off + 2] << 16) | (d[off + 3] << 24)) >>> 0;
}

const HEX = '0123456789abcdef';

/**
 * The text of a 15-byte NetBIOS name (trailing spaces and NULs removed, other non-printable
 * bytes as `<xx>`), from `raw` bytes at d[off].
 */
export function nameText(d: Uint8Array, off: number, n: number): string {
  let end = off + n;
  while (end > off && (d[end - 1] === 0x20 || d[end - 1] === 0)) end--;
  let s = '';
  for (let i = off; i < end; i++) {
    const c = d[i];
    s += c >= 0x20 && c <= 0x7e ? String.fromCharCode(c) : '<' + HEX[c >> 4] + HEX[c & 15] + '>';
  }
  return s;
}

/** Whether the 32 bytes at d[off] are a first-level encoded name ('A'..'P'). */
export function isEncodedName(d: Uint8Array, off: number): boolean {
  for (let i = 0; i < ENCODED_NAME_LEN; i++) {
    const c = d[off + i];
    if (c < 0x41 || c > 0x50) return false;
  }
  return true;
}

/** Decodes the 32 letters at d[off] into the 16 bytes of `out`. */
function decodeName(d: Uint8Array, off: number, out: Uint8Array): void {
  for (let i = 0; i < 16; i++) out[i] = (((d[off + 2 * i] - 0x41) & 15) << 4) | ((d[off + 2 * i + 1] - 0x41) & 15);
}

/** A decoded NetBIOS name, reused. */
export class NbName {
  text = '';
  suffix = -1;
  /** Scope labels after the name ('' when none). */
  scope = '';
  private readonly raw = new Uint8Array(16);

  reset(): void {
    this.text = '';
    this.suffix = -1;
    this.scope = '';
  }

  /**
   * Reads the encoded name at d[pos] (the message is d[msgOff, msgEnd)); returns the offset
   * after it, or -1 with `problem` set (NAME_* of the reader, or -2 when the first label is
   * not an encoded name).
   */
  read(d: Uint8Array, msgOff: number, msgEnd: number, pos: number, names: NameReader): number {
    this.reset();
    const full = names.read(d, msgOff, msgEnd, pos);
    if (names.problem !== NAME_OK) {
      this.problem = names.problem;
      return -1;
    }
    if (names.labels === 0 || names.firstLabelLen !== ENCODED_NAME_LEN || !isEncodedName(d, names.firstLabelOff)) {
      this.problem = -2;
      return -1;
    }
    decodeName(d, names.firstLabelOff, this.raw);
    this.text = nameText(this.raw, 0, 15);
    this.suffix = this.raw[15];
    this.scope = names.labels > 1 ? full.slice(ENCODED_NAME_LEN + 1) : '';
    this.problem = 0;
    return names.end;
  }

  problem = 0;
}

export function nameProblemText(p: number): string {
  return p === -2 ? 'not a NetBIOS name' : NAME_PROBLEMS[p] ?? 'bad name';
}

// ---- name service ----

/** One name service message. Reused: parseNbns resets every field. */
export class NbnsMsg {
  id = 0;
  flags = 0;
  response = false;
  opcode = 0;
  rcode = 0;
  qd = 0;
  an = 0;
  ns = 0;
  ar = 0;
  /** The question's name, else the first record's. */
  readonly name = new NbName();
  hasName = false;
  qtype = -1;
  qclass = -1;
  /** The first resource record (a response's answer, a request's additional record). */
  rrType = -1;
  rrTtl = -1;
  /** NB_FLAGS of the record's first entry (-1 without one). */
  nbFlags = -1;
  /** NB entries' addresses. */
  addrs: string[] | null = null;
  /** Node status (NBSTAT) names, `NAME<xx>`, and the adapter's MAC address. */
  statNames: string[] | null = null;
  unitId: string | undefined = undefined;
  problems = 0;
  detail = '';

  reset(): void {
    this.id = this.flags = this.opcode = this.rcode = this.qd = this.an = this.ns = this.ar = 0;
    this.response = false;
    this.name.reset();
    this.hasName = false;
    this.qtype = this.qclass = this.rrType = this.rrTtl = this.nbFlags = -1;
    this.addrs = this.statNames = null;
    this.unitId = undefined;
    this.problems = 0;
    this.detail = '';
  }

  /** Detail of each problem flag's first occurrence, by bit. */
  private readonly details: string[] = ['', '', '', '', '', '', '', ''];

  problem(flag: number, detail: string): void {
    if (this.problems === 0) this.detail = detail;
    if ((this.problems & flag) === 0) this.details[31 - Math.clz32(flag)] = detail;
    this.problems |= flag;
  }

  /** The detail of problem `flag` (of its first occurrence in the message). */
  detailOf(flag: number): string {
    return (this.problems & flag) !== 0 ? this.details[31 - Math.clz32(flag)] : '';
  }
}

/** Parses the name service message d[off, off + len); false when not even the header is there. */
export function parseNbns(d: Uint8Array, off: number, len: number, m: NbnsMsg, names: NameReader): boolean {
  m.reset();
  if (len < NBNS_HEADER_LEN) return false;
  const end = off + len;
  m.id = readU16(d, off);
  m.flags = readU16(d, off + 2);
  m.response = (m.flags & NS_FLAG_RESPONSE) !== 0;
  m.opcode = (m.flags >> 11) & 0x0f;
  m.rcode = m.flags & 0x0f;
  m.qd = readU16(d, off + 4);
  m.an = readU16(d, off + 6);
  m.ns = readU16(d, off + 8);
  m.ar = readU16(d, off + 10);
  let p = off + NBNS_HEADER_LEN;
  for (let i = 0; i < m.qd; i++) {
    if (i === 0) {
      const q = m.name.read(d, off, end, p, names);
      if (q < 0) {
        m.problem(m.name.problem === NAME_TRUNCATED ? PROBLEM.TRUNCATED : PROBLEM.BAD_NAME, `question: ${nameProblemText(m.name.problem)}`);
        return true;
      }
      m.hasName = true;
      p = q;
    } else {
      const q = names.skip(d, off, end, p);
      if (q < 0) {
        m.problem(PROBLEM.BAD_NAME, `question ${i + 1}: bad name`);
        return true;
      }
      p = q;
    }
    if (p + 4 > end) {
      m.problem(PROBLEM.TRUNCATED, 'question: no type and class');
      return true;
    }
    if (i === 0) {
      m.qtype = readU16(d, p);
      m.qclass = readU16(d, p + 2);
    }
    p += 4;
  }
  const rrs = m.an + m.ns + m.ar;
  for (let i = 0; i < rrs; i++) {
    let q: number;
    if (i === 0 && !m.hasName) {
      q = m.name.read(d, off, end, p, names);
      if (q < 0) {
        m.problem(m.name.problem === NAME_TRUNCATED ? PROBLEM.TRUNCATED : PROBLEM.BAD_NAME, `record: ${nameProblemText(m.name.problem)}`);
        return true;
      }
      m.hasName = true;
    } else {
      q = names.skip(d, off, end, p, 63);
      if (q < 0) {
        names.read(d, off, end, p);
        m.problem(names.problem === NAME_TRUNCATED ? PROBLEM.TRUNCATED : PROBLEM.BAD_NAME, `record ${i + 1}: ${NAME_PROBLEMS[names.problem] ?? 'bad name'}`);
        return true;
      }
    }
    p = q;
    if (p + 10 > end) {
      m.problem(PROBLEM.TRUNCATED, `record ${i + 1}: header cut`);
      return true;
    }
    const type = readU16(d, p);
    const ttl = readU32(d, p + 4);
    const rdlen = readU16(d, p + 8);
    p += 10;
    if (p + rdlen > end) {
      m.problem(PROBLEM.TRUNCATED, `record ${i + 1}: ${rdlen} bytes of data, ${end - p} left`);
      return true;
    }
    if (i === 0) {
      m.rrType = type;
      m.rrTtl = ttl;
      if (type === RR_TYPE_NB) parseNbEntries(d, p, rdlen, m);
      else if (type === RR_TYPE_NBSTAT && m.response) parseNodeStatus(d, p, rdlen, m);
    }
    p += rdlen;
  }
  return true;
}

function parseNbEntries(d: Uint8Array, p: number, len: number, m: NbnsMsg): void {
  // A WACK's record holds the 2-byte flags of the request it acknowledges, not entries.
  if (len === 2 && m.opcode === 7) return;
  if (len % 6 !== 0) m.problem(PROBLEM.BAD_RDATA, `NB data of ${len} bytes`);
  const n = Math.floor(len / 6);
  for (let i = 0; i < n; i++) {
    if (i >= MAX_ENTRIES) {
      m.problem(PROBLEM.TOO_MANY_ENTRIES, `${n} NB entries`);
      break;
    }
    const q = p + 6 * i;
    if (i === 0) m.nbFlags = readU16(d, q);
    (m.addrs ??= []).push(ipv4Text(d, q + 2));
  }
}

const HEX2 = (b: number) => HEX[b >> 4] + HEX[b & 15];

function parseNodeStatus(d: Uint8Array, p: number, len: number, m: NbnsMsg): void {
  if (len < 1) {
    m.problem(PROBLEM.BAD_RDATA, 'empty node status');
    return;
  }
  const n = d[p];
  if (1 + 18 * n > len) {
    m.problem(PROBLEM.BAD_RDATA, `node status of ${n} names in ${len} bytes`);
    return;
  }
  const names: string[] = [];
  for (let i = 0; i < n && i < MAX_ENTRIES; i++) {
    const q = p + 1 + 18 * i;
    names.push(`${nameText(d, q, 15)}<${HEX2(d[q + 15])}>`);
    if (i === 0) m.nbFlags = readU16(d, q + 16);
  }
  if (n > MAX_ENTRIES) m.problem(PROBLEM.TOO_MANY_ENTRIES, `${n} node status names`);
  m.statNames = names;
  const u = p + 1 + 18 * n;
  if (u + 6 <= p + len) m.unitId = `${HEX2(d[u])}:${HEX2(d[u + 1])}:${HEX2(d[u + 2])}:${HEX2(d[u + 3])}:${HEX2(d[u + 4])}:${HEX2(d[u + 5])}`;
}

// ---- datagram service ----

/** One datagram service message. Reused: parseDgm resets every field. */
export class DgmMsg {
  type = 0;
  flags = 0;
  id = 0;
  srcIp = '';
  srcPort = 0;
  dgmLength = -1;
  packetOffset = -1;
  readonly source = new NbName();
  readonly destination = new NbName();
  hasSource = false;
  hasDestination = false;
  errorCode = -1;
  /** SMB mailslot transaction: the mailslot's name. */
  mailslot: string | undefined = undefined;
  /** Browser message (MS-BRWS). */
  command = -1;
  serverName: string | undefined = undefined;
  osMajor = -1;
  osMinor = -1;
  serverType = -1;
  browserMajor = -1;
  browserMinor = -1;
  periodicity = -1;
  comment: string | undefined = undefined;
  /** GetBackupListResponse: the backup browsers' names. */
  backupServers: string[] | null = null;
  problems = 0;
  detail = '';

  reset(): void {
    this.type = this.flags = this.id = this.srcPort = 0;
    this.srcIp = '';
    this.dgmLength = this.packetOffset = this.errorCode = this.command = -1;
    this.source.reset();
    this.destination.reset();
    this.hasSource = this.hasDestination = false;
    this.mailslot = this.serverName = this.comment = undefined;
    this.osMajor = this.osMinor = this.serverType = this.browserMajor = this.browserMinor = this.periodicity = -1;
    this.backupServers = null;
    this.problems = 0;
    this.detail = '';
  }

  /** Detail of each problem flag's first occurrence, by bit. */
  private readonly details: string[] = ['', '', '', '', '', '', '', ''];

  problem(flag: number, detail: string): void {
    if (this.problems === 0) this.detail = detail;
    if ((this.problems & flag) === 0) this.details[31 - Math.clz32(flag)] = detail;
    this.problems |= flag;
  }

  /** The detail of problem `flag` (of its first occurrence in the message). */
  detailOf(flag: number): string {
    return (this.problems & flag) !== 0 ? this.details[31 - Math.clz32(flag)] : '';
  }
}

/** Parses the datagram d[off, off + len); false when not even the 10-byte header is there. */
export function parseDgm(d: Uint8Array, off: number, len: number, m: DgmMsg, names: NameReader): boolean {
  m.reset();
  if (len < DGM_HEADER_LEN) return false;
  const end = off + len;
  m.type = d[off];
  m.flags = d[off + 1];
  m.id = readU16(d, off + 2);
  m.srcIp = ipv4Text(d, off + 4);
  m.srcPort = readU16(d, off + 8);
  let p = off + DGM_HEADER_LEN;
  const t = m.type;
  if (t === DGM_DIRECT_UNIQUE || t === DGM_DIRECT_GROUP || t === DGM_BROADCAST) {
    if (p + 4 > end) {
      m.problem(PROBLEM.TRUNCATED, 'no datagram length');
      return true;
    }
    m.dgmLength = readU16(d, p);
    m.packetOffset = readU16(d, p + 2);
    p += 4;
    if (m.dgmLength !== end - p) m.problem(PROBLEM.BAD_LENGTH, `datagram length ${m.dgmLength}, ${end - p} bytes`);
    const fragment = (m.flags & 0x03) !== 0x02;
    if (fragment) m.problem(PROBLEM.FRAGMENT, `flags 0x${m.flags.toString(16)}, offset ${m.packetOffset}`);
    let q = m.source.read(d, off, end, p, names);
    if (q < 0) {
      m.problem(m.source.problem === NAME_TRUNCATED ? PROBLEM.TRUNCATED : PROBLEM.BAD_NAME, `source name: ${nameProblemText(m.source.problem)}`);
      return true;
    }
    m.hasSource = true;
    q = m.destination.read(d, off, end, q, names);
    if (q < 0) {
      m.problem(m.destination.problem === NAME_TRUNCATED ? PROBLEM.TRUNCATED : PROBLEM.BAD_NAME, `destination name: ${nameProblemText(m.destination.problem)}`);
      return true;
    }
    m.hasDestination = true;
    if (!fragment) parseSmbMailslot(d, q, end, m);
  } else if (t === DGM_ERROR) {
    if (p >= end) {
      m.problem(PROBLEM.TRUNCATED, 'no error code');
      return true;
    }
    m.errorCode = d[p];
  } else if (t >= DGM_QUERY_REQUEST && t <= DGM_NEGATIVE_QUERY_RESPONSE) {
    const q = m.destination.read(d, off, end, p, names);
    if (q < 0) {
      m.problem(m.destination.problem === NAME_TRUNCATED ? PROBLEM.TRUNCATED : PROBLEM.BAD_NAME, `destination name: ${nameProblemText(m.destination.problem)}`);
      return true;
    }
    m.hasDestination = true;
  }
  return true;
}

/** A NUL-terminated string at d[p] (at most MAX_STRING bytes, within end); null when unterminated. */
let strEnd = 0;
function cString(d: Uint8Array, p: number, end: number): string | null {
  const stop = Math.min(end, p + MAX_STRING);
  for (let i = p; i < stop; i++) {
    if (d[i] === 0) {
      strEnd = i + 1;
      return bytesText(d, p, i - p);
    }
  }
  return null;
}

/**
 * The SMB Transaction request (MS-SMB §2.2.4.33 / MS-CIFS) that carries a mailslot message:
 * header, 17 parameter words, the transaction name (the mailslot), and the data at DataOffset
 * (from the SMB header's start). A browser message is decoded when the mailslot is
 * \MAILSLOT\BROWSE or \MAILSLOT\LANMAN. Anything else is left alone (not a problem: other
 * users of the datagram service exist).
 */
function parseSmbMailslot(d: Uint8Array, smb: number, end: number, m: DgmMsg): void {
  if (smb + SMB_HEADER_LEN + 1 > end) return;
  if (d[smb] !== 0xff || d[smb + 1] !== 0x53 || d[smb + 2] !== 0x4d || d[smb + 3] !== 0x42 || d[smb + 4] !== SMB_COM_TRANSACTION) return;
  const w = smb + SMB_HEADER_LEN + 1;
  const wc = d[w - 1];
  if (wc < 14 || w + 2 * wc + 2 > end) {
    m.problem(PROBLEM.TRUNCATED, 'SMB transaction header');
    return;
  }
  const dataCount = readU16LE(d, w + 22);
  const dataOffset = readU16LE(d, w + 24);
  const nameAt = w + 2 * wc + 2;
  const slot = cString(d, nameAt, end);
  if (slot === null) {
    m.problem(PROBLEM.TRUNCATED, 'mailslot name');
    return;
  }
  m.mailslot = slot;
  const upper = slot.toUpperCase();
  if (upper !== '\\MAILSLOT\\BROWSE' && upper !== '\\MAILSLOT\\LANMAN') return;
  const data = smb + dataOffset;
  if (dataCount === 0 || data < nameAt || data + dataCount > end) {
    if (dataCount !== 0) m.problem(PROBLEM.TRUNCATED, `browser data at ${dataOffset}, ${dataCount} bytes`);
    return;
  }
  parseBrowser(d, data, data + dataCount, m);
}

/** A browser message (MS-BRWS §2.2). */
function parseBrowser(d: Uint8Array, p: number, end: number, m: DgmMsg): void {
  const cmd = d[p];
  m.command = cmd;
  const q = p + 1;
  switch (cmd) {
    case BROWSER_HOST_ANNOUNCEMENT:
    case BROWSER_DOMAIN_ANNOUNCEMENT:
    case BROWSER_LOCAL_MASTER_ANNOUNCEMENT: {
      // UpdateCount (1), Periodicity (4), ServerName (16), OS major, OS minor, ServerType (4),
      // browser major, browser minor, Signature (2), Comment (NUL-terminated).
      if (q + 31 > end) {
        m.problem(PROBLEM.TRUNCATED, 'announcement');
        return;
      }
      m.periodicity = readU32LE(d, q + 1);
      m.serverName = fixedString(d, q + 5, 16);
      m.osMajor = d[q + 21];
      m.osMinor = d[q + 22];
      m.serverType = readU32LE(d, q + 23);
      m.browserMajor = d[q + 27];
      m.browserMinor = d[q + 28];
      const c = cString(d, q + 31, end);
      m.comment = c ?? (q + 31 < end ? bytesText(d, q + 31, Math.min(end - q - 31, MAX_STRING)) : undefined);
      return;
    }
    case BROWSER_REQUEST_ELECTION:
      // Version (1), Criteria (4), Uptime (4), Reserved (4), ServerName.
      if (q + 13 > end) {
        m.problem(PROBLEM.TRUNCATED, 'election request');
        return;
      }
      m.serverName = cString(d, q + 13, end) ?? undefined;
      return;
    case BROWSER_BECOME_BACKUP:
    case BROWSER_MASTER_ANNOUNCEMENT:
      m.serverName = cString(d, q, end) ?? undefined;
      return;
    case BROWSER_GET_BACKUP_LIST_RESPONSE: {
      // BackupServerCount (1), Token (4), the names.
      if (q + 5 > end) {
        m.problem(PROBLEM.TRUNCATED, 'backup list');
        return;
      }
      const n = d[q];
      let r = q + 5;
      const list: string[] = [];
      for (let i = 0; i < n && i < MAX_ENTRIES && r < end; i++) {
        const s = cString(d, r, end);
        if (s === null) break;
        list.push(s);
        r = strEnd;
      }
      m.backupServers = list;
      return;
    }
    default:
      return;
  }
}

/** A fixed-size, NUL-padded string field. */
function fixedString(d: Uint8Array, p: number, n: number): string {
  let e = p;
  while (e < p + n && d[e] !== 0) e++;
  return bytesText(d, p, e - p);
}
