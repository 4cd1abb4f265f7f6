// Pure parsing of CIP as EtherNet/IP carries it: the Common Packet Format around it (Vol. 2
// §2-6), EPATHs (Vol. 1 Appendix C), message router request/response headers (Vol. 1
// §2-4), the identity item / Identity object attributes. No state; bounds-checked;
// nothing here throws on network input. (The CPF walker repeats the few lines the enip
// parent has: protocol folders do not import each other.)
import { hexNum } from '../../core/hex.ts';
import {
  CLASS_IDENTITY, LOGICAL_NAMES, SEG_DATA, SEG_LOGICAL, SEG_NETWORK, SEG_PORT, SEG_SYMBOLIC,
} from './constants.ts';

export const u16 = (d: Uint8Array, o: number): number => d[o] | (d[o + 1] << 8);
export const u32 = (d: Uint8Array, o: number): number => (d[o] | (d[o + 1] << 8) | (d[o + 2] << 16) | (d[o + 3] << 24)) >>> 0;

export const MAX_CPF_ITEMS = 64;

/** The items of one CPF in reused typed arrays. */
export class Cpf {
  count = 0;
  readonly type = new Uint16Array(MAX_CPF_ITEMS);
  readonly off = new Int32Array(MAX_CPF_ITEMS);
  readonly len = new Int32Array(MAX_CPF_ITEMS);
  rest = 0;
}

/** Walks a CPF (item count, then type id / length / data items); false when the items overrun the bytes. */
export function walkCpf(d: Uint8Array, off: number, len: number, cpf: Cpf): boolean {
  cpf.count = 0;
  cpf.rest = 0;
  if (len < 2) return false;
  const count = u16(d, off);
  if (count > MAX_CPF_ITEMS) return false;
  let p = off + 2;
  const end = off + len;
  for (let i = 0; i < count; i++) {
    if (end - p < 4) return false;
    const ilen = u16(d, p + 2);
    if (ilen > end - p - 4) return false;
    cpf.type[i] = u16(d, p);
    cpf.off[i] = p + 4;
    cpf.len[i] = ilen;
    p += 4 + ilen;
  }
  cpf.count = count;
  cpf.rest = end - p;
  return true;
}

const HEX = '0123456789abcdef';

/** "0x" and `n` in lower-case hex with at least `width` digits (Zeek's fmt("0x%02x")). */
export { hexNum };

/** The bytes in lower-case hex, no prefix (Zeek's bytestring_to_hexstr). */
export function hexStr(d: Uint8Array, off: number, len: number): string {
  let s = '';
  for (let i = 0; i < len; i++) {
    const b = d[off + i];
    s += HEX[b >> 4] + HEX[b & 15];
  }
  return s;
}

/** Longest symbol kept from a path (characters). */
const MAX_SYMBOL = 256;
/** Segments read from one path. */
const MAX_SEGMENTS = 64;

/** What a (padded) EPATH says. Reused; `parseEPath` resets it. */
export class EPath {
  /** First class / instance / attribute / member / connection point of the path, -1 when absent. */
  classId = -1;
  instanceId = -1;
  attributeId = -1;
  memberId = -1;
  connPoint = -1;
  /** Symbolic segments joined with ".", element (member) segments after a symbol as "[n]"; '' when none. */
  symbol = '';
  /** The path as text, segments separated by spaces (see docs/protocols/cip.md); built when asked. */
  text = '';
  /** Port segments (routing hops). */
  ports = 0;
  /** Electronic key segment: vendor id, device type, product code, revision; -1 when absent. */
  keyVendor = -1;
  keyDeviceType = -1;
  keyProduct = -1;
  keyMajor = -1;
  keyMinor = -1;
  /** Why the path is malformed ('' when it is not). Segments before the problem are kept. */
  error = '';

  reset(): void {
    this.classId = this.instanceId = this.attributeId = this.memberId = this.connPoint = -1;
    this.symbol = '';
    this.text = '';
    this.ports = 0;
    this.keyVendor = this.keyDeviceType = this.keyProduct = this.keyMajor = this.keyMinor = -1;
    this.error = '';
  }
}

function ascii(d: Uint8Array, off: number, len: number): string {
  let s = '';
  const n = Math.min(len, MAX_SYMBOL);
  for (let i = 0; i < n; i++) {
    const c = d[off + i];
    s += c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : `\\x${HEX[c >> 4]}${HEX[c & 15]}`;
  }
  return s;
}

function addText(p: EPath, want: boolean, t: string): void {
  if (want) p.text = p.text === '' ? t : p.text + ' ' + t;
}

/**
 * Parses a padded EPATH at d[off..off+len) into `p` (reset first). With `wantText`, builds
 * p.text. Returns false when the path is malformed (p.error says why; what came before is kept).
 */
export function parseEPath(d: Uint8Array, off: number, len: number, p: EPath, wantText: boolean): boolean {
  p.reset();
  const end = off + len;
  let o = off;
  let lastWasSymbol = false;
  for (let n = 0; o < end; n++) {
    if (n >= MAX_SEGMENTS) {
      p.error = `more than ${MAX_SEGMENTS} segments`;
      return false;
    }
    const seg = d[o];
    const type = seg >> 5;
    const left = end - o;
    if (type === SEG_PORT) {
      // 000E PPPP: E = extended link address, PPPP = port (15: a 16-bit port follows)
      let q = o + 1;
      const ext = (seg & 0x10) !== 0;
      let linkLen = 1;
      if (ext) {
        if (left < 2) return bad(p, 'port segment cut short');
        linkLen = d[q];
        q++;
      }
      let port = seg & 0x0f;
      if (port === 15) {
        if (end - q < 2) return bad(p, 'port segment cut short');
        port = u16(d, q);
        q += 2;
      }
      if (end - q < linkLen) return bad(p, 'port segment cut short');
      let link: string;
      if (!ext) link = String(d[q]);
      else link = ascii(d, q, linkLen);
      q += linkLen;
      if ((q - o) & 1) q++; // pad to an even length
      p.ports++;
      addText(p, wantText, `port=${port}:${link}`);
      o = Math.min(q, end);
      lastWasSymbol = false;
      continue;
    }
    if (type === SEG_LOGICAL) {
      const ltype = (seg >> 2) & 7;
      const fmt = seg & 3;
      if (ltype === 5) {
        // special: electronic key (format 0): key format 4, vendor, device type, product, major, minor
        if (fmt !== 0) return bad(p, `logical segment 0x${seg.toString(16)} with a reserved format`);
        if (left < 10) return bad(p, 'electronic key cut short');
        p.keyVendor = u16(d, o + 2);
        p.keyDeviceType = u16(d, o + 4);
        p.keyProduct = u16(d, o + 6);
        p.keyMajor = d[o + 8] & 0x7f;
        p.keyMinor = d[o + 9];
        addText(p, wantText, `key=${p.keyVendor}:${p.keyDeviceType}:${p.keyProduct}:${p.keyMajor}.${p.keyMinor}${d[o + 8] & 0x80 ? 'c' : ''}`);
        o += 10;
        lastWasSymbol = false;
        continue;
      }
      if (fmt === 3 || ltype === 7) return bad(p, `logical segment 0x${seg.toString(16)} with a reserved type or format`);
      // 8-bit: 1 byte after the segment byte; 16-bit: a pad byte, then 2; 32-bit: a pad byte, then 4
      const size = fmt === 0 ? 2 : fmt === 1 ? 4 : 6;
      if (left < size) return bad(p, 'logical segment cut short');
      const v = fmt === 0 ? d[o + 1] : fmt === 1 ? u16(d, o + 2) : u32(d, o + 2);
      switch (ltype) {
        case 0:
          if (p.classId < 0) p.classId = v;
          break;
        case 1:
          if (p.instanceId < 0) p.instanceId = v;
          break;
        case 2:
          if (p.memberId < 0) p.memberId = v;
          if (lastWasSymbol || p.symbol !== '') p.symbol += `[${v}]`;
          break;
        case 3:
          if (p.connPoint < 0) p.connPoint = v;
          break;
        case 4:
          if (p.attributeId < 0) p.attributeId = v;
          break;
        default:
          break;
      }
      addText(p, wantText, `${LOGICAL_NAMES[ltype]}=${hexNum(v, 2)}`);
      o += size;
      continue;
    }
    if (type === SEG_NETWORK) {
      // 010S SSSS: subtypes with bit 4 clear carry one data byte, the others a size in words and data
      let size: number;
      if ((seg & 0x10) === 0) size = 2;
      else {
        if (left < 2) return bad(p, 'network segment cut short');
        size = 2 + 2 * d[o + 1];
      }
      if (left < size) return bad(p, 'network segment cut short');
      addText(p, wantText, `net=${hexNum(seg, 2)}:${hexStr(d, o + 1, size - 1)}`);
      o += size;
      lastWasSymbol = false;
      continue;
    }
    if (type === SEG_SYMBOLIC) {
      // 011S SSSS: S characters follow (padded); S = 0: an extended format byte follows
      const n5 = seg & 0x1f;
      let size: number;
      let sym: string;
      if (n5 > 0) {
        size = 1 + n5;
        if (left < size) return bad(p, 'symbolic segment cut short');
        sym = ascii(d, o + 1, n5);
      } else {
        if (left < 2) return bad(p, 'symbolic segment cut short');
        const ext = d[o + 1];
        const fmt = ext >> 5;
        const cnt = ext & 0x1f;
        if (fmt === 1 || fmt === 2) {
          // double- or triple-byte characters
          const bytes = cnt * (fmt === 1 ? 2 : 3);
          size = 2 + bytes;
          if (left < size) return bad(p, 'symbolic segment cut short');
          sym = `0x${hexStr(d, o + 2, bytes)}`;
        } else if (fmt === 6) {
          // numeric symbol: 6 = USINT, 7 = UINT, 8 = UDINT
          const nb = cnt === 6 ? 1 : cnt === 7 ? 2 : cnt === 8 ? 4 : -1;
          if (nb < 0) return bad(p, `symbolic segment with numeric format ${cnt}`);
          size = 2 + nb;
          if (left < size) return bad(p, 'symbolic segment cut short');
          sym = String(nb === 1 ? d[o + 2] : nb === 2 ? u16(d, o + 2) : u32(d, o + 2));
        } else return bad(p, `symbolic segment with extended format 0x${ext.toString(16)}`);
      }
      if (size & 1) size++;
      p.symbol = p.symbol === '' ? sym : `${p.symbol}.${sym}`;
      addText(p, wantText, `symbol=${sym}`);
      o = Math.min(o + size, end);
      lastWasSymbol = true;
      continue;
    }
    if (type === SEG_DATA) {
      if (seg === 0x80) {
        // simple data: size in words, data
        if (left < 2) return bad(p, 'data segment cut short');
        const size = 2 + 2 * d[o + 1];
        if (left < size) return bad(p, 'data segment cut short');
        addText(p, wantText, `data=${hexStr(d, o + 2, size - 2)}`);
        o += size;
        lastWasSymbol = false;
        continue;
      }
      if (seg === 0x91) {
        // ANSI extended symbol: size in bytes, characters, a pad byte if odd
        if (left < 2) return bad(p, 'symbol segment cut short');
        const n8 = d[o + 1];
        let size = 2 + n8;
        if (left < size) return bad(p, 'symbol segment cut short');
        const sym = ascii(d, o + 2, n8);
        if (size & 1) size++;
        p.symbol = p.symbol === '' ? sym : `${p.symbol}.${sym}`;
        addText(p, wantText, `symbol=${sym}`);
        o = Math.min(o + size, end);
        lastWasSymbol = true;
        continue;
      }
    }
    return bad(p, `segment type 0x${seg.toString(16)} unknown or reserved`);
  }
  return true;
}

function bad(p: EPath, why: string): boolean {
  p.error = why;
  return false;
}

/** Identity: what a List Identity item or the Identity object's Get Attributes All reply says. */
export class Identity {
  encapVersion = -1;
  /** Socket address of a List Identity item (dotted IPv4, port); '' / -1 when not from an item. */
  sockAddr = '';
  sockPort = -1;
  vendorId = 0;
  deviceType = 0;
  productCode = 0;
  revMajor = 0;
  revMinor = 0;
  status = 0;
  serial = 0;
  productName = '';
  /** -1 when the reply ended before the state attribute. */
  state = -1;
}

/**
 * The Identity object's instance attributes 1..8 as Get Attributes All returns them (and a
 * List Identity item after its version and socket address): vendor id, device type, product
 * code, revision, status, serial number, product name (SHORT_STRING), state. Returns the
 * bytes used, or -1 when the fixed part or the name does not fit.
 */
export function parseIdentityAttrs(d: Uint8Array, off: number, len: number, id: Identity): number {
  if (len < 15) return -1;
  id.vendorId = u16(d, off);
  id.deviceType = u16(d, off + 2);
  id.productCode = u16(d, off + 4);
  id.revMajor = d[off + 6];
  id.revMinor = d[off + 7];
  id.status = u16(d, off + 8);
  id.serial = u32(d, off + 10);
  const nameLen = d[off + 14];
  if (15 + nameLen > len) return -1;
  id.productName = ascii(d, off + 15, nameLen);
  let used = 15 + nameLen;
  id.state = -1;
  if (used < len) {
    id.state = d[off + used];
    used++;
  }
  return used;
}

/** A List Identity item (type 0x0C): encapsulation version, socket address (big-endian), identity attributes. */
export function parseIdentityItem(d: Uint8Array, off: number, len: number, id: Identity): boolean {
  if (len < 18) return false;
  id.encapVersion = u16(d, off);
  // sin_family (2), sin_port (2), sin_addr (4), sin_zero (8): big-endian
  id.sockPort = (d[off + 4] << 8) | d[off + 5];
  id.sockAddr = `${d[off + 6]}.${d[off + 7]}.${d[off + 8]}.${d[off + 9]}`;
  return parseIdentityAttrs(d, off + 18, len - 18, id) >= 0;
}

export { CLASS_IDENTITY };
