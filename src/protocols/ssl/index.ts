// TLS and SSL (id `ssl`, as Zeek names it; TCP 443 and the TLS ports of LDAP, FTP, IMAP,
// POP3, IRC, OPC UA (4843) and MQTT (8883), any port in practice, and inside RDP). Detected by
// content: a side's first bytes are a handshake record (type 22, version 3.x, a length that a
// record may have) whose first message is a ClientHello (from the client) or a ServerHello,
// with a 3.x hello version; or an SSLv2 CLIENT-HELLO (2-byte header, message type 1, a
// version of 0.2 or 3.x, cipher specs a multiple of 3 bytes).
import { PROBE, type ProbeHint, type ProbeResult, type ProtocolDef } from '../../dissect/types.ts';
import { MAX_RECORD } from './constants.ts';
import { SSL_FIELDS, X509_FIELDS } from './records.ts';
import { SslSession, X509Cache } from './session.ts';

export const TLS_PORTS = [443, 636, 989, 990, 992, 993, 994, 995, 4843, 8443, 8883];

function probeV2(d: Uint8Array, off: number, len: number): ProbeResult {
  if (len < 11) return len < 3 || d[off + 2] === 1 ? PROBE.MAYBE : PROBE.NO;
  const n = ((d[off] & 0x7f) << 8) | d[off + 1];
  if (d[off + 2] !== 1 || n < 9) return PROBE.NO;
  const major = d[off + 3];
  const minor = d[off + 4];
  if (!((major === 0 && minor === 2) || (major === 3 && minor <= 4))) return PROBE.NO;
  const cs = (d[off + 5] << 8) | d[off + 6];
  const sid = (d[off + 7] << 8) | d[off + 8];
  const ch = (d[off + 9] << 8) | d[off + 10];
  if (cs === 0 || cs % 3 !== 0 || (sid !== 0 && sid !== 16) || ch < 16 || ch > 32 || 9 + cs + sid + ch !== n) return PROBE.NO;
  return PROBE.YES;
}

export function probeSsl(d: Uint8Array, off: number, len: number, hint: ProbeHint): ProbeResult {
  if (hint.transport !== 'tcp') return PROBE.NO;
  if (len < 1) return PROBE.MAYBE;
  const b0 = d[off];
  if (b0 !== 0x16) return (b0 & 0x80) !== 0 && hint.isOrig ? probeV2(d, off, len) : PROBE.NO;
  if (len < 2) return PROBE.MAYBE;
  if (d[off + 1] !== 3) return PROBE.NO;
  if (len < 3) return PROBE.MAYBE;
  if (d[off + 2] > 4) return PROBE.NO;
  if (len < 5) return PROBE.MAYBE;
  const rl = (d[off + 3] << 8) | d[off + 4];
  if (rl < 4 || rl > MAX_RECORD) return PROBE.NO;
  if (len < 6) return PROBE.MAYBE;
  const hs = d[off + 5];
  if (hs !== 1 && hs !== 2) return PROBE.NO;
  if (len < 9) return PROBE.MAYBE;
  const hl = (d[off + 6] << 16) | (d[off + 7] << 8) | d[off + 8];
  // A hello is at least 38 bytes (version, random, session id length, suite(s), compression).
  if (hl < 38 || hl > 65536) return PROBE.NO;
  if (len < 10) return PROBE.MAYBE;
  return d[off + 9] === 3 || (d[off + 9] === 0x7f && hs === 2) ? PROBE.YES : PROBE.NO;
}

export const ssl: ProtocolDef = {
  id: 'ssl',
  tcpPorts: TLS_PORTS,
  parents: ['rdp'],
  probe: probeSsl,
  create: (ctx) => new SslSession(ctx),
  shared: (ctx) => new X509Cache(ctx),
  records: { ssl: SSL_FIELDS, x509: X509_FIELDS },
  events: {
    bad_record: 'bytes that are not a TLS record header (content type 20-24, version 3.x): the side is not read further; a flow that starts so is rejected',
    record_too_long: 'a record longer than 2^14 + 2048 bytes: the side is not read further',
    handshake_too_long: 'a handshake message longer than 256 KiB: it is skipped',
    malformed_client_hello: 'a ClientHello cut short of its fixed fields',
    malformed_server_hello: 'a ServerHello cut short of its fixed fields',
    malformed_extension: 'a hello extension whose length runs past the hello: the extensions before it are kept',
    too_many_extensions: 'more than 64 extensions in a ClientHello: the rest are not read',
    many_server_names: "more than one host name in server_name (Zeek's SSL_many_server_names)",
    malformed_certificate: 'a Certificate message whose lengths run past it',
    too_many_certificates: 'more than 16 certificates in a chain: the rest are not read',
    bad_certificate: 'a certificate that is not valid DER X.509 (its fingerprint is kept, no x509 record)',
    early_application_data: "application data before the handshake finished, not TLS 1.3 (Zeek's ssl_early_application_data)",
    history_too_long: "ssl_history reached 100 letters (Zeek's SSL_max_ssl_history_length_reached)",
    x509_cache_full: 'the engine remembered 65536 certificates: it starts over, so a certificate may be logged again',
  },
};
