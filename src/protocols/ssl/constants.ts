// TLS constants as RFC 5246 / RFC 8446 and the IANA TLS registries spell them, with the names
// Zeek's base/protocols/ssl/consts.zeek logs (version_strings, ec_curves, alert_descriptions),
// the ssl_history letters of Zeek's main.zeek, and the limits this dissector keeps.

export const CT_CHANGE_CIPHER_SPEC = 20;
export const CT_ALERT = 21;
export const CT_HANDSHAKE = 22;
export const CT_APPLICATION_DATA = 23;
export const CT_HEARTBEAT = 24;

export const HS = {
  HELLO_REQUEST: 0,
  CLIENT_HELLO: 1,
  SERVER_HELLO: 2,
  HELLO_VERIFY_REQUEST: 3,
  SESSION_TICKET: 4,
  END_OF_EARLY_DATA: 5,
  HELLO_RETRY_REQUEST: 6,
  ENCRYPTED_EXTENSIONS: 8,
  CERTIFICATE: 11,
  SERVER_KEY_EXCHANGE: 12,
  CERTIFICATE_REQUEST: 13,
  SERVER_HELLO_DONE: 14,
  CERTIFICATE_VERIFY: 15,
  CLIENT_KEY_EXCHANGE: 16,
  FINISHED: 20,
  CERTIFICATE_URL: 21,
  CERTIFICATE_STATUS: 22,
  SUPPLEMENTAL_DATA: 23,
  KEY_UPDATE: 24,
  MESSAGE_HASH: 254,
} as const;

/** Zeek's ssl_history letter of a handshake message type (lower case; the client's are upper-cased). */
export function historyLetter(t: number): string {
  switch (t) {
    case HS.HELLO_REQUEST: return 'h';
    case HS.CLIENT_HELLO: return 'c';
    case HS.SERVER_HELLO: return 's';
    case HS.HELLO_VERIFY_REQUEST: return 'v';
    case HS.SESSION_TICKET: return 't';
    case HS.END_OF_EARLY_DATA: return 'e';
    case HS.HELLO_RETRY_REQUEST: return 'j';
    case HS.ENCRYPTED_EXTENSIONS: return 'o';
    case HS.CERTIFICATE: return 'x';
    case HS.SERVER_KEY_EXCHANGE: return 'k';
    case HS.CERTIFICATE_REQUEST: return 'r';
    case HS.SERVER_HELLO_DONE: return 'n';
    case HS.CERTIFICATE_VERIFY: return 'y';
    case HS.CLIENT_KEY_EXCHANGE: return 'g';
    case HS.FINISHED: return 'f';
    case HS.CERTIFICATE_URL: return 'w';
    case HS.CERTIFICATE_STATUS: return 'u';
    case HS.SUPPLEMENTAL_DATA: return 'a';
    case HS.KEY_UPDATE: return 'p';
    case HS.MESSAGE_HASH: return 'm';
    default: return 'z';
  }
}

/** Extension types read (IANA "TLS ExtensionType Values"). */
export const EXT = {
  SERVER_NAME: 0x0000,
  SUPPORTED_GROUPS: 0x000a,
  EC_POINT_FORMATS: 0x000b,
  SIGNATURE_ALGORITHMS: 0x000d,
  ALPN: 0x0010,
  SESSION_TICKET: 0x0023,
  PRE_SHARED_KEY: 0x0029,
  SUPPORTED_VERSIONS: 0x002b,
  KEY_SHARE: 0x0033,
} as const;

export const SSLv2 = 0x0002;
export const SSLv3 = 0x0300;
export const TLSv10 = 0x0301;
export const TLSv11 = 0x0302;
export const TLSv12 = 0x0303;
export const TLSv13 = 0x0304;

/** Zeek's version_strings names; TLS 1.3 drafts `TLSv13-draft<n>`, others `unknown-<n>`. */
export function versionName(v: number): string {
  switch (v) {
    case SSLv2: return 'SSLv2';
    case SSLv3: return 'SSLv3';
    case TLSv10: return 'TLSv10';
    case TLSv11: return 'TLSv11';
    case TLSv12: return 'TLSv12';
    case TLSv13: return 'TLSv13';
    case 0xfeff: return 'DTLSv10';
    case 0xfefd: return 'DTLSv12';
    case 0xfefc: return 'DTLSv13';
  }
  if ((v & 0xff00) === 0x7f00) return `TLSv13-draft${v & 0xff}`;
  return `unknown-${v}`;
}

/** Named groups (IANA "TLS Supported Groups"; the names Zeek's ec_curves logs). */
const GROUPS: ReadonlyMap<number, string> = new Map([
  [1, 'sect163k1'], [2, 'sect163r1'], [3, 'sect163r2'], [4, 'sect193r1'], [5, 'sect193r2'], [6, 'sect233k1'], [7, 'sect233r1'],
  [8, 'sect239k1'], [9, 'sect283k1'], [10, 'sect283r1'], [11, 'sect409k1'], [12, 'sect409r1'], [13, 'sect571k1'], [14, 'sect571r1'],
  [15, 'secp160k1'], [16, 'secp160r1'], [17, 'secp160r2'], [18, 'secp192k1'], [19, 'secp192r1'], [20, 'secp224k1'], [21, 'secp224r1'],
  [22, 'secp256k1'], [23, 'secp256r1'], [24, 'secp384r1'], [25, 'secp521r1'], [26, 'brainpoolP256r1'], [27, 'brainpoolP384r1'],
  [28, 'brainpoolP512r1'], [29, 'x25519'], [30, 'x448'], [31, 'brainpoolP256r1tls13'], [32, 'brainpoolP384r1tls13'],
  [33, 'brainpoolP512r1tls13'], [34, 'GC256A'], [35, 'GC256B'], [36, 'GC256C'], [37, 'GC256D'], [38, 'GC512A'], [39, 'GC512B'],
  [40, 'GC512C'], [41, 'curveSM2'], [256, 'ffdhe2048'], [257, 'ffdhe3072'], [258, 'ffdhe4096'], [259, 'ffdhe6144'], [260, 'ffdhe8192'],
  [512, 'MLKEM512'], [513, 'MLKEM768'], [514, 'MLKEM1024'], [4587, 'SecP256r1MLKEM768'], [4588, 'X25519MLKEM768'], [4589, 'SecP384r1MLKEM1024'],
  [25497, 'X25519Kyber768Draft00'], [25498, 'SecP256r1Kyber768Draft00'],
  [0xff01, 'arbitrary_explicit_prime_curves'], [0xff02, 'arbitrary_explicit_char2_curves'],
]);
export function groupName(g: number): string {
  const n = GROUPS.get(g);
  if (n !== undefined) return n;
  if ((g & 0x0f0f) === 0x0a0a && (g >> 8) === (g & 0xff)) return `grease_0x${g.toString(16).toUpperCase().padStart(4, '0')}`;
  return `unknown-${g}`;
}

/** Alert descriptions (RFC 8446 §6 and the IANA registry; Zeek's alert_descriptions names). */
const ALERTS: ReadonlyMap<number, string> = new Map([
  [0, 'close_notify'], [10, 'unexpected_message'], [20, 'bad_record_mac'], [21, 'decryption_failed'], [22, 'record_overflow'],
  [30, 'decompression_failure'], [40, 'handshake_failure'], [41, 'no_certificate'], [42, 'bad_certificate'],
  [43, 'unsupported_certificate'], [44, 'certificate_revoked'], [45, 'certificate_expired'], [46, 'certificate_unknown'],
  [47, 'illegal_parameter'], [48, 'unknown_ca'], [49, 'access_denied'], [50, 'decode_error'], [51, 'decrypt_error'],
  [52, 'too_many_cids_requested'], [60, 'export_restriction'], [70, 'protocol_version'], [71, 'insufficient_security'],
  [80, 'internal_error'], [86, 'inappropriate_fallback'], [90, 'user_canceled'], [100, 'no_renegotiation'],
  [109, 'missing_extension'], [110, 'unsupported_extension'], [111, 'certificate_unobtainable'], [112, 'unrecognized_name'],
  [113, 'bad_certificate_status_response'], [114, 'bad_certificate_hash_value'], [115, 'unknown_psk_identity'],
  [116, 'certificate_required'], [120, 'no_application_protocol'], [121, 'ech_required'],
]);
export function alertName(a: number): string {
  return ALERTS.get(a) ?? `unknown-${a}`;
}

/** The random of a HelloRetryRequest: SHA-256 of "HelloRetryRequest" (RFC 8446 §4.1.3). */
export const HRR_RANDOM = new Uint8Array([
  0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
  0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
]);

/** Largest TLS record (RFC 5246 §6.2.3: 2^14 + 2048 bytes of ciphertext). */
export const MAX_RECORD = 16384 + 2048;
/** Largest handshake message kept (a Certificate chain); a longer one is skipped with an event. */
export const MAX_HANDSHAKE = 256 * 1024;
/** Certificates read per Certificate message. */
export const MAX_CERTIFICATES = 16;
/** Extensions read per hello; more raise too_many_extensions. */
export const MAX_EXTENSIONS = 64;
/** Values kept per list (cipher suites, groups, signature algorithms, ALPN protocols). */
export const MAX_LIST = 256;
/** Zeek's max_ssl_history_length. */
export const MAX_HISTORY = 100;
/** Fingerprints the x509 de-duplication remembers per engine before it starts over. */
export const MAX_KNOWN_CERTS = 65536;
