// One DHCPv6 message (RFC 8415 §8, §9, §21): a client/server message (type, 3-byte
// transaction id, options) or a relay message (type, hop count, link and peer addresses,
// options) whose Relay Message option holds the message it forwards; relays are unwrapped
// (at most MAX_RELAY_DEPTH deep) down to the client or server message. Options nest (IA_NA
// holds IAADDR, which holds a status code); nesting is bounded by MAX_OPTION_DEPTH. Pure:
// bytes in, a reused Dhcpv6Msg out, problems as flags.
import { NAME_OK, NAME_TRUNCATED, type NameReader } from '../../dissect/dns-name.ts';
import { bytesHex, bytesMac, bytesText, ipv6Text } from '../../dissect/text.ts';
import {
  OPT_CLIENTID, OPT_CLIENT_FQDN, OPT_DNS_SERVERS, OPT_DOMAIN_LIST, OPT_IAADDR, OPT_IAPREFIX, OPT_IA_NA, OPT_IA_PD, OPT_IA_TA,
  OPT_ORO, OPT_RELAY_MSG, OPT_SERVERID, OPT_STATUS_CODE, OPT_USER_CLASS, OPT_VENDOR_CLASS, RELAY_FORW, RELAY_REPL,
} from './constants.ts';

export const MAX_RELAY_DEPTH = 8;
/** DHCPv6 names are never compressed (RFC 8415 §10). */
const NO_POINTERS = { pointers: false } as const;
const MAX_OPTION_DEPTH = 4;
/** Addresses, prefixes, names and servers kept per list. */
export const MAX_LIST = 16;

export const PROBLEM = {
  TRUNCATED: 1,
  /** An option whose length runs past its container. */
  BAD_OPTION: 2,
  /** An option whose content does not fit its definition. */
  BAD_VALUE: 4,
  /** Relays nested deeper than MAX_RELAY_DEPTH. */
  RELAY_DEPTH: 8,
} as const;

function readU16(d: Uint8Array, off: number): number {
  return (d[off] << 8) | d[off + 1];
}

function readU32(d: Uint8Array, off: number): number {
  return ((d[off] << 24) | (d[off + 1] << 16) | (d[off + 2] << 8) | d[off + 3]) >>> 0;
}

export class Dhcpv6Msg {
  /** The first message type (RELAY-FORW for a relayed message) and the innermost one. */
  outerType = 0;
  msgType = 0;
  /** -1 when there is no client/server message (a relay without a Relay Message option). */
  xid = -1;
  /** The link address of the outermost relay message. */
  relayLink: string | undefined = undefined;
  clientDuid: string | undefined = undefined;
  clientDuidType = -1;
  /** The link-layer address of a client DUID-LLT / DUID-LL of hardware type 1 (Ethernet). */
  clientMac: string | undefined = undefined;
  serverDuid: string | undefined = undefined;
  serverDuidType = -1;
  /** Option Request option: the codes, comma-joined. */
  oro: string | undefined = undefined;
  vendorEnterprise = -1;
  /** Vendor class data: its instances as text, comma-joined. */
  vendorClass: string | undefined = undefined;
  userClass: string | undefined = undefined;
  fqdn: string | undefined = undefined;
  domainList: string[] | null = null;
  dnsServers: string[] | null = null;
  addrs: string[] | null = null;
  prefixes: string[] | null = null;
  /** Valid lifetime of the first address (else prefix), seconds. */
  validLifetime = -1;
  statusCode = -1;
  statusMessage: string | undefined = undefined;
  problems = 0;
  detail = '';

  reset(): void {
    this.outerType = this.msgType = 0;
    this.xid = this.clientDuidType = this.serverDuidType = this.vendorEnterprise = this.validLifetime = this.statusCode = -1;
    this.relayLink = this.clientDuid = this.clientMac = this.serverDuid = this.oro = this.vendorClass = this.userClass = undefined;
    this.fqdn = this.statusMessage = undefined;
    this.domainList = this.dnsServers = this.addrs = this.prefixes = null;
    this.problems = 0;
    this.detail = '';
  }

  /** Detail of each problem flag's first occurrence, by bit. */
  private readonly details: string[] = ['', '', '', '', '', '', '', ''];

  problem(flag: number, detail: string): void {
    if (this.problems === 0) this.detail = detail;
    if ((this.problems & flag) === 0) this.details[31 - Math.clz32(flag)] = detail;
    this.problems |= flag;
  }

  /** The detail of problem `flag` (of its first occurrence in the message). */
  detailOf(flag: number): string {
    return (this.problems & flag) !== 0 ? this.details[31 - Math.clz32(flag)] : '';
  }
}

/** Parses d[off, off + len); false when shorter than a message header (4 bytes). */
export function parseDhcpv6(d: Uint8Array, off: number, len: number, m: Dhcpv6Msg, names: NameReader): boolean {
  m.reset();
  if (len < 4) return false;
  let p = off;
  let end = off + len;
  m.outerType = d[p];
  for (let depth = 0; ; depth++) {
    const t = d[p];
    m.msgType = t;
    if (t !== RELAY_FORW && t !== RELAY_REPL) {
      if (p + 4 > end) {
        m.problem(PROBLEM.TRUNCATED, 'message header');
        return true;
      }
      m.xid = (d[p + 1] << 16) | (d[p + 2] << 8) | d[p + 3];
      options(d, p + 4, end, m, names, 0);
      return true;
    }
    if (depth >= MAX_RELAY_DEPTH) {
      m.problem(PROBLEM.RELAY_DEPTH, `relays nested over ${MAX_RELAY_DEPTH} deep`);
      return true;
    }
    if (p + 34 > end) {
      m.problem(PROBLEM.TRUNCATED, 'relay header');
      return true;
    }
    if (depth === 0) m.relayLink = ipv6Text(d, p + 2);
    // Find the Relay Message option; its value is the next message in.
    let q = p + 34;
    let inner = -1;
    let innerEnd = -1;
    while (q + 4 <= end) {
      const code = readU16(d, q);
      const n = readU16(d, q + 2);
      if (q + 4 + n > end) {
        m.problem(PROBLEM.BAD_OPTION, `relay option ${code} runs past the message`);
        break;
      }
      if (code === OPT_RELAY_MSG) {
        inner = q + 4;
        innerEnd = q + 4 + n;
      }
      q += 4 + n;
    }
    if (inner < 0 || innerEnd - inner < 1) return true;
    p = inner;
    end = innerEnd;
  }
}

function duid(d: Uint8Array, v: number, n: number, m: Dhcpv6Msg, client: boolean): void {
  const text = bytesHex(d, v, n);
  const type = n >= 2 ? readU16(d, v) : -1;
  if (client) {
    m.clientDuid = text;
    m.clientDuidType = type;
    // DUID-LLT: type, hardware type, time (4), address; DUID-LL: type, hardware type, address.
    const at = type === 1 ? 8 : type === 3 ? 4 : -1;
    if (at > 0 && n === at + 6 && readU16(d, v + 2) === 1) m.clientMac = bytesMac(d, v + at, 6);
  } else {
    m.serverDuid = text;
    m.serverDuidType = type;
  }
}

function options(d: Uint8Array, p: number, end: number, m: Dhcpv6Msg, names: NameReader, depth: number): void {
  while (p < end) {
    if (p + 4 > end) {
      m.problem(PROBLEM.TRUNCATED, 'option header cut');
      return;
    }
    const code = readU16(d, p);
    const n = readU16(d, p + 2);
    const v = p + 4;
    if (v + n > end) {
      m.problem(PROBLEM.BAD_OPTION, `option ${code} runs past its container`);
      return;
    }
    switch (code) {
      case OPT_CLIENTID:
        duid(d, v, n, m, true);
        break;
      case OPT_SERVERID:
        duid(d, v, n, m, false);
        break;
      case OPT_ORO: {
        let s = '';
        for (let i = 0; i + 2 <= n; i += 2) s += i === 0 ? String(readU16(d, v + i)) : ',' + readU16(d, v + i);
        if (n % 2 !== 0) m.problem(PROBLEM.BAD_VALUE, `option request option of ${n} bytes`);
        m.oro = s;
        break;
      }
      case OPT_IA_NA:
      case OPT_IA_PD:
        if (n < 12) m.problem(PROBLEM.BAD_VALUE, `IA option ${code} of ${n} bytes`);
        else if (depth < MAX_OPTION_DEPTH) options(d, v + 12, v + n, m, names, depth + 1);
        break;
      case OPT_IA_TA:
        if (n < 4) m.problem(PROBLEM.BAD_VALUE, `IA_TA of ${n} bytes`);
        else if (depth < MAX_OPTION_DEPTH) options(d, v + 4, v + n, m, names, depth + 1);
        break;
      case OPT_IAADDR:
        if (n < 24) {
          m.problem(PROBLEM.BAD_VALUE, `IAADDR of ${n} bytes`);
          break;
        }
        if ((m.addrs ??= []).length < MAX_LIST) m.addrs.push(ipv6Text(d, v));
        if (m.validLifetime < 0) m.validLifetime = readU32(d, v + 20);
        if (depth < MAX_OPTION_DEPTH) options(d, v + 24, v + n, m, names, depth + 1);
        break;
      case OPT_IAPREFIX:
        if (n < 25) {
          m.problem(PROBLEM.BAD_VALUE, `IAPREFIX of ${n} bytes`);
          break;
        }
        if ((m.prefixes ??= []).length < MAX_LIST) m.prefixes.push(`${ipv6Text(d, v + 9)}/${d[v + 8]}`);
        if (m.validLifetime < 0) m.validLifetime = readU32(d, v + 4);
        if (depth < MAX_OPTION_DEPTH) options(d, v + 25, v + n, m, names, depth + 1);
        break;
      case OPT_STATUS_CODE:
        if (n < 2) {
          m.problem(PROBLEM.BAD_VALUE, `status code of ${n} bytes`);
          break;
        }
        // The message's own status wins over one inside an IA.
        if (depth === 0 || m.statusCode < 0) {
          m.statusCode = readU16(d, v);
          m.statusMessage = n > 2 ? bytesText(d, v + 2, n - 2) : undefined;
        }
        break;
      case OPT_USER_CLASS:
        m.userClass = lengthPrefixed(d, v, n, m);
        break;
      case OPT_VENDOR_CLASS:
        if (n < 4) {
          m.problem(PROBLEM.BAD_VALUE, `vendor class of ${n} bytes`);
          break;
        }
        m.vendorEnterprise = readU32(d, v);
        m.vendorClass = lengthPrefixed(d, v + 4, n - 4, m);
        break;
      case OPT_DNS_SERVERS: {
        if (n % 16 !== 0) m.problem(PROBLEM.BAD_VALUE, `DNS servers option of ${n} bytes`);
        const l: string[] = [];
        for (let i = 0; i + 16 <= n && l.length < MAX_LIST; i += 16) l.push(ipv6Text(d, v + i));
        m.dnsServers = l;
        break;
      }
      case OPT_DOMAIN_LIST: {
        const l: string[] = [];
        let q = v;
        while (q < v + n && l.length < MAX_LIST) {
          const name = names.read(d, v, v + n, q, NO_POINTERS);
          if (names.problem !== NAME_OK) {
            m.problem(PROBLEM.BAD_VALUE, 'domain list: bad name');
            break;
          }
          l.push(name);
          q = names.end;
        }
        m.domainList = l;
        break;
      }
      case OPT_CLIENT_FQDN:
        if (n >= 1) {
          // Flags, then a name in DNS wire format; a partial name (RFC 4704 §4.2) has no root label.
          const name = names.read(d, v + 1, v + n, v + 1, NO_POINTERS);
          if (names.problem === NAME_OK || (names.problem === NAME_TRUNCATED && names.labels > 0)) m.fqdn = name;
          else if (n > 1) m.problem(PROBLEM.BAD_VALUE, 'client FQDN: bad name');
        }
        break;
      default:
        break;
    }
    p = v + n;
  }
}

/** User and vendor class data: instances of a 2-byte length and opaque bytes, as text, comma-joined. */
function lengthPrefixed(d: Uint8Array, p: number, n: number, m: Dhcpv6Msg): string {
  const end = p + n;
  let s = '';
  let count = 0;
  while (p + 2 <= end && count < MAX_LIST) {
    const k = readU16(d, p);
    if (p + 2 + k > end) {
      m.problem(PROBLEM.BAD_VALUE, 'class data instance runs past the option');
      break;
    }
    s += (count === 0 ? '' : ',') + bytesText(d, p + 2, k);
    count++;
    p += 2 + k;
  }
  return s;
}
