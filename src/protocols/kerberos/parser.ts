// Pure parsing of Kerberos V5 messages (RFC 4120 section 5, ASN.1 DER) with the shared BER
// reader: KDC-REQ (AS-REQ, TGS-REQ), KDC-REP (AS-REP, TGS-REP), KRB-ERROR, and the
// certificates of PKINIT (RFC 4556) pre-authentication. Other message types (AP-REQ,
// KRB-SAFE, …) are recognised by their tag and pvno only. No state; every read is bounded;
// nothing here throws on network input. Encrypted parts are never opened; only their
// encryption types are read.
import { BER_APPLICATION, BER_CONTEXT, BER_OK, Tlv, readInt, readText, readTlv } from '../../dissect/ber.ts';
import {
  KRB_AS_REP, KRB_AS_REQ, KRB_ERROR, KRB_TGS_REP, KRB_TGS_REQ, MAX_LIST, MAX_NAME_PARTS, MESSAGE_TYPES, PA_PK_AS_REP,
  PA_PK_AS_REP_OLD, PA_PK_AS_REQ, PA_PK_AS_REQ_OLD, X500_NAMES,
} from './constants.ts';

/** Characters kept of a name or text. */
const MAX_TEXT = 256;

/** One Kerberos message. Reused: parseKrb resets every field. */
export class KrbMessage {
  /** The message type (the application tag, which msg-type must repeat). */
  msgType = 0;
  /** KDC-REQ: kdc-options (the first 32 bits), -1 when absent. */
  kdcOptions = -1;
  /** Client principal name (name-string parts joined by "/"), realm of the request body / error, service principal. */
  cname = '';
  realm = '';
  sname = '';
  /** KDC-REP and KRB-ERROR: the client's realm. */
  crealm = '';
  /** KDC-REQ: from, till, rtime (seconds since 1970; NaN when absent or malformed). */
  from = Number.NaN;
  till = Number.NaN;
  rtime = Number.NaN;
  /** KDC-REQ: requested encryption types, in order. */
  readonly etypes: number[] = [];
  /** Pre-authentication data types, in order. */
  readonly padata: number[] = [];
  /** KDC-REP: the ticket's realm, service, and encryption type; the enc-part's encryption type. */
  ticketRealm = '';
  ticketSname = '';
  ticketEtype = -1;
  encPartEtype = -1;
  /** KRB-ERROR: error-code (-1 absent), e-text. */
  errorCode = -1;
  etext = '';
  /** PKINIT: a client certificate (PA-PK-AS-REQ) or server certificate (PA-PK-AS-REP) was sent, and its subject. */
  clientCert = false;
  clientCertSubject = '';
  serverCert = false;
  serverCertSubject = '';
  /** What is wrong with the message ('' when nothing): a field cut short or of the wrong type. */
  problem = '';
}

function reset(m: KrbMessage): void {
  m.msgType = 0;
  m.kdcOptions = -1;
  m.cname = '';
  m.realm = '';
  m.sname = '';
  m.crealm = '';
  m.from = Number.NaN;
  m.till = Number.NaN;
  m.rtime = Number.NaN;
  m.etypes.length = 0;
  m.padata.length = 0;
  m.ticketRealm = '';
  m.ticketSname = '';
  m.ticketEtype = -1;
  m.encPartEtype = -1;
  m.errorCode = -1;
  m.etext = '';
  m.clientCert = false;
  m.clientCertSubject = '';
  m.serverCert = false;
  m.serverCertSubject = '';
  m.problem = '';
}

/** TLV headers by nesting depth (parsing allocates none). */
const T: Tlv[] = [];
for (let i = 0; i < 16; i++) T.push(new Tlv());

/** Whether `t` is the application tag of a message type this parser knows by name. */
export function isKrbTag(b: number): boolean {
  return (b & 0xe0) === 0x60 && MESSAGE_TYPES[b & 0x1f] !== undefined;
}

/**
 * Parses the Kerberos message at d[off..off+len). Returns false when it is no Kerberos
 * message (unknown application tag, not a SEQUENCE, pvno other than 5, msg-type other than
 * the tag); true otherwise, with `m.problem` set when a field was cut or malformed.
 */
export function parseKrb(d: Uint8Array, off: number, len: number, m: KrbMessage): boolean {
  reset(m);
  const end = off + len;
  const a = T[0];
  if (readTlv(d, off, end, a) !== BER_OK || a.cls !== BER_APPLICATION || !a.constructed) return false;
  const type = a.tag;
  if (MESSAGE_TYPES[type] === undefined) return false;
  const s = T[1];
  if (readTlv(d, a.off, a.end, s) !== BER_OK || s.id !== 0x30) return false;
  // pvno and msg-type are fields [0] and [1] (KDC-REQ: [1] and [2]).
  const req = type === KRB_AS_REQ || type === KRB_TGS_REQ;
  const f = T[2];
  const v = T[3];
  let pvno = -1;
  let mtype = -1;
  let p = s.off;
  while (p < s.end) {
    if (readTlv(d, p, s.end, f) !== BER_OK) {
      m.problem = 'a field runs past the message';
      break;
    }
    p = f.end;
    if (f.cls !== BER_CONTEXT || !f.constructed || readTlv(d, f.off, f.end, v) !== BER_OK) continue;
    const tag = f.tag;
    if (tag === (req ? 1 : 0) && v.id === 0x02) pvno = readInt(d, v.off, v.len);
    else if (tag === (req ? 2 : 1) && v.id === 0x02) mtype = readInt(d, v.off, v.len);
    else if (req) kdcReqField(d, tag, v, m);
    else if (type === KRB_AS_REP || type === KRB_TGS_REP) kdcRepField(d, tag, v, m);
    else if (type === KRB_ERROR) errorField(d, tag, v, m);
  }
  if (pvno !== 5 || mtype !== type) return false;
  m.msgType = type;
  return true;
}

function kdcReqField(d: Uint8Array, tag: number, v: Tlv, m: KrbMessage): void {
  if (tag === 3 && v.id === 0x30) padata(d, v.off, v.end, m, 4);
  else if (tag === 4 && v.id === 0x30) reqBody(d, v.off, v.end, m);
}

function kdcRepField(d: Uint8Array, tag: number, v: Tlv, m: KrbMessage): void {
  switch (tag) {
    case 2:
      if (v.id === 0x30) padata(d, v.off, v.end, m, 4);
      return;
    case 3:
      m.crealm = text(d, v);
      return;
    case 4:
      if (v.id === 0x30) m.cname = principal(d, v.off, v.end, 4);
      return;
    case 5:
      ticket(d, v, m, 4);
      return;
    case 6:
      if (v.id === 0x30) m.encPartEtype = etypeOf(d, v.off, v.end, 4);
      return;
    default:
      return;
  }
}

function errorField(d: Uint8Array, tag: number, v: Tlv, m: KrbMessage): void {
  switch (tag) {
    case 6:
      if (v.id === 0x02) m.errorCode = readInt(d, v.off, v.len);
      return;
    case 7:
      m.crealm = text(d, v);
      return;
    case 8:
      if (v.id === 0x30) m.cname = principal(d, v.off, v.end, 4);
      return;
    case 9:
      m.realm = text(d, v);
      return;
    case 10:
      if (v.id === 0x30) m.sname = principal(d, v.off, v.end, 4);
      return;
    case 11:
      m.etext = text(d, v);
      return;
    default:
      return;
  }
}

/** KDC-REQ-BODY (depth 4 on). */
function reqBody(d: Uint8Array, off: number, end: number, m: KrbMessage): void {
  const f = T[4];
  const v = T[5];
  let p = off;
  while (p < end) {
    if (readTlv(d, p, end, f) !== BER_OK) {
      m.problem = 'a req-body field runs past the message';
      return;
    }
    p = f.end;
    if (f.cls !== BER_CONTEXT || !f.constructed || readTlv(d, f.off, f.end, v) !== BER_OK) continue;
    switch (f.tag) {
      case 0:
        // KDCOptions BIT STRING: unused-bits octet, then the bits.
        if (v.id === 0x03 && v.len >= 5) m.kdcOptions = ((d[v.off + 1] << 24) | (d[v.off + 2] << 16) | (d[v.off + 3] << 8) | d[v.off + 4]) >>> 0;
        break;
      case 1:
        if (v.id === 0x30) m.cname = principal(d, v.off, v.end, 6);
        break;
      case 2:
        m.realm = text(d, v);
        break;
      case 3:
        if (v.id === 0x30) m.sname = principal(d, v.off, v.end, 6);
        break;
      case 4:
        m.from = time(d, v);
        break;
      case 5:
        m.till = time(d, v);
        break;
      case 6:
        m.rtime = time(d, v);
        break;
      case 8:
        if (v.id === 0x30) {
          const e = T[6];
          let q = v.off;
          while (q < v.end && m.etypes.length < MAX_LIST) {
            if (readTlv(d, q, v.end, e) !== BER_OK || e.id !== 0x02) break;
            m.etypes.push(readInt(d, e.off, e.len));
            q = e.end;
          }
        }
        break;
      default:
        break;
    }
  }
}

/** SEQUENCE OF PA-DATA { padata-type [1] Int32, padata-value [2] OCTET STRING }, from depth `k`. */
function padata(d: Uint8Array, off: number, end: number, m: KrbMessage, k: number): void {
  const pa = T[k];
  const f = T[k + 1];
  const v = T[k + 2];
  let p = off;
  while (p < end && m.padata.length < MAX_LIST) {
    if (readTlv(d, p, end, pa) !== BER_OK || pa.id !== 0x30) return;
    p = pa.end;
    let type = -1;
    let vOff = -1;
    let vEnd = -1;
    let q = pa.off;
    while (q < pa.end) {
      if (readTlv(d, q, pa.end, f) !== BER_OK) break;
      q = f.end;
      if (f.cls !== BER_CONTEXT || readTlv(d, f.off, f.end, v) !== BER_OK) continue;
      if (f.tag === 1 && v.id === 0x02) type = readInt(d, v.off, v.len);
      else if (f.tag === 2 && v.id === 0x04) {
        vOff = v.off;
        vEnd = v.end;
      }
    }
    if (type < 0) continue;
    m.padata.push(type);
    if (vOff < 0) continue;
    if (type === PA_PK_AS_REQ || type === PA_PK_AS_REQ_OLD) {
      m.clientCert = true;
      m.clientCertSubject = pkAsReqSubject(d, vOff, vEnd);
    } else if (type === PA_PK_AS_REP || type === PA_PK_AS_REP_OLD) {
      const subj = pkAsRepSubject(d, vOff, vEnd);
      if (subj !== null) {
        m.serverCert = true;
        m.serverCertSubject = subj;
      }
    }
  }
}

/** Ticket ::= [APPLICATION 1] SEQUENCE { tkt-vno [0], realm [1], sname [2], enc-part [3] }, from depth `k`. */
function ticket(d: Uint8Array, t: Tlv, m: KrbMessage, k: number): void {
  if (t.cls !== BER_APPLICATION || t.tag !== 1 || !t.constructed) return;
  const s = T[k];
  if (readTlv(d, t.off, t.end, s) !== BER_OK || s.id !== 0x30) return;
  const f = T[k + 1];
  const v = T[k + 2];
  let p = s.off;
  while (p < s.end) {
    if (readTlv(d, p, s.end, f) !== BER_OK) return;
    p = f.end;
    if (f.cls !== BER_CONTEXT || readTlv(d, f.off, f.end, v) !== BER_OK) continue;
    if (f.tag === 1) m.ticketRealm = text(d, v);
    else if (f.tag === 2 && v.id === 0x30) m.ticketSname = principal(d, v.off, v.end, k + 3);
    else if (f.tag === 3 && v.id === 0x30) m.ticketEtype = etypeOf(d, v.off, v.end, k + 3);
  }
}

/** EncryptedData ::= SEQUENCE { etype [0] Int32, kvno [1] OPTIONAL, cipher [2] }: the etype, -1 when absent. */
function etypeOf(d: Uint8Array, off: number, end: number, k: number): number {
  const f = T[k];
  const v = T[k + 1];
  if (readTlv(d, off, end, f) !== BER_OK || f.cls !== BER_CONTEXT || f.tag !== 0) return -1;
  if (readTlv(d, f.off, f.end, v) !== BER_OK || v.id !== 0x02) return -1;
  return readInt(d, v.off, v.len);
}

/** PrincipalName ::= SEQUENCE { name-type [0], name-string [1] SEQUENCE OF KerberosString }: the parts joined by "/". */
function principal(d: Uint8Array, off: number, end: number, k: number): string {
  const f = T[k];
  const v = T[k + 1];
  const e = T[k + 2];
  let p = off;
  while (p < end) {
    if (readTlv(d, p, end, f) !== BER_OK) return '';
    p = f.end;
    if (f.cls !== BER_CONTEXT || f.tag !== 1 || readTlv(d, f.off, f.end, v) !== BER_OK || v.id !== 0x30) continue;
    let s = '';
    let q = v.off;
    for (let i = 0; i < MAX_NAME_PARTS && q < v.end; i++) {
      if (readTlv(d, q, v.end, e) !== BER_OK) break;
      s += (i > 0 ? '/' : '') + readText(d, e.off, e.len, MAX_TEXT);
      q = e.end;
    }
    return s;
  }
  return '';
}

function text(d: Uint8Array, v: Tlv): string {
  return v.constructed ? '' : readText(d, v.off, v.len, MAX_TEXT);
}

/** KerberosTime (GeneralizedTime "YYYYMMDDHHMMSSZ") as seconds since 1970; NaN when malformed. */
export function time(d: Uint8Array, v: Tlv): number {
  if (v.id !== 0x18 || v.len < 15) return Number.NaN;
  const n = (i: number, w: number): number => {
    let x = 0;
    for (let k = 0; k < w; k++) {
      const c = d[v.off + i + k] - 0x30;
      if (c < 0 || c > 9) return Number.NaN;
      x = x * 10 + c;
    }
    return x;
  };
  const t = Date.UTC(n(0, 4), n(4, 2) - 1, n(6, 2), n(8, 2), n(10, 2), n(12, 2));
  return Number.isNaN(t) ? Number.NaN : t / 1000;
}

// ---- PKINIT certificates ----

const utf8 = new TextDecoder('utf-8', { fatal: false });

/** PA-PK-AS-REQ ::= SEQUENCE { signedAuthPack [0] IMPLICIT OCTET STRING, … }: the first certificate's subject ('' when none). */
function pkAsReqSubject(d: Uint8Array, off: number, end: number): string {
  const s = new Tlv();
  const f = new Tlv();
  if (readTlv(d, off, end, s) !== BER_OK || s.id !== 0x30) return '';
  if (readTlv(d, s.off, s.end, f) !== BER_OK || f.cls !== BER_CONTEXT || f.tag !== 0) return '';
  return signedDataSubject(d, f.off, f.end) ?? '';
}

/** PA-PK-AS-REP ::= CHOICE { dhInfo [0] DHRepInfo { dhSignedData [0] IMPLICIT OCTET STRING, … }, encKeyPack [1] }: null when no certificate is visible. */
function pkAsRepSubject(d: Uint8Array, off: number, end: number): string | null {
  const c = new Tlv();
  const f = new Tlv();
  if (readTlv(d, off, end, c) !== BER_OK || c.cls !== BER_CONTEXT || c.tag !== 0 || !c.constructed) return null;
  if (readTlv(d, c.off, c.end, f) !== BER_OK || f.cls !== BER_CONTEXT || f.tag !== 0) return null;
  return signedDataSubject(d, f.off, f.end);
}

/** ContentInfo { contentType, [0] SignedData { version, digestAlgorithms, encapContentInfo, [0] certificates, … } }. */
function signedDataSubject(d: Uint8Array, off: number, end: number): string | null {
  const t = new Tlv();
  if (readTlv(d, off, end, t) !== BER_OK || t.id !== 0x30) return null;
  const oid = new Tlv();
  if (readTlv(d, t.off, t.end, oid) !== BER_OK || oid.id !== 0x06) return null;
  const c0 = new Tlv();
  if (readTlv(d, oid.end, t.end, c0) !== BER_OK || c0.id !== 0xa0) return null;
  const sd = new Tlv();
  if (readTlv(d, c0.off, c0.end, sd) !== BER_OK || sd.id !== 0x30) return null;
  const x = new Tlv();
  let p = sd.off;
  for (let i = 0; i < 6 && p < sd.end; i++) {
    if (readTlv(d, p, sd.end, x) !== BER_OK) return null;
    p = x.end;
    if (x.id !== 0xa0) continue;
    // certificates [0] IMPLICIT SET OF CertificateChoices: the first is the signer's (by convention).
    const cert = new Tlv();
    if (readTlv(d, x.off, x.end, cert) !== BER_OK || cert.id !== 0x30) return null;
    return certSubject(d, cert.off, cert.end);
  }
  return null;
}

/** Certificate { tbsCertificate { [0] version, serial, signature, issuer, validity, subject, … } }: the subject (RFC 4514). */
export function certSubject(d: Uint8Array, off: number, end: number): string | null {
  const tbs = new Tlv();
  if (readTlv(d, off, end, tbs) !== BER_OK || tbs.id !== 0x30) return null;
  const x = new Tlv();
  let p = tbs.off;
  let seqs = 0;
  for (let i = 0; i < 8 && p < tbs.end; i++) {
    if (readTlv(d, p, tbs.end, x) !== BER_OK) return null;
    p = x.end;
    if (x.id !== 0x30) continue;
    // signature, issuer, validity, subject
    if (++seqs === 4) return nameText(d, x.off, x.end);
  }
  return null;
}

/** Name ::= SEQUENCE OF RelativeDistinguishedName, written as RFC 4514 does (last RDN first). */
function nameText(d: Uint8Array, off: number, end: number): string {
  const rdns: string[] = [];
  const set = new Tlv();
  const ava = new Tlv();
  const o = new Tlv();
  const v = new Tlv();
  let p = off;
  while (p < end && rdns.length < 32) {
    if (readTlv(d, p, end, set) !== BER_OK || set.id !== 0x31) break;
    p = set.end;
    const parts: string[] = [];
    let q = set.off;
    while (q < set.end && parts.length < 8) {
      if (readTlv(d, q, set.end, ava) !== BER_OK || ava.id !== 0x30) break;
      q = ava.end;
      if (readTlv(d, ava.off, ava.end, o) !== BER_OK || o.id !== 0x06) continue;
      if (readTlv(d, o.end, ava.end, v) !== BER_OK) continue;
      const oid = oidText(d, o.off, o.len);
      parts.push(`${X500_NAMES[oid] ?? oid}=${escapeDn(stringValue(d, v))}`);
    }
    rdns.push(parts.join('+'));
  }
  return rdns.reverse().join(',');
}

function stringValue(d: Uint8Array, v: Tlv): string {
  const n = v.len < MAX_TEXT ? v.len : MAX_TEXT;
  if (v.id === 0x0c) return utf8.decode(d.subarray(v.off, v.off + n));
  if (v.id === 0x1e) {
    let s = '';
    for (let i = 0; i + 1 < n; i += 2) s += String.fromCharCode((d[v.off + i] << 8) | d[v.off + i + 1]);
    return s;
  }
  return readText(d, v.off, n, MAX_TEXT);
}

function escapeDn(s: string): string {
  let out = s.replace(/[\\,+"<>;=]/g, (c) => `\\${c}`);
  if (out.startsWith(' ') || out.startsWith('#')) out = `\\${out}`;
  if (out.endsWith(' ')) out = `${out.slice(0, -1)}\\ `;
  return out;
}

function oidText(d: Uint8Array, off: number, len: number): string {
  let s = '';
  let v = 0;
  let first = true;
  for (let i = 0; i < len && i < 64; i++) {
    const c = d[off + i];
    v = v * 128 + (c & 0x7f);
    if (c & 0x80) continue;
    if (first) {
      const a = v < 40 ? 0 : v < 80 ? 1 : 2;
      s = `${a}.${v - a * 40}`;
      first = false;
    } else {
      s += `.${v}`;
    }
    v = 0;
  }
  return s;
}
