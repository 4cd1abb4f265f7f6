// Pure parsing of TLS handshake messages (RFC 5246 §7.4, RFC 8446 §4): ClientHello and its
// extensions (RFC 6066 server_name, RFC 7301 ALPN, RFC 8422 groups and point formats, RFC 8446
// supported_versions, key_share, pre_shared_key, signature_algorithms, RFC 5077 session
// ticket), ServerHello (and HelloRetryRequest), the Certificate list of TLS 1.2 and before,
// the ECDHE ServerKeyExchange's named curve, and the SSLv2 CLIENT-HELLO. No state; never throws.
import { EXT, HRR_RANDOM, MAX_EXTENSIONS, MAX_LIST } from './constants.ts';

export function u16(d: Uint8Array, off: number): number {
  return (d[off] << 8) | d[off + 1];
}
export function u24(d: Uint8Array, off: number): number {
  return (d[off] << 16) | (d[off + 1] << 8) | d[off + 2];
}

function hex(d: Uint8Array, off: number, len: number): string {
  let s = '';
  for (let i = 0; i < len; i++) s += d[off + i].toString(16).padStart(2, '0');
  return s;
}

function latin1(d: Uint8Array, off: number, len: number): string {
  let s = '';
  for (let i = 0; i < len; i++) s += String.fromCharCode(d[off + i]);
  return s;
}

export class ClientHello {
  version = 0;
  /** Session id as hex ('' when empty). */
  sessionId = '';
  sessionIdAllZero = false;
  ciphers: number[] = [];
  compression: number[] = [];
  extensions: number[] = [];
  serverNames: string[] = [];
  groups: number[] = [];
  pointFormats: number[] = [];
  sigAlgs: number[] = [];
  alpn: string[] = [];
  firstAlpn: Uint8Array | null = null;
  supportedVersions: number[] = [];
  keyShares: number[] = [];
  /** Length of the session_ticket extension, -1 when absent. */
  ticketLength = -1;
  psk = false;
  /** The hello was cut or an extension's length ran past it (what came before is kept). */
  malformed = false;
  tooManyExtensions = false;
  /** An SSLv2 CLIENT-HELLO. */
  v2 = false;
}

export class ServerHello {
  version = 0;
  sessionId = '';
  cipher = 0;
  compression = 0;
  extensions: number[] = [];
  /** supported_versions' selected version, -1 when absent. */
  selectedVersion = -1;
  /** key_share's group (or the HelloRetryRequest's requested group), -1 when absent. */
  keyShareGroup = -1;
  alpn: string[] = [];
  psk = false;
  helloRetry = false;
  malformed = false;
}

function pushCapped(list: number[], v: number): void {
  if (list.length < MAX_LIST) list.push(v);
}

/** The body of a ClientHello handshake message at d[off, end). */
export function parseClientHello(d: Uint8Array, off: number, end: number): ClientHello | null {
  const h = new ClientHello();
  let p = off;
  if (end - p < 35) return null;
  h.version = u16(d, p);
  p += 34; // version, random
  const sl = d[p++];
  if (sl > 32 || end - p < sl) return null;
  h.sessionId = hex(d, p, sl);
  let zero = sl === 32;
  for (let i = 0; i < sl && zero; i++) zero = d[p + i] === 0;
  h.sessionIdAllZero = zero;
  p += sl;
  if (end - p < 2) return null;
  const cl = u16(d, p);
  p += 2;
  if (cl > end - p || cl % 2 !== 0) return null;
  for (let i = 0; i < cl; i += 2) pushCapped(h.ciphers, u16(d, p + i));
  p += cl;
  if (end - p < 1) return null;
  const ml = d[p++];
  if (ml > end - p) return null;
  for (let i = 0; i < ml; i++) pushCapped(h.compression, d[p + i]);
  p += ml;
  if (end - p < 2) return h; // no extensions (SSLv3 / TLS 1.0 clients)
  const el = u16(d, p);
  p += 2;
  let eend = p + el;
  if (eend > end) {
    h.malformed = true;
    eend = end;
  }
  while (eend - p >= 4) {
    const type = u16(d, p);
    const len = u16(d, p + 2);
    p += 4;
    if (len > eend - p) {
      h.malformed = true;
      break;
    }
    if (h.extensions.length >= MAX_EXTENSIONS) {
      h.tooManyExtensions = true;
      break;
    }
    h.extensions.push(type);
    if (!clientExtension(h, type, d, p, p + len)) h.malformed = true;
    p += len;
  }
  return h;
}

function clientExtension(h: ClientHello, type: number, d: Uint8Array, p: number, end: number): boolean {
  switch (type) {
    case EXT.SERVER_NAME: {
      if (end - p < 2) return end === p;
      const ll = Math.min(u16(d, p), end - p - 2);
      let q = p + 2;
      const le = q + ll;
      while (le - q >= 3) {
        const t = d[q];
        const n = u16(d, q + 1);
        q += 3;
        if (n > le - q) return false;
        if (t === 0 && h.serverNames.length < 16) h.serverNames.push(latin1(d, q, Math.min(n, 1024)));
        q += n;
      }
      return true;
    }
    case EXT.SUPPORTED_GROUPS:
    case EXT.SIGNATURE_ALGORITHMS: {
      if (end - p < 2) return false;
      const n = u16(d, p);
      if (n > end - p - 2 || n % 2 !== 0) return false;
      const list = type === EXT.SUPPORTED_GROUPS ? h.groups : h.sigAlgs;
      for (let i = 0; i < n; i += 2) pushCapped(list, u16(d, p + 2 + i));
      return true;
    }
    case EXT.EC_POINT_FORMATS: {
      if (end - p < 1) return false;
      const n = d[p];
      if (n > end - p - 1) return false;
      for (let i = 0; i < n; i++) pushCapped(h.pointFormats, d[p + 1 + i]);
      return true;
    }
    case EXT.ALPN: {
      if (end - p < 2) return false;
      const n = Math.min(u16(d, p), end - p - 2);
      let q = p + 2;
      const le = q + n;
      while (q < le) {
        const l = d[q++];
        if (l > le - q) return false;
        if (h.alpn.length === 0) h.firstAlpn = d.slice(q, q + l);
        if (h.alpn.length < 16) h.alpn.push(latin1(d, q, l));
        q += l;
      }
      return true;
    }
    case EXT.SUPPORTED_VERSIONS: {
      if (end - p < 1) return false;
      const n = d[p];
      if (n > end - p - 1 || n % 2 !== 0) return false;
      for (let i = 0; i < n; i += 2) pushCapped(h.supportedVersions, u16(d, p + 1 + i));
      return true;
    }
    case EXT.KEY_SHARE: {
      if (end - p < 2) return false;
      let q = p + 2;
      const le = Math.min(end, q + u16(d, p));
      while (le - q >= 4) {
        pushCapped(h.keyShares, u16(d, q));
        q += 4 + u16(d, q + 2);
      }
      return true;
    }
    case EXT.SESSION_TICKET:
      h.ticketLength = end - p;
      return true;
    case EXT.PRE_SHARED_KEY:
      h.psk = true;
      return true;
    default:
      return true;
  }
}

/** The body of a ServerHello (or HelloRetryRequest) handshake message at d[off, end). */
export function parseServerHello(d: Uint8Array, off: number, end: number): ServerHello | null {
  const h = new ServerHello();
  let p = off;
  if (end - p < 35) return null;
  h.version = u16(d, p);
  let hrr = true;
  for (let i = 0; i < 32 && hrr; i++) hrr = d[p + 2 + i] === HRR_RANDOM[i];
  h.helloRetry = hrr;
  p += 34;
  const sl = d[p++];
  if (sl > 32 || end - p < sl + 3) return null;
  h.sessionId = hex(d, p, sl);
  p += sl;
  h.cipher = u16(d, p);
  h.compression = d[p + 2];
  p += 3;
  if (end - p < 2) return h;
  const el = u16(d, p);
  p += 2;
  let eend = p + el;
  if (eend > end) {
    h.malformed = true;
    eend = end;
  }
  while (eend - p >= 4 && h.extensions.length < MAX_EXTENSIONS) {
    const type = u16(d, p);
    const len = u16(d, p + 2);
    p += 4;
    if (len > eend - p) {
      h.malformed = true;
      break;
    }
    h.extensions.push(type);
    const e = p + len;
    if (type === EXT.SUPPORTED_VERSIONS && len >= 2) h.selectedVersion = u16(d, p);
    else if (type === EXT.KEY_SHARE && len >= 2) h.keyShareGroup = u16(d, p);
    else if (type === EXT.PRE_SHARED_KEY) h.psk = true;
    else if (type === EXT.ALPN && len >= 3) {
      let q = p + 2;
      while (q < e) {
        const l = d[q++];
        if (l > e - q) break;
        if (h.alpn.length < 16) h.alpn.push(latin1(d, q, l));
        q += l;
      }
    }
    p = e;
  }
  return h;
}

/** A Certificate message (TLS ≤ 1.2): [offset, length] of each DER certificate, at most `max`; null when malformed. */
export function parseCertificateList(d: Uint8Array, off: number, end: number, max: number): [number, number][] | null {
  if (end - off < 3) return null;
  const total = u24(d, off);
  let p = off + 3;
  const le = p + total;
  if (le > end) return null;
  const out: [number, number][] = [];
  while (le - p >= 3 && out.length < max) {
    const n = u24(d, p);
    p += 3;
    if (n > le - p) return null;
    out.push([p, n]);
    p += n;
  }
  return out;
}

/** The named curve of an ECDHE ServerKeyExchange (ECParameters: curve_type 3 named_curve), -1 otherwise. */
export function ecdheCurve(d: Uint8Array, off: number, end: number): number {
  if (end - off < 3 || d[off] !== 3) return -1;
  return u16(d, off + 1);
}

/**
 * An SSLv2 CLIENT-HELLO record (2-byte header, high bit set) at d[off]: [length of the record,
 * the hello] or null. Cipher specs are 3 bytes; those of the form 00 xx yy are TLS suites.
 */
export function parseSslv2ClientHello(d: Uint8Array, off: number, end: number): [number, ClientHello] | null {
  if (end - off < 11 || (d[off] & 0x80) === 0) return null;
  const len = ((d[off] & 0x7f) << 8) | d[off + 1];
  const p = off + 2;
  if (len < 9 || p + len > end || d[p] !== 1) return null;
  const h = new ClientHello();
  h.v2 = true;
  h.version = u16(d, p + 1);
  const cs = u16(d, p + 3);
  const sid = u16(d, p + 5);
  const ch = u16(d, p + 7);
  if (cs % 3 !== 0 || 9 + cs + sid + ch > len) return null;
  for (let i = 0; i < cs; i += 3) pushCapped(h.ciphers, (d[p + 9 + i] << 16) | (d[p + 10 + i] << 8) | d[p + 11 + i]);
  h.sessionId = hex(d, p + 9 + cs, sid);
  return [2 + len, h];
}
