// X.509 certificates (RFC 5280 §4.1) read from their DER with the shared BER reader
// (src/dissect/ber.ts): version, serial, issuer and subject, validity, the public key (type,
// size, RSA exponent, EC curve), the signature algorithm, and the subjectAltName and
// basicConstraints extensions — what Zeek's x509.log holds — written as Zeek writes them
// (OpenSSL's spellings: RFC 2253 names, OBJ_nid2ln algorithm names, upper-case hex serials).
// Never throws: a certificate that does not parse gives null.
import { BER_OK, Tlv, readOid, readTlv } from '../../dissect/ber.ts';

const SEQUENCE: number = 0x30;
const SET: number = 0x31;
/** A header's identifier octet (a call, so checks on one reused header do not narrow the next). */
const id = (t: Tlv): number => t.id;

/** A certificate as Zeek's X509::Certificate / SubjectAlternativeName / BasicConstraints record it. */
export interface Certificate {
  version: number;
  serial: string;
  subject: string;
  issuer: string;
  notValidBefore: number | undefined;
  notValidAfter: number | undefined;
  keyAlg: string;
  sigAlg: string;
  keyType: string | undefined;
  keyLength: number | undefined;
  exponent: string | undefined;
  curve: string | undefined;
  sanDns: string[] | undefined;
  sanUri: string[] | undefined;
  sanEmail: string[] | undefined;
  sanIp: string[] | undefined;
  ca: boolean | undefined;
  pathLen: number | undefined;
  /** The subject's common name (for sni_matches_cert when there is no SAN). */
  cn: string | undefined;
}

/** OpenSSL long names (OBJ_nid2ln) of the algorithm OIDs certificates use. */
const ALGORITHMS: ReadonlyMap<string, string> = new Map([
  ['1.2.840.113549.1.1.1', 'rsaEncryption'],
  ['1.2.840.113549.1.1.2', 'md2WithRSAEncryption'],
  ['1.2.840.113549.1.1.4', 'md5WithRSAEncryption'],
  ['1.2.840.113549.1.1.5', 'sha1WithRSAEncryption'],
  ['1.2.840.113549.1.1.10', 'rsassaPss'],
  ['1.2.840.113549.1.1.11', 'sha256WithRSAEncryption'],
  ['1.2.840.113549.1.1.12', 'sha384WithRSAEncryption'],
  ['1.2.840.113549.1.1.13', 'sha512WithRSAEncryption'],
  ['1.2.840.113549.1.1.14', 'sha224WithRSAEncryption'],
  ['1.2.840.10045.2.1', 'id-ecPublicKey'],
  ['1.2.840.10045.4.1', 'ecdsa-with-SHA1'],
  ['1.2.840.10045.4.3.1', 'ecdsa-with-SHA224'],
  ['1.2.840.10045.4.3.2', 'ecdsa-with-SHA256'],
  ['1.2.840.10045.4.3.3', 'ecdsa-with-SHA384'],
  ['1.2.840.10045.4.3.4', 'ecdsa-with-SHA512'],
  ['1.2.840.10040.4.1', 'dsaEncryption'],
  ['1.2.840.10040.4.3', 'dsaWithSHA1'],
  ['2.16.840.1.101.3.4.3.2', 'dsa_with_SHA256'],
  ['1.3.101.110', 'X25519'],
  ['1.3.101.111', 'X448'],
  ['1.3.101.112', 'ED25519'],
  ['1.3.101.113', 'ED448'],
]);

/** Named curves: OpenSSL's short name and the key size EVP_PKEY_bits gives. */
const CURVES: ReadonlyMap<string, [string, number]> = new Map([
  ['1.2.840.10045.3.1.1', ['prime192v1', 192]],
  ['1.2.840.10045.3.1.7', ['prime256v1', 256]],
  ['1.3.132.0.10', ['secp256k1', 256]],
  ['1.3.132.0.33', ['secp224r1', 224]],
  ['1.3.132.0.34', ['secp384r1', 384]],
  ['1.3.132.0.35', ['secp521r1', 521]],
  ['1.3.36.3.3.2.8.1.1.7', ['brainpoolP256r1', 256]],
  ['1.3.36.3.3.2.8.1.1.11', ['brainpoolP384r1', 384]],
  ['1.3.36.3.3.2.8.1.1.13', ['brainpoolP512r1', 512]],
]);

/** Attribute types by OpenSSL short name (XN_FLAG_FN_SN). */
const ATTRIBUTES: ReadonlyMap<string, string> = new Map([
  ['2.5.4.3', 'CN'], ['2.5.4.4', 'SN'], ['2.5.4.5', 'serialNumber'], ['2.5.4.6', 'C'], ['2.5.4.7', 'L'], ['2.5.4.8', 'ST'],
  ['2.5.4.9', 'street'], ['2.5.4.10', 'O'], ['2.5.4.11', 'OU'], ['2.5.4.12', 'title'], ['2.5.4.13', 'description'],
  ['2.5.4.15', 'businessCategory'], ['2.5.4.17', 'postalCode'], ['2.5.4.41', 'name'], ['2.5.4.42', 'GN'], ['2.5.4.43', 'initials'],
  ['2.5.4.44', 'generationQualifier'], ['2.5.4.46', 'dnQualifier'], ['2.5.4.65', 'pseudonym'], ['2.5.4.97', 'organizationIdentifier'],
  ['1.2.840.113549.1.9.1', 'emailAddress'], ['0.9.2342.19200300.100.1.25', 'DC'], ['0.9.2342.19200300.100.1.1', 'UID'],
  ['1.3.6.1.4.1.311.60.2.1.1', 'jurisdictionL'], ['1.3.6.1.4.1.311.60.2.1.2', 'jurisdictionST'], ['1.3.6.1.4.1.311.60.2.1.3', 'jurisdictionC'],
]);

const OID_SAN = '2.5.29.17';
const OID_BASIC_CONSTRAINTS = '2.5.29.19';
const OID_CN = '2.5.4.3';

/** A list of name values of one kind, capped. */
const MAX_NAMES = 256;

const HEX = '0123456789ABCDEF';

// Reused headers: a certificate is parsed with a handful of them, no allocation per field.
const t0 = new Tlv();
const t1 = new Tlv();
const t2 = new Tlv();
const t3 = new Tlv();
const t4 = new Tlv();

function next(d: Uint8Array, p: number, end: number, t: Tlv): boolean {
  return readTlv(d, p, end, t) === BER_OK;
}

/** Parses a DER certificate at d[off, off+len); null when it is not one. */
export function parseCertificate(d: Uint8Array, off: number, len: number): Certificate | null {
  const end = off + len;
  // Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue }
  if (!next(d, off, end, t0) || t0.id !== SEQUENCE) return null;
  const certEnd = t0.end;
  if (!next(d, t0.off, certEnd, t1) || t1.id !== SEQUENCE) return null;
  const tbsEnd = t1.end;
  // signatureAlgorithm after the TBS.
  if (!next(d, tbsEnd, certEnd, t2) || t2.id !== SEQUENCE || !next(d, t2.off, t2.end, t3) || t3.id !== 0x06) return null;
  const sigAlg = algorithmName(readOid(d, t3.off, t3.len));
  let p = t1.off;
  // version [0] EXPLICIT INTEGER DEFAULT v1
  if (!next(d, p, tbsEnd, t2)) return null;
  let version = 1;
  if (id(t2) === 0xa0) {
    if (!next(d, t2.off, t2.end, t3) || id(t3) !== 0x02 || t3.len < 1 || t3.len > 2) return null;
    version = d[t3.off + t3.len - 1] + 1;
    p = t2.end;
    if (!next(d, p, tbsEnd, t2)) return null;
  }
  // serialNumber INTEGER
  if (id(t2) !== 0x02) return null;
  const serial = serialText(d, t2.off, t2.len);
  p = t2.end;
  // signature AlgorithmIdentifier
  if (!next(d, p, tbsEnd, t2) || t2.id !== SEQUENCE) return null;
  p = t2.end;
  // issuer Name
  if (!next(d, p, tbsEnd, t2) || t2.id !== SEQUENCE) return null;
  const issuer = nameText(d, t2.off, t2.end);
  if (issuer === null) return null;
  p = t2.end;
  // validity SEQUENCE { notBefore, notAfter }
  if (!next(d, p, tbsEnd, t2) || t2.id !== SEQUENCE) return null;
  let notBefore: number | undefined;
  let notAfter: number | undefined;
  if (next(d, t2.off, t2.end, t3)) {
    notBefore = timeValue(d, t3);
    if (next(d, t3.end, t2.end, t4)) notAfter = timeValue(d, t4);
  }
  p = t2.end;
  // subject Name
  if (!next(d, p, tbsEnd, t2) || t2.id !== SEQUENCE) return null;
  const subject = nameText(d, t2.off, t2.end);
  if (subject === null) return null;
  const cn = firstAttribute(d, t2.off, t2.end, OID_CN);
  p = t2.end;
  // subjectPublicKeyInfo SEQUENCE { algorithm AlgorithmIdentifier, subjectPublicKey BIT STRING }
  if (!next(d, p, tbsEnd, t2) || t2.id !== SEQUENCE) return null;
  const c: Certificate = {
    version, serial, subject, issuer, notValidBefore: notBefore, notValidAfter: notAfter, keyAlg: '', sigAlg,
    keyType: undefined, keyLength: undefined, exponent: undefined, curve: undefined,
    sanDns: undefined, sanUri: undefined, sanEmail: undefined, sanIp: undefined, ca: undefined, pathLen: undefined, cn,
  };
  publicKey(d, t2.off, t2.end, c);
  p = t2.end;
  // issuerUniqueID [1], subjectUniqueID [2], extensions [3]
  while (p < tbsEnd && next(d, p, tbsEnd, t2)) {
    if (t2.id === 0xa3) extensions(d, t2.off, t2.end, c);
    p = t2.end;
  }
  return c;
}

function algorithmName(oid: string): string {
  return ALGORITHMS.get(oid) ?? oid;
}

/** i2a_ASN1_INTEGER: the magnitude's bytes in upper-case hex ("00" for zero), "-" for negatives. */
function serialText(d: Uint8Array, off: number, len: number): string {
  if (len === 0) return '00';
  const neg = (d[off] & 0x80) !== 0;
  const bytes = d.subarray(off, off + len);
  let mag: Uint8Array = bytes;
  if (neg) {
    // Two's complement magnitude.
    mag = new Uint8Array(len);
    let carry = 1;
    for (let i = len - 1; i >= 0; i--) {
      const v = (~bytes[i] & 0xff) + carry;
      mag[i] = v & 0xff;
      carry = v >> 8;
    }
  }
  let i = 0;
  while (i < mag.length - 1 && mag[i] === 0) i++;
  let s = neg ? '-' : '';
  for (; i < mag.length; i++) s += HEX[mag[i] >> 4] + HEX[mag[i] & 15];
  return s;
}

/** UTCTime / GeneralizedTime as seconds since the epoch; undefined when malformed. */
function timeValue(d: Uint8Array, t: Tlv): number | undefined {
  let s = '';
  for (let i = 0; i < t.len && i < 32; i++) s += String.fromCharCode(d[t.off + i]);
  let m: RegExpExecArray | null;
  let year: number;
  let rest: string;
  if (t.id === 0x17) {
    m = /^(\d\d)(\d{8})(\d\d)?(Z|[+-]\d{4})$/.exec(s);
    if (m === null) return undefined;
    const yy = Number(m[1]);
    year = yy >= 50 ? 1900 + yy : 2000 + yy;
    rest = m[2] + (m[3] ?? '00');
  } else if (t.id === 0x18) {
    m = /^(\d{4})(\d{8})(\d\d)?(?:\.\d+)?(Z|[+-]\d{4})?$/.exec(s);
    if (m === null) return undefined;
    year = Number(m[1]);
    rest = m[2] + (m[3] ?? '00');
  } else return undefined;
  const mon = Number(rest.slice(0, 2));
  const day = Number(rest.slice(2, 4));
  const hh = Number(rest.slice(4, 6));
  const mm = Number(rest.slice(6, 8));
  const ss = Number(rest.slice(8, 10));
  let v = Date.UTC(year, mon - 1, day, hh, mm, ss) / 1000;
  const tz = m[4];
  if (tz !== undefined && tz !== 'Z') {
    const off = (Number(tz.slice(1, 3)) * 60 + Number(tz.slice(3, 5))) * 60;
    v -= tz[0] === '+' ? off : -off;
  }
  return Number.isFinite(v) ? v : undefined;
}

/** One attribute value as text ready for RFC 2253 escaping (UTF-8 converted), or null for an unknown string type. */
function stringValue(d: Uint8Array, t: Tlv): string | null {
  const b = d.subarray(t.off, t.end);
  switch (t.id) {
    case 0x0c: // UTF8String
      return new TextDecoder('utf-8').decode(b);
    case 0x12: // NumericString
    case 0x13: // PrintableString
    case 0x14: // TeletexString (read as Latin-1, as OpenSSL does)
    case 0x16: // IA5String
    case 0x1a: // VisibleString
    case 0x1b: { // GeneralString
      let s = '';
      for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i]);
      return s;
    }
    case 0x1e: { // BMPString: UTF-16BE
      let s = '';
      for (let i = 0; i + 1 < b.length; i += 2) s += String.fromCharCode((b[i] << 8) | b[i + 1]);
      return s;
    }
    case 0x1c: { // UniversalString: UTF-32BE
      let s = '';
      for (let i = 0; i + 3 < b.length; i += 4) {
        const cp = ((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]) >>> 0;
        s += cp <= 0x10ffff ? String.fromCodePoint(cp) : '?';
      }
      return s;
    }
    default:
      return null;
  }
}

const UTF8 = new TextEncoder();

/** OpenSSL's ASN1_STRFLGS_RFC2253 escaping of one value (ESC_2253, ESC_CTRL, ESC_MSB on the UTF-8 bytes). */
function escape2253(v: string): string {
  const b = UTF8.encode(v);
  let s = '';
  for (let i = 0; i < b.length; i++) {
    const c = b[i];
    const first = i === 0;
    const last = i === b.length - 1;
    if (c > 0x7f || c < 0x20 || c === 0x7f) s += `\\${HEX[c >> 4]}${HEX[c & 15]}`;
    else if (c === 0x2c || c === 0x2b || c === 0x22 || c === 0x5c || c === 0x3c || c === 0x3e || c === 0x3b
      || (first && (c === 0x23 || c === 0x20)) || (last && c === 0x20)) s += `\\${String.fromCharCode(c)}`;
    else s += String.fromCharCode(c);
  }
  return s;
}

/**
 * A Name (SEQUENCE OF RelativeDistinguishedName) as X509_NAME_print_ex(XN_FLAG_RFC2253)
 * writes it: attributes in reverse order, "," between RDNs and "+" inside one, short type
 * names (dotted OIDs for unknown ones), values escaped; values of unknown string types as
 * "#" and the hex of their DER. null when malformed.
 */
function nameText(d: Uint8Array, off: number, end: number): string | null {
  const parts: string[] = [];
  const sets: number[] = [];
  let p = off;
  let set = 0;
  while (p < end) {
    const a = new Tlv();
    if (!next(d, p, end, a) || a.id !== SET) return null;
    let q = a.off;
    while (q < a.end) {
      const atv = new Tlv();
      if (!next(d, q, a.end, atv) || atv.id !== SEQUENCE) return null;
      const oid = new Tlv();
      const val = new Tlv();
      if (!next(d, atv.off, atv.end, oid) || oid.id !== 0x06 || !next(d, oid.end, atv.end, val)) return null;
      const o = readOid(d, oid.off, oid.len);
      const type = ATTRIBUTES.get(o) ?? o;
      const sv = stringValue(d, val);
      let text: string;
      if (sv === null) {
        text = '#';
        for (let i = val.start; i < val.end; i++) text += HEX[d[i] >> 4] + HEX[d[i] & 15];
      } else text = escape2253(sv);
      parts.push(`${type}=${text}`);
      sets.push(set);
      q = atv.end;
      if (parts.length > MAX_NAMES) return null;
    }
    set++;
    p = a.end;
  }
  let s = '';
  for (let i = parts.length - 1; i >= 0; i--) {
    if (i !== parts.length - 1) s += sets[i] === sets[i + 1] ? '+' : ',';
    s += parts[i];
  }
  return s;
}

/** The first value of an attribute type in a Name (unescaped), e.g. the subject's CN. */
function firstAttribute(d: Uint8Array, off: number, end: number, want: string): string | undefined {
  let p = off;
  const a = new Tlv();
  const atv = new Tlv();
  const oid = new Tlv();
  const val = new Tlv();
  while (p < end && next(d, p, end, a)) {
    let q = a.off;
    while (q < a.end && next(d, q, a.end, atv)) {
      if (next(d, atv.off, atv.end, oid) && oid.id === 0x06 && readOid(d, oid.off, oid.len) === want && next(d, oid.end, atv.end, val)) {
        return stringValue(d, val) ?? undefined;
      }
      q = atv.end;
    }
    p = a.end;
  }
  return undefined;
}

/** Bits of an unsigned big-endian integer (BN_num_bits). */
function bits(d: Uint8Array, off: number, len: number): number {
  let i = 0;
  while (i < len && d[off + i] === 0) i++;
  if (i === len) return 0;
  return (len - i - 1) * 8 + (32 - Math.clz32(d[off + i]));
}

function decimal(d: Uint8Array, off: number, len: number): string {
  let v = 0n;
  for (let i = 0; i < len; i++) v = (v << 8n) | BigInt(d[off + i]);
  return v.toString();
}

function publicKey(d: Uint8Array, off: number, end: number, c: Certificate): void {
  const alg = new Tlv();
  const oid = new Tlv();
  if (!next(d, off, end, alg) || alg.id !== SEQUENCE || !next(d, alg.off, alg.end, oid) || oid.id !== 0x06) return;
  const o = readOid(d, oid.off, oid.len);
  c.keyAlg = algorithmName(o);
  const params = new Tlv();
  const hasParams = next(d, oid.end, alg.end, params);
  const key = new Tlv();
  if (!next(d, alg.end, end, key) || key.id !== 0x03 || key.len < 1) return;
  const kOff = key.off + 1; // unused-bits octet
  const kEnd = key.end;
  if (o === '1.2.840.113549.1.1.1' || o === '1.2.840.113549.1.1.10') {
    // RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }
    const seq = new Tlv();
    const n = new Tlv();
    const e = new Tlv();
    if (!next(d, kOff, kEnd, seq) || seq.id !== SEQUENCE || !next(d, seq.off, seq.end, n) || n.id !== 0x02) return;
    c.keyType = 'rsa';
    c.keyLength = bits(d, n.off, n.len);
    // Exponents are small (3, 65537); one longer than 64 bytes is not written out.
    if (next(d, n.end, seq.end, e) && e.id === 0x02 && e.len <= 64) c.exponent = decimal(d, e.off, e.len);
  } else if (o === '1.2.840.10045.2.1') {
    c.keyType = 'ec';
    if (hasParams && params.id === 0x06) {
      const curve = CURVES.get(readOid(d, params.off, params.len));
      if (curve !== undefined) {
        c.curve = curve[0];
        c.keyLength = curve[1];
      }
    }
  } else if (o === '1.2.840.10040.4.1') {
    c.keyType = 'dsa';
    // Dss-Parms ::= SEQUENCE { p, q, g }: the key size is p's.
    const pp = new Tlv();
    if (hasParams && params.id === SEQUENCE && next(d, params.off, params.end, pp) && pp.id === 0x02) c.keyLength = bits(d, pp.off, pp.len);
  } else if (o === '1.3.101.112') c.keyLength = 253;
  else if (o === '1.3.101.113') c.keyLength = 456;
}

function extensions(d: Uint8Array, off: number, end: number, c: Certificate): void {
  const list = new Tlv();
  if (!next(d, off, end, list) || list.id !== SEQUENCE) return;
  let p = list.off;
  const ext = new Tlv();
  const oid = new Tlv();
  const v = new Tlv();
  while (p < list.end && next(d, p, list.end, ext)) {
    p = ext.end;
    if (ext.id !== SEQUENCE || !next(d, ext.off, ext.end, oid) || oid.id !== 0x06) continue;
    const o = readOid(d, oid.off, oid.len);
    if (o !== OID_SAN && o !== OID_BASIC_CONSTRAINTS) continue;
    // critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING
    if (!next(d, oid.end, ext.end, v)) continue;
    if (v.id === 0x01 && !next(d, v.end, ext.end, v)) continue;
    if (v.id !== 0x04) continue;
    if (o === OID_SAN) san(d, v.off, v.end, c);
    else basicConstraints(d, v.off, v.end, c);
  }
}

function san(d: Uint8Array, off: number, end: number, c: Certificate): void {
  const names = new Tlv();
  if (!next(d, off, end, names) || names.id !== SEQUENCE) return;
  let p = names.off;
  const g = new Tlv();
  while (p < names.end && next(d, p, names.end, g)) {
    p = g.end;
    let s = '';
    for (let i = 0; i < g.len && i < 1024; i++) s += String.fromCharCode(d[g.off + i]);
    if (g.id === 0x82) c.sanDns = pushName(c.sanDns, s);
    else if (g.id === 0x86) c.sanUri = pushName(c.sanUri, s);
    else if (g.id === 0x81) c.sanEmail = pushName(c.sanEmail, s);
    else if (g.id === 0x87 && (g.len === 4 || g.len === 16)) c.sanIp = pushName(c.sanIp, ipText(d, g.off, g.len));
  }
}

function pushName(list: string[] | undefined, s: string): string[] {
  const l = list ?? [];
  if (l.length < MAX_NAMES) l.push(s);
  return l;
}

function basicConstraints(d: Uint8Array, off: number, end: number, c: Certificate): void {
  const seq = new Tlv();
  if (!next(d, off, end, seq) || seq.id !== SEQUENCE) return;
  c.ca = false;
  const e = new Tlv();
  let p = seq.off;
  if (p < seq.end && next(d, p, seq.end, e) && e.id === 0x01) {
    c.ca = e.len > 0 && d[e.off] !== 0;
    p = e.end;
  }
  if (p < seq.end && next(d, p, seq.end, e) && e.id === 0x02 && e.len <= 4) {
    let v = 0;
    for (let i = 0; i < e.len; i++) v = v * 256 + d[e.off + i];
    c.pathLen = v;
  }
}

/** An address as Zeek prints it: dotted IPv4, RFC 5952 IPv6. */
function ipText(d: Uint8Array, off: number, len: number): string {
  if (len === 4) return `${d[off]}.${d[off + 1]}.${d[off + 2]}.${d[off + 3]}`;
  const w: number[] = [];
  for (let i = 0; i < 8; i++) w.push((d[off + 2 * i] << 8) | d[off + 2 * i + 1]);
  // The longest run of two or more zero words becomes "::".
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (w[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && w[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (a: number, b: number) => w.slice(a, b).map((x) => x.toString(16)).join(':');
  return best < 0 ? hex(0, 8) : `${hex(0, best)}::${hex(best + bestLen, 8)}`;
}

/** Zeek's x509_check_cert_hostname: a SAN DNS name (or, with none, the CN) matches the host, "*." matching one label. */
export function hostnameMatches(c: Certificate, host: string): boolean {
  const h = host.toLowerCase();
  const names = c.sanDns ?? (c.cn !== undefined ? [c.cn] : []);
  for (const n of names) {
    const p = n.toLowerCase();
    if (p === h) return true;
    if (p.startsWith('*.')) {
      const dot = h.indexOf('.');
      if (dot > 0 && h.slice(dot) === p.slice(1)) return true;
    }
  }
  return false;
}
