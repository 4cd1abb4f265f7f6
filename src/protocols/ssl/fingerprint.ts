// TLS client and server fingerprints:
// - JA3 (Salesforce, github.com/salesforce/ja3): MD5 of
//   "SSLVersion,Ciphers,Extensions,EllipticCurves,EllipticCurvePointFormats" from the
//   ClientHello, values in decimal joined by "-", GREASE values (RFC 8701) removed;
// - JA3S: MD5 of "SSLVersion,Cipher,Extensions" from the ServerHello;
// - JA4 (FoxIO, github.com/FoxIO-LLC/ja4, technical_details/JA4.md): the TLS client
//   fingerprint "t13d1516h2_8daaf6152771_e5627efa2ab1" — protocol, version, SNI, cipher and
//   extension counts, first ALPN's first and last characters; the truncated SHA-256 of the sorted
//   cipher list; the truncated SHA-256 of the sorted extension list (without SNI and ALPN)
//   followed by the signature algorithms in their order.
import { createHash } from 'node:crypto';
import { isGrease } from './suites.ts';

/** What the fingerprints read from a ClientHello. */
export interface HelloParams {
  version: number;
  ciphers: readonly number[];
  extensions: readonly number[];
  groups: readonly number[];
  pointFormats: readonly number[];
  sigAlgs: readonly number[];
  supportedVersions: readonly number[];
  /** The first ALPN protocol's bytes, null when there is no ALPN extension or it is empty. */
  firstAlpn: Uint8Array | null;
}

function md5(s: string): string {
  return createHash('md5').update(s, 'latin1').digest('hex');
}

function sha256_12(s: string): string {
  return createHash('sha256').update(s, 'latin1').digest('hex').slice(0, 12);
}

function dec(list: readonly number[]): string {
  let s = '';
  for (const v of list) {
    if (isGrease(v)) continue;
    s += s === '' ? String(v) : `-${v}`;
  }
  return s;
}

/** The JA3 string of a ClientHello. */
export function ja3String(h: HelloParams): string {
  return `${h.version},${dec(h.ciphers)},${dec(h.extensions)},${dec(h.groups)},${dec(h.pointFormats)}`;
}

export function ja3(h: HelloParams): string {
  return md5(ja3String(h));
}

/** The JA3S string of a ServerHello: its (legacy) version, cipher and extension types. */
export function ja3sString(version: number, cipher: number, extensions: readonly number[]): string {
  return `${version},${cipher},${dec(extensions)}`;
}

export function ja3s(version: number, cipher: number, extensions: readonly number[]): string {
  return md5(ja3sString(version, cipher, extensions));
}

/** JA4's 2-character version ("Unknown = 00"). */
function ja4Version(v: number): string {
  switch (v) {
    case 0x0304: return '13';
    case 0x0303: return '12';
    case 0x0302: return '11';
    case 0x0301: return '10';
    case 0x0300: return 's3';
    case 0x0002: return 's2';
    case 0xfeff: return 'd1';
    case 0xfefd: return 'd2';
    case 0xfefc: return 'd3';
    default: return '00';
  }
}

const isAlnum = (c: number) => (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
const HEX = '0123456789abcdef';

/** The first and last characters of the first ALPN value (hex of its bytes when either is not alphanumeric), "00" when none. */
function ja4Alpn(a: Uint8Array | null): string {
  if (a === null || a.length === 0) return '00';
  const f = a[0];
  const l = a[a.length - 1];
  if (isAlnum(f) && isAlnum(l)) return String.fromCharCode(f) + String.fromCharCode(l);
  return HEX[f >> 4] + HEX[l & 15];
}

function hex4(v: number): string {
  return HEX[(v >> 12) & 15] + HEX[(v >> 8) & 15] + HEX[(v >> 4) & 15] + HEX[v & 15];
}

const two = (n: number) => (n > 99 ? '99' : n < 10 ? `0${n}` : String(n));

/** The JA4 fingerprint of a ClientHello over TCP, and its raw (sorted, unhashed) form JA4_r. */
export function ja4(h: HelloParams): { ja4: string; raw: string } {
  let version = h.version;
  let best = -1;
  for (const v of h.supportedVersions) if (!isGrease(v) && v > best) best = v;
  if (best >= 0) version = best;
  const ciphers = h.ciphers.filter((c) => !isGrease(c));
  const exts = h.extensions.filter((e) => !isGrease(e));
  const sni = exts.includes(0x0000) ? 'd' : 'i';
  const a = `t${ja4Version(version)}${sni}${two(ciphers.length)}${two(exts.length)}${ja4Alpn(h.firstAlpn)}`;
  const cipherList = ciphers.map(hex4).sort().join(',');
  const extList = exts.filter((e) => e !== 0x0000 && e !== 0x0010).map(hex4).sort().join(',');
  const sigs = h.sigAlgs.filter((s) => !isGrease(s)).map(hex4).join(',');
  const cInput = sigs === '' ? extList : `${extList}_${sigs}`;
  const b = cipherList === '' ? '000000000000' : sha256_12(cipherList);
  const c = extList === '' ? '000000000000' : sha256_12(cInput);
  return { ja4: `${a}_${b}_${c}`, raw: `${a}_${cipherList}_${cInput}` };
}
