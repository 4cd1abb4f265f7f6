// Per-flow SSH state: both identification lines, the clear-text key exchange (SSH-2 binary
// packets or the SSH-1 public key packet) up to NEWKEYS, and after it Zeek's authentication
// heuristic on the sizes of the encrypted deliveries. One `ssh` record per connection, written
// as Zeek writes ssh.log: at once when a successful login is inferred, else when the flow ends.
//
// Zeek's heuristic (src/analyzer/protocol/ssh/SSH.cc, ProcessEncrypted) is applied as it is,
// on the length of each chunk of reassembled stream the flow table delivers after a side's
// NEWKEYS (for the chunk that carries NEWKEYS: the bytes after it). Only for SSH-2, and only
// while no TCP gap was seen (Zeek stops analysing at a gap; so does this session):
//   - server data before the client sent any encrypted data is ignored;
//   - the first server delivery after that is taken as SSH_MSG_SERVICE_ACCEPT (its size S);
//   - a server delivery of size S-16 (SSH_MSG_USERAUTH_SUCCESS, 8 bytes clear against 24) is a
//     success, which ends the analysis;
//   - otherwise the next one is the USERAUTH_FAILURE size F (unless it exceeds S by more than
//     256 bytes: a pre-authentication banner, skipped once); every later server delivery of
//     size F counts as one more failed attempt.
// The script layer (base/protocols/ssh/main.zeek) then ignores attempts once a success was
// seen and when zlib compression was negotiated (sizes no longer tell).
import { createHash } from 'node:crypto';
import { softwareFound, type SoftwareTracker } from '../../dissect/software.ts';
import type { Session, SessionContext } from '../../dissect/types.ts';
import {
  COMPRESSION_ALGORITHMS, MAX_KEX_BYTES, MAX_PACKET, MAX_PRE_BANNER_BYTES, MAX_VERSION_LINE, MSG, NEGOTIATION_FAILED,
  SSH1_SMSG_PUBLIC_KEY,
} from './constants.ts';
import {
  firstString, hostKeyType, latin1, negotiate, parseKexinit, parseSsh1PublicKey, parseVersionLine, u32, type Kexinit,
  type VersionParts,
} from './parser.ts';
import type { SshRecord } from './records.ts';

const ST_VERSION = 0;
const ST_KEX = 1;
const ST_ENCRYPTED = 2;
const ST_DEAD = 3;

/** binpac's connection version (ssh-protocol.pac update_version). */
const V_UNK = 0;
const V_SSH1 = 1;
const V_SSH2 = 2;

class Side {
  state = ST_VERSION;
  /** The identification line being read. */
  readonly line = new Uint8Array(MAX_VERSION_LINE);
  lineLen = 0;
  lineTooLong = false;
  /** Bytes of lines before the identification line (server only). */
  preBanner = 0;
  version: string | undefined = undefined;
  parts: VersionParts | null = null;
  /** A key exchange packet that spans chunks (or bytes waiting for the peer's version line). */
  buf: Uint8Array = new Uint8Array(0);
  held = 0;
  /** Bytes of the clear-text key exchange seen (capped). */
  kexBytes = 0;
  kexinit: Kexinit | null = null;
  /** SSH-1: the first packet was read (it turns the side to encrypted, as in Zeek). */
  ssh1Done = false;
}

function md5Hex(s: string): string {
  return createHash('md5').update(s, 'latin1').digest('hex');
}

export class SshSession implements Session {
  private readonly ctx: SessionContext;
  private readonly orig = new Side();
  private readonly resp = new Side();
  /** binpac's version_: decides the packet format and whether the heuristic runs. */
  private binpacVersion = V_UNK;
  private ts = 0;
  private started = false;
  private logged = false;
  private gapped = false;
  private rejected = false;
  /** The record being built (fields in ssh.log order). */
  private readonly rec: SshRecord = {
    version: undefined, auth_success: undefined, auth_attempts: 0, direction: undefined, client: undefined, server: undefined,
    cipher_alg: undefined, mac_alg: undefined, compression_alg: undefined, kex_alg: undefined, host_key_alg: undefined,
    host_key: undefined, hassh: undefined, hassh_server: undefined, hassh_algorithms: undefined, hassh_server_algorithms: undefined,
    cshka: undefined, sshka: undefined, host_key_type: undefined, host_key_sha256: undefined, client_proto_version: undefined,
    client_software: undefined, client_comments: undefined, server_proto_version: undefined, server_software: undefined,
    server_comments: undefined,
  };
  /** Group exchange: the server host key comes in message 33 (31 is the group). */
  private gex = false;
  private hostKeySeen = false;
  // Zeek's packet-size state (SSH.cc).
  private authDecisionMade = false;
  private skippedBanner = false;
  private sawEncryptedClientData = false;
  private serviceAcceptSize = 0;
  private userauthFailureSize = 0;

  constructor(ctx: SessionContext) {
    this.ctx = ctx;
  }

  data(isOrig: boolean, d: Uint8Array, off: number, len: number): void {
    if (this.gapped || this.rejected) return;
    const s = isOrig ? this.orig : this.resp;
    switch (s.state) {
      case ST_ENCRYPTED:
        if (!this.authDecisionMade) this.encrypted(isOrig, len);
        return;
      case ST_DEAD:
        return;
      case ST_VERSION:
        this.versionData(s, isOrig, d, off, off + len);
        return;
      default:
        this.kexData(s, isOrig, d, off, off + len, false);
    }
  }

  gap(_isOrig: boolean, _len: number): void {
    // Zeek's SSH analyzer stops at the first content gap of either side; so does this session.
    this.gapped = true;
  }

  end(): void {
    if (this.started && !this.logged) this.write();
  }

  // ---- identification lines ----

  private versionData(s: Side, isOrig: boolean, d: Uint8Array, off: number, end: number): void {
    while (off < end && s.state === ST_VERSION) {
      const c = d[off++];
      if (c !== 0x0a) {
        if (s.lineLen < MAX_VERSION_LINE) s.line[s.lineLen++] = c;
        else if (!s.lineTooLong) {
          s.lineTooLong = true;
          if (!isSshPrefix(s.line, s.lineLen)) return this.badLine(s, isOrig, 'a line longer than 255 bytes that is not an SSH identification');
        }
        continue;
      }
      let n = s.lineLen;
      if (n > 0 && s.line[n - 1] === 0x0d) n--;
      if (isSshPrefix(s.line, n)) {
        if (s.lineTooLong) this.ctx.event('version_too_long', `identification line longer than ${MAX_VERSION_LINE} bytes (kept cut)`, isOrig);
        this.versionLine(s, isOrig, latin1(s.line, 0, n));
      } else if (!isOrig && s.preBanner + s.lineLen + 1 <= MAX_PRE_BANNER_BYTES) {
        // RFC 4253 §4.2: a server may send other lines first.
        s.preBanner += s.lineLen + 1;
      } else {
        return this.badLine(s, isOrig, isOrig ? 'the client sent a line that is not an SSH identification' : `more than ${MAX_PRE_BANNER_BYTES} bytes before the server's identification`);
      }
      s.lineLen = 0;
      s.lineTooLong = false;
    }
    if (s.state === ST_KEX && off < end) this.kexData(s, isOrig, d, off, end, false);
  }

  private badLine(s: Side, isOrig: boolean, why: string): void {
    this.ctx.event('bad_version_line', why, isOrig);
    s.state = ST_DEAD;
    if (!this.started) this.reject('no SSH identification line');
  }

  private versionLine(s: Side, isOrig: boolean, line: string): void {
    if (!this.started) {
      this.started = true;
      this.ts = this.ctx.ts;
    }
    s.version = line;
    s.parts = parseVersionLine(line);
    s.state = ST_KEX;
    const r = this.rec;
    if (isOrig) {
      r.client = line;
      r.client_proto_version = s.parts?.proto;
      r.client_software = s.parts?.software;
      r.client_comments = s.parts?.comments;
    } else {
      r.server = line;
      r.server_proto_version = s.parts?.proto;
      r.server_software = s.parts?.software;
      r.server_comments = s.parts?.comments;
    }
    this.ctx.valid(isOrig);
    this.software(isOrig, line);
    this.setVersion();
    this.binpacVersion = binpacVersion(this.orig.version, this.resp.version);
    // Key exchange bytes of the other side that waited for this line can be framed now.
    const other = isOrig ? this.resp : this.orig;
    if (other.state === ST_KEX && other.held > 0 && this.orig.version !== undefined && this.resp.version !== undefined) {
      const b = other.buf.subarray(0, other.held);
      other.buf = new Uint8Array(0);
      other.held = 0;
      this.kexData(other, !isOrig, b, 0, b.length, true);
    }
  }

  /**
   * A software record for the identification string, as Zeek's policy/protocols/ssh/software.zeek
   * reports it: the protocol part cut off, the client at its address, the server at address and port.
   */
  private software(isOrig: boolean, line: string): void {
    const f = this.ctx.flow;
    softwareFound(this.ctx, this.ctx.shared as SoftwareTracker | null, isOrig
      ? { host: f.origH, software_type: 'SSH::CLIENT', unparsed_version: line.replace(/^SSH[0-9.-]+/, '') }
      : { host: f.respH, host_p: f.respP, software_type: 'SSH::SERVER', unparsed_version: line.replace(/SSH[0-9.-]{2,}/, '') });
  }

  /** Zeek's set_version (main.zeek): the major version both strings agree on, with its weirds. */
  private setVersion(): void {
    const c = this.rec.client;
    const sv = this.rec.server;
    this.rec.version = undefined;
    if (c === undefined || sv === undefined || c.length === 0 || sv.length === 0) return;
    if (c.length > 4 && sv.length > 4) {
      const c4 = c[4];
      const s4 = sv[4];
      const c99 = c.length > 7 && c[6] === '9' && c[7] === '9';
      const s99 = sv.length > 7 && sv[6] === '9' && sv[7] === '9';
      if (c4 === '1' && s4 === '2') {
        if (c99) this.rec.version = 2;
        else this.ctx.event('version_mismatch', `${sv} vs ${c}`);
      } else if (c4 === '2' && s4 === '1') {
        if (s99) this.rec.version = 2;
        else this.ctx.event('version_mismatch', `${sv} vs ${c}`);
      } else if (c4 === '1' && s4 === '1') {
        this.rec.version = s99 && c99 ? 2 : 1;
      } else if (c4 === '2' && s4 === '2') {
        this.rec.version = 2;
      }
      return;
    }
    this.ctx.event('cannot_determine_version', `${sv} vs ${c}`);
  }

  // ---- clear-text key exchange ----

  private kexData(s: Side, isOrig: boolean, d: Uint8Array, off: number, end: number, drain: boolean): void {
    if (!drain) {
      s.kexBytes += end - off;
      if (s.kexBytes > MAX_KEX_BYTES) {
        this.ctx.event('kex_too_long', `more than ${MAX_KEX_BYTES} bytes of key exchange before NEWKEYS`, isOrig);
        s.state = ST_DEAD;
        s.buf = new Uint8Array(0);
        s.held = 0;
        return;
      }
    }
    if (this.orig.version === undefined || this.resp.version === undefined) {
      // The packet format depends on both versions (1.99 talks whichever the peer does): wait.
      this.hold(s, d, off, end - off);
      return;
    }
    if (this.binpacVersion === V_UNK) {
      s.state = ST_DEAD;
      return;
    }
    while (off < end && s.state === ST_KEX) {
      if (s.held > 0) {
        // Complete the held packet (or its 4-byte length first).
        const need = this.packetLength(s.buf, 0, s.held, isOrig);
        if (need < 0) return this.lose(s, isOrig);
        const want = need === 0 ? 4 : need;
        const take = Math.min(want - s.held, end - off);
        this.hold(s, d, off, take);
        off += take;
        if (need === 0) continue;
        if (s.held < need) return;
        const b = s.buf;
        s.held = 0;
        this.packet(s, isOrig, b, 0, need);
        continue;
      }
      const avail = end - off;
      const n = this.packetLength(d, off, avail, isOrig);
      if (n < 0) return this.lose(s, isOrig);
      if (n === 0 || n > avail) {
        this.hold(s, d, off, avail);
        return;
      }
      this.packet(s, isOrig, d, off, n);
      off += n;
    }
    // The rest of the chunk that turned the side encrypted is the first encrypted delivery.
    if (s.state === ST_ENCRYPTED && off < end && !this.authDecisionMade) this.encrypted(isOrig, end - off);
  }

  /** Whole length of the packet at d[off] (0: need more bytes, -1: not a plausible packet). */
  private packetLength(d: Uint8Array, off: number, avail: number, _isOrig: boolean): number {
    if (avail < 4) return 0;
    const n = u32(d, off);
    if (this.binpacVersion === V_SSH1) {
      if (n < 5 || n > MAX_PACKET) return -1;
      return 4 + (8 - (n % 8)) + n;
    }
    if (n < 5 || n > MAX_PACKET) return -1;
    return 4 + n;
  }

  private hold(s: Side, d: Uint8Array, off: number, n: number): void {
    if (n <= 0) return;
    if (s.held + n > s.buf.length) {
      const b = new Uint8Array(Math.max(s.held + n, s.buf.length * 2, 256));
      b.set(s.buf.subarray(0, s.held), 0);
      s.buf = b;
    }
    s.buf.set(d.subarray(off, off + n), s.held);
    s.held += n;
  }

  private lose(s: Side, isOrig: boolean): void {
    this.ctx.event('bad_packet_length', `a packet length outside 5..${MAX_PACKET} before NEWKEYS`, isOrig);
    s.state = ST_DEAD;
    s.held = 0;
  }

  private packet(s: Side, isOrig: boolean, d: Uint8Array, off: number, len: number): void {
    if (this.binpacVersion === V_SSH1) return this.ssh1Packet(s, isOrig, d, off, len);
    const pad = d[off + 4];
    const end = off + len - pad;
    if (end <= off + 5) {
      this.ctx.event('malformed_packet', 'padding length at least the packet length', isOrig);
      return;
    }
    const msg = d[off + 5];
    const p = off + 5;
    if (msg === MSG.KEXINIT) {
      if (s.kexinit !== null) return;
      const k = parseKexinit(d, p, end);
      if (k === null) {
        this.ctx.event('malformed_kexinit', 'a name-list runs past the KEXINIT', isOrig);
        return;
      }
      if (k.tooMany) this.ctx.event('too_many_algorithms', 'a KEXINIT name-list with more than 256 names (the rest are not compared)', isOrig);
      s.kexinit = k;
      this.kexinit(isOrig, k);
    } else if (msg === MSG.NEWKEYS) {
      s.state = ST_ENCRYPTED;
    } else if (!isOrig && !this.hostKeySeen && (msg === MSG.KEX_DH_GEX_REPLY ? this.gex : msg === MSG.KEX_31 && !this.gex)) {
      const ks = firstString(d, p, end);
      if (ks === null) {
        this.ctx.event('malformed_kex_reply', 'the server host key runs past the key exchange reply', isOrig);
        return;
      }
      this.hostKey(d, ks[0], ks[1]);
    }
  }

  private ssh1Packet(s: Side, isOrig: boolean, d: Uint8Array, off: number, len: number): void {
    const pad = 8 - (u32(d, off) % 8);
    const p = off + 4 + pad;
    const end = off + len - 4; // CRC
    if (!isOrig && !s.ssh1Done && p < end && d[p] === SSH1_SMSG_PUBLIC_KEY) {
      const k = parseSsh1PublicKey(d, p, end);
      if (k === null) this.ctx.event('malformed_packet', 'SSH-1 public key packet cut short', isOrig);
      else {
        // Zeek: MD5 over the host key modulus then exponent.
        const h = createHash('md5').update(d.subarray(k[2], k[2] + k[3])).update(d.subarray(k[0], k[0] + k[1])).digest('hex');
        this.rec.host_key = colons(h);
        this.hostKeySeen = true;
      }
    }
    // Any SSH-1 message turns its side encrypted in Zeek's parser (ssh-protocol.pac SSH1_Message).
    s.ssh1Done = true;
    s.state = ST_ENCRYPTED;
  }

  private kexinit(isOrig: boolean, k: Kexinit): void {
    const r = this.rec;
    if (isOrig) {
      r.hassh_algorithms = `${k.kex};${k.encC2S};${k.macC2S};${k.compC2S}`;
      r.hassh = md5Hex(r.hassh_algorithms);
      r.cshka = k.hostKey;
    } else {
      r.hassh_server_algorithms = `${k.kex};${k.encS2C};${k.macS2C};${k.compS2C}`;
      r.hassh_server = md5Hex(r.hassh_server_algorithms);
      r.sshka = k.hostKey;
    }
    const c = this.orig.kexinit;
    const sv = this.resp.kexinit;
    if (c === null || sv === null) return;
    // Zeek's ssh_capabilities handler: find_bidirectional_alg / find_alg.
    r.cipher_alg = bidirectional(c.encC2S, sv.encC2S, c.encS2C, sv.encS2C);
    r.mac_alg = bidirectional(c.macC2S, sv.macC2S, c.macS2C, sv.macS2C);
    r.compression_alg = bidirectional(c.compC2S, sv.compC2S, c.compS2C, sv.compS2C);
    r.kex_alg = negotiate(c.kex, sv.kex) ?? NEGOTIATION_FAILED;
    r.host_key_alg = negotiate(c.hostKey, sv.hostKey) ?? NEGOTIATION_FAILED;
    this.gex = r.kex_alg.startsWith('diffie-hellman-group-exchange-');
  }

  private hostKey(d: Uint8Array, off: number, len: number): void {
    this.hostKeySeen = true;
    const blob = d.subarray(off, off + len);
    this.rec.host_key = colons(createHash('md5').update(blob).digest('hex'));
    this.rec.host_key_sha256 = `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
    const t = hostKeyType(d, off, len);
    if (t !== '') this.rec.host_key_type = t;
  }

  // ---- after NEWKEYS: Zeek's heuristic ----

  private encrypted(isOrig: boolean, len: number): void {
    if (this.binpacVersion !== V_SSH2) return;
    if (isOrig) {
      this.sawEncryptedClientData = true;
      return;
    }
    if (!this.sawEncryptedClientData) return;
    if (this.serviceAcceptSize === 0) {
      this.serviceAcceptSize = len;
      return;
    }
    if (this.userauthFailureSize === 0 && len + 16 === this.serviceAcceptSize) {
      this.authDecisionMade = true;
      this.attempted(true);
      return;
    }
    if (this.userauthFailureSize === 0) {
      if (!this.skippedBanner && len - this.serviceAcceptSize > 256) {
        this.skippedBanner = true;
        return;
      }
      this.userauthFailureSize = len;
      return;
    }
    if (len === this.userauthFailureSize) {
      this.attempted(false);
      return;
    }
    if (len - this.serviceAcceptSize === -16) {
      this.authDecisionMade = true;
      this.attempted(true);
    }
  }

  /** Zeek's ssh_auth_attempted handlers (main.zeek). */
  private attempted(authenticated: boolean): void {
    const r = this.rec;
    if (r.auth_success === true) return;
    if (r.compression_alg !== undefined && COMPRESSION_ALGORITHMS.has(r.compression_alg)) return;
    r.auth_success = authenticated;
    r.auth_attempts++;
    if (authenticated && !this.logged) {
      this.write();
      // Zeek detaches the analyzer after a success (disable_analyzer_after_detection).
      this.orig.state = ST_DEAD;
      this.resp.state = ST_DEAD;
    }
  }

  private write(): void {
    this.logged = true;
    this.ctx.record('ssh', { ...this.rec }, this.ts);
  }

  private reject(reason: string): void {
    this.rejected = true;
    this.ctx.reject(reason);
  }
}

/** "SSH-" at the start of a line. */
function isSshPrefix(b: Uint8Array, n: number): boolean {
  return n >= 4 && b[0] === 0x53 && b[1] === 0x53 && b[2] === 0x48 && b[3] === 0x2d;
}

function colons(hex: string): string {
  let s = '';
  for (let i = 0; i < hex.length; i += 2) s += (i === 0 ? '' : ':') + hex.slice(i, i + 2);
  return s;
}

function bidirectional(c2sClient: string, c2sServer: string, s2cClient: string, s2cServer: string): string {
  const a = negotiate(c2sClient, c2sServer) ?? NEGOTIATION_FAILED;
  const b = negotiate(s2cClient, s2cServer) ?? NEGOTIATION_FAILED;
  return a === b ? a : `To server: ${a}, to client: ${b}`;
}

/** binpac's update_version: SSH2 when both speak 2 (1.99 counts as either), SSH1 when both speak 1. */
function binpacVersion(client: string | undefined, server: string | undefined): number {
  const vc = sideVersion(client);
  const vs = sideVersion(server);
  const V199 = 3;
  if (vc === vs) return vs === V199 ? V_SSH2 : vs;
  if ((vc === V199 && vs === V_SSH2) || (vc === V_SSH2 && vs === V199)) return V_SSH2;
  if ((vc === V_SSH1 && vs === V199) || (vc === V199 && vs === V_SSH1)) return V_SSH1;
  return V_UNK;
}

function sideVersion(v: string | undefined): number {
  if (v === undefined || v.length < 5) return V_UNK;
  if (v[4] === '2') return V_SSH2;
  if (v[4] === '1') return v.length >= 8 && v[6] === '9' && v[7] === '9' ? 3 : V_SSH1;
  return V_UNK;
}
