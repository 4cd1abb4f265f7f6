// Pure parsing of OPC UA binary (OPC 10000-6 §5.2 built-in types, §6.7 secure conversation,
// §7.1 UA Connection Protocol; OPC 10000-4 service parameters). A Reader walks one message
// without throwing: a read past the end sets `ok = false` and returns zeroes, so a caller
// checks `ok` once at the end and keeps what was read before.
import { createHash } from 'node:crypto';
import { hexBytes } from '../../core/hex.ts';

const EMPTY = new Uint8Array(0);
const UTF8 = new TextDecoder('utf-8');
/** DateTime: 100 ns ticks since 1601-01-01; this many ticks before 1970-01-01. */
const EPOCH_TICKS = 116444736000000000;
/** Strings kept in records are cut to this many bytes. */
export const MAX_STRING = 1024;
/** Nesting of variants, diagnostic infos and extension objects followed when skipping. */
const MAX_DEPTH = 8;
const F64 = new DataView(new ArrayBuffer(8));

/** A NodeId as read (§5.2.2.9). */
export class NodeId {
  /** The encoding octet (0 two-byte, 1 four-byte, 2 numeric, 3 string, 4 guid, 5 byte string; | 0x80 | 0x40 for expanded). */
  encoding = 0;
  ns = 0;
  /** Numeric identifier, -1 for the other identifier types. */
  numeric = -1;
  /** String identifier, '' when not a string NodeId. */
  str = '';
  /** GUID as 8-4-4-4-12 hex, '' when not a GUID NodeId. */
  guid = '';
  /** ByteString identifier as hex, '' when not an opaque NodeId. */
  opaque = '';

  clear(): void {
    this.encoding = 0;
    this.ns = 0;
    this.numeric = -1;
    this.str = '';
    this.guid = '';
    this.opaque = '';
  }

  /** The standard text form: "i=85", "ns=2;s=Pump1", "ns=1;g=…", "ns=1;b=<hex>". */
  text(): string {
    const ns = this.ns === 0 ? '' : `ns=${this.ns};`;
    switch (this.encoding & 0x0f) {
      case 3: return `${ns}s=${this.str}`;
      case 4: return `${ns}g=${this.guid}`;
      case 5: return `${ns}b=${this.opaque}`;
      default: return `${ns}i=${this.numeric}`;
    }
  }
}

const HEX: string[] = [];
for (let i = 0; i < 256; i++) HEX.push((i < 16 ? '0' : '') + i.toString(16));

export class Reader {
  d: Uint8Array = EMPTY;
  pos = 0;
  end = 0;
  /** False once a read went past the end or a length was impossible. */
  ok = true;

  reset(d: Uint8Array, off: number, len: number): void {
    this.d = d;
    this.pos = off;
    this.end = off + len;
    this.ok = true;
  }

  /** Drops the view (so a held buffer is not kept alive by the reader). */
  release(): void {
    this.d = EMPTY;
    this.pos = 0;
    this.end = 0;
  }

  left(): number {
    return this.end - this.pos;
  }

  private need(n: number): boolean {
    if (this.ok && this.end - this.pos >= n) return true;
    this.ok = false;
    this.pos = this.end;
    return false;
  }

  skip(n: number): void {
    if (this.need(n)) this.pos += n;
  }

  u8(): number {
    return this.need(1) ? this.d[this.pos++] : 0;
  }

  u16(): number {
    if (!this.need(2)) return 0;
    const p = this.pos;
    this.pos += 2;
    return this.d[p] | (this.d[p + 1] << 8);
  }

  u32(): number {
    if (!this.need(4)) return 0;
    const d = this.d;
    const p = this.pos;
    this.pos += 4;
    return (d[p] | (d[p + 1] << 8) | (d[p + 2] << 16) | (d[p + 3] << 24)) >>> 0;
  }

  i32(): number {
    return this.u32() | 0;
  }

  f64(): number {
    if (!this.need(8)) return 0;
    for (let i = 0; i < 8; i++) F64.setUint8(i, this.d[this.pos + i]);
    this.pos += 8;
    return F64.getFloat64(0, true);
  }

  /** DateTime as seconds since the epoch; NaN for the null DateTime (0) and the maximum. */
  dateTime(): number {
    const lo = this.u32();
    const hi = this.u32() | 0;
    if ((lo === 0 && hi === 0) || (hi === 0x7fffffff && lo === 0xffffffff)) return NaN;
    return (hi * 4294967296 + lo - EPOCH_TICKS) / 1e7;
  }

  /** A length prefix (Int32, -1 = null) of a string, byte string or array: -1 for null, -2 when impossible. */
  length(elementMin: number): number {
    const n = this.i32();
    if (!this.ok) return -2;
    if (n === -1) return -1;
    if (n < -1 || n * elementMin > this.end - this.pos) {
      this.ok = false;
      this.pos = this.end;
      return -2;
    }
    return n;
  }

  /** String: null → undefined; cut to MAX_STRING bytes. */
  string(): string | undefined {
    const n = this.length(1);
    if (n < 0) return undefined;
    const s = UTF8.decode(this.d.subarray(this.pos, this.pos + Math.min(n, MAX_STRING)));
    this.pos += n;
    return s;
  }

  skipString(): void {
    const n = this.length(1);
    if (n > 0) this.pos += n;
  }

  /** Skips a ByteString; returns its length (-1 null, -2 impossible). Its bytes start 4 bytes after where it began. */
  byteString(): number {
    const n = this.length(1);
    if (n > 0) this.pos += n;
    return n;
  }

  guid(): string {
    if (!this.need(16)) return '';
    const d = this.d;
    const p = this.pos;
    this.pos += 16;
    // Data1 (UInt32), Data2, Data3 (UInt16) little-endian; Data4 as 8 bytes in order.
    return `${HEX[d[p + 3]]}${HEX[d[p + 2]]}${HEX[d[p + 1]]}${HEX[d[p]]}-${HEX[d[p + 5]]}${HEX[d[p + 4]]}-${HEX[d[p + 7]]}${HEX[d[p + 6]]}-` +
      `${HEX[d[p + 8]]}${HEX[d[p + 9]]}-${hexBytes(d, p + 10, 6)}`;
  }

  /** NodeId, or ExpandedNodeId when `expanded` (namespace URI and server index are skipped). */
  nodeId(out: NodeId, expanded = false): void {
    out.clear();
    const enc = this.u8();
    out.encoding = enc;
    switch (enc & 0x0f) {
      case 0: out.numeric = this.u8(); break;
      case 1: out.ns = this.u8(); out.numeric = this.u16(); break;
      case 2: out.ns = this.u16(); out.numeric = this.u32(); break;
      case 3: out.ns = this.u16(); out.str = this.string() ?? ''; break;
      case 4: out.ns = this.u16(); out.guid = this.guid(); break;
      case 5: {
        out.ns = this.u16();
        const start = this.pos + 4;
        const n = this.byteString();
        if (n > 0) out.opaque = hexBytes(this.d, start, Math.min(n, 64));
        break;
      }
      default:
        this.ok = false;
        this.pos = this.end;
        return;
    }
    if ((enc & 0x30) !== 0 || (!expanded && (enc & 0xc0) !== 0)) {
      this.ok = false;
      this.pos = this.end;
      return;
    }
    if ((enc & 0x80) !== 0) this.skipString();
    if ((enc & 0x40) !== 0) this.skip(4);
  }

  private readonly scratch = new NodeId();

  skipNodeId(expanded = false): void {
    this.nodeId(this.scratch, expanded);
  }

  /** LocalizedText: the text part ('' when absent). */
  localizedText(): string {
    const mask = this.u8();
    if ((mask & 0x01) !== 0) this.skipString();
    return (mask & 0x02) !== 0 ? (this.string() ?? '') : '';
  }

  skipQualifiedName(): void {
    this.skip(2);
    this.skipString();
  }

  /** ExtensionObject: TypeId, encoding, and a body of ByteString or XmlElement. Returns [type id numeric, encoding]. */
  extensionObject(out: NodeId): number {
    this.nodeId(out);
    const enc = this.u8();
    if (enc === 1 || enc === 2) this.byteString();
    else if (enc !== 0) {
      this.ok = false;
      this.pos = this.end;
    }
    return enc;
  }

  skipDiagnosticInfo(depth = 0): void {
    const mask = this.u8();
    if ((mask & 0x01) !== 0) this.skip(4); // SymbolicId
    if ((mask & 0x02) !== 0) this.skip(4); // NamespaceUri
    if ((mask & 0x08) !== 0) this.skip(4); // Locale
    if ((mask & 0x04) !== 0) this.skip(4); // LocalizedText
    if ((mask & 0x10) !== 0) this.skipString(); // AdditionalInfo
    if ((mask & 0x20) !== 0) this.skip(4); // InnerStatusCode
    if ((mask & 0x40) !== 0) {
      if (depth >= MAX_DEPTH) {
        this.ok = false;
        this.pos = this.end;
        return;
      }
      this.skipDiagnosticInfo(depth + 1);
    }
  }

  /** One value of built-in type `t` (§5.1.2), skipped. */
  skipBuiltin(t: number, depth: number): void {
    switch (t) {
      case 1: case 2: case 3: this.skip(1); break;
      case 4: case 5: this.skip(2); break;
      case 6: case 7: case 10: case 19: this.skip(4); break;
      case 8: case 9: case 11: case 13: this.skip(8); break;
      case 12: case 15: case 16: this.byteString(); break;
      case 14: this.skip(16); break;
      case 17: this.skipNodeId(); break;
      case 18: this.skipNodeId(true); break;
      case 20: this.skipQualifiedName(); break;
      case 21: this.localizedText(); break;
      case 22: this.extensionObject(this.scratch); break;
      case 23: this.skipDataValue(depth + 1); break;
      case 24: this.skipVariant(depth + 1); break;
      case 25: this.skipDiagnosticInfo(depth + 1); break;
      default:
        this.ok = false;
        this.pos = this.end;
    }
  }

  skipVariant(depth = 0): void {
    this.variant(depth, null);
  }

  /**
   * A Variant; when `text` is given, a short rendering of the value goes into text[0]:
   * numbers, booleans and strings as they are, arrays as "Type[n]", other types by name.
   */
  variant(depth: number, text: string[] | null): void {
    if (depth > MAX_DEPTH) {
      this.ok = false;
      this.pos = this.end;
      return;
    }
    const mask = this.u8();
    const t = mask & 0x3f;
    if (t === 0) {
      if (text !== null) text[0] = 'null';
      return;
    }
    if ((mask & 0x80) !== 0) {
      const n = this.length(1);
      if (text !== null) text[0] = `${BUILTIN_NAMES[t] ?? `type${t}`}[${Math.max(n, 0)}]`;
      for (let i = 0; i < n && this.ok; i++) this.skipBuiltin(t, depth);
      if ((mask & 0x40) !== 0) {
        const dims = this.length(4);
        if (dims > 0) this.skip(4 * dims);
      }
      return;
    }
    if (text === null) {
      this.skipBuiltin(t, depth);
      return;
    }
    const p = this.pos;
    switch (t) {
      case 1: text[0] = this.u8() !== 0 ? 'true' : 'false'; break;
      case 2: text[0] = String((this.u8() << 24) >> 24); break;
      case 3: text[0] = String(this.u8()); break;
      case 4: text[0] = String((this.u16() << 16) >> 16); break;
      case 5: text[0] = String(this.u16()); break;
      case 6: text[0] = String(this.i32()); break;
      case 7: text[0] = String(this.u32()); break;
      case 8: case 9: {
        const lo = this.u32();
        const hi = this.u32();
        const v = (BigInt(hi) << 32n) | BigInt(lo);
        text[0] = String(t === 8 ? BigInt.asIntN(64, v) : v);
        break;
      }
      case 10: {
        F64.setUint32(0, this.u32(), true);
        text[0] = String(F64.getFloat32(0, true));
        break;
      }
      case 11: text[0] = String(this.f64()); break;
      case 12: text[0] = this.string() ?? ''; break;
      case 13: {
        const s = this.dateTime();
        text[0] = Number.isNaN(s) ? 'DateTime(null)' : new Date(s * 1000).toISOString();
        break;
      }
      default:
        this.skipBuiltin(t, depth);
        text[0] = BUILTIN_NAMES[t] ?? `type${t}`;
    }
    if (!this.ok) this.pos = Math.max(p, this.pos);
  }

  skipDataValue(depth = 0): void {
    this.dataValue(depth, null);
  }

  dataValue(depth: number, text: string[] | null): void {
    const mask = this.u8();
    if ((mask & 0x01) !== 0) this.variant(depth + 1, text);
    else if (text !== null) text[0] = 'null';
    if ((mask & 0x02) !== 0) this.skip(4);
    if ((mask & 0x04) !== 0) this.skip(8);
    if ((mask & 0x10) !== 0) this.skip(2);
    if ((mask & 0x08) !== 0) this.skip(8);
    if ((mask & 0x20) !== 0) this.skip(2);
  }

  skipStringArray(): void {
    const n = this.length(4);
    for (let i = 0; i < n && this.ok; i++) this.skipString();
  }

  /** SHA-1 of `n` bytes from `start` as hex (certificates are logged by their thumbprint); '' when n <= 0. */
  thumbprint(start: number, n: number): string {
    if (n <= 0) return '';
    return createHash('sha1').update(this.d.subarray(start, start + n)).digest('hex');
  }
}

const BUILTIN_NAMES: readonly (string | undefined)[] = [
  undefined, 'Boolean', 'SByte', 'Byte', 'Int16', 'UInt16', 'Int32', 'UInt32', 'Int64', 'UInt64', 'Float', 'Double',
  'String', 'DateTime', 'Guid', 'ByteString', 'XmlElement', 'NodeId', 'ExpandedNodeId', 'StatusCode', 'QualifiedName',
  'LocalizedText', 'ExtensionObject', 'DataValue', 'Variant', 'DiagnosticInfo',
];

/** RequestHeader (Part 4 §7.32), as ICSNPP logs it. */
export class RequestHeader {
  readonly authToken = new NodeId();
  timestamp = NaN;
  requestHandle = 0;
  returnDiagnostics = 0;
  auditEntryId: string | undefined = undefined;
  timeoutHint = 0;
  readonly addTypeId = new NodeId();
  addEncoding = 0;
}

export function parseRequestHeader(r: Reader, h: RequestHeader): void {
  r.nodeId(h.authToken);
  h.timestamp = r.dateTime();
  h.requestHandle = r.u32();
  h.returnDiagnostics = r.u32();
  h.auditEntryId = r.string();
  h.timeoutHint = r.u32();
  h.addEncoding = r.extensionObject(h.addTypeId);
}

/** ResponseHeader (Part 4 §7.33). */
export class ResponseHeader {
  timestamp = NaN;
  requestHandle = 0;
  serviceResult = 0;
  diagEncoding = 0;
  readonly addTypeId = new NodeId();
  addEncoding = 0;
}

export function parseResponseHeader(r: Reader, h: ResponseHeader): void {
  h.timestamp = r.dateTime();
  h.requestHandle = r.u32();
  h.serviceResult = r.u32();
  const p = r.pos;
  h.diagEncoding = p < r.end ? r.d[p] : 0;
  r.skipDiagnosticInfo();
  r.skipStringArray();
  h.addEncoding = r.extensionObject(h.addTypeId);
}

/** The parts of an ApplicationDescription (Part 4 §7.2) that identify an application. */
export class Application {
  uri: string | undefined = undefined;
  productUri: string | undefined = undefined;
  name: string | undefined = undefined;
  type = -1;
}

export function parseApplication(r: Reader, a: Application | null): void {
  const uri = r.string();
  const productUri = r.string();
  const name = r.localizedText();
  const type = r.u32();
  r.skipString(); // gatewayServerUri
  r.skipString(); // discoveryProfileUri
  r.skipStringArray(); // discoveryUrls
  if (a !== null && r.ok) {
    a.uri = uri;
    a.productUri = productUri;
    a.name = name;
    a.type = type;
  }
}

/** One EndpointDescription (Part 4 §7.14): its server's identity goes into `server` (the first seen). */
export function parseEndpoint(r: Reader, server: Application, modes: number[]): void {
  r.skipString(); // endpointUrl
  parseApplication(r, server.uri === undefined ? server : null);
  r.byteString(); // serverCertificate
  const mode = r.u32();
  r.skipString(); // securityPolicyUri
  const tokens = r.length(4);
  for (let i = 0; i < tokens && r.ok; i++) {
    r.skipString(); // policyId
    r.skip(4); // tokenType
    r.skipString(); // issuedTokenType
    r.skipString(); // issuerEndpointUrl
    r.skipString(); // securityPolicyUri
  }
  r.skipString(); // transportProfileUri
  r.skip(1); // securityLevel
  if (r.ok && !modes.includes(mode)) modes.push(mode);
}
