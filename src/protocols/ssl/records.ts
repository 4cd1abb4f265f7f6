// The `ssl` and `x509` records (docs/protocols/ssl.md lists every field). `ssl` columns 7..26
// are Zeek's ssl.log (base/protocols/ssl/main.zeek SSL::Info, with the certificate fields of
// base/protocols/ssl/files.zeek and sni_matches_cert), 27..29 the JA3/JA3S (Salesforce) and
// JA4 (FoxIO) fingerprints under the names their Zeek packages log, the rest Palisade's.
// `x509` is Zeek's x509.log (base/files/x509/main.zeek) without a connection header, plus two
// Palisade columns.
import type { ZeekField } from '../../events/zeek-tsv.ts';
import { FLOW_HEADER_FIELDS } from '../../dissect/types.ts';

export interface SslRecord {
  /** Version the server chose (ServerHello, or its supported_versions): SSLv3, TLSv10 … TLSv13. */
  version?: string;
  /** Cipher suite the server chose, IANA name. */
  cipher?: string;
  /** Group of the ECDHE key exchange (ServerKeyExchange, or the server's key_share in TLS 1.3). */
  curve?: string;
  /** The first host name of the client's server_name extension (SNI). */
  server_name?: string;
  /** The session was resumed: session id echoed, or a ticket without key exchange, or a TLS 1.3 PSK accepted. */
  resumed: boolean;
  /** The last clear-text alert's description. */
  last_alert?: string;
  /** The protocol the server chose by ALPN. */
  next_protocol?: string;
  /** Both sides switched to encrypted records and one was seen (Zeek's ssl_established). */
  established: boolean;
  /** Zeek's ssl_history: handshake messages, CCS (i), alerts (l), heartbeats (b); the client's upper-case. */
  ssl_history: string;
  /** SHA-256 fingerprints of the server's and the client's certificates, in order. */
  cert_chain_fps?: string[];
  client_cert_chain_fps?: string[];
  /** Subject and issuer of the server's (and the client's) first certificate, RFC 2253. */
  subject?: string;
  issuer?: string;
  client_subject?: string;
  client_issuer?: string;
  /** Whether the SNI matches the server certificate's names. */
  sni_matches_cert?: boolean;
  /** Certificate validation result (Palisade does not validate: always unset). */
  validation_status?: string;
  ja3?: string;
  ja3s?: string;
  ja4?: string;
  // ---- Palisade ----
  ja4_r?: string;
  ja3_string?: string;
  ja3s_string?: string;
  client_version?: string;
  client_supported_versions?: string[];
  client_ciphers?: string[];
  client_extensions?: number[];
  client_curves?: string[];
  client_ec_point_formats?: number[];
  client_signature_algorithms?: string[];
  client_alpn?: string[];
  server_extensions?: number[];
  server_names?: string[];
  version_code?: number;
  cipher_code?: number;
  /** The ClientHello was an SSLv2 CLIENT-HELLO. */
  sslv2_client_hello?: boolean;
}

export const SSL_FIELDS: readonly ZeekField[] = [
  ...FLOW_HEADER_FIELDS,
  { name: 'version', type: 'string' },
  { name: 'cipher', type: 'string' },
  { name: 'curve', type: 'string' },
  { name: 'server_name', type: 'string' },
  { name: 'resumed', type: 'bool' },
  { name: 'last_alert', type: 'string' },
  { name: 'next_protocol', type: 'string' },
  { name: 'established', type: 'bool' },
  { name: 'ssl_history', type: 'string' },
  { name: 'cert_chain_fps', type: 'vector[string]' },
  { name: 'client_cert_chain_fps', type: 'vector[string]' },
  { name: 'subject', type: 'string' },
  { name: 'issuer', type: 'string' },
  { name: 'client_subject', type: 'string' },
  { name: 'client_issuer', type: 'string' },
  { name: 'sni_matches_cert', type: 'bool' },
  { name: 'validation_status', type: 'string' },
  { name: 'ja3', type: 'string' },
  { name: 'ja3s', type: 'string' },
  { name: 'ja4', type: 'string' },
  // Palisade
  { name: 'ja4_r', type: 'string' },
  { name: 'ja3_string', type: 'string' },
  { name: 'ja3s_string', type: 'string' },
  { name: 'client_version', type: 'string' },
  { name: 'client_supported_versions', type: 'vector[string]' },
  { name: 'client_ciphers', type: 'vector[string]' },
  { name: 'client_extensions', type: 'vector[count]' },
  { name: 'client_curves', type: 'vector[string]' },
  { name: 'client_ec_point_formats', type: 'vector[count]' },
  { name: 'client_signature_algorithms', type: 'vector[string]' },
  { name: 'client_alpn', type: 'vector[string]' },
  { name: 'server_extensions', type: 'vector[count]' },
  { name: 'server_names', type: 'vector[string]' },
  { name: 'version_code', type: 'count' },
  { name: 'cipher_code', type: 'count' },
  { name: 'sslv2_client_hello', type: 'bool' },
];

export const X509_FIELDS: readonly ZeekField[] = [
  { name: 'ts', type: 'time' },
  { name: 'fingerprint', type: 'string' },
  { name: 'certificate.version', type: 'count' },
  { name: 'certificate.serial', type: 'string' },
  { name: 'certificate.subject', type: 'string' },
  { name: 'certificate.issuer', type: 'string' },
  { name: 'certificate.not_valid_before', type: 'time' },
  { name: 'certificate.not_valid_after', type: 'time' },
  { name: 'certificate.key_alg', type: 'string' },
  { name: 'certificate.sig_alg', type: 'string' },
  { name: 'certificate.key_type', type: 'string' },
  { name: 'certificate.key_length', type: 'count' },
  { name: 'certificate.exponent', type: 'string' },
  { name: 'certificate.curve', type: 'string' },
  { name: 'san.dns', type: 'vector[string]' },
  { name: 'san.uri', type: 'vector[string]' },
  { name: 'san.email', type: 'vector[string]' },
  { name: 'san.ip', type: 'vector[addr]' },
  { name: 'basic_constraints.ca', type: 'bool' },
  { name: 'basic_constraints.path_len', type: 'count' },
  { name: 'host_cert', type: 'bool' },
  { name: 'client_cert', type: 'bool' },
  // Palisade
  { name: 'fingerprint_sha1', type: 'string' },
  { name: 'uid', type: 'string' },
];
