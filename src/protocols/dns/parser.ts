// One DNS message (RFC 1035 §4; mDNS RFC 6762 and LLMNR RFC 4795 use the same format):
// header, questions, answer / authority / additional records. Pure: bytes in, a DnsMsg out
// (reused, every field reset per message), no state across messages.
//
// Every count from the header is checked against the bytes left before it is walked, every
// name goes through the shared NameReader (backward-only compression, capped pointers and
// length), and a problem stops the walk with what was read so far kept in the message and
// the problem set in `problems` (the session turns problems into events).
//
// Record data is formatted the way Zeek's dns.log writes `answers` (base/protocols/dns/
// main.zeek): addresses for A/AAAA, the target name for NS/CNAME/PTR/DNAME/MX/SRV, the
// primary server for SOA, `TXT <len> <text>` per string for TXT (SPF alike), the DNSSEC
// summaries, `<unknown type=N>` for types Zeek does not decode; types Zeek decodes without
// logging (OPT, WKS, TSIG, TKEY, CAA, SVCB, HTTPS) give no entry. HINFO is Palisade's
// addition: `HINFO <cpu> <os>` (Zeek decodes it but logs nothing).
import type { NameReader } from '../../dissect/dns-name.ts';
import { NAME_OK, NAME_PROBLEMS, NAME_TRUNCATED } from '../../dissect/dns-name.ts';
import { bytesHex, bytesText, ipv4Text, ipv6Text } from '../../dissect/text.ts';
import {
  DNS_HEADER_LEN, FLAG_QR, TYPE_A, TYPE_A6, TYPE_AAAA, TYPE_CNAME, TYPE_DNAME, TYPE_DNSKEY, TYPE_DS, TYPE_HINFO, TYPE_MX,
  TYPE_NS, TYPE_NSEC, TYPE_NSEC3, TYPE_NSEC3PARAM, TYPE_OPT, TYPE_PTR, TYPE_RRSIG, TYPE_SOA, TYPE_SPF, TYPE_SRV, TYPE_SSHFP,
  TYPE_TXT, TYPE_WKS,
} from './constants.ts';

/** Zeek's dns_max_queries: a message with more questions is not parsed (most non-DNS traffic on port 53 fails here). */
export const MAX_QUESTIONS = 25;
/** Records kept per section list (answers; auth and additional together): the rest are walked, not recorded. */
export const MAX_KEPT_RECORDS = 100;

export const PROBLEM = {
  /** The counts promise more than the message holds. */
  TRUNCATED: 1,
  /** A name with a bad pointer or label, too many pointers, or too long. */
  BAD_NAME: 2,
  /** Record data whose length does not fit its type. */
  BAD_RDATA: 4,
  /** Bytes after the last record. */
  TRAILING: 8,
  /** More questions than MAX_QUESTIONS. */
  TOO_MANY_QUESTIONS: 16,
  /** More records than MAX_KEPT_RECORDS. */
  TOO_MANY_RECORDS: 32,
} as const;

const TYPE_TSIG = 250;
const TYPE_TKEY = 249;
const TYPE_CAA = 257;
const TYPE_SVCB = 64;
const TYPE_HTTPS = 65;
const TYPE_LOC = 29;
const TYPE_BINDS = 65534;

/** One parsed message. Reused: parseDns resets every field. */
export class DnsMsg {
  id = 0;
  flags = 0;
  qr = false;
  opcode = 0;
  rcode = 0;
  qd = 0;
  an = 0;
  ns = 0;
  ar = 0;
  /** Questions parsed. */
  questions = 0;
  /** The first question (qtype/qclass -1 when there is none). */
  qname: string | undefined = undefined;
  qtype = -1;
  qclass = -1;
  /** Answer section: rdata text, TTLs and owner names, in order (null when there is nothing to log). */
  answers: string[] | null = null;
  ttls: number[] | null = null;
  answerNames: string[] | null = null;
  /** Owner name of the first answer record (Zeek's query for a response that has no question). */
  firstAnswerName: string | undefined = undefined;
  /** Authority and additional sections' rdata (Zeek's auth-addl policy). */
  auth: string[] | null = null;
  addl: string[] | null = null;
  /** Records walked per section. */
  answersSeen = 0;
  problems = 0;
  detail = '';

  reset(): void {
    this.id = this.flags = this.opcode = this.rcode = this.qd = this.an = this.ns = this.ar = this.questions = 0;
    this.qr = false;
    this.qname = undefined;
    this.qtype = this.qclass = -1;
    this.answers = this.ttls = this.answerNames = this.auth = this.addl = null;
    this.firstAnswerName = undefined;
    this.answersSeen = 0;
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

export function readU16(d: Uint8Array, off: number): number {
  return (d[off] << 8) | d[off + 1];
}

function readU32(d: Uint8Array, off: number): number {
  return ((d[off] << 24) | (d[off + 1] << 16) | (d[off + 2] << 8) | d[off + 3]) >>> 0;
}

export interface ParseOptions {
  /** Build the text of records (responses); false walks them only (queries: Zeek ignores their records). */
  records: boolean;
  /** Keep authority and additional records' text (auth, addl). */
  authAddl: boolean;
}

/** Question names are lower-cased, as Zeek logs them. */
const QUESTION_NAME = { lower: true } as const;

const SECTION_ANSWER = 0;
const SECTION_AUTH = 1;
const SECTION_ADDL = 2;

/**
 * Parses the message d[off, off + len). Returns false when not even the header is there.
 * Names of questions are lower-cased, as Zeek logs them.
 */
export function parseDns(d: Uint8Array, off: number, len: number, m: DnsMsg, names: NameReader, opts: ParseOptions): boolean {
  m.reset();
  if (len < DNS_HEADER_LEN) return false;
  const end = off + len;
  m.id = readU16(d, off);
  m.flags = readU16(d, off + 2);
  m.qr = (m.flags & FLAG_QR) !== 0;
  m.opcode = (m.flags >> 11) & 0x0f;
  m.rcode = m.flags & 0x0f;
  m.qd = readU16(d, off + 4);
  m.an = readU16(d, off + 6);
  m.ns = readU16(d, off + 8);
  m.ar = readU16(d, off + 10);
  if (m.qd > MAX_QUESTIONS) {
    m.problem(PROBLEM.TOO_MANY_QUESTIONS, `${m.qd} questions`);
    return true;
  }
  let p = off + DNS_HEADER_LEN;
  for (let i = 0; i < m.qd; i++) {
    const name = names.read(d, off, end, p, QUESTION_NAME);
    if (names.problem !== NAME_OK) {
      m.problem(names.problem === NAME_TRUNCATED ? PROBLEM.TRUNCATED : PROBLEM.BAD_NAME, `question ${i + 1}: ${NAME_PROBLEMS[names.problem]}`);
      return true;
    }
    p = names.end;
    if (p + 4 > end) {
      m.problem(PROBLEM.TRUNCATED, `question ${i + 1}: no type and class`);
      return true;
    }
    if (i === 0) {
      m.qname = name;
      m.qtype = readU16(d, p);
      m.qclass = readU16(d, p + 2);
    }
    m.questions++;
    p += 4;
  }
  let kept = 0;
  for (let section = SECTION_ANSWER; section <= SECTION_ADDL; section++) {
    const build = opts.records && (section === SECTION_ANSWER || opts.authAddl);
    const count = section === SECTION_ANSWER ? m.an : section === SECTION_AUTH ? m.ns : m.ar;
    for (let i = 0; i < count; i++) {
      const owner = build || (section === SECTION_ANSWER && i === 0) ? names.read(d, off, end, p) : undefined;
      if (owner === undefined) {
        const q = names.skip(d, off, end, p);
        if (q < 0) {
          // Tell a cut message from a bad name with the reader.
          names.read(d, off, end, p);
          m.problem(names.problem === NAME_TRUNCATED ? PROBLEM.TRUNCATED : PROBLEM.BAD_NAME, `record ${i + 1} of section ${section + 1}: ${NAME_PROBLEMS[names.problem] ?? 'bad name'}`);
          return true;
        }
        names.end = q;
      } else if (names.problem !== NAME_OK) {
        m.problem(names.problem === NAME_TRUNCATED ? PROBLEM.TRUNCATED : PROBLEM.BAD_NAME, `record ${i + 1} of section ${section + 1}: ${NAME_PROBLEMS[names.problem]}`);
        return true;
      }
      p = names.end;
      if (p + 10 > end) {
        m.problem(PROBLEM.TRUNCATED, `record ${i + 1} of section ${section + 1}: header cut`);
        return true;
      }
      const type = readU16(d, p);
      const ttl = readU32(d, p + 4);
      const rdlen = readU16(d, p + 8);
      p += 10;
      if (p + rdlen > end) {
        m.problem(PROBLEM.TRUNCATED, `record ${i + 1} of section ${section + 1}: ${rdlen} bytes of data, ${end - p} left`);
        return true;
      }
      if (section === SECTION_ANSWER) {
        m.answersSeen++;
        if (i === 0) m.firstAnswerName = owner;
      }
      if (build) {
        if (kept >= MAX_KEPT_RECORDS * 2 || (section === SECTION_ANSWER && kept >= MAX_KEPT_RECORDS)) {
          m.problem(PROBLEM.TOO_MANY_RECORDS, `more than ${MAX_KEPT_RECORDS} records`);
        } else {
          const text = formatRdata(type, d, off, end, p, rdlen, names, owner ?? '');
          if (rdataBad) m.problem(PROBLEM.BAD_RDATA, `${rdataBad} in a record of type ${type}`);
          if (text !== null && text !== '') {
            kept++;
            if (section === SECTION_ANSWER) {
              (m.answers ??= []).push(text);
              (m.ttls ??= []).push(ttl);
              (m.answerNames ??= []).push(owner ?? '');
            } else if (section === SECTION_AUTH) {
              const a = (m.auth ??= []);
              if (!a.includes(text)) a.push(text);
            } else {
              const a = (m.addl ??= []);
              if (!a.includes(text)) a.push(text);
            }
          }
        }
      }
      p += rdlen;
    }
  }
  if (p < end) m.problem(PROBLEM.TRAILING, `${end - p} bytes after the last record`);
  return true;
}

/** Why the last formatRdata found the data malformed ('' when it was not). */
let rdataBad = '';

/**
 * The text Zeek logs for one record's data, or null when Zeek logs nothing for its type.
 * Sets rdataBad when the data does not fit its type.
 */
export function formatRdata(type: number, d: Uint8Array, msgOff: number, msgEnd: number, p: number, len: number, names: NameReader, owner: string): string | null {
  rdataBad = '';
  const end = p + len;
  switch (type) {
    case TYPE_A:
      if (len !== 4) break;
      return ipv4Text(d, p);
    case TYPE_AAAA:
      if (len !== 16) break;
      return ipv6Text(d, p);
    case TYPE_NS:
    case TYPE_CNAME:
    case TYPE_PTR:
    case TYPE_DNAME:
      return nameIn(d, msgOff, msgEnd, p, end, names);
    case TYPE_MX:
      if (len < 3) break;
      return nameIn(d, msgOff, msgEnd, p + 2, end, names);
    case TYPE_SRV:
      if (len < 7) break;
      return nameIn(d, msgOff, msgEnd, p + 6, end, names);
    case TYPE_SOA: {
      const mname = names.read(d, msgOff, msgEnd, p);
      if (names.problem !== NAME_OK || names.end > end) break;
      const q = names.skip(d, msgOff, msgEnd, names.end);
      if (q < 0 || q + 20 !== end) rdataBad = 'SOA data length';
      return mname;
    }
    case TYPE_TXT:
    case TYPE_SPF: {
      const tag = type === TYPE_TXT ? 'TXT' : 'SPF';
      let s = '';
      let q = p;
      while (q < end) {
        const n = d[q];
        if (q + 1 + n > end) {
          rdataBad = `${tag} string length`;
          break;
        }
        if (s !== '') s += ' ';
        s += `${tag} ${n} ${bytesText(d, q + 1, n)}`;
        q += 1 + n;
      }
      return s;
    }
    case TYPE_HINFO: {
      if (len < 2 || 1 + d[p] >= len || 2 + d[p] + d[p + 1 + d[p]] > len) break;
      const cpu = bytesText(d, p + 1, d[p]);
      const q = p + 1 + d[p];
      return `HINFO ${cpu} ${bytesText(d, q + 1, d[q])}`;
    }
    case TYPE_RRSIG: {
      if (len < 19) break;
      const signer = names.read(d, msgOff, msgEnd, p + 18);
      if (names.problem !== NAME_OK || names.end > end) break;
      return `RRSIG ${readU16(d, p)} ${signer === '' ? '<Root>' : signer}`;
    }
    case TYPE_DNSKEY:
      if (len < 4) break;
      return `DNSKEY ${d[p + 3]}`;
    case TYPE_DS:
      if (len < 4) break;
      return `DS ${d[p + 2]} ${d[p + 3]}`;
    case TYPE_NSEC: {
      const next = names.read(d, msgOff, msgEnd, p);
      if (names.problem !== NAME_OK || names.end > end) break;
      return `NSEC ${owner} ${next}`;
    }
    case TYPE_NSEC3:
      return 'NSEC3';
    case TYPE_NSEC3PARAM:
      return 'NSEC3PARAM';
    case TYPE_SSHFP:
      if (len < 2) break;
      return `SSHFP: ${bytesHex(d, p + 2, len - 2)}`;
    case TYPE_LOC:
      if (len < 4) break;
      return `LOC:  ${d[p + 1]} ${d[p + 2]} ${d[p + 3]}`;
    case TYPE_BINDS:
      return 'BIND9 signing signal';
    case TYPE_A6:
    case TYPE_WKS:
    case TYPE_OPT:
    case TYPE_TSIG:
    case TYPE_TKEY:
    case TYPE_CAA:
    case TYPE_SVCB:
    case TYPE_HTTPS:
      return null;
    default:
      return `<unknown type=${type}>`;
  }
  rdataBad = `${len} bytes of data`;
  return `<unknown type=${type}>`;
}

/** A name that must fill the record data exactly (NS, CNAME, PTR, MX, SRV targets). */
function nameIn(d: Uint8Array, msgOff: number, msgEnd: number, p: number, end: number, names: NameReader): string {
  const name = names.read(d, msgOff, msgEnd, p);
  if (names.problem !== NAME_OK) rdataBad = NAME_PROBLEMS[names.problem];
  else if (names.end !== end) rdataBad = 'name does not fill the record data';
  return name;
}
