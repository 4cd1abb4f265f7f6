// SSH wire constants as RFC 4250 (message numbers), RFC 4253 (transport), RFC 4419 (group
// exchange) and RFC 5656 (ECDH) spell them, and the limits this dissector keeps.

/** SSH-2 message numbers (RFC 4250 §4.1.2, RFC 4419 §5, RFC 5656 §7.1). */
export const MSG = {
  DISCONNECT: 1,
  IGNORE: 2,
  UNIMPLEMENTED: 3,
  DEBUG: 4,
  SERVICE_REQUEST: 5,
  SERVICE_ACCEPT: 6,
  EXT_INFO: 7,
  KEXINIT: 20,
  NEWKEYS: 21,
  /** KEXDH_INIT, KEX_ECDH_INIT (and the hybrid post-quantum methods' INIT). */
  KEX_30: 30,
  /** KEXDH_REPLY, KEX_ECDH_REPLY — or, in group exchange, KEX_DH_GEX_GROUP. */
  KEX_31: 31,
  KEX_DH_GEX_INIT: 32,
  KEX_DH_GEX_REPLY: 33,
  KEX_DH_GEX_REQUEST: 34,
} as const;

/** SSH-1 packet types (draft-ylonen-ssh-protocol-00 §"Message types"). */
export const SSH1_SMSG_PUBLIC_KEY = 2;
export const SSH1_CMSG_SESSION_KEY = 3;

/** SSH-2 message names for events and tests. */
export const MSG_NAMES: ReadonlyMap<number, string> = new Map([
  [1, 'SSH_MSG_DISCONNECT'], [2, 'SSH_MSG_IGNORE'], [3, 'SSH_MSG_UNIMPLEMENTED'], [4, 'SSH_MSG_DEBUG'],
  [5, 'SSH_MSG_SERVICE_REQUEST'], [6, 'SSH_MSG_SERVICE_ACCEPT'], [7, 'SSH_MSG_EXT_INFO'],
  [20, 'SSH_MSG_KEXINIT'], [21, 'SSH_MSG_NEWKEYS'], [30, 'SSH_MSG_KEXDH_INIT'], [31, 'SSH_MSG_KEXDH_REPLY'],
  [32, 'SSH_MSG_KEX_DH_GEX_INIT'], [33, 'SSH_MSG_KEX_DH_GEX_REPLY'], [34, 'SSH_MSG_KEX_DH_GEX_REQUEST'],
]);

/** Zeek's SSH::compression_algorithms: with these the authentication heuristic is not applied. */
export const COMPRESSION_ALGORITHMS: ReadonlySet<string> = new Set(['zlib', 'zlib@openssh.com']);

/** What Zeek's find_alg writes when the two lists share no algorithm. */
export const NEGOTIATION_FAILED = 'Algorithm negotiation failed';

/** Largest identification line kept (RFC 4253 §4.2: 255 characters including CR LF). */
export const MAX_VERSION_LINE = 255;
/** Bytes of lines a server may send before its identification line (RFC 4253 §4.2) that are read. */
export const MAX_PRE_BANNER_BYTES = 4096;
/**
 * Largest binary packet accepted before encryption (RFC 4253 §6.1 requires 35000; a KEXINIT
 * or host key larger than this is not plausible). Larger lengths lose the side's sync.
 */
export const MAX_PACKET = 35000;
/** Algorithm names kept per KEXINIT name-list; longer lists raise too_many_algorithms. */
export const MAX_ALGORITHMS = 256;
/** Bytes of the unencrypted key exchange read per side before the side is given up. */
export const MAX_KEX_BYTES = 256 * 1024;
