// One SSDP message (UPnP Device Architecture 2.0 §1; HTTP/1.1 message syntax over UDP,
// RFC 7230 §3): the start line (M-SEARCH / NOTIFY request, or a status line for a search
// response) and the header fields SSDP uses. Pure: bytes in, a reused SsdpMsg out, problems
// as flags. Lines end with CRLF (a bare LF is accepted); header names are case-insensitive;
// values are trimmed. Every line and every value is bounded, and so is the header count.
import { bytesText } from '../../dissect/text.ts';

/** Header lines read per message; the rest are skipped (`too_many_headers`). */
export const MAX_HEADERS = 64;
/** Longest line accepted, in bytes (a longer one is cut: `long_line`). */
export const MAX_LINE = 2048;

export const PROBLEM = {
  /** The start line is neither a request line nor a status line. */
  BAD_START_LINE: 1,
  /** A header line without a colon. */
  BAD_HEADER: 2,
  TOO_MANY_HEADERS: 4,
  LONG_LINE: 8,
  /** No empty line ends the headers. */
  UNTERMINATED: 16,
} as const;

export class SsdpMsg {
  /** Request: the method (`M-SEARCH`, `NOTIFY`, …) and target (`*`); response: -1 status. */
  method: string | undefined = undefined;
  status = -1;
  reason: string | undefined = undefined;
  version: string | undefined = undefined;
  host: string | undefined = undefined;
  man: string | undefined = undefined;
  mx: string | undefined = undefined;
  st: string | undefined = undefined;
  nt: string | undefined = undefined;
  nts: string | undefined = undefined;
  usn: string | undefined = undefined;
  location: string | undefined = undefined;
  server: string | undefined = undefined;
  userAgent: string | undefined = undefined;
  cacheControl: string | undefined = undefined;
  bootId: string | undefined = undefined;
  configId: string | undefined = undefined;
  headers = 0;
  problems = 0;
  detail = '';

  reset(): void {
    this.method = this.reason = this.version = this.host = this.man = this.mx = this.st = this.nt = this.nts = undefined;
    this.usn = this.location = this.server = this.userAgent = this.cacheControl = this.bootId = this.configId = undefined;
    this.status = -1;
    this.headers = 0;
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

/** Where the line starting at p ends (the CR or LF), and where the next starts. */
let lineEnd = 0;
let nextLine = 0;
function findLine(d: Uint8Array, p: number, end: number): void {
  let i = p;
  while (i < end && d[i] !== 0x0a) i++;
  nextLine = i < end ? i + 1 : end;
  lineEnd = i > p && d[i - 1] === 0x0d ? i - 1 : i;
}

function isTokenChar(c: number): boolean {
  // RFC 7230 tchar: letters, digits and !#$%&'*+-.^_`|~
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x5f || c === 0x2e ||
    c === 0x21 || c === 0x23 || c === 0x24 || c === 0x25 || c === 0x26 || c === 0x27 || c === 0x2a || c === 0x2b || c === 0x5e || c === 0x60 || c === 0x7c || c === 0x7e;
}

/** Whether d[p..] starts with the ASCII text `s`. */
function startsWith(d: Uint8Array, p: number, end: number, s: string): boolean {
  if (p + s.length > end) return false;
  for (let i = 0; i < s.length; i++) if (d[p + i] !== s.charCodeAt(i)) return false;
  return true;
}

/** Whether the first line is an SSDP start line (for the probe): a request `METHOD * HTTP/1.x`, or `HTTP/1.x NNN`. */
export function isStartLine(d: Uint8Array, off: number, len: number): boolean {
  const end = off + Math.min(len, MAX_LINE);
  if (startsWith(d, off, end, 'HTTP/1.')) {
    return off + 12 <= end && d[off + 7] >= 0x30 && d[off + 7] <= 0x39 && d[off + 8] === 0x20 && isDigits(d, off + 9, 3);
  }
  let i = off;
  while (i < end && isTokenChar(d[i])) i++;
  if (i === off || i >= end || d[i] !== 0x20) return false;
  let j = i + 1;
  while (j < end && d[j] !== 0x20 && d[j] > 0x20 && d[j] < 0x7f) j++;
  if (j === i + 1 || j >= end || d[j] !== 0x20) return false;
  return startsWith(d, j + 1, end, 'HTTP/1.');
}

function isDigits(d: Uint8Array, p: number, n: number): boolean {
  for (let i = 0; i < n; i++) if (d[p + i] < 0x30 || d[p + i] > 0x39) return false;
  return true;
}

/** Parses d[off, off + len). False when the start line is not SSDP's (nothing else is read). */
export function parseSsdp(d: Uint8Array, off: number, len: number, m: SsdpMsg): boolean {
  m.reset();
  const end = off + len;
  if (!isStartLine(d, off, len)) {
    m.problem(PROBLEM.BAD_START_LINE, 'not a request or status line');
    return false;
  }
  findLine(d, off, end);
  let le = lineEnd;
  if (le - off > MAX_LINE) {
    m.problem(PROBLEM.LONG_LINE, `start line of ${le - off} bytes`);
    le = off + MAX_LINE;
  }
  if (d[off] === 0x48 && startsWith(d, off, end, 'HTTP/1.')) {
    m.version = bytesText(d, off + 5, 3);
    m.status = (d[off + 9] - 0x30) * 100 + (d[off + 10] - 0x30) * 10 + (d[off + 11] - 0x30);
    m.reason = off + 13 <= le ? bytesText(d, off + 13, le - off - 13) : '';
  } else {
    let i = off;
    while (d[i] !== 0x20) i++;
    m.method = bytesText(d, off, i - off);
    const v = lastSpace(d, i + 1, le);
    m.version = v + 6 <= le ? bytesText(d, v + 6, le - v - 6) : undefined;
  }
  let p = nextLine;
  let terminated = false;
  while (p < end) {
    findLine(d, p, end);
    const s = p;
    let e = lineEnd;
    p = nextLine;
    if (e === s) {
      terminated = true;
      break;
    }
    if (m.headers >= MAX_HEADERS) {
      m.problem(PROBLEM.TOO_MANY_HEADERS, `more than ${MAX_HEADERS} header lines`);
      continue;
    }
    m.headers++;
    if (e - s > MAX_LINE) {
      m.problem(PROBLEM.LONG_LINE, `header line of ${e - s} bytes`);
      e = s + MAX_LINE;
    }
    let c = s;
    while (c < e && d[c] !== 0x3a) c++;
    if (c === e || c === s) {
      m.problem(PROBLEM.BAD_HEADER, 'a header line without a name and colon');
      continue;
    }
    let vs = c + 1;
    while (vs < e && (d[vs] === 0x20 || d[vs] === 0x09)) vs++;
    let ve = e;
    while (ve > vs && (d[ve - 1] === 0x20 || d[ve - 1] === 0x09)) ve--;
    header(d, s, c, vs, ve, m);
  }
  if (!terminated) m.problem(PROBLEM.UNTERMINATED, 'no empty line after the headers');
  return true;
}

function lastSpace(d: Uint8Array, p: number, end: number): number {
  let last = p;
  for (let i = p; i < end; i++) if (d[i] === 0x20) last = i + 1;
  return last - 1;
}

/** Whether the header name d[s, e) is `name` (given in upper case), ignoring case. */
function nameIs(d: Uint8Array, s: number, e: number, name: string): boolean {
  if (e - s !== name.length) return false;
  for (let i = 0; i < name.length; i++) {
    let c = d[s + i];
    if (c >= 0x61 && c <= 0x7a) c -= 0x20;
    if (c !== name.charCodeAt(i)) return false;
  }
  return true;
}

function header(d: Uint8Array, s: number, e: number, vs: number, ve: number, m: SsdpMsg): void {
  const n = e - s;
  // Dispatch on the name's length first: most lines are compared once.
  switch (n) {
    case 2:
      if (nameIs(d, s, e, 'ST')) m.st = bytesText(d, vs, ve - vs);
      else if (nameIs(d, s, e, 'NT')) m.nt = bytesText(d, vs, ve - vs);
      else if (nameIs(d, s, e, 'MX')) m.mx = bytesText(d, vs, ve - vs);
      return;
    case 3:
      if (nameIs(d, s, e, 'NTS')) m.nts = bytesText(d, vs, ve - vs);
      else if (nameIs(d, s, e, 'USN')) m.usn = bytesText(d, vs, ve - vs);
      else if (nameIs(d, s, e, 'MAN')) m.man = bytesText(d, vs, ve - vs);
      return;
    case 4:
      if (nameIs(d, s, e, 'HOST')) m.host = bytesText(d, vs, ve - vs);
      return;
    case 6:
      if (nameIs(d, s, e, 'SERVER')) m.server = bytesText(d, vs, ve - vs);
      return;
    case 8:
      if (nameIs(d, s, e, 'LOCATION')) m.location = bytesText(d, vs, ve - vs);
      return;
    case 10:
      if (nameIs(d, s, e, 'USER-AGENT')) m.userAgent = bytesText(d, vs, ve - vs);
      return;
    case 13:
      if (nameIs(d, s, e, 'CACHE-CONTROL')) m.cacheControl = bytesText(d, vs, ve - vs);
      return;
    case 15:
      if (nameIs(d, s, e, 'BOOTID.UPNP.ORG')) m.bootId = bytesText(d, vs, ve - vs);
      return;
    case 17:
      if (nameIs(d, s, e, 'CONFIGID.UPNP.ORG')) m.configId = bytesText(d, vs, ve - vs);
      return;
    default:
      return;
  }
}
