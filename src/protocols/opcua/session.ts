// Per-flow state of OPC UA binary: message framing over the TCP stream (the first KEEP bytes
// of each message chunk are kept, the rest skipped, so a large message costs no memory), the
// secure channel (policy, security mode, whether bodies are encrypted), the pairing of
// requests and responses by request id (at most MAX_PENDING open), and the `opcua` records.
import type { Session, SessionContext } from '../../dissect/types.ts';
import {
  CHUNK_A, CHUNK_C, CHUNK_F, HEADER_LENGTH, MESSAGE_TYPES, MSG_ACK, MSG_CLO, MSG_ERR, MSG_HEL, MSG_MSG, MSG_OPN, MSG_RHE,
  SECURITY_POLICY_NONE, SERVICES, SERVICE_CREATE_SESSION_REQUEST, SERVICE_CREATE_SESSION_RESPONSE,
  SERVICE_FIND_SERVERS_RESPONSE, SERVICE_GET_ENDPOINTS_REQUEST, SERVICE_GET_ENDPOINTS_RESPONSE,
  SERVICE_OPEN_SECURE_CHANNEL_REQUEST, SERVICE_OPEN_SECURE_CHANNEL_RESPONSE, applicationTypeName, attributeName,
  isResponse, requestTypeName, securityModeName, serviceName, statusName,
} from './constants.ts';
import {
  Application, NodeId, Reader, RequestHeader, ResponseHeader, parseApplication, parseEndpoint,
  parseRequestHeader, parseResponseHeader,
} from './parser.ts';
import { hexBytes } from '../../core/hex.ts';

/** Bytes of each message chunk kept for decoding; the rest of a longer chunk is skipped. */
export const KEEP = 65536;
/** Requests waiting for their response; beyond this the oldest is written unanswered. */
export const MAX_PENDING = 256;
/** NodeIds (and attributes, values) listed per request. */
export const MAX_NODES = 32;
/** While looking for a header after a gap or garbage, a chunk longer than this is not believed. */
const MAX_RESYNC_SIZE = 1 << 24;
/** Bytes skipped before any valid message after which the flow is not OPC UA. */
const REJECT_AFTER_BYTES = 4096;

/** Smallest valid size of each message type (header + fixed fields). */
function minSize(type: number): number {
  switch (type) {
    case MSG_HEL: return 32;
    case MSG_ACK: return 28;
    case MSG_ERR: return 16;
    case MSG_RHE: return 16;
    case MSG_OPN: return 32;
    default: return 24; // MSG, CLO
  }
}

/** The chunk size of a valid header at d[off] (8 bytes there), -1 when the bytes are no header. */
export function headerSize(d: Uint8Array, off: number, strict: boolean): number {
  const type = d[off] | (d[off + 1] << 8) | (d[off + 2] << 16);
  if (!MESSAGE_TYPES.has(type)) return -1;
  const chunk = d[off + 3];
  const secure = type === MSG_OPN || type === MSG_MSG || type === MSG_CLO;
  if (chunk !== CHUNK_F && !(secure && (chunk === CHUNK_C || chunk === CHUNK_A))) return -1;
  const size = (d[off + 4] | (d[off + 5] << 8) | (d[off + 6] << 16) | (d[off + 7] << 24)) >>> 0;
  if (size < minSize(type) || size > 0x7fffffff) return -1;
  if (strict && size > MAX_RESYNC_SIZE) return -1;
  return size;
}

class Side {
  buf = new Uint8Array(256);
  /** Bytes held in buf: a header being completed, or the kept part of the current chunk. */
  held = 0;
  /** Size of the chunk being read (0: reading a header). */
  size = 0;
  /** Bytes of the current chunk consumed (held + skipped). */
  consumed = 0;
  /** Bytes of the current chunk to keep (min(size, KEEP), less when a gap cut it). */
  keep = 0;
  lost = false;
  afterGap = false;
  skipped = 0;
}

/** One row of the `opcua` record: a connection protocol message, or a request and its response. */
class Txn {
  ts = 0;
  msgType = '';
  isFinal = '';
  requestId = -1;
  /** The request came from the connection's originator. */
  reqIsOrig = false;
  channelIds: number[] = [];
  // request
  reqSize = 0;
  reqSeq = -1;
  reqEnc = -1;
  reqNs = -1;
  reqId = -1;
  reqOpen = false;
  hasReqHdr = false;
  readonly reqHdr = new RequestHeader();
  // response
  resSize = 0;
  resSeq = -1;
  resEnc = -1;
  resNs = -1;
  resId = -1;
  resOpen = false;
  hasResHdr = false;
  readonly resHdr = new ResponseHeader();
  // OPN security header
  policyUri: string | undefined = undefined;
  policyLen = -2;
  sndCertLen = -2;
  sndCert: string | undefined = undefined;
  rcvCertLen = -2;
  rcvCert: string | undefined = undefined;
  // Palisade
  securityMode = -1;
  encrypted = false;
  tokenId = -1;
  tokenRequestType = -1;
  tokenLifetime = -1;
  endpointUrl: string | undefined = undefined;
  sessionName: string | undefined = undefined;
  readonly client = new Application();
  readonly server = new Application();
  endpointModes: number[] | undefined = undefined;
  nodeIds: string[] | undefined = undefined;
  attributes: string[] | undefined = undefined;
  writeValues: string[] | undefined = undefined;
  operations = -1;
}

const opt = (n: number): number | undefined => (n >= 0 ? n : undefined);
const CHUNK_NAMES: Record<number, string> = { [CHUNK_F]: 'F', [CHUNK_C]: 'C', [CHUNK_A]: 'A' };

export class OpcuaSession implements Session {
  private readonly ctx: SessionContext;
  private readonly sides: [Side, Side] = [new Side(), new Side()];
  private readonly r = new Reader();
  private readonly node = new NodeId();
  private readonly text: string[] = [''];
  /** Open requests by request id, in arrival order. */
  private readonly pending = new Map<number, Txn>();
  // The secure channel (one per connection, in practice).
  private policy: string | undefined = undefined;
  private mode = -1;
  /** Largest chunk each side may send (from HEL/ACK), 0 when not negotiated. */
  private readonly maxChunk = [0, 0];
  private everValid = false;
  private badBytes = 0;

  constructor(ctx: SessionContext) {
    this.ctx = ctx;
  }

  // ---- framing ----

  data(isOrig: boolean, d: Uint8Array, off: number, len: number): void {
    const s = this.sides[isOrig ? 0 : 1];
    const end = off + len;
    while (off < end) {
      if (s.size === 0) {
        if (s.held === 0) {
          const avail = end - off;
          if (avail < HEADER_LENGTH) {
            this.append(s, d, off, avail);
            return;
          }
          const n = headerSize(d, off, s.lost);
          if (n < 0) {
            this.skipByte(s);
            off++;
            continue;
          }
          this.endLoss(s, isOrig);
          if (n <= avail) {
            this.message(isOrig, d, off, n, n);
            off += n;
            continue;
          }
          this.start(s, n, 0);
        } else {
          const take = Math.min(HEADER_LENGTH - s.held, end - off);
          this.append(s, d, off, take);
          off += take;
          if (s.held < HEADER_LENGTH) continue;
          const n = headerSize(s.buf, 0, s.lost);
          if (n < 0) {
            // Not a header: drop its first byte and look at the rest again.
            const rest = s.buf.slice(1, s.held);
            s.held = 0;
            this.skipByte(s);
            this.data(isOrig, rest, 0, rest.length);
            continue;
          }
          this.endLoss(s, isOrig);
          this.start(s, n, HEADER_LENGTH);
          continue;
        }
      }
      // Inside a chunk: copy what is kept, skip the rest.
      if (s.consumed < s.keep) {
        const take = Math.min(s.keep - s.consumed, end - off);
        this.append(s, d, off, take);
        s.consumed += take;
        off += take;
      } else {
        const take = Math.min(s.size - s.consumed, end - off);
        s.consumed += take;
        off += take;
      }
      if (s.consumed === s.size) {
        const size = s.size;
        const held = s.held;
        s.size = 0;
        s.held = 0;
        s.consumed = 0;
        this.message(isOrig, s.buf, 0, held, size);
      }
    }
  }

  gap(isOrig: boolean, len: number): void {
    const s = this.sides[isOrig ? 0 : 1];
    if (s.size > 0 && s.consumed + len < s.size) {
      // Still inside the chunk: keep what was held before the hole, skip the rest of it.
      s.keep = Math.min(s.keep, s.consumed);
      s.consumed += len;
      return;
    }
    s.held = 0;
    s.size = 0;
    s.consumed = 0;
    s.lost = true;
    s.afterGap = true;
    s.skipped = 0;
  }

  end(): void {
    for (const t of this.pending.values()) this.write(t);
    this.pending.clear();
  }

  private start(s: Side, size: number, consumed: number): void {
    s.size = size;
    s.consumed = consumed;
    s.keep = Math.min(size, KEEP);
  }

  private append(s: Side, d: Uint8Array, off: number, n: number): void {
    if (s.held + n > s.buf.length) {
      const bigger = new Uint8Array(Math.min(Math.max(s.held + n, s.buf.length * 2), KEEP));
      bigger.set(s.buf.subarray(0, s.held), 0);
      s.buf = bigger;
    }
    s.buf.set(d.subarray(off, off + n), s.held);
    s.held += n;
  }

  private skipByte(s: Side): void {
    if (!s.lost) {
      s.lost = true;
      s.afterGap = false;
      s.skipped = 0;
    }
    s.skipped++;
    if (!this.everValid && ++this.badBytes === REJECT_AFTER_BYTES) this.ctx.reject('no OPC UA message');
  }

  private endLoss(s: Side, isOrig: boolean): void {
    if (!s.lost) return;
    s.lost = false;
    if (s.skipped > 0 && !s.afterGap) this.ctx.event('bad_header', `${s.skipped} bytes without a message header`, isOrig);
    s.skipped = 0;
  }

  // ---- messages ----

  /** One chunk: `kept` of its `size` bytes at d[off] (kept < size when it was longer than KEEP or cut by a gap). */
  private message(isOrig: boolean, d: Uint8Array, off: number, kept: number, size: number): void {
    const type = d[off] | (d[off + 1] << 8) | (d[off + 2] << 16);
    const chunk = d[off + 3];
    const side = isOrig ? 0 : 1;
    const limit = this.maxChunk[side];
    if (limit > 0 && size > limit) this.ctx.event('chunk_too_large', `${size}-byte chunk, the peer's buffer is ${limit}`, isOrig);
    const r = this.r;
    r.reset(d, off + HEADER_LENGTH, kept - HEADER_LENGTH);
    const whole = kept === size;
    switch (type) {
      case MSG_HEL:
      case MSG_ACK:
        this.hello(isOrig, type, size, whole);
        break;
      case MSG_ERR: {
        const t = this.simple('ERR', size);
        const error = r.u32();
        const reason = r.string();
        this.writeConnection(t, { error, reason, error_name: statusName(error) }, isOrig, whole);
        break;
      }
      case MSG_RHE: {
        const t = this.simple('RHE', size);
        const serverUri = r.string();
        const url = r.string();
        t.server.uri = serverUri;
        this.writeConnection(t, { endpoint_url: url }, isOrig, whole);
        break;
      }
      default:
        this.secure(isOrig, type, chunk, size, whole);
    }
    r.release();
  }

  private simple(msgType: string, size: number): Txn {
    const t = new Txn();
    t.ts = this.ctx.ts;
    t.msgType = msgType;
    t.isFinal = 'F';
    t.reqSize = size;
    return t;
  }

  private hello(isOrig: boolean, type: number, size: number, whole: boolean): void {
    const r = this.r;
    const version = r.u32();
    const rcv = r.u32();
    const snd = r.u32();
    const maxMsg = r.u32();
    const maxChunk = r.u32();
    const hel = type === MSG_HEL;
    const url = hel ? r.string() : undefined;
    const ok = r.ok;
    if (ok) {
      // The sender's receive buffer bounds what the peer sends; its send buffer what it sends itself.
      const me = isOrig ? 0 : 1;
      this.maxChunk[1 - me] = rcv;
      if (hel || this.maxChunk[me] === 0 || snd < this.maxChunk[me]) this.maxChunk[me] = snd;
      if (rcv < 8192 || snd < 8192) this.ctx.event('bad_hello', `buffer sizes ${rcv}/${snd} below the minimum of 8192`, isOrig);
    }
    const t = this.simple(hel ? 'HEL' : 'ACK', size);
    this.writeConnection(
      t,
      { version, rcv_buf_size: rcv, snd_buf_size: snd, max_msg_size: maxMsg, max_chunk_cnt: maxChunk, endpoint_url: url },
      isOrig,
      whole,
    );
  }

  /** HEL/ACK/ERR/RHE: written at once, when every field was there. */
  private writeConnection(t: Txn, fields: Record<string, unknown>, isOrig: boolean, whole: boolean): void {
    if (!this.r.ok) {
      if (whole) this.ctx.event('bad_body', `${t.msgType} shorter than its fields`, isOrig);
      return;
    }
    this.valid(isOrig);
    this.ctx.record('opcua', this.fields(t, fields), t.ts);
  }

  private valid(isOrig: boolean): void {
    this.everValid = true;
    this.ctx.valid(isOrig);
  }

  /** OPN, MSG, CLO. */
  private secure(isOrig: boolean, type: number, chunk: number, size: number, whole: boolean): void {
    const r = this.r;
    const channelId = r.u32();
    let policyLen = -2;
    let policyUri: string | undefined;
    let sndLen = -2;
    let sndCert: string | undefined;
    let rcvLen = -2;
    let rcvCert: string | undefined;
    let tokenId = -1;
    if (type === MSG_OPN) {
      const p = r.pos;
      policyLen = r.i32();
      r.pos = p;
      policyUri = r.string();
      const sp = r.pos + 4;
      sndLen = r.byteString();
      sndCert = sndLen > 0 && r.ok ? r.thumbprint(sp, sndLen) : undefined;
      const rp = r.pos + 4;
      rcvLen = r.byteString();
      rcvCert = rcvLen > 0 && r.ok ? hexBytes(r.d, rp, Math.min(rcvLen, 64)) : undefined;
      if (r.ok && policyUri !== undefined) this.policy = policyUri;
    } else {
      tokenId = r.u32();
    }
    if (!r.ok) {
      if (whole) this.ctx.event('bad_body', `${MESSAGE_TYPES.get(type)} shorter than its security header`, isOrig);
      return;
    }
    const msgType = MESSAGE_TYPES.get(type)!;
    // The body of an intermediate chunk goes on in the next one: no event for a body cut short there.
    if (chunk !== CHUNK_F) whole = false;
    const plain = this.plaintext(isOrig, type === MSG_OPN ? policyUri : this.policy);
    if (!plain) {
      // Encrypted: sequence header and body are unreadable; one row per chunk.
      const t = this.simple(msgType, size);
      t.isFinal = CHUNK_NAMES[chunk];
      t.channelIds.push(channelId);
      t.encrypted = true;
      t.tokenId = tokenId;
      t.policyLen = policyLen;
      t.policyUri = policyUri;
      t.sndCertLen = sndLen;
      t.sndCert = sndCert;
      t.rcvCertLen = rcvLen;
      t.rcvCert = rcvCert;
      // An OPN under a policy other than None is encrypted in Sign mode too; an encrypted MSG or CLO means SignAndEncrypt.
      if (type !== MSG_OPN && this.mode < 0 && this.policy !== undefined && this.policy !== SECURITY_POLICY_NONE) this.mode = 3;
      this.valid(isOrig);
      this.ctx.record('opcua', this.fields(t, {}), t.ts);
      return;
    }
    const seq = r.u32();
    const requestId = r.u32();
    if (!r.ok) {
      if (whole) this.ctx.event('bad_body', `${msgType} without a sequence header`, isOrig);
      return;
    }
    this.valid(isOrig);
    let t = this.pending.get(requestId);
    // A later chunk of a message whose first chunk was seen: only sizes and the chunk type change.
    if (t !== undefined && this.continues(t, isOrig)) {
      const req = t.reqOpen && this.isRequestSide(t, isOrig);
      if (req) t.reqSize += size;
      else t.resSize += size;
      t.isFinal = CHUNK_NAMES[chunk];
      if (chunk !== CHUNK_C) {
        if (req) t.reqOpen = false;
        else t.resOpen = false;
        if (!req || chunk === CHUNK_A) this.finish(t, requestId);
      }
      return;
    }
    // The first chunk: the body's type id says request or response.
    r.nodeId(this.node);
    const enc = this.node.encoding;
    const ns = this.node.ns;
    const id = this.node.numeric;
    const response = r.ok && isResponse(ns, id);
    if (response) {
      if (t === undefined || t.resSeq >= 0) {
        t = this.open(requestId, msgType);
        t.ts = this.ctx.ts;
      }
      t.resSize = size;
      t.resSeq = seq;
      t.resEnc = enc;
      t.resNs = ns;
      t.resId = id;
      if (!t.channelIds.includes(channelId)) t.channelIds.push(channelId);
      t.isFinal = CHUNK_NAMES[chunk];
      if (t.policyUri === undefined && policyUri !== undefined) {
        t.policyLen = policyLen;
        t.policyUri = policyUri;
        t.sndCertLen = sndLen;
        t.sndCert = sndCert;
        t.rcvCertLen = rcvLen;
        t.rcvCert = rcvCert;
      }
      if (t.tokenId < 0) t.tokenId = tokenId;
      this.responseBody(t, id, isOrig, whole);
      if (chunk === CHUNK_C) t.resOpen = true;
      else this.finish(t, requestId);
      return;
    }
    // A request (or a body we cannot tell: written as a request).
    if (t !== undefined) {
      // The same request id again: the earlier one is done.
      this.finish(t, requestId);
    }
    t = this.open(requestId, msgType);
    t.ts = this.ctx.ts;
    t.reqSize = size;
    t.reqSeq = seq;
    t.isFinal = CHUNK_NAMES[chunk];
    t.channelIds.push(channelId);
    t.tokenId = tokenId;
    t.policyLen = policyLen;
    t.policyUri = policyUri;
    t.sndCertLen = sndLen;
    t.sndCert = sndCert;
    t.rcvCertLen = rcvLen;
    t.rcvCert = rcvCert;
    t.reqIsOrig = isOrig;
    if (!r.ok) {
      if (whole) this.ctx.event('bad_body', `${msgType} body without a type id`, isOrig);
    } else {
      t.reqEnc = enc;
      t.reqNs = ns;
      t.reqId = id;
      this.requestBody(t, id, isOrig, whole);
    }
    if (chunk === CHUNK_C) t.reqOpen = true;
    // CloseSecureChannel has no response; an aborted request gets none either.
    if (type === MSG_CLO || chunk === CHUNK_A) this.finish(t, requestId);
  }

  private isRequestSide(t: Txn, isOrig: boolean): boolean {
    return t.reqSeq >= 0 && t.reqIsOrig === isOrig;
  }

  /** Whether a chunk from this side continues the row's open (chunked) request or response. */
  private continues(t: Txn, isOrig: boolean): boolean {
    const reqSide = this.isRequestSide(t, isOrig);
    return (t.reqOpen && reqSide) || (t.resOpen && !reqSide);
  }

  /**
   * Whether the sequence header and body can be read: always under SecurityPolicy#None;
   * otherwise (Sign, SignAndEncrypt, or no OPN seen) when they decode as a service call.
   */
  private plaintext(isOrig: boolean, policy: string | undefined): boolean {
    if (policy === SECURITY_POLICY_NONE) return true;
    if (this.mode === 3) return false;
    const r = this.r;
    if (r.left() < 8) return false;
    const d = r.d;
    const p = r.pos;
    const requestId = (d[p + 4] | (d[p + 5] << 8) | (d[p + 6] << 16) | (d[p + 7] << 24)) >>> 0;
    const t = this.pending.get(requestId);
    if (t !== undefined && this.continues(t, isOrig)) return true;
    if (r.left() < 12) return false;
    const enc = d[p + 8];
    let ok = false;
    if (enc === 1) ok = d[p + 9] === 0 && SERVICES.has(d[p + 10] | (d[p + 11] << 8));
    else if (enc === 2 && r.left() >= 15) ok = d[p + 9] === 0 && d[p + 10] === 0 && SERVICES.has((d[p + 11] | (d[p + 12] << 8) | (d[p + 13] << 16) | (d[p + 14] << 24)) >>> 0);
    if (ok && policy !== undefined && this.mode < 0) this.mode = 2; // signed only: inferred Sign
    return ok;
  }

  private open(requestId: number, msgType: string): Txn {
    if (this.pending.size >= MAX_PENDING) {
      const [oldId, old] = this.pending.entries().next().value as [number, Txn];
      this.pending.delete(oldId);
      this.ctx.event('too_many_pending', `${MAX_PENDING} requests without a response; the oldest is written unanswered`);
      this.write(old);
    }
    const t = new Txn();
    t.msgType = msgType;
    t.requestId = requestId;
    this.pending.set(requestId, t);
    return t;
  }

  private finish(t: Txn, requestId: number): void {
    if (this.pending.get(requestId) === t) this.pending.delete(requestId);
    this.write(t);
  }

  // ---- service bodies ----

  private requestBody(t: Txn, service: number, isOrig: boolean, whole: boolean): void {
    const r = this.r;
    if (t.reqNs !== 0 || !SERVICES.has(service)) return;
    parseRequestHeader(r, t.reqHdr);
    if (!r.ok) {
      if (whole) this.ctx.event('bad_body', `${serviceName(0, service)}: request header cut short`, isOrig);
      return;
    }
    t.hasReqHdr = true;
    switch (service) {
      case SERVICE_OPEN_SECURE_CHANNEL_REQUEST: {
        r.u32(); // clientProtocolVersion
        const type = r.u32();
        const mode = r.u32();
        r.byteString(); // clientNonce
        const lifetime = r.u32();
        if (r.ok) {
          t.tokenRequestType = type;
          t.securityMode = mode;
          t.tokenLifetime = lifetime;
          this.mode = mode;
        }
        break;
      }
      case SERVICE_GET_ENDPOINTS_REQUEST:
        t.endpointUrl = r.string();
        break;
      case SERVICE_CREATE_SESSION_REQUEST: {
        parseApplication(r, t.client);
        r.skipString(); // serverUri
        t.endpointUrl = r.string();
        t.sessionName = r.string();
        break;
      }
      case 631: // Read: maxAge, timestampsToReturn, ReadValueId[]
        r.f64();
        r.u32();
        this.readValueIds(t, false);
        break;
      case 673: // Write: WriteValue[]
        this.readValueIds(t, true);
        break;
      case 712: { // Call: CallMethodRequest[] (objectId, methodId, inputArguments)
        const n = this.list(t);
        for (let i = 0; i < n && r.ok; i++) {
          r.skipNodeId();
          r.nodeId(this.node);
          if (i < MAX_NODES) t.nodeIds!.push(this.node.text());
          const args = r.length(1);
          for (let j = 0; j < args && r.ok; j++) r.skipVariant();
        }
        break;
      }
      case 527: { // Browse: view, requestedMaxReferencesPerNode, BrowseDescription[]
        r.skipNodeId();
        r.skip(8 + 4 + 4);
        const n = this.list(t);
        for (let i = 0; i < n && r.ok; i++) {
          r.nodeId(this.node);
          if (i < MAX_NODES) t.nodeIds!.push(this.node.text());
          r.skip(4);
          r.skipNodeId();
          r.skip(1 + 4 + 4);
        }
        break;
      }
      case 664: { // HistoryRead: details, timestampsToReturn, releaseContinuationPoints, HistoryReadValueId[]
        r.extensionObject(this.node);
        r.skip(4 + 1);
        const n = this.list(t);
        for (let i = 0; i < n && r.ok; i++) {
          r.nodeId(this.node);
          if (i < MAX_NODES) t.nodeIds!.push(this.node.text());
          r.skipString();
          r.skipQualifiedName();
          r.byteString();
        }
        break;
      }
      case 560: // RegisterNodes: NodeId[]
      case 500: { // DeleteNodes: DeleteNodesItem[] (nodeId, deleteTargetReferences)
        const n = this.list(t);
        for (let i = 0; i < n && r.ok; i++) {
          r.nodeId(this.node);
          if (i < MAX_NODES) t.nodeIds!.push(this.node.text());
          if (service === 500) r.skip(1);
        }
        break;
      }
      case 488: { // AddNodes: AddNodesItem[]: parent, reference type, requested new node id, browse name, class, attributes, type definition
        const n = this.list(t);
        for (let i = 0; i < n && r.ok; i++) {
          r.skipNodeId(true);
          r.skipNodeId();
          r.nodeId(this.node, true);
          if (i < MAX_NODES) t.nodeIds!.push(this.node.text());
          r.skipQualifiedName();
          r.skip(4);
          r.extensionObject(this.node);
          r.skipNodeId(true);
        }
        break;
      }
      case 751: { // CreateMonitoredItems: subscriptionId, timestampsToReturn, MonitoredItemCreateRequest[]
        r.skip(8);
        const n = this.list(t);
        t.attributes = [];
        for (let i = 0; i < n && r.ok; i++) {
          r.nodeId(this.node);
          const attr = r.u32();
          if (i < MAX_NODES) {
            t.nodeIds!.push(this.node.text());
            t.attributes.push(attributeName(attr));
          }
          r.skipString();
          r.skipQualifiedName();
          r.skip(4 + 4 + 8); // monitoringMode, clientHandle, samplingInterval
          r.extensionObject(this.node);
          r.skip(4 + 1);
        }
        break;
      }
    }
    if (!r.ok && whole) this.ctx.event('bad_body', `${serviceName(0, service)}: body cut short`, isOrig);
  }

  /** An array length for a request's operations: sets t.operations and t.nodeIds; 0 when null or bad. */
  private list(t: Txn): number {
    const n = this.r.length(1);
    t.operations = Math.max(n, 0);
    t.nodeIds = [];
    return Math.max(n, 0);
  }

  /** ReadValueId[] (Read) or WriteValue[] (Write): NodeId, attribute, index range, then encoding or value. */
  private readValueIds(t: Txn, write: boolean): void {
    const r = this.r;
    const n = this.list(t);
    t.attributes = [];
    if (write) t.writeValues = [];
    for (let i = 0; i < n && r.ok; i++) {
      r.nodeId(this.node);
      const attr = r.u32();
      r.skipString();
      const listed = i < MAX_NODES;
      if (listed) {
        t.nodeIds!.push(this.node.text());
        t.attributes.push(attributeName(attr));
      }
      if (write) {
        this.text[0] = '';
        r.dataValue(0, listed ? this.text : null);
        if (listed) t.writeValues!.push(this.text[0]);
      } else r.skipQualifiedName();
    }
  }

  private responseBody(t: Txn, service: number, isOrig: boolean, whole: boolean): void {
    const r = this.r;
    if (t.resNs !== 0) return;
    parseResponseHeader(r, t.resHdr);
    if (!r.ok) {
      if (whole) this.ctx.event('bad_body', `${serviceName(0, service)}: response header cut short`, isOrig);
      return;
    }
    t.hasResHdr = true;
    switch (service) {
      case SERVICE_OPEN_SECURE_CHANNEL_RESPONSE: {
        r.u32(); // serverProtocolVersion
        r.u32(); // channelId
        const token = r.u32();
        r.skip(8); // createdAt
        const lifetime = r.u32();
        if (r.ok) {
          t.tokenId = token;
          if (t.tokenLifetime < 0) t.tokenLifetime = lifetime;
        }
        break;
      }
      case SERVICE_GET_ENDPOINTS_RESPONSE: {
        const n = r.length(1);
        t.endpointModes = [];
        for (let i = 0; i < n && r.ok; i++) parseEndpoint(r, t.server, t.endpointModes);
        break;
      }
      case SERVICE_CREATE_SESSION_RESPONSE: {
        r.skipNodeId(); // sessionId
        r.skipNodeId(); // authenticationToken
        r.skip(8); // revisedSessionTimeout
        r.byteString(); // serverNonce
        r.byteString(); // serverCertificate
        const n = r.length(1);
        t.endpointModes = [];
        for (let i = 0; i < n && r.ok; i++) parseEndpoint(r, t.server, t.endpointModes);
        break;
      }
      case SERVICE_FIND_SERVERS_RESPONSE: {
        const n = r.length(1);
        for (let i = 0; i < n && r.ok; i++) parseApplication(r, t.server.uri === undefined ? t.server : null);
        break;
      }
    }
    if (!r.ok && whole) this.ctx.event('bad_body', `${serviceName(0, service)}: body cut short`, isOrig);
  }

  // ---- records ----

  private write(t: Txn): void {
    this.ctx.record('opcua', this.fields(t, {}), t.ts);
  }

  private fields(t: Txn, conn: Record<string, unknown>): Record<string, unknown> {
    const q = t.reqHdr;
    const s = t.resHdr;
    const a = q.authToken;
    const hasReq = t.reqSeq >= 0;
    const hasRes = t.resSeq >= 0;
    const mode = t.securityMode >= 0 ? t.securityMode : t.msgType === 'OPN' || t.msgType === 'MSG' || t.msgType === 'CLO' ? this.modeFor(t) : -1;
    const aEnc = a.encoding & 0x0f;
    return {
      msg_type: t.msgType,
      is_final: t.isFinal,
      total_size: t.reqSize + t.resSize,
      error: conn.error,
      reason: conn.reason,
      version: conn.version,
      rcv_buf_size: conn.rcv_buf_size,
      snd_buf_size: conn.snd_buf_size,
      max_msg_size: conn.max_msg_size,
      max_chunk_cnt: conn.max_chunk_cnt,
      endpoint_url: conn.endpoint_url,
      sec_channel_id: t.channelIds.length > 0 ? t.channelIds : undefined,
      sec_policy_uri_len: t.policyLen > -2 ? t.policyLen : undefined,
      sec_policy_uri: t.policyUri,
      snd_cert_len: t.sndCertLen > -2 ? t.sndCertLen : undefined,
      snd_cert: t.sndCert,
      rcv_cert_len: t.rcvCertLen > -2 ? t.rcvCertLen : undefined,
      rcv_cert: t.rcvCert,
      request_id: opt(t.requestId),
      req_msg_size: hasReq ? t.reqSize : undefined,
      req_seq_number: hasReq ? t.reqSeq : undefined,
      req_encoding_mask: opt(t.reqEnc),
      req_namespace_idx: opt(t.reqNs),
      req_identifier: opt(t.reqId),
      req_identifier_str: t.reqId >= 0 ? serviceName(t.reqNs, t.reqId) : undefined,
      req_hdr_node_id_type: t.hasReqHdr ? (a.encoding < 16 ? '0x0' : '0x') + a.encoding.toString(16) : undefined,
      req_hdr_node_id_namespace_idx: t.hasReqHdr && aEnc !== 0 ? a.ns : undefined,
      req_hdr_node_id_numeric: t.hasReqHdr && aEnc <= 2 ? a.numeric : undefined,
      req_hdr_node_id_string: t.hasReqHdr && aEnc === 3 ? a.str : undefined,
      req_hdr_node_id_guid: t.hasReqHdr && aEnc === 4 ? a.guid : undefined,
      req_hdr_node_id_opaque: t.hasReqHdr && aEnc === 5 ? a.opaque : undefined,
      req_hdr_timestamp: t.hasReqHdr && !Number.isNaN(q.timestamp) ? q.timestamp : undefined,
      req_hdr_request_handle: t.hasReqHdr ? q.requestHandle : undefined,
      req_hdr_return_diag: t.hasReqHdr ? q.returnDiagnostics : undefined,
      req_hdr_audit_entry_id: t.hasReqHdr ? (q.auditEntryId ?? '') : undefined,
      req_hdr_timeout_hint: t.hasReqHdr ? q.timeoutHint : undefined,
      req_hdr_add_hdr_type_id: t.hasReqHdr ? q.addTypeId.numeric : undefined,
      req_hdr_add_hdr_enc_mask: t.hasReqHdr ? q.addEncoding : undefined,
      res_msg_size: hasRes ? t.resSize : undefined,
      res_seq_number: hasRes ? t.resSeq : undefined,
      res_encoding_mask: opt(t.resEnc),
      res_namespace_idx: opt(t.resNs),
      res_identifier: opt(t.resId),
      res_identifier_str: t.resId >= 0 ? serviceName(t.resNs, t.resId) : undefined,
      res_hdr_timestamp: t.hasResHdr && !Number.isNaN(s.timestamp) ? s.timestamp : undefined,
      res_hdr_request_handle: t.hasResHdr ? s.requestHandle : undefined,
      res_hdr_service_diag_encoding: t.hasResHdr ? s.diagEncoding : undefined,
      res_hdr_add_hdr_type_id: t.hasResHdr ? s.addTypeId.numeric : undefined,
      res_hdr_add_hdr_enc_mask: t.hasResHdr ? s.addEncoding : undefined,
      status_code: t.hasResHdr ? s.serviceResult : undefined,
      status_code_name: t.hasResHdr ? statusName(s.serviceResult) : undefined,
      error_name: conn.error_name,
      security_mode: mode >= 0 ? securityModeName(mode) : undefined,
      security_mode_code: mode >= 0 ? mode : undefined,
      encrypted: t.msgType === 'OPN' || t.msgType === 'MSG' || t.msgType === 'CLO' ? t.encrypted : undefined,
      sec_token_id: opt(t.tokenId),
      sec_token_request_type: t.tokenRequestType >= 0 ? requestTypeName(t.tokenRequestType) : undefined,
      sec_token_lifetime: opt(t.tokenLifetime),
      req_endpoint_url: t.endpointUrl,
      session_name: t.sessionName,
      client_application_uri: t.client.uri,
      client_product_uri: t.client.productUri,
      client_application_name: t.client.name,
      server_application_uri: t.server.uri,
      server_product_uri: t.server.productUri,
      server_application_name: t.server.name,
      server_application_type: t.server.type >= 0 ? applicationTypeName(t.server.type) : undefined,
      endpoint_security_modes: t.endpointModes?.map(securityModeName),
      node_ids: t.nodeIds,
      attributes: t.attributes,
      write_values: t.writeValues,
      operations: opt(t.operations),
    };
  }

  /** The channel's security mode as known when the row is written: from the OPN request, else by policy or inference. */
  private modeFor(t: Txn): number {
    if (this.mode >= 0) return this.mode;
    if (this.policy === SECURITY_POLICY_NONE) return 1;
    return t.encrypted && t.msgType !== 'OPN' ? 3 : -1;
  }
}
