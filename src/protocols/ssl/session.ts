// Per-flow TLS state: record-layer framing of both sides (records span TCP segments; only
// clear-text handshake bytes are kept, everything else is counted and skipped), handshake
// message reassembly across records, the hellos and their fingerprints, certificates (TLS 1.2
// and before), alerts, ChangeCipherSpec, resumption and Zeek's notion of an established
// session. One `ssl` record per connection, written as Zeek writes ssl.log: when the session is
// established (the flow is then not analysed further, as Zeek detaches its analyzer), or when
// the flow ends; one `x509` record per certificate not seen before in this engine.
//
// Zeek's model (ssl-dtls-protocol.pac, ssl-dtls-analyzer.pac, main.zeek), applied here: a side
// is encrypted once it sent ChangeCipherSpec; its records are then ciphertext (no history
// letters, alerts not read); the session is established at the first ciphertext record seen
// while both sides are encrypted. TLS 1.3 without the compatibility ChangeCipherSpec has no
// such moment: there Zeek's former script heuristic is used (main.zeek before 6.0): the server's
// first application-data record, then the client's, then two more of the server's.
import { createHash } from 'node:crypto';
import type { L2Context, Session, SessionContext, SharedState } from '../../dissect/types.ts';
import {
  CT_ALERT, CT_APPLICATION_DATA, CT_CHANGE_CIPHER_SPEC, CT_HANDSHAKE, CT_HEARTBEAT, HS, MAX_CERTIFICATES, MAX_HANDSHAKE, MAX_HISTORY,
  MAX_KNOWN_CERTS, MAX_RECORD, TLSv13, alertName, groupName, historyLetter, versionName,
} from './constants.ts';
import { ja3, ja3String, ja3s, ja3sString, ja4 } from './fingerprint.ts';
import type {
  ClientHello, ServerHello} from './parser.ts';
import { ecdheCurve, parseCertificateList, parseClientHello, parseServerHello, parseSslv2ClientHello, u16, u24,
} from './parser.ts';
import type { SslRecord } from './records.ts';
import { cipherName } from './suites.ts';
import { hostnameMatches, parseCertificate, type Certificate } from './x509.ts';

/** The certificates an engine already wrote x509 records for (Zeek logs a certificate once). */
export class X509Cache implements SharedState {
  private readonly ctx: L2Context;
  private readonly seen = new Set<string>();
  constructor(ctx: L2Context) {
    this.ctx = ctx;
  }
  /** Whether `fp` is new (remembers it). */
  isNew(fp: string): boolean {
    if (this.seen.has(fp)) return false;
    if (this.seen.size >= MAX_KNOWN_CERTS) {
      this.seen.clear();
      this.ctx.event('x509_cache_full', `${MAX_KNOWN_CERTS} certificates remembered: starting over`);
    }
    this.seen.add(fp);
    return true;
  }
  end(): void {
    this.seen.clear();
  }
}

class Side {
  /** Record header bytes held while a header spans chunks. */
  readonly hdr = new Uint8Array(5);
  hdrHeld = 0;
  /** The current record: content type and the body bytes still to come (0: a header is next). */
  ctype = 0;
  need = 0;
  /** First two body bytes of the current record (alert level and description, CCS). */
  small0 = -1;
  small1 = -1;
  /** Clear-text handshake stream: bytes held of messages not yet complete. */
  hs: Uint8Array = new Uint8Array(0);
  hsHeld = 0;
  /** Bytes of a too-large handshake message still to skip. */
  hsSkip = 0;
  encrypted = false;
  dead = false;
  /** No record read yet (the side may start with an SSLv2 CLIENT-HELLO). */
  first = true;
  v2: Uint8Array | null = null;
  v2Held = 0;
}

export class SslSession implements Session {
  private readonly ctx: SessionContext;
  private readonly orig = new Side();
  private readonly resp = new Side();
  private done = false;
  private logged = false;
  private started = false;
  private ts = 0;
  /** The originator sent the ClientHello (else the roles are flipped: Zeek's "^"). */
  private clientIsOrig = true;
  private clientHelloSeen = false;
  private serverHelloSeen = false;
  private sessionId = '';
  private clientTicketEmptySession = false;
  private clientKeyExchangeSeen = false;
  private clientPsk = false;
  private tls13 = false;
  private versionNum = -1;
  private clientAppData = false;
  private serverAppData = 0;
  private earlyDataReported = false;
  private historyFull = false;
  private readonly rec: SslRecord = {
    version: undefined, cipher: undefined, curve: undefined, server_name: undefined, resumed: false, last_alert: undefined,
    next_protocol: undefined, established: false, ssl_history: '', cert_chain_fps: undefined, client_cert_chain_fps: undefined,
    subject: undefined, issuer: undefined, client_subject: undefined, client_issuer: undefined, sni_matches_cert: undefined,
    validation_status: undefined, ja3: undefined, ja3s: undefined, ja4: undefined, ja4_r: undefined, ja3_string: undefined,
    ja3s_string: undefined, client_version: undefined, client_supported_versions: undefined, client_ciphers: undefined,
    client_extensions: undefined, client_curves: undefined, client_ec_point_formats: undefined, client_signature_algorithms: undefined,
    client_alpn: undefined, server_extensions: undefined, server_names: undefined, version_code: undefined, cipher_code: undefined,
    sslv2_client_hello: undefined,
  };

  constructor(ctx: SessionContext) {
    this.ctx = ctx;
  }

  data(isOrig: boolean, d: Uint8Array, off: number, len: number): void {
    if (this.done) return;
    const s = isOrig ? this.orig : this.resp;
    if (s.dead) return;
    let p = off;
    const end = off + len;
    if (s.first && s.hdrHeld === 0 && (s.v2 !== null || (d[p] & 0x80) !== 0)) {
      p = this.sslv2(s, isOrig, d, p, end);
      if (s.first || s.dead) return;
    }
    while (p < end && !s.dead && !this.done) {
      if (s.need === 0) {
        // A record header, possibly spanning chunks.
        if (s.hdrHeld === 0 && end - p >= 5) {
          this.header(s, isOrig, d, p);
          p += 5;
        } else {
          const take = Math.min(5 - s.hdrHeld, end - p);
          s.hdr.set(d.subarray(p, p + take), s.hdrHeld);
          s.hdrHeld += take;
          p += take;
          if (s.hdrHeld < 5) return;
          s.hdrHeld = 0;
          this.header(s, isOrig, s.hdr, 0);
        }
        continue;
      }
      const take = Math.min(s.need, end - p);
      if (s.ctype === CT_HANDSHAKE && !s.encrypted) this.handshakeBytes(s, isOrig, d, p, take);
      else if (s.small1 < 0 && s.ctype !== CT_APPLICATION_DATA) {
        for (let i = 0; i < take && s.small1 < 0; i++) {
          if (s.small0 < 0) s.small0 = d[p + i];
          else s.small1 = d[p + i];
        }
      }
      s.need -= take;
      p += take;
      if (s.need === 0) this.recordEnd(s, isOrig);
    }
  }

  gap(isOrig: boolean, _len: number): void {
    // Zeek's SSL analyzer stops at the first content gap; so does this session.
    void isOrig;
    this.done = true;
  }

  end(): void {
    if (this.started && !this.logged) this.write();
  }

  // ---- record layer ----

  private header(s: Side, isOrig: boolean, h: Uint8Array, o: number): void {
    const ctype = h[o];
    const major = h[o + 1];
    const minor = h[o + 2];
    const len = u16(h, o + 3);
    if (ctype < CT_CHANGE_CIPHER_SPEC || ctype > CT_HEARTBEAT || major !== 3 || minor > 4) {
      this.ctx.event('bad_record', `not a TLS record header (type ${ctype}, version ${major}.${minor})`, isOrig);
      s.dead = true;
      if (!this.started) {
        this.done = true;
        this.ctx.reject('no TLS record');
      }
      return;
    }
    if (len > MAX_RECORD) {
      this.ctx.event('record_too_long', `a record of ${len} bytes (at most ${MAX_RECORD})`, isOrig);
      s.dead = true;
      return;
    }
    s.first = false;
    s.ctype = ctype;
    s.need = len;
    s.small0 = s.small1 = -1;
    if (len === 0) this.recordEnd(s, isOrig);
  }

  private recordEnd(s: Side, isOrig: boolean): void {
    const client = isOrig === this.clientIsOrig;
    if (s.encrypted) return this.ciphertext();
    switch (s.ctype) {
      case CT_CHANGE_CIPHER_SPEC:
        this.start();
        this.history(client, 'i');
        // Zeek: a ticket offered with an empty session id, and no key exchange: resumption.
        if (client && this.clientTicketEmptySession && !this.clientKeyExchangeSeen) this.rec.resumed = true;
        s.encrypted = true;
        return;
      case CT_ALERT:
        if (s.small1 < 0) return;
        this.start();
        this.history(client, 'l');
        this.rec.last_alert = alertName(s.small1);
        return;
      case CT_HEARTBEAT:
        this.start();
        this.history(client, 'b');
        return;
      case CT_APPLICATION_DATA:
        return this.plaintextAppData(client);
      default:
    }
  }

  private ciphertext(): void {
    if (this.orig.encrypted && this.resp.encrypted && !this.rec.established) this.establish();
  }

  /** Application data before the side's ChangeCipherSpec: TLS 1.3 (encrypted records need no CCS) or early data. */
  private plaintextAppData(client: boolean): void {
    if (this.versionNum < 0 || this.rec.established) return;
    if (!this.tls13) {
      if (!this.earlyDataReported) this.ctx.event('early_application_data', 'application data before the handshake finished (not TLS 1.3)');
      this.earlyDataReported = true;
      return;
    }
    if (client) {
      this.clientAppData = true;
      return;
    }
    if (this.clientAppData && this.serverAppData === 0) return;
    if (!this.clientAppData && this.serverAppData === 0) this.serverAppData = 1;
    else if (this.clientAppData && this.serverAppData === 1) this.serverAppData = 2;
    else if (this.clientAppData && this.serverAppData === 2) this.establish();
  }

  private establish(): void {
    this.rec.established = true;
    this.write();
    // Zeek detaches its analyzer once the session is established.
    this.done = true;
  }

  // ---- SSLv2 CLIENT-HELLO ----

  /** Reads an SSLv2-format first record (high bit set); returns the offset after it. */
  private sslv2(s: Side, isOrig: boolean, d: Uint8Array, p: number, end: number): number {
    if (s.v2 === null) {
      s.v2 = new Uint8Array(0);
      s.v2Held = 0;
    }
    // Gather the 2-byte header and the record.
    const n = end - p;
    const buf = new Uint8Array(s.v2Held + n);
    buf.set(s.v2.subarray(0, s.v2Held), 0);
    buf.set(d.subarray(p, end), s.v2Held);
    if (buf.length < 2) {
      s.v2 = buf;
      s.v2Held = buf.length;
      return end;
    }
    const total = 2 + (((buf[0] & 0x7f) << 8) | buf[1]);
    if (buf.length < total) {
      if (total > 32768) s.dead = true;
      s.v2 = buf;
      s.v2Held = buf.length;
      return end;
    }
    s.first = false;
    const r = parseSslv2ClientHello(buf, 0, total);
    if (r === null || isOrig !== this.clientIsOrig) {
      // An SSLv2 server hello, or not a CLIENT-HELLO: the rest is not TLS.
      this.start();
      if (!isOrig) this.versionFromV2Server(buf, total);
      s.dead = true;
      return end;
    }
    this.start();
    this.clientHello(isOrig, r[1]);
    return end - (buf.length - total);
  }

  private versionFromV2Server(b: Uint8Array, total: number): void {
    // SERVER-HELLO (type 4): session-id-hit, certificate type, version.
    if (total >= 7 && b[2] === 4 && this.rec.version === undefined) {
      this.versionNum = u16(b, 5);
      this.rec.version = versionName(this.versionNum);
      this.rec.version_code = this.versionNum;
      this.history(false, 's');
      this.ctx.valid(false);
    }
  }

  // ---- handshake ----

  private handshakeBytes(s: Side, isOrig: boolean, d: Uint8Array, off: number, len: number): void {
    if (s.hsSkip > 0) {
      const k = Math.min(s.hsSkip, len);
      s.hsSkip -= k;
      off += k;
      len -= k;
      if (len === 0) return;
    }
    // Messages wholly inside this chunk with nothing held are read in place.
    let p = off;
    const end = off + len;
    if (s.hsHeld === 0) {
      while (end - p >= 4) {
        const n = u24(d, p + 1);
        if (4 + n > end - p) break;
        this.message(isOrig, d[p], d, p + 4, n);
        p += 4 + n;
        if (this.done) return;
      }
      if (p === end) return;
    }
    // Hold the rest.
    const n = end - p;
    if (s.hsHeld + n > s.hs.length) {
      const b = new Uint8Array(Math.max(s.hsHeld + n, s.hs.length * 2, 1024));
      b.set(s.hs.subarray(0, s.hsHeld), 0);
      s.hs = b;
    }
    s.hs.set(d.subarray(p, end), s.hsHeld);
    s.hsHeld += n;
    let q = 0;
    while (s.hsHeld - q >= 4) {
      const m = u24(s.hs, q + 1);
      if (m > MAX_HANDSHAKE) {
        this.ctx.event('handshake_too_long', `a handshake message of ${m} bytes (at most ${MAX_HANDSHAKE} are read)`, isOrig);
        const have = s.hsHeld - q - 4;
        s.hsSkip = m - have;
        s.hsHeld = 0;
        return;
      }
      if (4 + m > s.hsHeld - q) break;
      this.message(isOrig, s.hs[q], s.hs, q + 4, m);
      q += 4 + m;
      if (this.done) return;
    }
    if (q > 0) {
      s.hs.copyWithin(0, q, s.hsHeld);
      s.hsHeld -= q;
    }
  }

  private message(isOrig: boolean, type: number, d: Uint8Array, off: number, len: number): void {
    this.start();
    if (type === HS.CLIENT_HELLO && !this.clientHelloSeen && !isOrig && !this.serverHelloSeen) {
      // The responder sent the ClientHello: roles flipped (Zeek's "^").
      this.clientIsOrig = false;
      this.addHistory('^');
    }
    const client = isOrig === this.clientIsOrig;
    const end = off + len;
    switch (type) {
      case HS.CLIENT_HELLO: {
        this.history(client, 'c');
        if (!client || this.clientHelloSeen) return;
        const h = parseClientHello(d, off, end);
        if (h === null) {
          this.ctx.event('malformed_client_hello', 'a ClientHello cut short of its fixed fields', isOrig);
          return;
        }
        this.clientHello(isOrig, h);
        return;
      }
      case HS.SERVER_HELLO: {
        if (client) return this.history(client, 's');
        const h = parseServerHello(d, off, end);
        if (h === null) {
          this.history(client, 's');
          this.ctx.event('malformed_server_hello', 'a ServerHello cut short of its fixed fields', isOrig);
          return;
        }
        this.history(client, h.helloRetry ? 'j' : 's');
        this.serverHello(isOrig, h);
        return;
      }
      case HS.CERTIFICATE:
        this.history(client, 'x');
        if (!this.tls13) this.certificates(isOrig, client, d, off, end);
        return;
      case HS.SERVER_KEY_EXCHANGE: {
        this.history(client, 'k');
        const name = this.rec.cipher ?? '';
        if (!client && (name.includes('_ECDHE_') || name.includes('_ECDH_anon_'))) {
          const c = ecdheCurve(d, off, end);
          if (c >= 0) this.rec.curve = groupName(c);
        }
        return;
      }
      case HS.CLIENT_KEY_EXCHANGE:
        this.history(client, 'g');
        if (client) this.clientKeyExchangeSeen = true;
        return;
      default:
        this.history(client, historyLetter(type));
    }
  }

  private clientHello(isOrig: boolean, h: ClientHello): void {
    this.clientHelloSeen = true;
    this.ctx.valid(isOrig);
    const r = this.rec;
    if (h.malformed) this.ctx.event('malformed_extension', 'a ClientHello extension whose length runs past the hello (the ones before are kept)', isOrig);
    if (h.tooManyExtensions) this.ctx.event('too_many_extensions', 'more than 64 extensions in a ClientHello (the rest are not read)', isOrig);
    // An SSLv2 CLIENT-HELLO is not a handshake message: Zeek's history has no letter for it.
    if (h.v2) r.sslv2_client_hello = true;
    // Zeek: a session id (not 32 zero bytes) is remembered for resumption; a non-empty ticket
    // with an empty session id also means the client tries to resume.
    if (h.sessionId !== '' && !h.sessionIdAllZero) this.sessionId = h.sessionId;
    else if (h.ticketLength > 0) this.clientTicketEmptySession = true;
    this.clientPsk = h.psk;
    if (h.serverNames.length > 0) {
      r.server_name = h.serverNames[0];
      r.server_names = h.serverNames;
      if (h.serverNames.length > 1) this.ctx.event('many_server_names', `${h.serverNames.length} host names in server_name`, isOrig);
    }
    r.client_version = versionName(h.version);
    if (h.supportedVersions.length > 0) r.client_supported_versions = h.supportedVersions.map(versionName);
    r.client_ciphers = h.ciphers.map(cipherName);
    r.client_extensions = h.extensions;
    if (h.groups.length > 0) r.client_curves = h.groups.map(groupName);
    if (h.pointFormats.length > 0) r.client_ec_point_formats = h.pointFormats;
    if (h.sigAlgs.length > 0) r.client_signature_algorithms = h.sigAlgs.map((v) => v.toString(16).padStart(4, '0'));
    if (h.alpn.length > 0) r.client_alpn = h.alpn;
    if (!h.v2) {
      r.ja3_string = ja3String(h);
      r.ja3 = ja3(h);
      const j4 = ja4(h);
      r.ja4 = j4.ja4;
      r.ja4_r = j4.raw;
    }
  }

  private serverHello(isOrig: boolean, h: ServerHello): void {
    this.serverHelloSeen = true;
    this.ctx.valid(isOrig);
    const r = this.rec;
    if (h.malformed) this.ctx.event('malformed_extension', 'a ServerHello extension whose length runs past the hello', isOrig);
    // Zeek: supported_versions overrides the legacy version.
    this.versionNum = h.selectedVersion >= 0 ? h.selectedVersion : h.version;
    r.version = versionName(this.versionNum);
    r.version_code = this.versionNum;
    this.tls13 = this.versionNum === TLSv13 || (this.versionNum & 0xff00) === 0x7f00;
    r.cipher = cipherName(h.cipher);
    r.cipher_code = h.cipher;
    if (h.keyShareGroup >= 0) r.curve = groupName(h.keyShareGroup);
    if (h.alpn.length > 0) r.next_protocol = h.alpn[0];
    if (!this.tls13 && this.sessionId !== '' && this.sessionId === h.sessionId) r.resumed = true;
    if (h.psk && this.clientPsk) r.resumed = true;
    r.server_extensions = h.extensions;
    r.ja3s_string = ja3sString(h.version, h.cipher, h.extensions);
    r.ja3s = ja3s(h.version, h.cipher, h.extensions);
  }

  private certificates(isOrig: boolean, client: boolean, d: Uint8Array, off: number, end: number): void {
    const list = parseCertificateList(d, off, end, MAX_CERTIFICATES + 1);
    if (list === null) {
      this.ctx.event('malformed_certificate', 'a Certificate message whose lengths run past it', isOrig);
      return;
    }
    if (list.length > MAX_CERTIFICATES) {
      this.ctx.event('too_many_certificates', `more than ${MAX_CERTIFICATES} certificates in a chain (the rest are not read)`, isOrig);
      list.length = MAX_CERTIFICATES;
    }
    const fps: string[] = [];
    const cache = this.ctx.shared as X509Cache | null;
    for (let i = 0; i < list.length; i++) {
      const [o, n] = list[i];
      const der = d.subarray(o, o + n);
      const fp = createHash('sha256').update(der).digest('hex');
      fps.push(fp);
      const c = parseCertificate(d, o, n);
      if (c === null) {
        this.ctx.event('bad_certificate', 'a certificate that is not valid DER X.509', isOrig);
        continue;
      }
      if (i === 0) {
        if (client) {
          this.rec.client_subject = c.subject;
          this.rec.client_issuer = c.issuer;
        } else {
          this.rec.subject = c.subject;
          this.rec.issuer = c.issuer;
          if (this.rec.server_name !== undefined) this.rec.sni_matches_cert = hostnameMatches(c, this.rec.server_name);
        }
      }
      if (cache === null || cache.isNew(fp)) this.x509(c, fp, createHash('sha1').update(der).digest('hex'), i === 0 && !client, client);
    }
    if (client) this.rec.client_cert_chain_fps = fps;
    else this.rec.cert_chain_fps = fps;
  }

  private x509(c: Certificate, fp: string, sha1: string, host: boolean, client: boolean): void {
    this.ctx.rawRecord('x509', {
      ts: this.ctx.ts,
      fingerprint: fp,
      'certificate.version': c.version,
      'certificate.serial': c.serial,
      'certificate.subject': c.subject,
      'certificate.issuer': c.issuer,
      'certificate.not_valid_before': c.notValidBefore,
      'certificate.not_valid_after': c.notValidAfter,
      'certificate.key_alg': c.keyAlg,
      'certificate.sig_alg': c.sigAlg,
      'certificate.key_type': c.keyType,
      'certificate.key_length': c.keyLength,
      'certificate.exponent': c.exponent,
      'certificate.curve': c.curve,
      'san.dns': c.sanDns,
      'san.uri': c.sanUri,
      'san.email': c.sanEmail,
      'san.ip': c.sanIp,
      'basic_constraints.ca': c.ca,
      'basic_constraints.path_len': c.pathLen,
      host_cert: host,
      client_cert: client,
      fingerprint_sha1: sha1,
      uid: this.ctx.flow.uid,
    });
  }

  // ---- record ----

  private start(): void {
    if (this.started) return;
    this.started = true;
    this.ts = this.ctx.ts;
  }

  private history(client: boolean, letter: string): void {
    this.addHistory(client ? letter.toUpperCase() : letter);
  }

  private addHistory(c: string): void {
    if (this.rec.ssl_history.length >= MAX_HISTORY) return;
    this.rec.ssl_history += c;
    if (this.rec.ssl_history.length === MAX_HISTORY && !this.historyFull) {
      this.historyFull = true;
      this.ctx.event('history_too_long', `ssl_history reached ${MAX_HISTORY} letters (Zeek's SSL_max_ssl_history_length_reached)`);
    }
  }

  private write(): void {
    if (this.logged) return;
    this.logged = true;
    this.ctx.record('ssl', { ...this.rec }, this.ts);
  }
}
