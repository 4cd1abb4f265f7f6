// DNS wire constants and their names (RFC 1035 and the IANA "Domain Name System (DNS)
// Parameters" registry). Type, class, rcode and opcode names are the ones Zeek's
// base/protocols/dns/consts.zeek logs, which are the registry's mnemonics (with `*` for 255);
// unknown codes are data: `unknown-<n>` (Zeek writes `query-<n>`, `qclass-<n>`, `rcode-<n>`).

export const DNS_PORT = 53;
export const MDNS_PORT = 5353;
export const LLMNR_PORT = 5355;

/** Header: id, flags, qdcount, ancount, nscount, arcount (2 bytes each). */
export const DNS_HEADER_LEN = 12;

// Flags (the 16-bit word after the id).
export const FLAG_QR = 0x8000;
export const FLAG_AA = 0x0400;
export const FLAG_TC = 0x0200;
export const FLAG_RD = 0x0100;
export const FLAG_RA = 0x0080;

export const OPCODE_QUERY = 0;
export const OPCODE_NOTIFY = 4;
export const OPCODE_UPDATE = 5;

export const TYPE_A = 1;
export const TYPE_NS = 2;
export const TYPE_CNAME = 5;
export const TYPE_SOA = 6;
export const TYPE_WKS = 11;
export const TYPE_PTR = 12;
export const TYPE_HINFO = 13;
export const TYPE_MX = 15;
export const TYPE_TXT = 16;
export const TYPE_AAAA = 28;
export const TYPE_SRV = 33;
export const TYPE_A6 = 38;
export const TYPE_DNAME = 39;
export const TYPE_OPT = 41;
export const TYPE_DS = 43;
export const TYPE_SSHFP = 44;
export const TYPE_RRSIG = 46;
export const TYPE_NSEC = 47;
export const TYPE_DNSKEY = 48;
export const TYPE_NSEC3 = 50;
export const TYPE_NSEC3PARAM = 51;
export const TYPE_SPF = 99;

export const CLASS_IN = 1;
/** mDNS (RFC 6762 §5.4, §10.2): the top bit of a question's class asks for a unicast response. */
export const MDNS_QU_BIT = 0x8000;

const TYPE_NAMES: Readonly<Record<number, string>> = {
  1: 'A', 2: 'NS', 3: 'MD', 4: 'MF', 5: 'CNAME', 6: 'SOA', 7: 'MB', 8: 'MG', 9: 'MR', 10: 'NULL',
  11: 'WKS', 12: 'PTR', 13: 'HINFO', 14: 'MINFO', 15: 'MX', 16: 'TXT', 17: 'RP', 18: 'AFSDB', 19: 'X25', 20: 'ISDN',
  21: 'RT', 22: 'NSAP', 23: 'NSAP-PTR', 24: 'SIG', 25: 'KEY', 26: 'PX', 27: 'GPOS', 28: 'AAAA', 29: 'LOC', 30: 'NXT',
  31: 'EID', 32: 'NIMLOC', 33: 'SRV', 34: 'ATMA', 35: 'NAPTR', 36: 'KX', 37: 'CERT', 38: 'A6', 39: 'DNAME', 40: 'SINK',
  41: 'OPT', 42: 'APL', 43: 'DS', 44: 'SSHFP', 45: 'IPSECKEY', 46: 'RRSIG', 47: 'NSEC', 48: 'DNSKEY', 49: 'DHCID',
  50: 'NSEC3', 51: 'NSEC3PARAM', 52: 'TLSA', 53: 'SMIMEA', 55: 'HIP', 56: 'NINFO', 57: 'RKEY', 58: 'TALINK', 59: 'CDS',
  60: 'CDNSKEY', 61: 'OPENPGPKEY', 62: 'CSYNC', 63: 'ZONEMD', 64: 'SVCB', 65: 'HTTPS', 99: 'SPF', 100: 'UINFO',
  101: 'UID', 102: 'GID', 103: 'UNSPEC', 104: 'NID', 105: 'L32', 106: 'L64', 107: 'LP', 108: 'EUI48', 109: 'EUI64',
  249: 'TKEY', 250: 'TSIG', 251: 'IXFR', 252: 'AXFR', 253: 'MAILB', 254: 'MAILA', 255: '*', 256: 'URI', 257: 'CAA',
  32768: 'TA', 32769: 'DLV', 65281: 'WINS', 65282: 'WINS-R', 65422: 'XPF', 65521: 'INTEGRITY',
};

const CLASS_NAMES: Readonly<Record<number, string>> = {
  1: 'C_INTERNET', 2: 'C_CSNET', 3: 'C_CHAOS', 4: 'C_HESIOD', 254: 'C_NONE', 255: 'C_ANY',
};

const RCODE_NAMES: Readonly<Record<number, string>> = {
  0: 'NOERROR', 1: 'FORMERR', 2: 'SERVFAIL', 3: 'NXDOMAIN', 4: 'NOTIMP', 5: 'REFUSED', 6: 'YXDOMAIN', 7: 'YXRRSET',
  8: 'NXRRSet', 9: 'NOTAUTH', 10: 'NOTZONE', 16: 'BADVERS', 17: 'BADKEY', 18: 'BADTIME', 19: 'BADMODE', 20: 'BADNAME',
  21: 'BADALG', 22: 'BADTRUNC', 23: 'BADCOOKIE',
};

const OPCODE_NAMES: Readonly<Record<number, string>> = {
  0: 'query', 1: 'iquery', 2: 'server-status', 4: 'notify', 5: 'dynamic-update', 6: 'dso',
};

// Names are made once: a record's name fields are then lookups, not string building.
const typeNameCache = new Map<number, string>();

export function typeName(t: number): string {
  const n = TYPE_NAMES[t];
  if (n !== undefined) return n;
  let s = typeNameCache.get(t);
  if (s === undefined) {
    s = `unknown-${t}`;
    if (typeNameCache.size < 1024) typeNameCache.set(t, s);
  }
  return s;
}

export function className(c: number): string {
  return CLASS_NAMES[c] ?? `unknown-${c}`;
}

export function rcodeName(r: number): string {
  return RCODE_NAMES[r] ?? `unknown-${r}`;
}

export function opcodeName(o: number): string {
  return OPCODE_NAMES[o] ?? `unknown-${o}`;
}

/** Whether opcode `o` has a name (RFC 1035, 1996, 2136, 8490; 3 and 7..15 are unassigned). */
export function isKnownOpcode(o: number): boolean {
  return OPCODE_NAMES[o] !== undefined;
}

/** Which protocol of the DNS family a flow carries, by its ports. */
export type DnsVariant = 'dns' | 'mdns' | 'llmnr';

export function variantOf(origP: number, respP: number): DnsVariant {
  if (respP === MDNS_PORT || origP === MDNS_PORT) return 'mdns';
  if (respP === LLMNR_PORT || origP === LLMNR_PORT) return 'llmnr';
  return 'dns';
}
