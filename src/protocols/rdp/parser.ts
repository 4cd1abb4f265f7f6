// Pure parsing of the RDP connection sequence up to the MCS Connect Response ([MS-RDPBCGR]
// §2.2.1.1-2.2.1.4): the X.224 Connection Request with its cookie / routing token and
// RDP_NEG_REQ, the Connection Confirm with RDP_NEG_RSP or RDP_NEG_FAILURE, and the client and
// server data blocks inside MCS Connect Initial / Response. No state; never throws.
import { BER_OK, Tlv, readTlv } from '../../dissect/ber.ts';
import {
  CS_CORE, CS_NET, RNS_UD_CS_WANT_32BPP_SESSION, SC_SECURITY, TYPE_RDP_NEG_FAILURE, TYPE_RDP_NEG_REQ, TYPE_RDP_NEG_RSP, X224_CC, X224_CR,
} from './constants.ts';

export function u16le(d: Uint8Array, off: number): number {
  return d[off] | (d[off + 1] << 8);
}
export function u32le(d: Uint8Array, off: number): number {
  return (d[off] | (d[off + 1] << 8) | (d[off + 2] << 16) | (d[off + 3] << 24)) >>> 0;
}

function latin1(d: Uint8Array, off: number, len: number): string {
  let s = '';
  for (let i = 0; i < len; i++) s += String.fromCharCode(d[off + i]);
  return s;
}

/** UTF-16LE text up to the first NUL (as Zeek's utf16_to_utf8_val keeps it), within `len` bytes. */
export function utf16z(d: Uint8Array, off: number, len: number): string {
  let s = '';
  for (let i = 0; i + 1 < len; i += 2) {
    const c = d[off + i] | (d[off + i + 1] << 8);
    if (c === 0) break;
    s += String.fromCharCode(c);
  }
  return s;
}

const COOKIE = [0x43, 0x6f, 0x6f, 0x6b, 0x69, 0x65, 0x3a, 0x20]; // "Cookie: "
const MSTSHASH = [0x6d, 0x73, 0x74, 0x73, 0x68, 0x61, 0x73, 0x68, 0x3d]; // "mstshash="

function startsWith(d: Uint8Array, off: number, end: number, s: readonly number[]): boolean {
  if (end - off < s.length) return false;
  for (let i = 0; i < s.length; i++) if (d[off + i] !== s[i]) return false;
  return true;
}

/** What an X.224 Connection Request carries. */
export class ConnectionRequest {
  /** The user name of "Cookie: mstshash=…" (§2.2.1.1: up to CR LF). */
  cookie: string | undefined = undefined;
  /** Another "Cookie: " line: the routing token (load-balancing "msts=…"), without the prefix. */
  routingToken: string | undefined = undefined;
  /** RDP_NEG_REQ requestedProtocols, -1 when there is no RDP_NEG_REQ. */
  requested = -1;
  negFlags = 0;
  /** RDP_NEG_CORRELATION_INFO correlationId (hex), when present. */
  correlationId: string | undefined = undefined;
  /** The cookie line ran past the TPDU without CR LF. */
  unterminated = false;
}

/**
 * An X.224 CR TPDU at d[off] (the length indicator), `end` one past the TPKT. Returns the
 * request, or null when it is not a CR of class 0 whose length indicator fits.
 */
export function parseConnectionRequest(d: Uint8Array, off: number, end: number, out: ConnectionRequest): ConnectionRequest | null {
  if (end - off < 7) return null;
  const li = d[off];
  if ((d[off + 1] & 0xf0) !== X224_CR || li < 6 || off + 1 + li > end) return null;
  if (d[off + 2] !== 0 || d[off + 3] !== 0 || (d[off + 6] & 0xf0) !== 0) return null; // DST-REF 0, class 0
  const stop = off + 1 + li;
  let p = off + 7;
  if (startsWith(d, p, stop, COOKIE)) {
    let q = p + COOKIE.length;
    while (q + 1 < stop && !(d[q] === 0x0d && d[q + 1] === 0x0a)) q++;
    if (q + 1 >= stop) {
      out.unterminated = true;
      q = stop;
    }
    const v = p + COOKIE.length;
    if (startsWith(d, v, q, MSTSHASH)) out.cookie = latin1(d, v + MSTSHASH.length, q - v - MSTSHASH.length);
    else out.routingToken = latin1(d, v, q - v);
    p = Math.min(q + 2, stop);
  }
  if (stop - p >= 8 && d[p] === TYPE_RDP_NEG_REQ && u16le(d, p + 2) === 8) {
    out.negFlags = d[p + 1];
    out.requested = u32le(d, p + 4);
    p += 8;
    if (stop - p >= 36 && d[p] === 0x06 && u16le(d, p + 2) === 36) {
      let h = '';
      for (let i = 0; i < 16; i++) h += d[p + 4 + i].toString(16).padStart(2, '0');
      out.correlationId = h;
    }
  }
  return out;
}

/** Whether the user data of a CR (after the 7-byte header) starts as an RDP one: a cookie line or an RDP_NEG_REQ. */
export function rdpUserData(d: Uint8Array, off: number, stop: number): 'cookie' | 'neg' | 'token' | 'none' | 'other' {
  if (off >= stop) return 'none';
  if (startsWith(d, off, stop, COOKIE)) return startsWith(d, off + COOKIE.length, stop, MSTSHASH) ? 'cookie' : 'token';
  if (stop - off >= 8 && d[off] === TYPE_RDP_NEG_REQ && u16le(d, off + 2) === 8) return 'neg';
  return 'other';
}

/** What an X.224 Connection Confirm carries. */
export class ConnectionConfirm {
  /** RDP_NEG_RSP selectedProtocol, -1 when absent. */
  selected = -1;
  negFlags = 0;
  /** RDP_NEG_FAILURE failureCode, -1 when absent. */
  failure = -1;
}

export function parseConnectionConfirm(d: Uint8Array, off: number, end: number, out: ConnectionConfirm): ConnectionConfirm | null {
  if (end - off < 7) return null;
  const li = d[off];
  if ((d[off + 1] & 0xf0) !== X224_CC || li < 6 || off + 1 + li > end) return null;
  const stop = off + 1 + li;
  const p = off + 7;
  if (stop - p >= 8 && u16le(d, p + 2) === 8) {
    if (d[p] === TYPE_RDP_NEG_RSP) {
      out.negFlags = d[p + 1];
      out.selected = u32le(d, p + 4);
    } else if (d[p] === TYPE_RDP_NEG_FAILURE) out.failure = u32le(d, p + 4);
  }
  return out;
}

/** TS_UD_CS_CORE (§2.2.1.3.2) as far as present. */
export class ClientCore {
  version = 0;
  desktopWidth = 0;
  desktopHeight = 0;
  colorDepth = 0;
  keyboardLayout = 0;
  clientBuild = 0;
  clientName = '';
  /** Optional fields: -1 / undefined when the block ends before them. */
  highColorDepth = -1;
  earlyCapabilityFlags = -1;
  digProductId: string | undefined = undefined;
  /** RNS_UD_CS_WANT_32BPP_SESSION set. */
  get want32bpp(): boolean {
    return this.earlyCapabilityFlags >= 0 && (this.earlyCapabilityFlags & RNS_UD_CS_WANT_32BPP_SESSION) !== 0;
  }
}

/** What the MCS Connect Initial's client data blocks say. */
export class ClientData {
  core: ClientCore | null = null;
  /** CS_NET channel names (NULs removed), at most `maxChannels`. */
  channels: string[] | null = null;
  channelCount = 0;
  /** A block length that runs past the user data. */
  malformed = false;
}

/** TS_UD_SC_SECURITY (§2.2.1.4.3) as far as present. */
export class ServerData {
  /** GCC Conference Create Response result, -1 when not found. */
  result = -1;
  encryptionMethod = -1;
  encryptionLevel = -1;
  /** dwVersion of the server certificate: chain version (1 proprietary, 2 X.509) and "permanently issued" (t bit clear). */
  certType = -1;
  certPermanent = false;
  certCount = 0;
  malformed = false;
}

const tlv = new Tlv();
const inner = new Tlv();

/** PER length determinant (X.691 §10.9): [length, bytes used], or null. */
function perLength(d: Uint8Array, p: number, end: number): [number, number] | null {
  if (p >= end) return null;
  const b = d[p];
  if ((b & 0x80) === 0) return [b, 1];
  if ((b & 0xc0) === 0x80 && p + 1 < end) return [((b & 0x3f) << 8) | d[p + 1], 2];
  return null;
}

/** The offset of `key` (4 ASCII bytes) in d[off, end), -1 when absent. */
function find4(d: Uint8Array, off: number, end: number, key: string): number {
  const a = key.charCodeAt(0);
  for (let i = off; i + 4 <= end; i++) {
    if (d[i] === a && d[i + 1] === key.charCodeAt(1) && d[i + 2] === key.charCodeAt(2) && d[i + 3] === key.charCodeAt(3)) return i;
  }
  return -1;
}

/**
 * The userData OCTET STRING of an MCS Connect-Initial (application 101) or Connect-Response
 * (application 102) at d[off]: [offset, length], or null when the PDU is not one or is cut.
 */
export function mcsUserData(d: Uint8Array, off: number, end: number, app: 101 | 102): [number, number] | null {
  if (readTlv(d, off, end, tlv) !== BER_OK || tlv.cls !== 1 || tlv.tag !== app || !tlv.constructed) return null;
  let p = tlv.off;
  const stop = tlv.end;
  // Connect-Initial: calling/called domain selectors, upward flag, three domain parameter
  // sequences, then userData. Connect-Response: result, calledConnectId, domain parameters, userData.
  const skip = app === 101 ? 6 : 3;
  for (let i = 0; i < skip; i++) {
    if (readTlv(d, p, stop, inner) !== BER_OK) return null;
    p = inner.end;
  }
  if (readTlv(d, p, stop, inner) !== BER_OK || inner.tag !== 4) return null;
  return [inner.off, inner.len];
}

/** Client data blocks of the GCC Conference Create Request inside Connect-Initial's userData. */
export function parseClientData(d: Uint8Array, off: number, len: number, maxChannels: number, out: ClientData): ClientData | null {
  const end = off + len;
  // T.124 ConnectData: the "Duca" H.221 key, then the PER length of the user data value.
  const k = find4(d, off, Math.min(end, off + 64), 'Duca');
  if (k < 0) return null;
  const l = perLength(d, k + 4, end);
  if (l === null) return null;
  let p = k + 4 + l[1];
  const stop = Math.min(end, p + l[0]);
  while (stop - p >= 4) {
    const type = u16le(d, p);
    const blen = u16le(d, p + 2);
    if (blen < 4 || p + blen > stop) {
      out.malformed = true;
      break;
    }
    const b = p + 4;
    const bend = p + blen;
    if (type === CS_CORE) out.core = parseCore(d, b, bend);
    else if (type === CS_NET && bend - b >= 4) {
      const n = u32le(d, b);
      out.channelCount = n;
      const names: string[] = [];
      for (let i = 0; i < n && i < maxChannels && b + 4 + i * 12 + 12 <= bend; i++) {
        const q = b + 4 + i * 12;
        let e = q;
        while (e < q + 8 && d[e] !== 0) e++;
        names.push(latin1(d, q, e - q));
      }
      out.channels = names;
    }
    p = bend;
  }
  return out;
}

function parseCore(d: Uint8Array, b: number, end: number): ClientCore | null {
  if (end - b < 128) return null; // through imeFileName
  const c = new ClientCore();
  c.version = u32le(d, b);
  c.desktopWidth = u16le(d, b + 4);
  c.desktopHeight = u16le(d, b + 6);
  c.colorDepth = u16le(d, b + 8);
  c.keyboardLayout = u32le(d, b + 12);
  c.clientBuild = u32le(d, b + 16);
  c.clientName = utf16z(d, b + 20, 32);
  // Optional: postBeta2ColorDepth (128), clientProductId (130), serialNumber (132),
  // highColorDepth (136), supportedColorDepths (138), earlyCapabilityFlags (140), clientDigProductId (142, 64 bytes).
  if (end - b >= 138) c.highColorDepth = u16le(d, b + 136);
  if (end - b >= 142) c.earlyCapabilityFlags = u16le(d, b + 140);
  if (end - b >= 206) c.digProductId = utf16z(d, b + 142, 64);
  return c;
}

/** The GCC result and the server data blocks inside Connect-Response's userData. */
export function parseServerData(d: Uint8Array, off: number, len: number, maxCerts: number, out: ServerData): ServerData | null {
  const end = off + len;
  const k = find4(d, off, Math.min(end, off + 64), 'McDn');
  if (k < 0 || k - 4 < off) return null;
  // ConferenceCreateResponse: …, tag, result, number of user data sets, value present, H.221 key length, "McDn".
  out.result = d[k - 4];
  const l = perLength(d, k + 4, end);
  if (l === null) return out;
  let p = k + 4 + l[1];
  const stop = Math.min(end, p + l[0]);
  while (stop - p >= 4) {
    const type = u16le(d, p);
    const blen = u16le(d, p + 2);
    if (blen < 4 || p + blen > stop) {
      out.malformed = true;
      break;
    }
    if (type === SC_SECURITY) parseSecurity(d, p + 4, p + blen, maxCerts, out);
    p += blen;
  }
  return out;
}

function parseSecurity(d: Uint8Array, b: number, end: number, maxCerts: number, out: ServerData): void {
  if (end - b < 8) return;
  out.encryptionMethod = u32le(d, b);
  out.encryptionLevel = u32le(d, b + 4);
  if (end - b < 16) return;
  const randomLen = u32le(d, b + 8);
  const certLen = u32le(d, b + 12);
  const c = b + 16 + randomLen;
  if (randomLen > end - b - 16 || certLen > end - c || certLen < 4) return;
  const version = u32le(d, c);
  out.certType = version & 0x7fffffff;
  out.certPermanent = (version & 0x80000000) === 0;
  if (out.certType === 1) out.certCount = 1;
  else if (out.certType === 2 && certLen >= 8) {
    const n = u32le(d, c + 4);
    let q = c + 8;
    const cend = c + certLen;
    for (let i = 0; i < n && i < maxCerts && cend - q >= 4; i++) {
      const cl = u32le(d, q);
      if (cl > cend - q - 4) break;
      out.certCount++;
      q += 4 + cl;
    }
  }
}
