// Per-flow RDP state: TPKT framing of both sides through the connection sequence — X.224
// Connection Request (cookie, routing token, RDP_NEG_REQ) and Confirm (RDP_NEG_RSP or
// RDP_NEG_FAILURE), then, with native RDP security, MCS Connect Initial (client core data,
// channels) and Connect Response (GCC result, server security data and certificate). One `rdp`
// record per connection, with the fields of Zeek's rdp.log.
//
// When the server selects TLS-based security (SSL, HYBRID/CredSSP, RDSTLS, HYBRID_EX), the
// rest of both streams is TLS (CredSSP runs inside it): as Zeek hands it to its SSL analyzer,
// the session hands it to a child protocol of 'rdp' (the TLS dissector, which writes the `ssl`
// and `x509` records), keeping what arrives until the child's probe recognises it.
import type { Session, SessionContext } from '../../dissect/types.ts';
import {
  MAX_CERTS, MAX_CHANNELS, MAX_TPKT, MAX_TPKTS, PROTOCOL_RDP, TPKT_VERSION, X224_CC, X224_CR, X224_DT, certTypeName, clientBuildName,
  encryptionLevelName, encryptionMethodName, failureCodeName, gccResultName, highColorDepthName, keyboardName, requestedProtocolNames,
  securityProtocolName,
} from './constants.ts';
import {
  ClientData, ConnectionConfirm, ConnectionRequest, ServerData, mcsUserData, parseClientData, parseConnectionConfirm,
  parseConnectionRequest, parseServerData,
} from './parser.ts';
import type { RdpRecord } from './records.ts';

const MODE_TPKT = 0;
const MODE_TLS = 1;
const MODE_DONE = 2;

/** Bytes kept per side while the TLS child's probe has not recognised its stream. */
const TLS_PROBE_BYTES = 4096;

class Side {
  buf: Uint8Array = new Uint8Array(0);
  held = 0;
  tpkts = 0;
}

export class RdpSession implements Session {
  private readonly ctx: SessionContext;
  private readonly orig = new Side();
  private readonly resp = new Side();
  private mode = MODE_TPKT;
  private ts = 0;
  private started = false;
  private logged = false;
  private crSeen = false;
  private ccSeen = false;
  private child: Session | null = null;
  /** TLS bytes kept until the child starts: in arrival order. */
  private kept: { isOrig: boolean; bytes: Uint8Array }[] = [];
  private keptBytes = [0, 0];
  private readonly rec: RdpRecord = {
    cookie: undefined, result: undefined, security_protocol: undefined, client_channels: undefined, keyboard_layout: undefined,
    client_build: undefined, client_name: undefined, client_dig_product_id: undefined, desktop_width: undefined, desktop_height: undefined,
    requested_color_depth: undefined, cert_type: undefined, cert_count: 0, cert_permanent: undefined, encryption_level: undefined,
    encryption_method: undefined, routing_token: undefined, requested_protocols: undefined, requested_protocols_code: undefined,
    security_protocol_code: undefined, failure_code: undefined, keyboard_layout_code: undefined, client_build_number: undefined,
    correlation_id: undefined,
  };

  constructor(ctx: SessionContext) {
    this.ctx = ctx;
  }

  data(isOrig: boolean, d: Uint8Array, off: number, len: number): void {
    if (this.mode === MODE_TLS) return this.tls(isOrig, d, off, len);
    if (this.mode === MODE_DONE) return;
    const s = isOrig ? this.orig : this.resp;
    let p = off;
    const end = off + len;
    while (p < end && this.mode === MODE_TPKT) {
      if (s.held > 0) {
        // A TPKT that spans chunks: its header first, then the rest.
        if (s.held < 4) {
          const take = Math.min(4 - s.held, end - p);
          hold(s, d, p, take);
          p += take;
          if (s.held < 4) return;
        }
        const n = tpktLength(s.buf, 0);
        if (n < 0) return this.notTpkt(isOrig);
        const take = Math.min(n - s.held, end - p);
        hold(s, d, p, take);
        p += take;
        if (s.held < n) return;
        s.held = 0;
        this.tpkt(isOrig, s, s.buf, 0, n);
        continue;
      }
      if (end - p < 4) {
        hold(s, d, p, end - p);
        return;
      }
      const n = tpktLength(d, p);
      if (n < 0) return this.notTpkt(isOrig);
      if (n > end - p) {
        hold(s, d, p, end - p);
        return;
      }
      this.tpkt(isOrig, s, d, p, n);
      p += n;
    }
    // Bytes after the Connection Confirm that switched to TLS belong to the TLS stream.
    if (this.mode === MODE_TLS && p < end) this.tls(isOrig, d, p, end - p);
  }

  gap(isOrig: boolean, len: number): void {
    if (this.mode === MODE_TLS) {
      if (this.child !== null) this.child.gap(isOrig, len);
      else this.mode = MODE_DONE;
      return;
    }
    // TPKT framing could resume at a header, but the connection sequence is over for Palisade.
    if (this.mode === MODE_TPKT) this.mode = MODE_DONE;
  }

  end(): void {
    if (this.started && !this.logged) this.write();
  }

  private notTpkt(isOrig: boolean): void {
    this.ctx.event('bad_tpkt', 'bytes that are not a TPKT (version 3) during the connection sequence', isOrig);
    if (!this.started) this.ctx.reject('no TPKT');
    this.mode = MODE_DONE;
  }

  private tpkt(isOrig: boolean, s: Side, d: Uint8Array, off: number, len: number): void {
    if (++s.tpkts > MAX_TPKTS) {
      this.mode = MODE_DONE;
      return;
    }
    const x = off + 4;
    const end = off + len;
    if (len < 7) return;
    const code = d[x + 1] & 0xf0;
    if (isOrig && code === X224_CR && !this.crSeen) return this.request(d, x, end);
    if (!isOrig && code === X224_CC && !this.ccSeen) return this.confirm(d, x, end);
    if (code === X224_DT && d[x] === 2 && end - x > 3) {
      if (isOrig) this.connectInitial(d, x + 3, end);
      else this.connectResponse(d, x + 3, end);
      return;
    }
    if (!this.started) {
      this.ctx.reject('no X.224 Connection Request');
      this.mode = MODE_DONE;
    }
  }

  private start(): void {
    if (this.started) return;
    this.started = true;
    this.ts = this.ctx.ts;
  }

  private request(d: Uint8Array, x: number, end: number): void {
    const cr = parseConnectionRequest(d, x, end, new ConnectionRequest());
    if (cr === null) {
      this.ctx.event('bad_x224', 'an X.224 Connection Request whose length indicator or fields are out of range', true);
      return;
    }
    this.crSeen = true;
    this.start();
    this.ctx.valid(true);
    const r = this.rec;
    r.cookie = cr.cookie;
    r.routing_token = cr.routingToken;
    if (cr.unterminated) this.ctx.event('unterminated_cookie', 'a cookie or routing token without CR LF before the end of the TPDU', true);
    if (cr.requested >= 0) {
      r.requested_protocols = requestedProtocolNames(cr.requested);
      r.requested_protocols_code = cr.requested;
    }
    r.correlation_id = cr.correlationId;
  }

  private confirm(d: Uint8Array, x: number, end: number): void {
    const cc = parseConnectionConfirm(d, x, end, new ConnectionConfirm());
    if (cc === null) {
      this.ctx.event('bad_x224', 'an X.224 Connection Confirm whose length indicator is out of range', false);
      return;
    }
    this.ccSeen = true;
    this.start();
    this.ctx.valid(false);
    const r = this.rec;
    if (cc.failure >= 0) {
      r.result = failureCodeName(cc.failure);
      r.failure_code = cc.failure;
      this.write();
      this.mode = MODE_DONE;
      return;
    }
    if (cc.selected >= 0) {
      r.security_protocol = securityProtocolName(cc.selected);
      r.security_protocol_code = cc.selected;
      if (cc.selected !== PROTOCOL_RDP) {
        // Zeek's rdp_begin_encryption: TLS (and CredSSP inside it) from here on.
        r.result ??= 'encrypted';
        this.write();
        this.mode = MODE_TLS;
      }
    }
  }

  private connectInitial(d: Uint8Array, off: number, end: number): void {
    const ud = mcsUserData(d, off, end, 101);
    if (ud === null) return;
    const cd = parseClientData(d, ud[0], ud[1], MAX_CHANNELS, new ClientData());
    if (cd === null) return;
    if (cd.malformed) this.ctx.event('bad_data_block', 'a client data block whose length runs past the MCS user data', true);
    const r = this.rec;
    const c = cd.core;
    if (c !== null) {
      r.keyboard_layout = keyboardName(c.keyboardLayout);
      r.keyboard_layout_code = c.keyboardLayout;
      r.client_build = clientBuildName(c.clientBuild);
      r.client_build_number = c.clientBuild;
      r.client_name = c.clientName;
      r.client_dig_product_id = c.digProductId;
      r.desktop_width = c.desktopWidth;
      r.desktop_height = c.desktopHeight;
      // Zeek: "32bit" when the client wants a 32 bpp session, else its highColorDepth.
      if (c.want32bpp) r.requested_color_depth = '32bit';
      else if (c.highColorDepth >= 0) r.requested_color_depth = highColorDepthName(c.highColorDepth);
    }
    if (cd.channels !== null) {
      r.client_channels = cd.channels;
      if (cd.channelCount > MAX_CHANNELS) this.ctx.event('too_many_channels', `${cd.channelCount} static channels requested (at most ${MAX_CHANNELS} exist)`, true);
    }
  }

  private connectResponse(d: Uint8Array, off: number, end: number): void {
    const ud = mcsUserData(d, off, end, 102);
    if (ud === null) return;
    const sd = parseServerData(d, ud[0], ud[1], MAX_CERTS, new ServerData());
    if (sd === null) return;
    if (sd.malformed) this.ctx.event('bad_data_block', 'a server data block whose length runs past the MCS user data', false);
    const r = this.rec;
    if (sd.result >= 0) r.result = gccResultName(sd.result);
    if (sd.encryptionMethod >= 0) {
      r.encryption_method = encryptionMethodName(sd.encryptionMethod);
      r.encryption_level = encryptionLevelName(sd.encryptionLevel);
      if (sd.certType >= 0) {
        r.cert_type = certTypeName(sd.certType);
        r.cert_permanent = sd.certPermanent;
        r.cert_count = sd.certCount;
      }
      if (sd.encryptionMethod > 0 && sd.encryptionLevel > 0) {
        // Native RDP encryption from here on (Zeek's go_encrypted(0)).
        r.result ??= 'encrypted';
        r.security_protocol = securityProtocolName(PROTOCOL_RDP);
      }
    }
    // The connection sequence goes on encrypted (or in fast-path): nothing more to read.
    this.write();
    this.mode = MODE_DONE;
  }

  // ---- TLS hand-off ----

  private tls(isOrig: boolean, d: Uint8Array, off: number, len: number): void {
    if (this.child !== null) {
      this.child.data(isOrig, d, off, len);
      return;
    }
    const side = isOrig ? 0 : 1;
    if (this.keptBytes[side] + len > TLS_PROBE_BYTES) {
      this.ctx.event('no_tls', 'the server selected a TLS-based security protocol, but the stream is not TLS', isOrig);
      this.mode = MODE_DONE;
      this.kept = [];
      return;
    }
    this.kept.push({ isOrig, bytes: d.slice(off, off + len) });
    this.keptBytes[side] += len;
    // Probe on everything this side sent so far.
    let buf = d.subarray(off, off + len);
    if (this.keptBytes[side] !== len) {
      buf = new Uint8Array(this.keptBytes[side]);
      let o = 0;
      for (const k of this.kept) {
        if (k.isOrig !== isOrig) continue;
        buf.set(k.bytes, o);
        o += k.bytes.length;
      }
    }
    const child = this.ctx.openChild('rdp', isOrig, buf, 0, buf.length);
    if (child === null) return;
    this.child = child;
    const kept = this.kept;
    this.kept = [];
    for (const k of kept) child.data(k.isOrig, k.bytes, 0, k.bytes.length);
  }

  private write(): void {
    if (this.logged) return;
    this.logged = true;
    const r = this.rec;
    this.ctx.record('rdp', { ...r, client_channels: r.client_channels?.slice(), requested_protocols: r.requested_protocols?.slice() }, this.ts);
  }
}

/** The length of the TPKT at d[off] (4 bytes there), -1 when it is not one. */
function tpktLength(d: Uint8Array, off: number): number {
  if (d[off] !== TPKT_VERSION || d[off + 1] !== 0) return -1;
  const n = (d[off + 2] << 8) | d[off + 3];
  return n < 7 || n > MAX_TPKT ? -1 : n;
}

function hold(s: Side, d: Uint8Array, off: number, n: number): void {
  if (n <= 0) return;
  if (s.held + n > s.buf.length) {
    const b = new Uint8Array(Math.max(s.held + n, s.buf.length * 2, 64));
    b.set(s.buf.subarray(0, s.held), 0);
    s.buf = b;
  }
  s.buf.set(d.subarray(off, off + n), s.held);
  s.held += n;
}
