// Per-flow RFB (VNC) state: the handshake of RFC 6143 §7.1-7.3 on both sides — ProtocolVersion,
// security negotiation (3.3: the server sets the type; 3.7+: it offers a list and the client
// picks one), VNC Authentication challenge and response, Apple Remote Desktop's key exchange,
// SecurityResult with its reason string, ClientInit and ServerInit — then nothing more (the
// normal protocol messages carry no identity). One `vnc` record per connection, written at
// ServerInit as Zeek writes rfb.log, or when the flow ends.
//
// RFB messages have no length prefix: what comes next depends on the state of both sides, so
// each side's handshake bytes are kept (at most MAX_HANDSHAKE) and read as far as the state
// allows; reading one side may unblock the other.
import type { Session, SessionContext } from '../../dissect/types.ts';
import {
  KEEP_STRING, MAX_HANDSHAKE, MAX_STRING, RESULT_OK, SEC_ARD, SEC_INVALID, SEC_NONE, SEC_VNC, VERSION_LENGTH, VNC_CHALLENGE_LENGTH,
  securityTypeName,
} from './constants.ts';
import { isVersion, u16, u32 } from './parser.ts';
import type { VncRecord } from './records.ts';

// Server states.
const SV_VERSION = 0;
const SV_WAIT = 1;
const SV_WAIT_VERSION = 11;
const SV_SECTYPE33 = 2;
const SV_SECTYPES37 = 3;
const SV_REASON = 4;
const SV_CHALLENGE = 5;
const SV_ARD_CHALLENGE = 6;
const SV_RESULT = 7;
const SV_RESULT_REASON = 8;
const SV_INIT = 9;
const SV_DONE = 10;
// Client states.
const CL_VERSION = 0;
const CL_WAIT = 1;
const CL_SELECT = 2;
const CL_RESPONSE = 3;
const CL_ARD_RESPONSE = 4;
const CL_INIT = 5;
const CL_DONE = 6;

class Side {
  state = 0;
  buf: Uint8Array = new Uint8Array(0);
  held = 0;
  pos = 0;
}

export class VncSession implements Session {
  private readonly ctx: SessionContext;
  private readonly server = new Side();
  private readonly client = new Side();
  /** The client's minor version (Zeek's `version`: it decides the handshake's shape). */
  private minor = 0;
  private ardKeyLength = 0;
  private ts = 0;
  private started = false;
  private logged = false;
  private done = false;
  private rejected = false;
  private readonly rec: VncRecord = {
    client_major_version: undefined, client_minor_version: undefined, server_major_version: undefined, server_minor_version: undefined,
    authentication_method: undefined, auth: undefined, share_flag: undefined, desktop_name: undefined, width: undefined, height: undefined,
    authentication_method_code: undefined, security_types: undefined, auth_failure_reason: undefined, security_result: undefined,
  };
  private offered: number[] | null = null;
  /** The server state after its version, known once the client's version was read. */
  private pendingServer = -1;

  constructor(ctx: SessionContext) {
    this.ctx = ctx;
    this.server.state = SV_VERSION;
    this.client.state = CL_VERSION;
  }

  data(isOrig: boolean, d: Uint8Array, off: number, len: number): void {
    if (this.done || this.rejected) return;
    const s = isOrig ? this.client : this.server;
    if ((isOrig && s.state === CL_DONE) || (!isOrig && s.state === SV_DONE)) return;
    if (s.held + len > MAX_HANDSHAKE) {
      this.ctx.event('handshake_too_long', `more than ${MAX_HANDSHAKE} bytes of handshake from one side`, isOrig);
      this.finish();
      return;
    }
    append(s, d, off, len);
    this.pump();
  }

  gap(isOrig: boolean, _len: number): void {
    // Without lengths there is no resynchronisation: the handshake is over for this flow.
    if (this.done) return;
    this.ctx.event('gap_in_handshake', 'a TCP gap before the handshake finished: it is not read further', isOrig);
    this.finish();
  }

  end(): void {
    if (this.started && !this.logged) this.write();
  }

  private finish(): void {
    this.done = true;
    this.server.buf = this.client.buf = new Uint8Array(0);
    this.server.held = this.client.held = this.server.pos = this.client.pos = 0;
  }

  /** Reads both sides as far as their states allow. */
  private pump(): void {
    let progress = true;
    while (progress && !this.done && !this.rejected) {
      progress = this.stepServer() || this.stepClient();
    }
    if (this.server.state === SV_DONE && this.client.state === CL_DONE) this.finish();
  }

  private avail(s: Side): number {
    return s.held - s.pos;
  }

  // ---- server ----

  private stepServer(): boolean {
    const s = this.server;
    const b = s.buf;
    const p = s.pos;
    const n = this.avail(s);
    const r = this.rec;
    switch (s.state) {
      case SV_VERSION: {
        if (n < VERSION_LENGTH) return false;
        if (!isVersion(b, p)) return this.badVersion(false);
        this.start();
        r.server_major_version = ascii(b, p + 4, 3);
        r.server_minor_version = ascii(b, p + 8, 3);
        s.pos += VERSION_LENGTH;
        s.state = this.pendingServer >= 0 ? this.pendingServer : SV_WAIT_VERSION;
        this.ctx.valid(false);
        return true;
      }
      case SV_SECTYPE33: {
        if (n < 4) return false;
        const t = u32(b, p);
        s.pos += 4;
        this.method(t);
        if (t === SEC_INVALID) s.state = SV_REASON;
        else if (t === SEC_NONE) {
          s.state = SV_INIT;
          this.client.state = CL_INIT;
        } else if (t === SEC_VNC) {
          s.state = SV_CHALLENGE;
          this.client.state = CL_RESPONSE;
        } else return this.cannotFollow(t);
        return true;
      }
      case SV_SECTYPES37: {
        if (n < 1) return false;
        const count = b[p];
        if (count === 0) {
          s.pos += 1;
          s.state = SV_REASON;
          return true;
        }
        if (n < 1 + count) return false;
        const types: number[] = [];
        for (let i = 0; i < count; i++) types.push(b[p + 1 + i]);
        this.offered = types;
        r.security_types = types.map(securityTypeName);
        s.pos += 1 + count;
        s.state = SV_WAIT;
        this.client.state = CL_SELECT;
        return true;
      }
      case SV_REASON:
      case SV_RESULT_REASON: {
        if (n < 4) return false;
        const len = u32(b, p);
        if (len > MAX_STRING) {
          this.ctx.event('string_too_long', `a reason string of ${len} bytes`, false);
          s.state = SV_DONE;
          return true;
        }
        if (n < 4 + len) return false;
        r.auth_failure_reason = text(b, p + 4, len);
        s.pos += 4 + len;
        // The server closes the connection after a failure (RFC 6143 §7.1.2, §7.1.3).
        s.state = SV_DONE;
        this.client.state = CL_DONE;
        return true;
      }
      case SV_CHALLENGE: {
        if (n < VNC_CHALLENGE_LENGTH) return false;
        s.pos += VNC_CHALLENGE_LENGTH;
        s.state = SV_RESULT;
        return true;
      }
      case SV_ARD_CHALLENGE: {
        // Apple Remote Desktop (Zeek's reading): generator, key length, prime modulus, public key.
        if (n < 4) return false;
        const k = u16(b, p + 2);
        if (n < 4 + 2 * k) return false;
        this.ardKeyLength = k;
        s.pos += 4 + 2 * k;
        s.state = SV_RESULT;
        this.client.state = CL_ARD_RESPONSE;
        return true;
      }
      case SV_RESULT: {
        if (n < 4) return false;
        const v = u32(b, p);
        s.pos += 4;
        r.security_result = v;
        r.auth = v === RESULT_OK;
        if (v > 2) this.ctx.event('bad_security_result', `SecurityResult ${v}`, false);
        if (v === RESULT_OK) s.state = SV_INIT;
        else if (this.minor >= 8) s.state = SV_RESULT_REASON;
        else {
          s.state = SV_DONE;
          this.client.state = CL_DONE;
        }
        return true;
      }
      case SV_INIT: {
        if (n < 24) return false;
        const len = u32(b, p + 20);
        if (len > MAX_STRING) {
          this.ctx.event('string_too_long', `a desktop name of ${len} bytes`, false);
          s.state = SV_DONE;
          this.client.state = CL_DONE;
          return true;
        }
        if (n < 24 + len) return false;
        r.width = u16(b, p);
        r.height = u16(b, p + 2);
        r.desktop_name = text(b, p + 24, len);
        s.pos += 24 + len;
        s.state = SV_DONE;
        // Zeek writes at ServerInit; a ClientInit not yet read (it comes first on the wire) is waited for.
        if (this.client.state === CL_DONE || this.client.state === CL_VERSION) {
          this.client.state = CL_DONE;
          this.write();
        }
        return true;
      }
      default:
        return false;
    }
  }

  // ---- client ----

  private stepClient(): boolean {
    const s = this.client;
    const b = s.buf;
    const p = s.pos;
    const n = this.avail(s);
    const r = this.rec;
    switch (s.state) {
      case CL_VERSION: {
        if (n < VERSION_LENGTH) return false;
        if (!isVersion(b, p)) return this.badVersion(true);
        this.start();
        r.client_major_version = ascii(b, p + 4, 3);
        r.client_minor_version = ascii(b, p + 8, 3);
        s.pos += VERSION_LENGTH;
        this.ctx.valid(true);
        // Zeek: the client's minor version decides (Apple's "889" talks 3.7+).
        this.minor = Number(r.client_minor_version);
        s.state = CL_WAIT;
        this.pendingServer = this.minor >= 7 ? SV_SECTYPES37 : SV_SECTYPE33;
        if (this.server.state === SV_WAIT_VERSION) this.server.state = this.pendingServer;
        return true;
      }
      case CL_SELECT: {
        if (n < 1) return false;
        const t = b[p];
        s.pos += 1;
        this.method(t);
        if (this.offered !== null && !this.offered.includes(t)) this.ctx.event('type_not_offered', `the client chose ${securityTypeName(t)} (${t}), which the server did not offer`, true);
        const sv = this.server;
        if (t === SEC_NONE) {
          sv.state = this.minor > 7 ? SV_RESULT : SV_INIT;
          s.state = CL_INIT;
        } else if (t === SEC_VNC) {
          sv.state = SV_CHALLENGE;
          s.state = CL_RESPONSE;
        } else if (t === SEC_ARD) {
          sv.state = SV_ARD_CHALLENGE;
          s.state = CL_WAIT;
        } else return this.cannotFollow(t);
        return true;
      }
      case CL_RESPONSE: {
        if (n < VNC_CHALLENGE_LENGTH) return false;
        s.pos += VNC_CHALLENGE_LENGTH;
        s.state = CL_INIT;
        return true;
      }
      case CL_ARD_RESPONSE: {
        const k = 2 * this.ardKeyLength;
        if (n < k) return false;
        s.pos += k;
        s.state = CL_INIT;
        return true;
      }
      case CL_INIT: {
        if (n < 1) return false;
        r.share_flag = b[p] !== 0;
        s.pos += 1;
        s.state = CL_DONE;
        if (this.server.state === SV_DONE && r.width !== undefined) this.write();
        return true;
      }
      default:
        return false;
    }
  }

  private start(): void {
    if (this.started) return;
    this.started = true;
    this.ts = this.ctx.ts;
  }

  private method(t: number): void {
    this.rec.authentication_method = securityTypeName(t);
    this.rec.authentication_method_code = t;
  }

  /** A security type whose sub-protocol Palisade does not follow (Tight, VeNCrypt, TLS, RealVNC…). */
  private cannotFollow(t: number): boolean {
    this.ctx.event('unfollowed_security_type', `security type ${securityTypeName(t)} (${t}): the rest of the handshake is not read`);
    this.server.state = SV_DONE;
    this.client.state = CL_DONE;
    return true;
  }

  private badVersion(isOrig: boolean): boolean {
    this.ctx.event('bad_version', 'a ProtocolVersion that is not "RFB xxx.yyy\\n"', isOrig);
    if (!this.started) {
      this.rejected = true;
      this.ctx.reject('no RFB ProtocolVersion');
    } else {
      this.server.state = SV_DONE;
      this.client.state = CL_DONE;
    }
    return false;
  }

  private write(): void {
    if (this.logged) return;
    this.logged = true;
    const r = this.rec;
    this.ctx.record('vnc', { ...r, security_types: r.security_types?.slice() }, this.ts);
  }
}

function append(s: Side, d: Uint8Array, off: number, len: number): void {
  if (s.pos > 0 && s.pos === s.held) s.pos = s.held = 0;
  if (s.held + len > s.buf.length) {
    const live = s.held - s.pos;
    const b = new Uint8Array(Math.max(live + len, s.buf.length * 2, 64));
    b.set(s.buf.subarray(s.pos, s.held), 0);
    s.buf = b;
    s.held = live;
    s.pos = 0;
  }
  s.buf.set(d.subarray(off, off + len), s.held);
  s.held += len;
}

function ascii(b: Uint8Array, off: number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(b[off + i]);
  return s;
}

const UTF8 = new TextDecoder('utf-8', { fatal: false });

/** A reason string or desktop name (Latin-1 per RFC 6143; UTF-8 in practice), at most KEEP_STRING characters. */
function text(b: Uint8Array, off: number, n: number): string {
  return UTF8.decode(b.subarray(off, off + Math.min(n, KEEP_STRING * 4))).slice(0, KEEP_STRING);
}
