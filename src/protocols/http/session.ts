// Per-flow HTTP/1.x state: the request and response streams read line by line (bodies
// skipped by their length, chunked bodies decoded for their length only), requests paired
// with responses in order (pipelining), and one `http` record per pair, as Zeek writes
// http.log; software records from User-Agent, Server and X-Powered-By headers.
//
// Each direction is a small state machine: a start line, headers, then a body framed by
// Transfer-Encoding: chunked, Content-Length, or (responses only) the end of the
// connection. A response to HEAD, a 1xx, 204 or 304 has no body. After 101 Switching
// Protocols, or a 2xx answer to CONNECT, the connection carries another protocol and both
// directions are left alone. After a gap inside a body of known length the body is
// counted on; after any other gap (or bytes that are not HTTP where a start line belongs)
// the direction is out of sync until a line that is a valid request line (or status line).
//
// Pairing (Zeek's rules): requests wait in `pending`, oldest first; a response belongs to
// the oldest; a 1xx response keeps it waiting for the final one. A response with no request
// waiting gets a transaction of its own. More than MAX_PENDING requests waiting: all are
// written unanswered (`excessive_pipelining`). The record of a transaction is written when
// its response ends, or at the end of the flow.
import { softwareFound, type SoftwareTracker } from '../../dissect/software.ts';
import { bytesText } from '../../dissect/text.ts';
import type { RecordFields, Session, SessionContext } from '../../dissect/types.ts';
import { HEADER, KNOWN_METHODS, PROXY_HEADER_NAMES, headerId, statusHasNoBody } from './constants.ts';
import {
  Credentials, RequestLine, Span, StatusLine, hasChunked, headerColon, headerNameLength, mediaType, parseAuthorization,
  parseChunkSize, parseContentLength, parseRequestLine, parseStatusLine, trimmed, unescapeUri,
} from './parser.ts';
import { RECORD_HTTP } from './records.ts';

/** Requests waiting for a response, per flow (Zeek's HTTP::max_pending_requests). */
export const MAX_PENDING = 100;
/** Bytes of a line kept (request line, status line, header); the rest of a longer line is skipped. */
export const MAX_LINE = 16384;
/** Header lines per message read for the record; beyond it only the framing headers count. */
export const MAX_HEADERS = 256;
/** Distinct proxy headers kept per transaction. */
export const MAX_PROXIED = 8;
/** Bytes skipped without a single valid message on the flow after which it is not HTTP. */
const REJECT_AFTER_SKIPPED = 65536;
/** Bytes of the end of an over-long line kept, to find the version of a long request line. */
const TAIL = 16;

export const HTTP_EVENTS = {
  bad_request_line: 'a client line where a request line belongs that is not one: the direction is out of sync until the next request line',
  bad_status_line: 'a server line where a status line belongs that is not one: the direction is out of sync until the next status line',
  unknown_method: 'a request method that is not a standard one (Zeek: unknown_HTTP_method)',
  bad_header: 'a header line without a name and colon (ignored; folded continuation lines are not joined)',
  too_many_headers: `more than ${MAX_HEADERS} header lines in one message: the rest are read only for framing`,
  line_too_long: `a line longer than ${MAX_LINE} bytes: the rest of it is skipped`,
  bad_content_length: 'a Content-Length value that is not a number, or two that differ',
  bad_chunk: 'a chunk-size line that is not hexadecimal, or chunk data not followed by CRLF',
  excessive_pipelining: `more than ${MAX_PENDING} requests waiting for responses: they are written unanswered (Zeek: HTTP_excessive_pipelining)`,
  response_without_request: 'a response while no request was waiting (normal at the start of a capture; Zeek: HTTP_response_before_request)',
  resync: 'bytes skipped, after a gap or bytes that are not HTTP, until a valid request or status line',
  bad_authorization: 'Basic credentials that do not decode to user:password (the record says <problem-decoding>)',
  unrecognized_auth_scheme: 'an Authorization scheme other than Basic, Digest, Bearer, NTLM and Negotiate (Suricata: request_auth_unrecognized)',
} as const;

/** Authorization schemes that raise no unrecognized_auth_scheme event (lower case). */
const AUTH_SCHEMES = new Set(['basic', 'digest', 'bearer', 'ntlm', 'negotiate']);

const S_START = 0;
const S_HEADERS = 1;
const S_BODY = 2;
const S_CHUNK_SIZE = 3;
const S_CHUNK_DATA = 4;
const S_CHUNK_END = 5;
const S_TRAILERS = 6;
const S_CLOSE = 7;
const S_TUNNEL = 8;
const S_LOST = 9;

const METHODS = new Set(KNOWN_METHODS);

/** One request/response pair. */
class Txn {
  readonly ts: number;
  readonly depth: number;
  method: string | undefined = undefined;
  uri: string | undefined = undefined;
  host: string | undefined = undefined;
  referrer: string | undefined = undefined;
  userAgent: string | undefined = undefined;
  origin: string | undefined = undefined;
  requestBodyLen = 0;
  responseBodyLen = 0;
  statusCode = -1;
  statusMsg: string | undefined = undefined;
  infoCode = -1;
  infoMsg: string | undefined = undefined;
  version: string | undefined = undefined;
  username: string | undefined = undefined;
  passwordPresent: boolean | undefined = undefined;
  proxied: string[] | null = null;
  origMime: string | undefined = undefined;
  respMime: string | undefined = undefined;
  server: string | undefined = undefined;
  authScheme: string | undefined = undefined;
  cookie = false;
  /** The request was HEAD / CONNECT / HTTP/0.9. */
  head = false;
  connect = false;
  v09 = false;
  written = false;

  constructor(ts: number, depth: number) {
    this.ts = ts;
    this.depth = depth;
  }
}

/** One direction's reading state. */
class Side {
  readonly isOrig: boolean;
  state = S_START;
  /** A line that spans chunks (bytes held so far; at most MAX_LINE). */
  buf: Uint8Array | null = null;
  held = 0;
  /** The current line is longer than MAX_LINE: its last TAIL bytes are kept in `tail`. */
  overlong = false;
  readonly tail = new Uint8Array(TAIL);
  tailLen = 0;
  /** Body or chunk bytes still to come. */
  remaining = 0;
  /** The message being read and its framing headers. */
  txn: Txn | null = null;
  headers = 0;
  contentLength = -1;
  chunked = false;
  mime: string | undefined = undefined;
  /** Bytes skipped while out of sync. */
  skipped = 0;
  afterGap = false;

  constructor(isOrig: boolean) {
    this.isOrig = isOrig;
  }

  startMessage(txn: Txn | null): void {
    this.txn = txn;
    this.headers = 0;
    this.contentLength = -1;
    this.chunked = false;
    this.mime = undefined;
  }
}

export class HttpSession implements Session {
  private readonly ctx: SessionContext;
  private readonly orig = new Side(true);
  private readonly resp = new Side(false);
  private readonly pending: Txn[] = [];
  private depth = 0;
  private valid = false;
  private rejected = false;
  private skippedTotal = 0;
  private readonly rl = new RequestLine();
  private readonly sl = new StatusLine();
  private readonly span = new Span();
  private readonly creds = new Credentials();

  constructor(ctx: SessionContext) {
    this.ctx = ctx;
  }

  // ---- Session ----

  data(isOrig: boolean, d: Uint8Array, off: number, len: number): void {
    if (this.rejected) return;
    const s = isOrig ? this.orig : this.resp;
    const end = off + len;
    while (off < end && !this.rejected) {
      const st = s.state;
      if (st === S_TUNNEL) return;
      if (st === S_BODY || st === S_CHUNK_DATA) {
        const n = Math.min(s.remaining, end - off);
        this.bodyBytes(s, n);
        s.remaining -= n;
        off += n;
        if (s.remaining === 0) {
          if (st === S_BODY) this.messageDone(s);
          else s.state = S_CHUNK_END;
        }
        continue;
      }
      if (st === S_CLOSE) {
        this.bodyBytes(s, end - off);
        return;
      }
      if (st === S_START && !isOrig && s.held === 0 && this.pending.length > 0 && this.pending[0].v09) {
        // An HTTP/0.9 response: no status line, the body runs to the end of the connection.
        s.startMessage(this.pending[0]);
        s.state = S_CLOSE;
        continue;
      }
      // A line: up to the next LF.
      let p = off;
      while (p < end && d[p] !== 0x0a) p++;
      if (p === end) {
        this.hold(s, d, off, end - off);
        return;
      }
      if (s.held === 0 && !s.overlong) {
        let e = p;
        if (e > off && d[e - 1] === 0x0d) e--;
        if (e - off > MAX_LINE) {
          this.hold(s, d, off, p - off);
          this.heldLine(s);
        } else this.line(s, d, off, e - off, p + 1 - off);
      } else {
        this.hold(s, d, off, p - off);
        this.heldLine(s);
      }
      off = p + 1;
    }
  }

  gap(isOrig: boolean, len: number): void {
    if (this.rejected) return;
    const s = isOrig ? this.orig : this.resp;
    s.held = 0;
    s.overlong = false;
    switch (s.state) {
      case S_TUNNEL:
      case S_LOST:
        return;
      case S_CLOSE:
        this.bodyBytes(s, len);
        return;
      case S_BODY:
      case S_CHUNK_DATA:
        if (len < s.remaining) {
          this.bodyBytes(s, len);
          s.remaining -= len;
          return;
        }
        this.bodyBytes(s, s.remaining);
        s.remaining = 0;
        break;
      default:
        break;
    }
    // The message cannot be read to its end: it ends here, the direction is out of sync.
    if (s.state !== S_START) this.messageDone(s);
    this.lose(s, true);
  }

  end(): void {
    if (this.rejected) return;
    const r = this.resp;
    if (r.txn !== null && r.state !== S_START && r.state !== S_LOST) this.messageDone(r);
    else if (r.txn !== null) this.write(r.txn);
    for (const t of this.pending) this.write(t);
    this.pending.length = 0;
  }

  // ---- lines ----

  /** Keeps the start of a line that continues in the next chunk (at most MAX_LINE bytes, then its tail). */
  private hold(s: Side, d: Uint8Array, off: number, len: number): void {
    if (len <= 0) return;
    const room = MAX_LINE - s.held;
    const take = Math.min(room, len);
    if (take > 0) {
      if (s.buf === null || s.buf.length < s.held + take) {
        const nb = new Uint8Array(Math.min(MAX_LINE, Math.max(256, (s.held + take) * 2)));
        if (s.buf !== null) nb.set(s.buf.subarray(0, s.held));
        s.buf = nb;
      }
      s.buf.set(d.subarray(off, off + take), s.held);
      s.held += take;
    }
    if (take < len) {
      if (!s.overlong) {
        s.overlong = true;
        s.tailLen = 0;
      }
      // Keep the last TAIL bytes of what does not fit.
      const from = Math.max(off + take, off + len - TAIL);
      for (let i = from; i < off + len; i++) {
        if (s.tailLen === TAIL) s.tail.copyWithin(0, 1);
        else s.tailLen++;
        s.tail[s.tailLen - 1] = d[i];
      }
    }
  }

  /** The held line is complete (its LF was just seen). */
  private heldLine(s: Side): void {
    const buf = s.buf!;
    let n = s.held;
    const overlong = s.overlong;
    s.held = 0;
    s.overlong = false;
    if (overlong) {
      this.ctx.event('line_too_long', `line of more than ${MAX_LINE} bytes`, s.isOrig);
      // A request line keeps its version: the kept head, then the tail from its last space.
      const tail = s.tail.subarray(0, s.tailLen);
      let tl = tail.length;
      if (tl > 0 && tail[tl - 1] === 0x0d) tl--;
      const sp = tail.subarray(0, tl).lastIndexOf(0x20);
      if ((s.state === S_START || s.state === S_LOST) && s.isOrig && sp >= 0) {
        const line = new Uint8Array(MAX_LINE + TAIL);
        line.set(buf.subarray(0, n));
        line.set(tail.subarray(sp, tl), n);
        this.line(s, line, 0, n + tl - sp, MAX_LINE + 1);
        return;
      }
      this.line(s, buf, 0, n, MAX_LINE + 1);
      return;
    }
    if (n > 0 && buf[n - 1] === 0x0d) n--;
    this.line(s, buf, 0, n, n + 1);
  }

  /** One line (without its line end); `raw` is the bytes it took on the wire. */
  private line(s: Side, d: Uint8Array, off: number, len: number, raw: number): void {
    switch (s.state) {
      case S_START:
        if (len === 0) return; // empty lines between messages are allowed
        if (s.isOrig) this.requestLine(s, d, off, len, raw);
        else this.statusLine(s, d, off, len, raw);
        return;
      case S_HEADERS:
        if (len === 0) this.headersDone(s);
        else this.header(s, d, off, len);
        return;
      case S_CHUNK_END:
        s.state = S_CHUNK_SIZE;
        if (len === 0) return;
        this.ctx.event('bad_chunk', 'chunk data not followed by CRLF', s.isOrig);
        this.chunkSize(s, d, off, len);
        return;
      case S_CHUNK_SIZE:
        this.chunkSize(s, d, off, len);
        return;
      case S_TRAILERS:
        if (len === 0) this.messageDone(s);
        return;
      case S_LOST:
        this.lostLine(s, d, off, len, raw);
        return;
      default:
        return;
    }
  }

  private chunkSize(s: Side, d: Uint8Array, off: number, len: number): void {
    const n = parseChunkSize(d, off, len);
    if (n < 0) {
      this.ctx.event('bad_chunk', `chunk-size line "${bytesText(d, off, Math.min(len, 32))}"`, s.isOrig);
      this.messageDone(s);
      this.lose(s, false);
      return;
    }
    if (n === 0) s.state = S_TRAILERS;
    else {
      s.remaining = n;
      s.state = S_CHUNK_DATA;
    }
  }

  // ---- start lines ----

  private requestLine(s: Side, d: Uint8Array, off: number, len: number, raw: number): void {
    const rl = this.rl;
    if (!parseRequestLine(d, off, len, rl)) {
      this.ctx.event('bad_request_line', bytesText(d, off, Math.min(len, 64)), true);
      this.lose(s, false);
      s.skipped += raw;
      this.checkReject(raw);
      return;
    }
    const t = new Txn(this.ctx.ts, ++this.depth);
    const method = bytesText(d, rl.methodOff, rl.methodLen);
    t.method = method;
    t.uri = unescapeUri(d, rl.uriOff, rl.uriLen);
    const upper = method.toUpperCase();
    t.head = upper === 'HEAD';
    t.connect = upper === 'CONNECT';
    t.v09 = rl.major < 0;
    if (!METHODS.has(method)) this.ctx.event('unknown_method', method, true);
    this.queue(t);
    this.validMessage(true);
    s.startMessage(t);
    if (t.v09) s.state = S_START; // no headers, no body
    else s.state = S_HEADERS;
  }

  private queue(t: Txn): void {
    const p = this.pending;
    if (p.length >= MAX_PENDING) {
      this.ctx.event('excessive_pipelining', `${p.length} requests waiting`, true);
      for (const q of p) this.write(q);
      p.length = 0;
    }
    p.push(t);
  }

  private statusLine(s: Side, d: Uint8Array, off: number, len: number, raw: number): void {
    const sl = this.sl;
    if (!parseStatusLine(d, off, len, sl)) {
      this.ctx.event('bad_status_line', bytesText(d, off, Math.min(len, 64)), false);
      this.lose(s, false);
      s.skipped += raw;
      this.checkReject(raw);
      return;
    }
    let t = this.pending.length > 0 ? this.pending[0] : null;
    if (t === null) {
      // A 1xx already started this response's transaction: the final response continues it.
      if (s.txn !== null && !s.txn.written && s.txn.statusCode >= 100 && s.txn.statusCode < 200) t = s.txn;
      else {
        this.ctx.event('response_without_request', `status ${sl.code}`, false);
        t = new Txn(this.ctx.ts, ++this.depth);
      }
    }
    t.statusCode = sl.code;
    t.statusMsg = sl.reasonOff < 0 ? '<empty>' : bytesText(d, sl.reasonOff, sl.reasonLen);
    t.version = `${sl.major}.${sl.minor}`;
    if (sl.code < 200) {
      t.infoCode = sl.code;
      t.infoMsg = t.statusMsg;
    }
    this.validMessage(false);
    s.startMessage(t);
    s.state = S_HEADERS;
  }

  /** Out of sync: a line that is a valid start line again ends it. */
  private lostLine(s: Side, d: Uint8Array, off: number, len: number, raw: number): void {
    const ok = s.isOrig ? parseRequestLine(d, off, len, this.rl) && this.rl.major >= 0 : parseStatusLine(d, off, len, this.sl);
    if (!ok) {
      s.skipped += raw;
      this.checkReject(raw);
      return;
    }
    this.ctx.event('resync', `${s.skipped} bytes skipped${s.afterGap ? ' after a gap' : ''}`, s.isOrig);
    s.skipped = 0;
    s.afterGap = false;
    s.state = S_START;
    this.line(s, d, off, len, raw);
  }

  private lose(s: Side, afterGap: boolean): void {
    if (s.state === S_LOST) return;
    s.state = S_LOST;
    s.skipped = 0;
    s.afterGap = afterGap;
    s.txn = null;
  }

  private checkReject(n: number): void {
    this.skippedTotal += n;
    if (!this.valid && this.skippedTotal > REJECT_AFTER_SKIPPED) {
      this.rejected = true;
      this.ctx.reject('no valid HTTP message');
    }
  }

  private validMessage(isOrig: boolean): void {
    this.valid = true;
    this.ctx.valid(isOrig);
  }

  // ---- headers ----

  private header(s: Side, d: Uint8Array, off: number, len: number): void {
    const colon = headerColon(d, off, len);
    if (colon < 0) {
      if (d[off] !== 0x20 && d[off] !== 0x09) this.ctx.event('bad_header', bytesText(d, off, Math.min(len, 64)), s.isOrig);
      return;
    }
    const nameLen = headerNameLength(d, off, colon);
    const id = headerId(d, off, nameLen);
    const v = trimmed(d, colon + 1, off + len, this.span);
    const full = ++s.headers <= MAX_HEADERS;
    if (s.headers === MAX_HEADERS + 1) this.ctx.event('too_many_headers', `more than ${MAX_HEADERS} headers`, s.isOrig);
    // Framing first: it counts whatever the number of headers.
    switch (id) {
      case HEADER.CONTENT_LENGTH: {
        const n = parseContentLength(d, v.off, v.len);
        if (n < 0 || (s.contentLength >= 0 && n !== s.contentLength)) this.ctx.event('bad_content_length', bytesText(d, v.off, Math.min(v.len, 32)), s.isOrig);
        if (n >= 0 && s.contentLength < 0) s.contentLength = n;
        return;
      }
      case HEADER.TRANSFER_ENCODING:
        if (hasChunked(d, v.off, v.len)) s.chunked = true;
        return;
      default:
        break;
    }
    const t = s.txn;
    if (!full || t === null) return;
    if (id === HEADER.CONTENT_TYPE) {
      s.mime = mediaType(d, v.off, v.len);
      return;
    }
    if (s.isOrig) {
      switch (id) {
        case HEADER.HOST:
          t.host = bytesText(d, v.off, v.len);
          return;
        case HEADER.REFERER:
          t.referrer = bytesText(d, v.off, v.len);
          return;
        case HEADER.USER_AGENT:
          t.userAgent = bytesText(d, v.off, v.len);
          return;
        case HEADER.ORIGIN:
          t.origin = bytesText(d, v.off, v.len);
          return;
        case HEADER.COOKIE:
          t.cookie = true;
          return;
        case HEADER.AUTHORIZATION:
        case HEADER.PROXY_AUTHORIZATION: {
          const c = parseAuthorization(d, v.off, v.len, this.creds);
          t.authScheme = c.scheme;
          if (!AUTH_SCHEMES.has(c.scheme.toLowerCase())) this.ctx.event('unrecognized_auth_scheme', c.scheme, true);
          if (c.user !== undefined) {
            t.username = c.user;
            t.passwordPresent = c.passwordPresent;
            if (c.problem) this.ctx.event('bad_authorization', 'Basic credentials without user:password', true);
          }
          return;
        }
        default: {
          const proxy = PROXY_HEADER_NAMES[id];
          if (proxy === undefined) return;
          const entry = `${proxy} -> ${bytesText(d, v.off, v.len)}`;
          const l = (t.proxied ??= []);
          if (l.length < MAX_PROXIED && !l.includes(entry)) l.push(entry);
          return;
        }
      }
    }
    switch (id) {
      case HEADER.SERVER: {
        const server = bytesText(d, v.off, v.len);
        t.server = server;
        this.software('HTTP::SERVER', server);
        return;
      }
      case HEADER.X_POWERED_BY:
        this.software('HTTP::APPSERVER', bytesText(d, v.off, v.len));
        return;
      default:
        return;
    }
  }

  private software(type: string, value: string): void {
    const f = this.ctx.flow;
    const isClient = type === 'HTTP::BROWSER';
    softwareFound(this.ctx, this.ctx.shared as SoftwareTracker | null, {
      host: isClient ? f.origH : f.respH,
      host_p: isClient ? undefined : f.respP,
      software_type: type,
      unparsed_version: value,
    });
  }

  /** The empty line after the headers: where the body is, if any. */
  private headersDone(s: Side): void {
    const t = s.txn;
    if (s.isOrig) {
      if (t !== null && t.userAgent !== undefined) this.software('HTTP::BROWSER', t.userAgent);
      this.startBody(s, false);
      return;
    }
    if (t === null) {
      this.startBody(s, false);
      return;
    }
    const code = t.statusCode;
    if (code === 101) {
      // Switching Protocols: the connection carries something else from here.
      this.finishResponse(s, t);
      this.orig.state = S_TUNNEL;
      this.resp.state = S_TUNNEL;
      return;
    }
    if (code >= 100 && code < 200) {
      // An informational response: the final one follows for the same request.
      s.state = S_START;
      return;
    }
    if (t.connect && code >= 200 && code < 300) {
      this.finishResponse(s, t);
      this.orig.state = S_TUNNEL;
      this.resp.state = S_TUNNEL;
      return;
    }
    this.startBody(s, t.head || statusHasNoBody(code));
  }

  private startBody(s: Side, none: boolean): void {
    if (none) {
      this.messageDone(s);
      return;
    }
    if (s.chunked) s.state = S_CHUNK_SIZE;
    else if (s.contentLength > 0) {
      s.remaining = s.contentLength;
      s.state = S_BODY;
    } else if (s.contentLength === 0 || s.isOrig) this.messageDone(s);
    else s.state = S_CLOSE; // a response without length runs to the end of the connection
  }

  private bodyBytes(s: Side, n: number): void {
    const t = s.txn;
    if (t === null) return;
    if (s.isOrig) t.requestBodyLen += n;
    else t.responseBodyLen += n;
  }

  /** The message of this direction ended (its body too). */
  private messageDone(s: Side): void {
    const t = s.txn;
    s.state = S_START;
    if (t === null) return;
    if (s.isOrig) {
      if (s.mime !== undefined && s.mime !== '' && t.requestBodyLen > 0) t.origMime = s.mime;
      s.txn = null;
      return;
    }
    this.finishResponse(s, t);
  }

  private finishResponse(s: Side, t: Txn): void {
    if (s.mime !== undefined && s.mime !== '' && t.responseBodyLen > 0) t.respMime = s.mime;
    s.txn = null;
    const i = this.pending.indexOf(t);
    if (i >= 0) this.pending.splice(i, 1);
    this.write(t);
  }

  // ---- records ----

  private write(t: Txn): void {
    if (t.written) return;
    t.written = true;
    const code = t.statusCode;
    let login: string | undefined;
    if (t.authScheme !== undefined && code >= 200) {
      if (code < 400) login = 'success';
      else if (code === 401 || code === 403 || code === 407) login = 'failure';
    }
    const fields: RecordFields = {
      trans_depth: t.depth,
      method: t.method,
      host: t.host,
      uri: t.uri,
      referrer: t.referrer,
      version: t.version,
      user_agent: t.userAgent,
      origin: t.origin,
      request_body_len: t.requestBodyLen,
      response_body_len: t.responseBodyLen,
      status_code: code >= 0 ? code : undefined,
      status_msg: t.statusMsg,
      info_code: t.infoCode >= 0 ? t.infoCode : undefined,
      info_msg: t.infoMsg,
      tags: [],
      username: t.username,
      password_present: t.passwordPresent,
      proxied: t.proxied ?? undefined,
      orig_mime_types: t.origMime !== undefined ? [t.origMime] : undefined,
      resp_mime_types: t.respMime !== undefined ? [t.respMime] : undefined,
      server: t.server,
      auth_scheme: t.authScheme,
      cookie_present: t.cookie ? true : undefined,
      login,
    };
    this.ctx.record(RECORD_HTTP, fields, t.ts);
  }
}
