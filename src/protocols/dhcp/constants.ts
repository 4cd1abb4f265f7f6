// DHCP (RFC 2131, 2132) and BOOTP (RFC 951) wire constants. Message type names are the ones
// Zeek's base/protocols/dhcp/consts.zeek logs in msg_types (the RFC names without the DHCP
// prefix); unknown types are data: `unknown-<n>` (Zeek writes `unknown-message-type-<n>`). A
// BOOTP message without a message type option is `BOOTREQUEST` / `BOOTREPLY` (its op).

export const DHCP_SERVER_PORT = 67;
export const DHCP_CLIENT_PORT = 68;

/** op (1), htype, hlen, hops, xid (4), secs, flags, ciaddr, yiaddr, siaddr, giaddr, chaddr (16), sname (64), file (128). */
export const BOOTP_LEN = 236;
export const MAGIC_COOKIE = 0x63825363;
export const OPTIONS_OFF = 240;
export const SNAME_OFF = 44;
export const SNAME_LEN = 64;
export const FILE_OFF = 108;
export const FILE_LEN = 128;

export const BOOTREQUEST = 1;
export const BOOTREPLY = 2;

// Options (RFC 2132 and later).
export const OPT_PAD = 0;
export const OPT_SUBNET_MASK = 1;
export const OPT_ROUTER = 3;
export const OPT_DNS_SERVER = 6;
export const OPT_HOST_NAME = 12;
export const OPT_DOMAIN_NAME = 15;
export const OPT_REQUESTED_ADDR = 50;
export const OPT_LEASE_TIME = 51;
export const OPT_OVERLOAD = 52;
export const OPT_MESSAGE_TYPE = 53;
export const OPT_SERVER_ID = 54;
export const OPT_PARAM_LIST = 55;
export const OPT_MESSAGE = 56;
export const OPT_VENDOR_CLASS = 60;
export const OPT_CLIENT_ID = 61;
export const OPT_USER_CLASS = 77;
export const OPT_CLIENT_FQDN = 81;
export const OPT_RELAY_AGENT = 82;
export const OPT_END = 255;

const MESSAGE_TYPE_NAMES: Readonly<Record<number, string>> = {
  1: 'DISCOVER',
  2: 'OFFER',
  3: 'REQUEST',
  4: 'DECLINE',
  5: 'ACK',
  6: 'NAK',
  7: 'RELEASE',
  8: 'INFORM',
  9: 'FORCERENEW',
  10: 'LEASEQUERY',
  11: 'LEASEUNASSIGNED',
  12: 'LEASEUNKNOWN',
  13: 'LEASEACTIVE',
  14: 'BULKLEASEQUERY',
  15: 'LEASEQUERYDONE',
  16: 'ACTIVELEASEQUERY',
  17: 'LEASEQUERYSTATUS',
  18: 'TLS',
};

/** The name of a message type; -1 (no option 53) names the BOOTP op. */
export function messageTypeName(t: number, op: number): string {
  if (t < 0) return op === BOOTREPLY ? 'BOOTREPLY' : 'BOOTREQUEST';
  return MESSAGE_TYPE_NAMES[t] ?? `unknown-${t}`;
}

export function isKnownMessageType(t: number): boolean {
  return MESSAGE_TYPE_NAMES[t] !== undefined;
}
