// DHCPv6 (RFC 8415) wire constants and names. Message type and option names as the RFC and
// the IANA "DHCPv6 Parameters" registry spell them; DUID types as RFC 8415 §11 (LLT, EN, LL,
// UUID). Unknown codes are data: `unknown-<n>`.

export const DHCPV6_CLIENT_PORT = 546;
export const DHCPV6_SERVER_PORT = 547;

export const RELAY_FORW = 12;
export const RELAY_REPL = 13;

const MESSAGE_TYPE_NAMES: Readonly<Record<number, string>> = {
  1: 'SOLICIT',
  2: 'ADVERTISE',
  3: 'REQUEST',
  4: 'CONFIRM',
  5: 'RENEW',
  6: 'REBIND',
  7: 'REPLY',
  8: 'RELEASE',
  9: 'DECLINE',
  10: 'RECONFIGURE',
  11: 'INFORMATION-REQUEST',
  12: 'RELAY-FORW',
  13: 'RELAY-REPL',
  14: 'LEASEQUERY',
  15: 'LEASEQUERY-REPLY',
  16: 'LEASEQUERY-DONE',
  17: 'LEASEQUERY-DATA',
  18: 'RECONFIGURE-REQUEST',
  19: 'RECONFIGURE-REPLY',
  20: 'DHCPV4-QUERY',
  21: 'DHCPV4-RESPONSE',
};

export function messageTypeName(t: number): string {
  return MESSAGE_TYPE_NAMES[t] ?? `unknown-${t}`;
}

export function isKnownMessageType(t: number): boolean {
  return MESSAGE_TYPE_NAMES[t] !== undefined;
}

/** Messages a server (or a relay towards the client) sends. */
export function isServerMessage(t: number): boolean {
  return t === 2 || t === 7 || t === 10 || t === 13 || t === 15 || t === 16 || t === 17 || t === 21;
}

export const OPT_CLIENTID = 1;
export const OPT_SERVERID = 2;
export const OPT_IA_NA = 3;
export const OPT_IA_TA = 4;
export const OPT_IAADDR = 5;
export const OPT_ORO = 6;
export const OPT_RELAY_MSG = 9;
export const OPT_STATUS_CODE = 13;
export const OPT_USER_CLASS = 15;
export const OPT_VENDOR_CLASS = 16;
export const OPT_DNS_SERVERS = 23;
export const OPT_DOMAIN_LIST = 24;
export const OPT_IA_PD = 25;
export const OPT_IAPREFIX = 26;
export const OPT_CLIENT_FQDN = 39;

const DUID_TYPE_NAMES: Readonly<Record<number, string>> = { 1: 'LLT', 2: 'EN', 3: 'LL', 4: 'UUID' };

export function duidTypeName(t: number): string {
  return DUID_TYPE_NAMES[t] ?? `unknown-${t}`;
}

const STATUS_NAMES: Readonly<Record<number, string>> = {
  0: 'Success',
  1: 'UnspecFail',
  2: 'NoAddrsAvail',
  3: 'NoBinding',
  4: 'NotOnLink',
  5: 'UseMulticast',
  6: 'NoPrefixAvail',
  7: 'UnknownQueryType',
  8: 'MalformedQuery',
  9: 'NotConfigured',
  10: 'NotAllowed',
  11: 'QueryTerminated',
  12: 'DataMissing',
  13: 'CatchUpComplete',
  14: 'NotSupported',
  15: 'TLSConnectionRefused',
  16: 'AddressInUse',
  17: 'ConfigurationConflict',
  18: 'MissingBindingInformation',
  19: 'OutdatedBindingInformation',
  20: 'ServerShuttingDown',
  21: 'DNSUpdateNotSupported',
  22: 'ExcessiveTimeSkew',
};

export function statusName(s: number): string {
  return STATUS_NAMES[s] ?? `unknown-${s}`;
}
