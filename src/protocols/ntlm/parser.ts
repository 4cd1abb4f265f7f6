// Pure parsing of NTLM (MS-NLMP) messages and of the GSS-API / SPNEGO tokens (RFC 2743,
// RFC 4178) that carry them in SMB, HTTP (Authorization: NTLM / Negotiate) and DCE/RPC.
// No state, no allocation beyond the strings of names; every read is bounded; nothing here
// throws on network input. Other dissectors may call these functions directly (the HTTP
// dissector decodes the base64 of an Authorization header and hands the bytes to
// parseGssToken or parseNtlmssp).
//
// Never kept: the challenge, the LM/NT responses, the session key, the MIC (only their lengths).
import { BER_OK, Tlv, readTlv } from '../../dissect/ber.ts';
import {
  MAX_AV_PAIRS, MAX_NAME_CHARS, MsvAvDnsComputerName, MsvAvDnsDomainName, MsvAvDnsTreeName, MsvAvEOL, MsvAvNbComputerName,
  MsvAvNbDomainName, NTLMSSP_NEGOTIATE_UNICODE, NTLMSSP_NEGOTIATE_VERSION, NTLMSSP_SIGNATURE, NTLM_AUTHENTICATE, NTLM_CHALLENGE,
  NTLM_NEGOTIATE, OID_KRB5, OID_KRB5_U2U, OID_MS_KRB5, OID_NEGOEX, OID_NTLMSSP, OID_SPNEGO,
} from './constants.ts';

export const u16le = (d: Uint8Array, o: number): number => d[o] | (d[o + 1] << 8);
export const u32le = (d: Uint8Array, o: number): number => (d[o] | (d[o + 1] << 8) | (d[o + 2] << 16) | (d[o + 3] << 24)) >>> 0;

/** UTF-16LE text of `len` bytes (an odd last byte is ignored), at most `max` characters; NULs end it. */
export function readUtf16(d: Uint8Array, off: number, len: number, max = MAX_NAME_CHARS): string {
  let n = len >> 1;
  if (n > max) n = max;
  let s = '';
  for (let i = 0; i < n; i++) {
    const c = d[off + 2 * i] | (d[off + 2 * i + 1] << 8);
    if (c === 0) break;
    s += String.fromCharCode(c);
  }
  return s;
}

/** OEM (8-bit) text as Latin-1, at most `max` characters; NULs end it. */
export function readOem(d: Uint8Array, off: number, len: number, max = MAX_NAME_CHARS): string {
  const n = len < max ? len : max;
  let s = '';
  for (let i = 0; i < n; i++) {
    const c = d[off + i];
    if (c === 0) break;
    s += String.fromCharCode(c);
  }
  return s;
}

/** Whether the 8 bytes at d[off] (within `len`) are "NTLMSSP\0". */
export function isNtlmssp(d: Uint8Array, off: number, len: number): boolean {
  if (len < 12) return false;
  for (let i = 0; i < 8; i++) if (d[off + i] !== NTLMSSP_SIGNATURE[i]) return false;
  return true;
}

/** One NTLM message. Reused: parseNtlmssp resets every field. */
export class NtlmMessage {
  /** 1 NEGOTIATE, 2 CHALLENGE, 3 AUTHENTICATE (0 before a parse). */
  type = 0;
  /** NegotiateFlags of the message. */
  flags = 0;
  /** NEGOTIATE (supplied, OEM) and AUTHENTICATE: the client's domain, user and workstation. */
  domain = '';
  user = '';
  workstation = '';
  /** The Version structure (present when NTLMSSP_NEGOTIATE_VERSION is set and there is room for it). */
  hasVersion = false;
  major = 0;
  minor = 0;
  build = 0;
  revision = 0;
  /** CHALLENGE: the target name and the names of the target info AV pairs. */
  targetName = '';
  nbComputerName = '';
  nbDomainName = '';
  dnsComputerName = '';
  dnsDomainName = '';
  dnsTreeName = '';
  /** AV pairs read; true when the list was longer than MAX_AV_PAIRS. */
  avPairs = 0;
  avCut = false;
  /** AUTHENTICATE: lengths of the responses and of the encrypted session key (the bytes are not kept). */
  lmLen = 0;
  ntLen = 0;
  sessionKeyLen = 0;
  /** What is wrong with the message ('' when nothing): a field that points outside it, a short header. */
  problem = '';
}

function reset(m: NtlmMessage): void {
  m.type = 0;
  m.flags = 0;
  m.domain = '';
  m.user = '';
  m.workstation = '';
  m.hasVersion = false;
  m.major = 0;
  m.minor = 0;
  m.build = 0;
  m.revision = 0;
  m.targetName = '';
  m.nbComputerName = '';
  m.nbDomainName = '';
  m.dnsComputerName = '';
  m.dnsDomainName = '';
  m.dnsTreeName = '';
  m.avPairs = 0;
  m.avCut = false;
  m.lmLen = 0;
  m.ntLen = 0;
  m.sessionKeyLen = 0;
  m.problem = '';
}

/** Fixed part of each message type (the fields before the payload). */
const FIXED_LEN = [0, 32, 48, 64];

/**
 * Parses the NTLM message at d[off..off+len). Returns false when it is no NTLM message (no
 * signature, unknown type, fixed fields cut short); true otherwise, with `m.problem` set when
 * a field points outside the message (the other fields are still read).
 */
export function parseNtlmssp(d: Uint8Array, off: number, len: number, m: NtlmMessage): boolean {
  reset(m);
  if (!isNtlmssp(d, off, len)) return false;
  const type = u32le(d, off + 8);
  if (type < NTLM_NEGOTIATE || type > NTLM_AUTHENTICATE) return false;
  if (len < FIXED_LEN[type] - (type === NTLM_NEGOTIATE ? 16 : 0)) return false;
  m.type = type;
  if (type === NTLM_NEGOTIATE) {
    // Signature, type, flags, then (in all but the oldest clients) domain and workstation fields.
    m.flags = u32le(d, off + 12);
    if (len >= 32) {
      m.domain = field(d, off, len, 16, false, m, 'domain');
      m.workstation = field(d, off, len, 24, false, m, 'workstation');
    }
    version(d, off, len, 32, m);
    return true;
  }
  if (type === NTLM_CHALLENGE) {
    m.flags = u32le(d, off + 20);
    const unicode = (m.flags & NTLMSSP_NEGOTIATE_UNICODE) !== 0;
    m.targetName = field(d, off, len, 12, unicode, m, 'target name');
    targetInfo(d, off, len, m);
    version(d, off, len, 48, m);
    return true;
  }
  m.flags = u32le(d, off + 60);
  const unicode = (m.flags & NTLMSSP_NEGOTIATE_UNICODE) !== 0;
  m.lmLen = fieldLen(d, off, len, 12, m, 'LM response');
  m.ntLen = fieldLen(d, off, len, 20, m, 'NT response');
  m.domain = field(d, off, len, 28, unicode, m, 'domain');
  m.user = field(d, off, len, 36, unicode, m, 'user');
  m.workstation = field(d, off, len, 44, unicode, m, 'workstation');
  m.sessionKeyLen = fieldLen(d, off, len, 52, m, 'session key');
  version(d, off, len, 64, m);
  return true;
}

/** The smallest payload offset of the message's fields: fixed fields end before it. */
function payloadStart(d: Uint8Array, off: number, len: number, m: NtlmMessage): number {
  let min = len;
  const fields = m.type === NTLM_NEGOTIATE ? [16, 24] : m.type === NTLM_CHALLENGE ? [12, 40] : [12, 20, 28, 36, 44, 52];
  for (const f of fields) {
    if (f + 8 > len) continue;
    if (u16le(d, off + f) === 0) continue;
    const o = u32le(d, off + f + 4);
    if (o < min) min = o;
  }
  return min;
}

function version(d: Uint8Array, off: number, len: number, at: number, m: NtlmMessage): void {
  if ((m.flags & NTLMSSP_NEGOTIATE_VERSION) === 0 || at + 8 > len) return;
  // The Version field exists only where the payload starts after it.
  if (payloadStart(d, off, len, m) < at + 8) return;
  m.hasVersion = true;
  m.major = d[off + at];
  m.minor = d[off + at + 1];
  m.build = u16le(d, off + at + 2);
  m.revision = d[off + at + 7];
}

/** Length of the security buffer described at `at`, 0 (and a problem) when it points outside the message. */
function fieldLen(d: Uint8Array, off: number, len: number, at: number, m: NtlmMessage, what: string): number {
  const n = u16le(d, off + at);
  if (n === 0) return 0;
  const o = u32le(d, off + at + 4);
  if (o > len || n > len - o) {
    if (m.problem === '') m.problem = `${what} field (offset ${o}, length ${n}) runs past the ${len}-byte message`;
    return 0;
  }
  return n;
}

function field(d: Uint8Array, off: number, len: number, at: number, unicode: boolean, m: NtlmMessage, what: string): string {
  const n = fieldLen(d, off, len, at, m, what);
  if (n === 0) return '';
  const o = off + u32le(d, off + at + 4);
  return unicode ? readUtf16(d, o, n) : readOem(d, o, n);
}

/** The CHALLENGE's target info: AV pairs up to MsvAvEOL. */
function targetInfo(d: Uint8Array, off: number, len: number, m: NtlmMessage): void {
  const n = fieldLen(d, off, len, 40, m, 'target info');
  if (n === 0) return;
  let p = off + u32le(d, off + 44);
  const end = p + n;
  while (end - p >= 4) {
    const id = u16le(d, p);
    const l = u16le(d, p + 2);
    if (id === MsvAvEOL) return;
    if (l > end - p - 4) {
      if (m.problem === '') m.problem = `AV pair ${id} of ${l} bytes runs past the target info`;
      return;
    }
    if (m.avPairs === MAX_AV_PAIRS) {
      m.avCut = true;
      return;
    }
    m.avPairs++;
    const v = p + 4;
    switch (id) {
      case MsvAvNbComputerName:
        m.nbComputerName = readUtf16(d, v, l);
        break;
      case MsvAvNbDomainName:
        m.nbDomainName = readUtf16(d, v, l);
        break;
      case MsvAvDnsComputerName:
        m.dnsComputerName = readUtf16(d, v, l);
        break;
      case MsvAvDnsDomainName:
        m.dnsDomainName = readUtf16(d, v, l);
        break;
      case MsvAvDnsTreeName:
        m.dnsTreeName = readUtf16(d, v, l);
        break;
      default:
        break;
    }
    p = v + l;
  }
}

// ---- GSS-API / SPNEGO ----

export const GSS_NONE = 0;
/** A bare NTLM message (SMB without SPNEGO, HTTP "NTLM" scheme). */
export const GSS_NTLMSSP = 1;
/** An SPNEGO NegTokenInit (first token, possibly wrapped in the GSS-API InitialContextToken). */
export const GSS_SPNEGO_INIT = 2;
/** An SPNEGO NegTokenResp. */
export const GSS_SPNEGO_RESP = 3;
/** A bare Kerberos GSS token (InitialContextToken with the krb5 mechanism). */
export const GSS_KRB5 = 4;

/** One GSS-API token. Reused: parseGssToken resets every field. */
export class GssToken {
  kind = GSS_NONE;
  /** NegTokenResp negState (0 accept-completed, 1 accept-incomplete, 2 reject, 3 request-mic); -1 absent. */
  negState = -1;
  /** The mechanism the token names: NegTokenResp supportedMech, or the first of NegTokenInit's mechTypes ('ntlmssp', 'kerberos', 'negoex', or the OID). */
  mech = '';
  /** Whether NegTokenInit's mechTypes offers NTLMSSP. */
  offersNtlm = false;
  /** The mechanism token inside (mechToken / responseToken, or the whole token for GSS_NTLMSSP); -1 when none. */
  tokenOff = -1;
  tokenLen = 0;
}

const tlvA = new Tlv();
const tlvB = new Tlv();
const tlvC = new Tlv();
const tlvD = new Tlv();

function oidIs(d: Uint8Array, off: number, len: number, oid: readonly number[]): boolean {
  if (len !== oid.length) return false;
  for (let i = 0; i < len; i++) if (d[off + i] !== oid[i]) return false;
  return true;
}

/** A mechanism OID's short name. */
export function mechName(d: Uint8Array, off: number, len: number): string {
  if (oidIs(d, off, len, OID_NTLMSSP)) return 'ntlmssp';
  if (oidIs(d, off, len, OID_KRB5) || oidIs(d, off, len, OID_MS_KRB5) || oidIs(d, off, len, OID_KRB5_U2U)) return 'kerberos';
  if (oidIs(d, off, len, OID_NEGOEX)) return 'negoex';
  if (oidIs(d, off, len, OID_SPNEGO)) return 'spnego';
  let s = '';
  for (let i = 0; i < len && i < 32; i++) s += (i ? '.' : '') + d[off + i].toString(16);
  return `oid:${s}`;
}

/**
 * Parses a security blob: a bare NTLM message, an SPNEGO token (NegTokenInit inside the
 * GSS-API InitialContextToken, or a NegTokenResp), or a bare Kerberos token. Returns false
 * when the bytes are none of these (g.kind stays GSS_NONE).
 */
export function parseGssToken(d: Uint8Array, off: number, len: number, g: GssToken): boolean {
  g.kind = GSS_NONE;
  g.negState = -1;
  g.mech = '';
  g.offersNtlm = false;
  g.tokenOff = -1;
  g.tokenLen = 0;
  if (len <= 0) return false;
  const end = off + len;
  if (isNtlmssp(d, off, len)) {
    g.kind = GSS_NTLMSSP;
    g.mech = 'ntlmssp';
    g.tokenOff = off;
    g.tokenLen = len;
    return true;
  }
  const b = d[off];
  if (b === 0x60) {
    // InitialContextToken ::= [APPLICATION 0] IMPLICIT SEQUENCE { thisMech OID, innerContextToken }
    if (readTlv(d, off, end, tlvA) !== BER_OK) return false;
    if (readTlv(d, tlvA.off, tlvA.end, tlvB) !== BER_OK || tlvB.id !== 0x06) return false;
    const mech = mechName(d, tlvB.off, tlvB.len);
    if (mech === 'kerberos') {
      g.kind = GSS_KRB5;
      g.mech = mech;
      g.tokenOff = off;
      g.tokenLen = tlvA.end - off;
      return true;
    }
    if (mech !== 'spnego') return false;
    return negotiationToken(d, tlvB.end, tlvA.end, g);
  }
  if (b === 0xa0 || b === 0xa1) return negotiationToken(d, off, end, g);
  return false;
}

/** NegotiationToken ::= CHOICE { negTokenInit [0] NegTokenInit, negTokenResp [1] NegTokenResp }. */
function negotiationToken(d: Uint8Array, off: number, end: number, g: GssToken): boolean {
  if (readTlv(d, off, end, tlvA) !== BER_OK) return false;
  const init = tlvA.id === 0xa0;
  if (!init && tlvA.id !== 0xa1) return false;
  if (readTlv(d, tlvA.off, tlvA.end, tlvB) !== BER_OK || tlvB.id !== 0x30) return false;
  g.kind = init ? GSS_SPNEGO_INIT : GSS_SPNEGO_RESP;
  let p = tlvB.off;
  const sEnd = tlvB.end;
  for (let i = 0; i < 8 && p < sEnd; i++) {
    if (readTlv(d, p, sEnd, tlvA) !== BER_OK) return true;
    p = tlvA.end;
    if (tlvA.cls !== 2 || !tlvA.constructed) continue;
    if (readTlv(d, tlvA.off, tlvA.end, tlvC) !== BER_OK) continue;
    const tag = tlvA.tag;
    if (init && tag === 0 && tlvC.id === 0x30) {
      // mechTypes: SEQUENCE OF OID
      let q = tlvC.off;
      for (let k = 0; k < 16 && q < tlvC.end; k++) {
        if (readTlv(d, q, tlvC.end, tlvD) !== BER_OK || tlvD.id !== 0x06) break;
        const name = mechName(d, tlvD.off, tlvD.len);
        if (k === 0) g.mech = name;
        if (name === 'ntlmssp') g.offersNtlm = true;
        q = tlvD.end;
      }
    } else if (init && tag === 2 && tlvC.id === 0x04) {
      g.tokenOff = tlvC.off;
      g.tokenLen = tlvC.len;
    } else if (!init && tag === 0 && tlvC.id === 0x0a && tlvC.len === 1) {
      g.negState = d[tlvC.off];
    } else if (!init && tag === 1 && tlvC.id === 0x06) {
      g.mech = mechName(d, tlvC.off, tlvC.len);
    } else if (!init && tag === 2 && tlvC.id === 0x04) {
      g.tokenOff = tlvC.off;
      g.tokenLen = tlvC.len;
    }
  }
  return true;
}

/** Whether a security blob holds an NTLM message (bare, or as the SPNEGO mechanism token). */
export function blobHasNtlm(d: Uint8Array, off: number, len: number, g: GssToken): boolean {
  if (!parseGssToken(d, off, len, g)) return false;
  return g.tokenOff >= 0 && isNtlmssp(d, g.tokenOff, g.tokenLen);
}
