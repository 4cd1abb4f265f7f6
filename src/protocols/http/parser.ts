// HTTP/1.x line parsing: request lines, status lines, header values, chunk sizes and the
// decoding of what the records keep (URIs, Basic credentials, media types). Pure functions
// over byte ranges; nothing here keeps a reference to the bytes. Malformed input gives a
// "no" answer (false, -1), never an exception.
import { bytesText } from '../../dissect/text.ts';

const SP = 0x20;
const HT = 0x09;

function isWs(c: number): boolean {
  return c === SP || c === HT;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** RFC 9110 tchar: the characters of a method or header name. */
export function isTokenChar(c: number): boolean {
  if (c >= 0x61 && c <= 0x7a) return true; // a-z
  if (c >= 0x41 && c <= 0x5a) return true; // A-Z
  if (c >= 0x30 && c <= 0x39) return true; // 0-9
  switch (c) {
    case 0x21: case 0x23: case 0x24: case 0x25: case 0x26: case 0x27: case 0x2a: case 0x2b: // ! # $ % & ' * +
    case 0x2d: case 0x2e: case 0x5e: case 0x5f: case 0x60: case 0x7c: case 0x7e: // - . ^ _ ` | ~
      return true;
    default:
      return false;
  }
}

/** Where the parts of a request line are (offsets into the line's bytes). */
export class RequestLine {
  methodOff = 0;
  methodLen = 0;
  uriOff = 0;
  uriLen = 0;
  /** HTTP version digits; -1 for a request line without a version (HTTP/0.9). */
  major = -1;
  minor = -1;
}

/**
 * A request line (`METHOD SP request-target SP HTTP/d.d`, without its line end). The
 * target runs from after the method to the whitespace before the last "HTTP/" (Zeek's
 * reading: a target with spaces in it stays whole); a line without "HTTP/" is an HTTP/0.9
 * request whose target is the rest of the line. False when the line is not a request line.
 */
export function parseRequestLine(d: Uint8Array, off: number, len: number, out: RequestLine): boolean {
  const end = off + len;
  let i = off;
  while (i < end && isTokenChar(d[i])) i++;
  const mlen = i - off;
  if (mlen === 0 || mlen > 32 || i >= end || !isWs(d[i])) return false;
  while (i < end && isWs(d[i])) i++;
  if (i >= end) return false;
  const uriStart = i;
  // The last whitespace + "HTTP/" on the line starts the version.
  let v = -1;
  for (let j = end - 5; j > uriStart; j--) {
    if (d[j] === 0x48 && d[j + 1] === 0x54 && d[j + 2] === 0x54 && d[j + 3] === 0x50 && d[j + 4] === 0x2f && isWs(d[j - 1])) {
      v = j;
      break;
    }
  }
  out.methodOff = off;
  out.methodLen = mlen;
  out.uriOff = uriStart;
  if (v < 0) {
    // HTTP/0.9: "GET /path" (Zeek takes it only for a method of 3+ letters and a target).
    let e = end;
    while (e > uriStart && isWs(d[e - 1])) e--;
    for (let k = uriStart; k < e; k++) if (d[k] < 0x21 || d[k] === 0x7f) return false;
    if (mlen < 3) return false;
    out.uriLen = e - uriStart;
    out.major = -1;
    out.minor = -1;
    return true;
  }
  let e = v - 1;
  while (e > uriStart && isWs(d[e - 1])) e--;
  out.uriLen = e - uriStart;
  // "HTTP/" d "." d, then nothing but whitespace.
  const p = v + 5;
  if (p + 3 > end || !isDigit(d[p]) || d[p + 1] !== 0x2e || !isDigit(d[p + 2])) return false;
  for (let k = p + 3; k < end; k++) if (!isWs(d[k])) return false;
  out.major = d[p] - 0x30;
  out.minor = d[p + 2] - 0x30;
  return true;
}

/** Where the parts of a status line are. */
export class StatusLine {
  major = 0;
  minor = 0;
  code = 0;
  /** The reason phrase; -1 when the line has none (Zeek then logs "<empty>"). */
  reasonOff = -1;
  reasonLen = 0;
}

/** A status line (`HTTP/d.d SP ddd [SP reason]`). False when the line is not one. */
export function parseStatusLine(d: Uint8Array, off: number, len: number, out: StatusLine): boolean {
  const end = off + len;
  if (len < 12) return false;
  if (d[off] !== 0x48 || d[off + 1] !== 0x54 || d[off + 2] !== 0x54 || d[off + 3] !== 0x50 || d[off + 4] !== 0x2f) return false;
  if (!isDigit(d[off + 5]) || d[off + 6] !== 0x2e || !isDigit(d[off + 7])) return false;
  let i = off + 8;
  if (!isWs(d[i])) return false;
  while (i < end && isWs(d[i])) i++;
  if (i + 3 > end || !isDigit(d[i]) || !isDigit(d[i + 1]) || !isDigit(d[i + 2])) return false;
  const code = (d[i] - 0x30) * 100 + (d[i + 1] - 0x30) * 10 + (d[i + 2] - 0x30);
  if (code < 100) return false;
  i += 3;
  if (i < end && !isWs(d[i])) return false;
  out.major = d[off + 5] - 0x30;
  out.minor = d[off + 7] - 0x30;
  out.code = code;
  if (i >= end) {
    out.reasonOff = -1;
    out.reasonLen = 0;
    return true;
  }
  while (i < end && isWs(d[i])) i++;
  out.reasonOff = i;
  out.reasonLen = end - i;
  return true;
}

/** The offset of the ':' of a header line, or -1 when the line is not `name: value`. */
export function headerColon(d: Uint8Array, off: number, len: number): number {
  const end = off + len;
  let i = off;
  while (i < end && isTokenChar(d[i])) i++;
  if (i === off || i >= end) return -1;
  // Whitespace between name and colon is not allowed (RFC 9112 §5.1), but seen; tolerated.
  let j = i;
  while (j < end && isWs(d[j])) j++;
  return j < end && d[j] === 0x3a ? j : -1;
}

/** The header name's length (before any whitespace and the colon at `colon`). */
export function headerNameLength(d: Uint8Array, off: number, colon: number): number {
  let e = colon;
  while (e > off && isWs(d[e - 1])) e--;
  return e - off;
}

/** A range of bytes (a trimmed header value). */
export class Span {
  off = 0;
  len = 0;
}

/** d[off, end) without leading and trailing whitespace, into `out`. */
export function trimmed(d: Uint8Array, off: number, end: number, out: Span): Span {
  while (off < end && isWs(d[off])) off++;
  while (end > off && isWs(d[end - 1])) end--;
  out.off = off;
  out.len = end - off;
  return out;
}

/** A Content-Length value: its number, or -1 when it is not 1*DIGIT (or over 2^53). */
export function parseContentLength(d: Uint8Array, off: number, len: number): number {
  if (len === 0 || len > 15) return -1;
  let n = 0;
  for (let i = off; i < off + len; i++) {
    const c = d[i];
    if (!isDigit(c)) return -1;
    n = n * 10 + (c - 0x30);
  }
  return n;
}

/** A chunk-size line (`1*HEXDIG [; ext]`): the size, or -1 when the line does not start with hex digits. */
export function parseChunkSize(d: Uint8Array, off: number, len: number): number {
  const end = off + len;
  let i = off;
  while (i < end && isWs(d[i])) i++;
  let n = 0;
  let digits = 0;
  for (; i < end; i++) {
    const c = d[i];
    let v: number;
    if (c >= 0x30 && c <= 0x39) v = c - 0x30;
    else if (c >= 0x61 && c <= 0x66) v = c - 0x57;
    else if (c >= 0x41 && c <= 0x46) v = c - 0x37;
    else break;
    if (++digits > 13) return -1;
    n = n * 16 + v;
  }
  if (digits === 0) return -1;
  while (i < end && isWs(d[i])) i++;
  if (i < end && d[i] !== 0x3b /* ; */) return -1;
  return n;
}

/** Whether the value contains `chunked` as a transfer coding (any case). */
export function hasChunked(d: Uint8Array, off: number, len: number): boolean {
  const end = off + len - 6;
  for (let i = off; i < end; i++) {
    if ((d[i] | 0x20) === 0x63 && (d[i + 1] | 0x20) === 0x68 && (d[i + 2] | 0x20) === 0x75 && (d[i + 3] | 0x20) === 0x6e
      && (d[i + 4] | 0x20) === 0x6b && (d[i + 5] | 0x20) === 0x65 && (d[i + 6] | 0x20) === 0x64) return true;
  }
  return false;
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}

/**
 * The request target with %-escapes decoded, as Zeek's http.log `uri` holds it (its
 * unescape_URI: %XX, %uXXXX, "%%" read as one "%", a "%" without two hex digits kept as
 * it is), then as record text (bytes that are not UTF-8 as \xNN).
 */
export function unescapeUri(d: Uint8Array, off: number, len: number): string {
  const end = off + len;
  let pct = -1;
  for (let i = off; i < end; i++) {
    if (d[i] === 0x25) {
      pct = i;
      break;
    }
  }
  if (pct < 0) return bytesText(d, off, len);
  const out = new Uint8Array(len);
  let n = 0;
  let i = off;
  while (i < end) {
    const c = d[i];
    if (c !== 0x25) {
      out[n++] = c;
      i++;
      continue;
    }
    i++;
    if (i === end) {
      out[n++] = 0x25;
      break;
    }
    if (i + 1 === end) {
      out[n++] = 0x25;
      out[n++] = d[i];
      break;
    }
    if (d[i] === 0x25) continue; // "%%": the first is dropped
    const h1 = hexValue(d[i]);
    const h2 = hexValue(d[i + 1]);
    if (h1 >= 0 && h2 >= 0) {
      out[n++] = (h1 << 4) | h2;
      i += 2;
    } else if (end - i >= 5 && d[i] === 0x75 && hexValue(d[i + 1]) >= 0 && hexValue(d[i + 2]) >= 0 && hexValue(d[i + 3]) >= 0 && hexValue(d[i + 4]) >= 0) {
      if (!(d[i + 1] === 0x30 && d[i + 2] === 0x30)) out[n++] = (hexValue(d[i + 1]) << 4) | hexValue(d[i + 2]);
      out[n++] = (hexValue(d[i + 3]) << 4) | hexValue(d[i + 4]);
      i += 5;
    } else {
      out[n++] = 0x25;
      out[n++] = d[i];
      i++;
    }
  }
  return bytesText(out, 0, n);
}

const B64 = new Int8Array(256).fill(-1);
{
  const a = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  for (let i = 0; i < a.length; i++) B64[a.charCodeAt(i)] = i;
}

/** Base64 of d[off, off + len) decoded; null when a character is not base64 (padding and trailing whitespace allowed). */
export function decodeBase64(d: Uint8Array, off: number, len: number): Uint8Array | null {
  let end = off + len;
  while (end > off && (isWs(d[end - 1]) || d[end - 1] === 0x3d /* = */)) end--;
  const out = new Uint8Array(Math.floor(((end - off) * 3) / 4));
  let n = 0;
  let acc = 0;
  let bits = 0;
  for (let i = off; i < end; i++) {
    const v = B64[d[i]];
    if (v < 0) return null;
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[n++] = (acc >> bits) & 0xff;
    }
    acc &= 0xff;
  }
  return out.subarray(0, n);
}

/** What an Authorization header says. */
export class Credentials {
  /** The scheme as sent (`Basic`, `Digest`, `Bearer`, `NTLM`, …); '' when the value is empty. */
  scheme = '';
  /** Basic: the user name; undefined for other schemes. */
  user: string | undefined = undefined;
  /** Basic: a non-empty password followed the user name. */
  passwordPresent = false;
  /** Basic credentials that did not decode to `user:password`. */
  problem = false;
}

/**
 * An Authorization (or Proxy-Authorization) value. For Basic (Zeek reads it when the value
 * starts with "basic " in any case) the user name before the first ':' of the decoded
 * credentials; the password is only noted as present, never kept. Zeek's user name for
 * credentials without a ':' is `<problem-decoding> (value)`; Palisade writes
 * `<problem-decoding>` alone, so the encoded secret does not reach the record.
 */
export function parseAuthorization(d: Uint8Array, off: number, len: number, out: Credentials): Credentials {
  const end = off + len;
  let i = off;
  while (i < end && !isWs(d[i])) i++;
  out.scheme = bytesText(d, off, Math.min(i - off, 32));
  out.user = undefined;
  out.passwordPresent = false;
  out.problem = false;
  const basic = i - off === 5 && (d[off] | 0x20) === 0x62 && (d[off + 1] | 0x20) === 0x61 && (d[off + 2] | 0x20) === 0x73
    && (d[off + 3] | 0x20) === 0x69 && (d[off + 4] | 0x20) === 0x63 && i < end && d[i] === SP;
  if (!basic) return out;
  while (i < end && isWs(d[i])) i++;
  const raw = decodeBase64(d, i, end - i);
  let colon = -1;
  if (raw !== null) {
    for (let k = 0; k < raw.length; k++) {
      if (raw[k] === 0x3a) {
        colon = k;
        break;
      }
    }
  }
  if (raw === null || colon < 0) {
    out.user = '<problem-decoding>';
    out.problem = true;
    return out;
  }
  out.user = bytesText(raw, 0, colon);
  out.passwordPresent = colon + 1 < raw.length;
  raw.fill(0);
  return out;
}

/** The media type of a Content-Type value: `type/subtype` in lower case, parameters dropped; '' when there is none. */
export function mediaType(d: Uint8Array, off: number, len: number): string {
  const end = off + len;
  let i = off;
  while (i < end && isWs(d[i])) i++;
  const s = i;
  while (i < end && d[i] !== 0x3b && !isWs(d[i])) i++;
  return bytesText(d, s, Math.min(i - s, 128)).toLowerCase();
}
