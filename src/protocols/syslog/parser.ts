// Syslog message parsing (one UDP datagram = one message, RFC 5426 section 3.1): the PRI, then
// an RFC 5424 header (VERSION TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA), an
// RFC 3164 header (TIMESTAMP HOSTNAME TAG[pid]:), or neither. Pure: bytes in, offsets into the
// bytes out (SyslogMsg, reused); strings are made only when a record is written.
import {
  FORMAT_OTHER, FORMAT_RFC3164, FORMAT_RFC5424, MAX_APP_NAME, MAX_HOSTNAME, MAX_MSGID, MAX_PROCID, MAX_TAG, MONTHS, PRI_MAX,
} from './constants.ts';

export const PROBLEM = {
  NONE: 0,
  /** The message does not start with "<" 1*3DIGIT ">". */
  NO_PRI: 1,
  /** A PRI above 191 (facility beyond 23). */
  BAD_PRI: 2,
} as const;

const SP = 0x20;
const LT = 0x3c;
const GT = 0x3e;
const DASH = 0x2d;

/** One parsed message: offsets into the datagram (-1: field absent or NILVALUE). Reused. */
export class SyslogMsg {
  pri = -1;
  format = '';
  /** RFC 5424 VERSION; -1 for other formats. */
  version = -1;
  /** Everything after the PRI (Zeek's `message`). */
  bodyOff = 0;
  bodyLen = 0;
  tsOff = -1;
  tsLen = 0;
  hostOff = -1;
  hostLen = 0;
  appOff = -1;
  appLen = 0;
  procOff = -1;
  procLen = 0;
  msgidOff = -1;
  msgidLen = 0;
  sdOff = -1;
  sdLen = 0;
  /** The free-form message after the header (BOM removed). */
  msgOff = 0;
  msgLen = 0;

  reset(): void {
    this.pri = -1;
    this.format = '';
    this.version = -1;
    this.bodyOff = this.bodyLen = 0;
    this.tsOff = this.hostOff = this.appOff = this.procOff = this.msgidOff = this.sdOff = -1;
    this.tsLen = this.hostLen = this.appLen = this.procLen = this.msgidLen = this.sdLen = 0;
    this.msgOff = this.msgLen = 0;
  }
}

const isDigit = (c: number) => c >= 0x30 && c <= 0x39;

/**
 * The PRI at d[off] (`<` 1*3DIGIT `>`): its value, -1 when there is none, -2 when the value
 * is above 191. The body starts at off + the returned width (see priWidth).
 */
export function readPri(d: Uint8Array, off: number, end: number): number {
  if (end - off < 3 || d[off] !== LT) return -1;
  let v = 0;
  let i = off + 1;
  for (; i < end && i < off + 4 && isDigit(d[i]); i++) v = v * 10 + d[i] - 0x30;
  if (i === off + 1 || i >= end || d[i] !== GT) return -1;
  return v > PRI_MAX ? -2 : v;
}

function priWidth(d: Uint8Array, off: number): number {
  let i = off + 1;
  while (isDigit(d[i])) i++;
  return i + 1 - off;
}

/** Whether d[o..o+15) is an RFC 3164 TIMESTAMP "Mmm dd hh:mm:ss" (day space- or zero-padded). */
export function isRfc3164Timestamp(d: Uint8Array, o: number, end: number): boolean {
  if (end - o < 15) return false;
  let m = -1;
  for (let i = 0; i < 36; i += 3) {
    if (d[o] === MONTHS.charCodeAt(i) && d[o + 1] === MONTHS.charCodeAt(i + 1) && d[o + 2] === MONTHS.charCodeAt(i + 2)) {
      m = i;
      break;
    }
  }
  if (m < 0 || d[o + 3] !== SP) return false;
  if (!(d[o + 4] === SP || isDigit(d[o + 4])) || !isDigit(d[o + 5]) || d[o + 6] !== SP) return false;
  return isDigit(d[o + 7]) && isDigit(d[o + 8]) && d[o + 9] === 0x3a && isDigit(d[o + 10]) && isDigit(d[o + 11]) &&
    d[o + 12] === 0x3a && isDigit(d[o + 13]) && isDigit(d[o + 14]);
}

/** Whether the RFC 5424 TIMESTAMP starts at d[o]: NILVALUE, or FULL-DATE "T" (YYYY-MM-DDT). */
function startsRfc5424Timestamp(d: Uint8Array, o: number, end: number): boolean {
  if (end - o >= 1 && d[o] === DASH && (end - o === 1 || d[o + 1] === SP)) return true;
  return end - o >= 11 && isDigit(d[o]) && isDigit(d[o + 1]) && isDigit(d[o + 2]) && isDigit(d[o + 3]) && d[o + 4] === DASH &&
    isDigit(d[o + 5]) && isDigit(d[o + 6]) && d[o + 7] === DASH && isDigit(d[o + 8]) && isDigit(d[o + 9]) && d[o + 10] === 0x54;
}

/** Length of the RFC 5424 VERSION + SP at d[o] (NONZERO-DIGIT 0*2DIGIT SP), 0 when there is none. */
function versionWidth(d: Uint8Array, o: number, end: number): number {
  if (o >= end || d[o] < 0x31 || d[o] > 0x39) return 0;
  let i = o + 1;
  while (i < end && i < o + 3 && isDigit(d[i])) i++;
  return i < end && d[i] === SP ? i + 1 - o : 0;
}

/** Whether the body at d[o] has an RFC 5424 header start (VERSION SP TIMESTAMP). */
export function isRfc5424Start(d: Uint8Array, o: number, end: number): boolean {
  const w = versionWidth(d, o, end);
  return w > 0 && startsRfc5424Timestamp(d, o + w, end);
}

/** End of the token at d[o] (the next SP or `end`). */
function tokenEnd(d: Uint8Array, o: number, end: number): number {
  while (o < end && d[o] !== SP) o++;
  return o;
}

/** End of the STRUCTURED-DATA at d[o] ("-" or 1*SD-ELEMENT), or -1 when it is not well formed. */
function sdEnd(d: Uint8Array, o: number, end: number): number {
  if (o < end && d[o] === DASH) return o + 1;
  let i = o;
  let n = 0;
  while (i < end && d[i] === 0x5b) {
    // "[" SD-ID *(SP SD-PARAM) "]": PARAM-VALUE is quoted, with \" \\ \] escapes.
    i++;
    let quoted = false;
    for (;;) {
      if (i >= end) return -1;
      const c = d[i];
      if (quoted) {
        if (c === 0x5c && i + 1 < end) i++;
        else if (c === 0x22) quoted = false;
      } else if (c === 0x22) quoted = true;
      else if (c === 0x5d) break;
      i++;
    }
    i++;
    n++;
  }
  return n > 0 ? i : -1;
}

/**
 * Parses the message in d[off, off+len) into m. PROBLEM.NONE when it has a valid PRI; the
 * header fields found are set, the rest stay -1.
 */
export function parseSyslog(d: Uint8Array, off: number, len: number, m: SyslogMsg): number {
  m.reset();
  const end = off + len;
  const pri = readPri(d, off, end);
  if (pri === -1) return PROBLEM.NO_PRI;
  if (pri === -2) return PROBLEM.BAD_PRI;
  m.pri = pri;
  const body = off + priWidth(d, off);
  m.bodyOff = body;
  m.bodyLen = end - body;
  m.msgOff = body;
  m.msgLen = end - body;
  if (isRfc5424Start(d, body, end)) parse5424(d, body, end, m);
  else if (isRfc3164Timestamp(d, body, end)) parse3164(d, body, end, m);
  else m.format = FORMAT_OTHER;
  return PROBLEM.NONE;
}

function parse5424(d: Uint8Array, body: number, end: number, m: SyslogMsg): void {
  m.format = FORMAT_RFC5424;
  const vw = versionWidth(d, body, end);
  let v = 0;
  for (let i = body; i < body + vw - 1; i++) v = v * 10 + d[i] - 0x30;
  m.version = v;
  let o = body + vw;
  // TIMESTAMP HOSTNAME APP-NAME PROCID MSGID, each a token or "-", separated by one SP.
  for (let field = 0; field < 5; field++) {
    const e = tokenEnd(d, o, end);
    const n = e - o;
    const nil = n === 1 && d[o] === DASH;
    if (n > 0 && !nil) {
      switch (field) {
        case 0: m.tsOff = o; m.tsLen = n; break;
        case 1: m.hostOff = o; m.hostLen = n < MAX_HOSTNAME ? n : MAX_HOSTNAME; break;
        case 2: m.appOff = o; m.appLen = n < MAX_APP_NAME ? n : MAX_APP_NAME; break;
        case 3: m.procOff = o; m.procLen = n < MAX_PROCID ? n : MAX_PROCID; break;
        default: m.msgidOff = o; m.msgidLen = n < MAX_MSGID ? n : MAX_MSGID;
      }
    }
    if (e >= end) {
      m.msgOff = end;
      m.msgLen = 0;
      return;
    }
    o = e + 1;
  }
  const se = sdEnd(d, o, end);
  if (se < 0) {
    // Not STRUCTURED-DATA: keep the fields read so far; the rest is the message.
    m.msgOff = o;
    m.msgLen = end - o;
    return;
  }
  if (!(se - o === 1 && d[o] === DASH)) {
    m.sdOff = o;
    m.sdLen = se - o;
  }
  o = se < end && d[se] === SP ? se + 1 : se;
  // MSG may start with a UTF-8 byte order mark (section 6.4).
  if (end - o >= 3 && d[o] === 0xef && d[o + 1] === 0xbb && d[o + 2] === 0xbf) o += 3;
  m.msgOff = o;
  m.msgLen = end - o;
}

const isTagChar = (c: number) =>
  (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x2d || c === 0x5f || c === 0x2e || c === 0x2f;

function parse3164(d: Uint8Array, body: number, end: number, m: SyslogMsg): void {
  m.format = FORMAT_RFC3164;
  m.tsOff = body;
  m.tsLen = 15;
  let o = body + 15;
  if (o < end && d[o] === SP) o++;
  // HOSTNAME: the next token, unless it is already the TAG ("name:" or "name[pid]:").
  const he = tokenEnd(d, o, end);
  if (he < end && he > o && d[he - 1] !== 0x3a && !hasByte(d, o, he, 0x5b)) {
    m.hostOff = o;
    m.hostLen = he - o < MAX_HOSTNAME ? he - o : MAX_HOSTNAME;
    o = he + 1;
  }
  m.msgOff = o;
  m.msgLen = end - o;
  // TAG: up to 32 alphanumeric characters, then "[pid]" and/or ":".
  let t = o;
  while (t < end && t - o < MAX_TAG && isTagChar(d[t])) t++;
  if (t === o || t >= end) return;
  let p = -1;
  let pe = -1;
  let after: number;
  if (d[t] === 0x5b) {
    p = t + 1;
    pe = p;
    while (pe < end && pe - p < MAX_PROCID && d[pe] !== 0x5d && d[pe] !== SP) pe++;
    if (pe >= end || d[pe] !== 0x5d || pe === p) return;
    after = pe + 1;
    if (after < end && d[after] === 0x3a) after++;
  } else if (d[t] === 0x3a) {
    after = t + 1;
  } else {
    return;
  }
  m.appOff = o;
  m.appLen = t - o;
  if (p >= 0) {
    m.procOff = p;
    m.procLen = pe - p;
  }
  if (after < end && d[after] === SP) after++;
  m.msgOff = after;
  m.msgLen = end - after;
}

function hasByte(d: Uint8Array, from: number, to: number, b: number): boolean {
  for (let i = from; i < to; i++) if (d[i] === b) return true;
  return false;
}

const utf8 = new TextDecoder('utf-8');

/** Bytes as text: ASCII directly, anything else decoded as UTF-8 (invalid bytes become U+FFFD). At most `max` bytes. */
export function readUtf8(d: Uint8Array, off: number, len: number, max: number): string {
  const n = len < max ? len : max;
  let ascii = true;
  for (let i = off; i < off + n; i++) {
    if (d[i] >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (!ascii) return utf8.decode(d.subarray(off, off + n));
  let s = '';
  for (let i = off; i < off + n; i += 4096) {
    const e = i + 4096 < off + n ? i + 4096 : off + n;
    s += String.fromCharCode.apply(null, d.subarray(i, e) as unknown as number[]);
  }
  return s;
}
